package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/redact"
	"github.com/ccotel/ccotel/telemetry"
)

// One session whose id, model and error are 10 MB each, and a resource
// attribute as long, sent together with an ordinary session's events, spans
// and points: the Collector rejects a request over 4 MiB (gRPC) or 20 MiB
// (HTTP), so unbounded values would fail whole batches. Bounded at emit,
// everything arrives on every protocol, nothing is counted lost, and each long
// value arrives as its valid UTF-8 prefix of at most redact.IdentifierMax
// bytes.
func TestTenMegabyteValues(t *testing.T) {
	const size = 10 << 20
	// Three-byte runes, so a cut at a byte count lands inside one unless it
	// keeps to rune boundaries.
	longID := strings.Repeat("€", size/3)
	longModel := "claude-" + strings.Repeat("é", size/2)
	longErr := "overloaded: " + strings.Repeat("x", size)
	longTeam := strings.Repeat("t", size)
	const n = 20
	for _, protocol := range protocols {
		t.Run(protocol, func(t *testing.T) {
			c := otelcoltest.Start(t)
			var errs errorLog
			tel := start(t, tracedEnv(protocol, c.Endpoint(protocol)).with("OTEL_RESOURCE_ATTRIBUTES", "team="+longTeam),
				telemetry.WithErrorHandler(errs.handle))

			lctx, long := tel.StartSession(context.Background(), telemetry.WithSessionID(longID))
			cost := 0.5
			ctx, s := tel.StartSession(context.Background())
			for i := 0; i < n; i++ {
				// Interleaved, so the long values share batches with the
				// ordinary session's data.
				pctx, p := long.StartPrompt(lctx, events.UserPrompt{Prompt: "hi"})
				long.APIResponse(pctx, telemetry.APIResponse{Model: longModel, CostUSD: &cost, RequestID: fmt.Sprint("req_long", i)})
				long.APIError(pctx, telemetry.APIFailure{Model: longModel, Error: longErr, StatusCode: 529})
				p.End(pctx)
				pctx, p = s.StartPrompt(ctx, events.UserPrompt{Prompt: "hello"})
				s.APIResponse(pctx, telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929", CostUSD: &cost, RequestID: fmt.Sprint("req_short", i)})
				p.End(pctx)
			}
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}
			if lost := tel.Stats().Lost(); lost != 0 {
				t.Fatalf("%d lost: %+v\nerrors:\n%s", lost, tel.Stats(), &errs)
			}
			if len(errs.all()) > 0 {
				t.Errorf("errors reported:\n%s", &errs)
			}
			st := bySignal(tel.Stats())
			want := peerCounts{points: int(st["metrics"].Exported), records: int(st["logs"].Exported), spans: int(st["traces"].Exported)}
			if got := waitCounts(t, c, want); got != want {
				t.Fatalf("the Collector holds %+v, Stats counts %+v exported", got, want)
			}

			id, model, errText, team := bounded(longID), bounded(longModel), bounded(longErr), bounded(longTeam)
			short := map[string]int{}
			seen := map[string]bool{}
			for _, r := range otelcoltest.FlattenLogs(c.Logs(t)) {
				a := otelcoltest.Attrs(r.Record.GetAttributes())
				if otelcoltest.Attrs(r.Resource.GetAttributes())["team"] != team {
					t.Fatalf("resource team: %d bytes, want the %d-byte prefix", len(otelcoltest.Attrs(r.Resource.GetAttributes())["team"]), len(team))
				}
				switch a["session.id"] {
				case s.ID():
					short[a["event.name"]]++
				case id:
					seen["session.id"] = true
					if a["event.name"] == "api_request" && a["model"] == model {
						seen["model"] = true
					}
					if a["event.name"] == "api_error" && a["error"] == errText {
						seen["error"] = true
					}
				default:
					t.Fatalf("event %s with a session.id of %d bytes", a["event.name"], len(a["session.id"]))
				}
			}
			if short["user_prompt"] != n || short["api_request"] != n {
				t.Errorf("the ordinary session's events: %v, want %d user_prompt and api_request", short, n)
			}
			for _, k := range []string{"session.id", "model", "error"} {
				if !seen[k] {
					t.Errorf("no event carries the bounded %s", k)
				}
			}
			var spanModel, metricModel bool
			for _, sp := range otelcoltest.FlattenSpans(c.Traces(t)) {
				if otelcoltest.Attrs(sp.Span.GetAttributes())["model"] == model {
					spanModel = true
				}
			}
			for _, m := range otelcoltest.FlattenMetrics(c.Metrics(t), "claude_code.cost.usage") {
				for _, p := range m.Metric.GetSum().GetDataPoints() {
					if a := otelcoltest.Attrs(p.GetAttributes()); a["model"] == model && a["session.id"] == id {
						metricModel = true
					}
				}
			}
			if !spanModel || !metricModel {
				t.Errorf("bounded model on a span: %v, on a cost point: %v", spanModel, metricModel)
			}
		})
	}
}

// bounded is s cut to redact.IdentifierMax bytes at a rune boundary.
func bounded(s string) string {
	n := redact.IdentifierMax
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
