package e2e_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/telemetry"
	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
)

const hostileChildEnv = "CCOTEL_E2E_HOSTILE_CHILD"

// hostileEnv sets every variable the Go SDK's OTLP exporters, its
// providers, processors and readers read, to values that are wrong,
// unparsable or point elsewhere: the triggers of the SDK's stderr output
// (a bare gRPC endpoint, a timeout of 2e3, a trailing comma in the headers,
// missing certificate files) included.
func hostileEnv() []string {
	kv := []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=127.0.0.1:4317",
		"OTEL_EXPORTER_OTLP_PROTOCOL=carrier-pigeon",
		"OTEL_EXPORTER_OTLP_TIMEOUT=2e3",
		"OTEL_EXPORTER_OTLP_HEADERS=authorization=stolen,",
		"OTEL_EXPORTER_OTLP_COMPRESSION=brotli",
		"OTEL_EXPORTER_OTLP_INSECURE=perhaps",
		"OTEL_EXPORTER_OTLP_CERTIFICATE=/nonexistent/ca.pem",
		"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE=/nonexistent/client.pem",
		"OTEL_EXPORTER_OTLP_CLIENT_KEY=/nonexistent/client.key",
		"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=sideways",
		"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION=pie",
		"OTEL_GO_X_EXEMPLAR=maybe", "OTEL_GO_X_OBSERVABILITY=true", "OTEL_GO_X_SELF_OBSERVABILITY=true",
		"OTEL_GO_X_RESOURCE=true", "OTEL_GO_X_DEPRECATED_RUNTIME_METRICS=yes",
		"OTEL_METRICS_EXEMPLAR_FILTER=bogus", "OTEL_METRIC_EXPORT_INTERVAL=abc", "OTEL_METRIC_EXPORT_TIMEOUT=abc",
		"OTEL_BLRP_SCHEDULE_DELAY=abc", "OTEL_BLRP_EXPORT_TIMEOUT=abc", "OTEL_BLRP_MAX_QUEUE_SIZE=abc", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=abc",
		"OTEL_BSP_SCHEDULE_DELAY=abc", "OTEL_BSP_EXPORT_TIMEOUT=abc", "OTEL_BSP_MAX_QUEUE_SIZE=abc", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=abc",
		"OTEL_RESOURCE_ATTRIBUTES=%zz=,=x,service.name=hostile,shell.only=leaked", "OTEL_SERVICE_NAME=hostile",
		// The providers' own variables: ccotel passes sampler, limits and resource explicitly, so these
		// decide nothing. The three the SDK reads whatever it is passed are valid here but would drop every
		// span and fold every series: an invalid one is refused at Load (config TestSDKProcessValuesRefused).
		"OTEL_TRACES_SAMPLER=always_off", "OTEL_TRACES_SAMPLER_ARG=x", "OTEL_GO_X_CARDINALITY_LIMIT=1",
		"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT=abc", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT=abc",
		// Valid values: go.opentelemetry.io/auto/sdk prints invalid ones when it is initialised, before
		// main (docs/RELIABILITY.md).
		"OTEL_ATTRIBUTE_COUNT_LIMIT=0", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=1", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=0",
		"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT=1", "OTEL_SPAN_EVENT_COUNT_LIMIT=0", "OTEL_SPAN_LINK_COUNT_LIMIT=0",
		"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT=0", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT=0",
		// gRPC's own logger at its default severity (errors only), with every verbosity.
		"GRPC_GO_LOG_SEVERITY_LEVEL=ERROR", "GRPC_GO_LOG_VERBOSITY_LEVEL=99", "GRPC_GO_LOG_FORMATTER=json",
	}
	for _, sig := range []string{"METRICS", "LOGS", "TRACES"} {
		p := "OTEL_EXPORTER_OTLP_" + sig + "_"
		kv = append(kv,
			p+"ENDPOINT=http://hostile.invalid:1/elsewhere", p+"PROTOCOL=smoke-signals", p+"TIMEOUT=-5",
			p+"HEADERS==,%zz,", p+"COMPRESSION=zstd", p+"INSECURE=sometimes",
			p+"CERTIFICATE=/nonexistent/"+sig+"-ca.pem", p+"CLIENT_CERTIFICATE=/nonexistent/"+sig+".pem", p+"CLIENT_KEY=/nonexistent/"+sig+".key")
	}
	return kv
}

// TestHostileEnvChild is the child of TestHostileEnvironment: its process
// environment is hostile, its ccotel configuration comes from
// CCOTEL_E2E_CONFIG (as it would from settings files).
func TestHostileEnvChild(t *testing.T) {
	if os.Getenv(hostileChildEnv) != "1" {
		t.Skip("run by TestHostileEnvironment as a child process")
	}
	tel, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(
		config.WithEnviron(strings.Split(os.Getenv("CCOTEL_E2E_CONFIG"), "\n")), config.WithoutManagedSettings()))
	if err != nil {
		t.Fatal(err)
	}
	emitTimed(tel, 20)
	ctx, s := tel.StartSession(context.Background())
	pctx, prompt := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
	prompt.End(pctx)
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Error(err)
	}
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestHostileEnvironment: with every variable the Go OTLP exporters and SDK
// read set to hostile values, ccotel writes not one byte to stderr and its
// own configuration wins: metrics, events and spans reach the real
// Collector it names, over each protocol, with ccotel's resource.
func TestHostileEnvironment(t *testing.T) {
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			c := otelcoltest.Start(t)
			endpoint := c.Endpoint(protocol)
			if protocol == "grpc" {
				endpoint = strings.TrimPrefix(endpoint, "http://") // bare host:port, valid for ccotel
			}
			cfg := otlpEnv(protocol, endpoint, "delta").with(
				"OTEL_EXPORTER_OTLP_INSECURE", "true",
				"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA", "1", "OTEL_TRACES_EXPORTER", "otlp")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostileEnvChild$", "-test.count=1")
			cmd.Env = append(hostileEnv(), "PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"),
				hostileChildEnv+"=1", "CCOTEL_E2E_CONFIG="+strings.Join(cfg.list(), "\n"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr has %d bytes:\n%s", stderr.Len(), &stderr)
			}
			if strings.TrimSpace(stdout.String()) != "PASS" {
				t.Errorf("child stdout is not just PASS:\n%s", &stdout)
			}
			logs := c.WaitForLogs(t, func(r []*collectorlogs.ExportLogsServiceRequest) bool { return len(r) > 0 }, waitTimeout)
			c.WaitForMetrics(t, func(r []*collectormetrics.ExportMetricsServiceRequest) bool { return len(r) > 0 }, waitTimeout)
			c.WaitForTraces(t, func(r []*collectortrace.ExportTraceServiceRequest) bool { return len(r) > 0 }, waitTimeout)
			for _, kv := range logs[0].ResourceLogs[0].GetResource().GetAttributes() {
				if kv.Key == "service.name" && kv.Value.GetStringValue() != "claude-code" || kv.Key == "shell.only" {
					t.Errorf("%s=%q: the process environment leaked into the resource", kv.Key, kv.Value.GetStringValue())
				}
			}
		})
	}
}
