package telemetry_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	rpb "go.opentelemetry.io/proto/otlp/resource/v1"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// shellResource sets the resource variables a developer's shell may hold;
// the SDK's providers merge them into their resource by themselves.
func shellResource(t *testing.T) {
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "team=shell,shell.only=leaked")
	t.Setenv("OTEL_SERVICE_NAME", "shell-service")
}

// checkResource fails unless attrs are ccotel's configured resource.
func checkResource(t *testing.T, where string, attrs map[string]string) {
	t.Helper()
	if attrs["team"] != "managed" || attrs["service.name"] != "configured" || attrs["shell.only"] != "" {
		t.Errorf("%s: resource team=%q service.name=%q shell.only=%q, want managed, configured and none",
			where, attrs["team"], attrs["service.name"], attrs["shell.only"])
	}
}

func pbAttrs(r *rpb.Resource) map[string]string {
	m := map[string]string{}
	for _, kv := range r.GetAttributes() {
		m[kv.Key] = kv.Value.GetStringValue()
	}
	return m
}

// TestShellDoesNotLeakIntoResource: ccotel's configuration (a managed
// OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME from WithEnviron) says what
// the resource is; the process environment's OTEL_RESOURCE_ATTRIBUTES and
// OTEL_SERVICE_NAME, which the SDK's providers merge into theirs, reach
// neither the wire (three OTLP protocols, console, Prometheus target_info)
// nor Telemetry.Resource nor the test kit.
func TestShellDoesNotLeakIntoResource(t *testing.T) {
	shellResource(t)
	managed := filepath.Join(t.TempDir(), "managed-settings.json")
	if err := os.WriteFile(managed, []byte(`{"env": {"OTEL_RESOURCE_ATTRIBUTES": "team=managed"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		t.Run(protocol, func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			endpoint := rcv.Endpoint(protocol)
			var console syncBuffer
			tel, err := telemetry.Start(context.Background(), telemetry.WithConsoleWriter(&console),
				telemetry.WithLoadOptions(config.WithManagedSettingsPath(managed), config.WithEnviron([]string{
					"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1", "OTEL_SERVICE_NAME=configured",
					"OTEL_METRICS_EXPORTER=otlp,console,prometheus", "OTEL_LOGS_EXPORTER=otlp,console", "OTEL_TRACES_EXPORTER=otlp,console",
					"OTEL_EXPORTER_PROMETHEUS_HOST=127.0.0.1", "OTEL_EXPORTER_PROMETHEUS_PORT=0",
					"OTEL_EXPORTER_OTLP_PROTOCOL=" + protocol, "OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint})))
			if err != nil {
				t.Fatal(err)
			}
			ctx, s := tel.StartSession(context.Background())
			pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
			p.End(pctx)
			checkResource(t, "Telemetry.Resource", resourceMap(tel.Resource().Iter()))

			resp, err := http.Get("http://" + tel.PrometheusAddr() + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var info string
			for _, line := range strings.Split(string(body), "\n") {
				if strings.HasPrefix(line, "target_info{") {
					info = line
				}
			}
			if !strings.Contains(info, `team="managed"`) || !strings.Contains(info, `service_name="configured"`) || strings.Contains(info, "shell") {
				t.Errorf("prometheus target_info: %q", info)
			}

			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, sig := range []otlptest.Signal{otlptest.Metrics, otlptest.Logs, otlptest.Traces} {
				rcv.WaitForSignal(t, sig, time.Minute)
			}
			for _, q := range rcv.Requests() {
				for _, r := range q.Metrics.GetResourceMetrics() {
					checkResource(t, "otlp metrics", pbAttrs(r.Resource))
				}
				for _, r := range q.Logs.GetResourceLogs() {
					checkResource(t, "otlp logs", pbAttrs(r.Resource))
				}
				for _, r := range q.Traces.GetResourceSpans() {
					checkResource(t, "otlp traces", pbAttrs(r.Resource))
				}
			}
			out := console.String()
			if !strings.Contains(out, "configured") || strings.Contains(out, "shell") {
				t.Errorf("console output names the shell's resource or not ccotel's:\n%.2000s", out)
			}
		})
	}
}

func resourceMap(it attribute.Iterator) map[string]string {
	m := map[string]string{}
	for it.Next() {
		kv := it.Attribute()
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

// TestKitResourceIsConfigured: the kit's metrics and spans carry ccotel's
// resource, not the developer's shell's.
func TestKitResourceIsConfigured(t *testing.T) {
	shellResource(t)
	kit := telemetrytest.New(t, telemetrytest.WithVariable("OTEL_RESOURCE_ATTRIBUTES", "team=managed"),
		telemetrytest.WithVariable("OTEL_SERVICE_NAME", "configured"))
	ctx, s := kit.Telemetry.StartSession(context.Background())
	pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
	p.End(pctx)
	rm, err := kit.Collect()
	if err != nil {
		t.Fatal(err)
	}
	checkResource(t, "kit metrics", resourceMap(rm.Resource.Iter()))
	spans := kit.Spans()
	if len(spans) == 0 {
		t.Fatal("no spans")
	}
	checkResource(t, "kit spans", resourceMap(spans[0].Resource.Iter()))
}
