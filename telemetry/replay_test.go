package telemetry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// startLikeCapture starts ccotel with the environment Claude Code ran with in
// the capture, pointed at an in-process receiver instead.
func startLikeCapture(t *testing.T, c *conformance.Capture, opts ...telemetry.Option) (*telemetry.Telemetry, *otlptest.Receiver) {
	t.Helper()
	rcv := otlptest.Start(t, otlptest.Options{})
	var environ []string
	for k, v := range c.RunInfo.Env() {
		switch {
		case k == "OTEL_EXPORTER_OTLP_ENDPOINT":
			v = rcv.HTTPEndpoint()
		case strings.HasPrefix(k, "OTEL_") || strings.HasPrefix(k, "CLAUDE_CODE_") || k == "ENABLE_BETA_TRACING_DETAILED" || k == "BETA_TRACING_ENDPOINT":
		default:
			continue
		}
		environ = append(environ, k+"="+v)
	}
	base := []telemetry.Option{
		telemetry.WithLoadOptions(config.WithEnviron(environ), config.WithoutManagedSettings()),
		telemetry.WithServiceVersion("2.1.330"),
		telemetry.WithTerminalType("dumb"),
		telemetry.WithCustomBaseURL(true),
		telemetry.WithEntrypoint("sdk-cli"),
	}
	tel, err := telemetry.Start(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return tel, rcv
}

func TestReplayTextDefault(t *testing.T) {
	capture, err := conformance.Load("2.1.330", "text_default")
	if err != nil {
		skipOrFail(t, err)
	}
	tel, rcv := startLikeCapture(t, capture)
	ctx, session := tel.StartSession(context.Background())
	loadBuiltinPlugins(ctx, tel)
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: "Say hello. SCN:text", MessageUUID: "5c0e8f3a-8d7e-4a7b-9a37-0e6f1c2d3b4a"})
	session.APIResponse(ctx, telemetry.APIResponse{
		Model:       "claude-sonnet-4-5-20250929",
		Usage:       pricing.Usage{InputTokens: 107, OutputTokens: 35, CacheReadTokens: 2000, CacheCreationTokens: 300},
		Duration:    39 * time.Millisecond,
		TTFT:        21 * time.Millisecond,
		RequestID:   "req_mock_f6c4ba3d0a1347dab7ce",
		StopReason:  "end_turn",
		Text:        "Hello!",
		MessageUUID: "6d1f9a4b-9e8f-4b8c-8b48-1f7a2d3e4c5b",
	})
	prompt.End(ctx)
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	want, err := capture.Shape()
	if err != nil {
		t.Fatal(err)
	}
	got, err := conformance.Shape(conformance.FromReceiver(rcv.Requests()))
	if err != nil {
		t.Fatal(err)
	}
	if d := conformance.Compare(want, got, compatibilityAllowances...); len(d) > 0 {
		t.Error(conformance.Report(d))
	}
}

func skipOrFail(t *testing.T, err error) {
	t.Helper()
	if testingInCI() {
		t.Fatal(err)
	}
	t.Skip(err)
}

// loadBuiltinPlugins reports the three default-bundle plugins every 2.1.330
// run loaded at start.
func loadBuiltinPlugins(ctx context.Context, tel *telemetry.Telemetry) {
	for _, name := range []string{"cc-plugin-agents-md", "cc-plugin-privacy", "cc-plugin-plugin-authoring"} {
		tel.Events().PluginLoaded(ctx, events.PluginLoaded{
			PluginName: name, MarketplaceName: "builtin", PluginScope: "default-bundle", EnabledVia: "default-enable",
			PluginIDHash: "0123456789abcdef", HasHooks: true,
		})
	}
}
