package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/telemetry"
)

// Every value is bounded, but a default batch of records each carrying several bounded values still exceeds what the
// Collector accepts in one request (4 MiB over gRPC, 20 MiB over HTTP): here 150 sessions, each with a 4 KiB
// session.id and model and one prompt at the content limit (61,440 three-byte runes, 184 KB), logged: the logs
// batch (300 events) and the spans batch (300 spans, the interaction span carries the prompt) encode to about 28 MB
// each, the metrics (about 1,000 points with two 4 KiB values each) to about 8 MB. The exporters split each batch
// into requests of at most MaxRequestBytes, so the real Collector receives everything, on every protocol, and Stats
// counts it as exported: nothing lost, nothing counted twice.
func TestLargeBatchesSplit(t *testing.T) {
	const sessions = 150
	prompt := strings.Repeat("€", 61_440-100) // under the content limit with its marker: kept whole
	model := "claude-" + strings.Repeat("m", 4096-len("claude-"))
	cost := 0.5
	for _, protocol := range protocols {
		t.Run(protocol, func(t *testing.T) {
			c := otelcoltest.Start(t)
			var errs errorLog
			tel := start(t, tracedEnv(protocol, c.Endpoint(protocol)).with("OTEL_LOG_USER_PROMPTS", "1",
				// Tens of megabytes to encode on a loaded machine: no wall-clock bound decides.
				"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "600000"),
				telemetry.WithErrorHandler(errs.handle))
			for i := 0; i < sessions; i++ {
				id := fmt.Sprintf("%04d", i) + strings.Repeat("s", 4096-4)
				ctx, s := tel.StartSession(context.Background(), telemetry.WithSessionID(id))
				pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: prompt})
				s.APIResponse(pctx, telemetry.APIResponse{Model: model, CostUSD: &cost, RequestID: fmt.Sprint("req", i)})
				p.End(pctx)
			}
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v\nerrors:\n%s", err, &errs)
			}
			st := bySignal(tel.Stats())
			if lost := tel.Stats().Lost(); lost != 0 || len(errs.all()) > 0 {
				t.Fatalf("%d lost: %+v\nerrors:\n%s", lost, st, &errs)
			}
			want := peerCounts{points: int(st["metrics"].Exported), records: int(st["logs"].Exported), spans: int(st["traces"].Exported)}
			if want.records < 2*sessions || want.spans < 2*sessions {
				t.Fatalf("Stats counts %+v exported, want at least %d events and spans", want, 2*sessions)
			}
			if got := waitCounts(t, c, want); got != want {
				t.Fatalf("the Collector holds %+v, Stats counts %+v exported", got, want)
			}
			prompts := 0
			for _, r := range otelcoltest.FlattenLogs(c.Logs(t)) {
				if a := otelcoltest.Attrs(r.Record.GetAttributes()); a["event.name"] == "user_prompt" && a["prompt"] == prompt {
					prompts++
				}
			}
			if prompts != sessions {
				t.Errorf("the Collector holds %d whole prompts, want %d", prompts, sessions)
			}
		})
	}
}
