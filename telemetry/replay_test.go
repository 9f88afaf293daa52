package telemetry_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
)

// startLikeCapture starts ccotel with the environment Claude Code ran with in
// the capture, every endpoint in it pointed at an in-process receiver
// instead (routeEndpoints). It returns what all those receivers got.
func startLikeCapture(t *testing.T, c *conformance.Capture, opts ...telemetry.Option) (*telemetry.Telemetry, func() []otlptest.Request) {
	t.Helper()
	var environ []string
	for k, v := range c.RunInfo.Env() {
		if strings.HasPrefix(k, "OTEL_") || strings.HasPrefix(k, "CLAUDE_CODE_") || k == "ENABLE_BETA_TRACING_DETAILED" || k == "BETA_TRACING_ENDPOINT" {
			environ = append(environ, k+"="+v)
		}
	}
	environ, requests := routeEndpoints(t, environ)
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
	return tel, requests
}

// routeEndpoints points every endpoint variable of environ (the OTLP ones,
// per signal included, and BETA_TRACING_ENDPOINT) at an in-process receiver,
// never at the captured port, where anything may listen now. Endpoints that
// named one receiver in the capture (the same host and port) name one
// receiver here, so a span sent twice to it is counted twice, as Claude
// Code's receiver would have. It fails the test on an endpoint it cannot
// route.
func routeEndpoints(t *testing.T, environ []string) ([]string, func() []otlptest.Request) {
	t.Helper()
	byAddr := map[string]*otlptest.Receiver{}
	var rcvs []*otlptest.Receiver
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasSuffix(k, "_ENDPOINT") || strings.HasPrefix(k, "OTEL_EXPORTER_PROMETHEUS") {
			out = append(out, kv)
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			t.Fatalf("capture endpoint %s=%q: cannot route it to a receiver", k, v)
		}
		r := byAddr[u.Host]
		if r == nil {
			r = otlptest.Start(t, otlptest.Options{})
			byAddr[u.Host] = r
			rcvs = append(rcvs, r)
		}
		out = append(out, k+"="+strings.TrimRight(r.HTTPEndpoint(), "/")+u.Path)
	}
	return out, func() []otlptest.Request {
		var all []otlptest.Request
		for _, r := range rcvs {
			all = append(all, r.Requests()...)
		}
		return all
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

// TestRouteEndpoints: every endpoint of a capture's environment leaves the
// captured port; endpoints that shared a receiver share one again.
func TestRouteEndpoints(t *testing.T) {
	env, _ := routeEndpoints(t, []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:44318",
		"BETA_TRACING_ENDPOINT=http://127.0.0.1:44318",
		"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://127.0.0.1:45000/v1/logs",
		"OTEL_EXPORTER_PROMETHEUS_PORT=9464",
		"OTEL_METRICS_EXPORTER=otlp",
	})
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		got[k] = v
		if strings.Contains(v, ":44318") || strings.Contains(v, ":45000") {
			t.Errorf("%s still names the captured port: %s", k, v)
		}
	}
	if got["BETA_TRACING_ENDPOINT"] != got["OTEL_EXPORTER_OTLP_ENDPOINT"] {
		t.Errorf("one captured receiver became two: %q and %q", got["BETA_TRACING_ENDPOINT"], got["OTEL_EXPORTER_OTLP_ENDPOINT"])
	}
	if !strings.HasSuffix(got["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"], "/v1/logs") ||
		strings.HasPrefix(got["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"], got["OTEL_EXPORTER_OTLP_ENDPOINT"]) {
		t.Errorf("the logs endpoint %q should be a second receiver's /v1/logs", got["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"])
	}
	if got["OTEL_EXPORTER_PROMETHEUS_PORT"] != "9464" || got["OTEL_METRICS_EXPORTER"] != "otlp" {
		t.Errorf("non-endpoint variables changed: %v", got)
	}
}
