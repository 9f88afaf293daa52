package telemetry_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/internal/otlptest"
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
	// Any free port for the Prometheus endpoint (the capture used 9464);
	// tests reach it through PrometheusAddr.
	environ = append(environ, "OTEL_EXPORTER_PROMETHEUS_PORT=0")
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
