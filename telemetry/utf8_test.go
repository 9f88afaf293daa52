package telemetry_test

import (
	"context"
	"testing"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// One value with invalid UTF-8 must not cost the batch it travels in: every
// signal arrives, with U+FFFD in its place.
func TestInvalidUTF8ReachesTheWire(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{})
	tel, err := telemetry.Start(context.Background(), env(
		"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1",
		"OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp", "OTEL_TRACES_EXPORTER=otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT="+rcv.HTTPEndpoint(),
		"OTEL_RESOURCE_ATTRIBUTES=team=a%FFb"),
		telemetry.WithErrorHandler(func(err error) { t.Errorf("export error: %v", err) }))
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := tel.StartSession(context.Background())
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "p"})
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude\xff-model", Usage: pricing.Usage{InputTokens: 1}, CostUSD: new(0.5)})
	_, run := s.StartTool(ctx, telemetry.ToolCall{Name: "Bash", Command: "printf '\xfe'"})
	run.Done(ctx, telemetry.ToolOutcome{Success: false, Error: "bad \xc3", ErrorType: "ShellError"})
	p.End(ctx)
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	rcv.WaitForMetrics(t, 5*time.Second)
	rcv.WaitForLogs(t, 5*time.Second)
	rcv.WaitForTraces(t, 5*time.Second)
	for _, r := range rcv.Requests() {
		if r.Err != nil {
			t.Errorf("%s request refused: %v", r.Signal, r.Err)
		}
	}
}
