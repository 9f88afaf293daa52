package doctor_test

import (
	"context"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/doctor"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/otlptest"
)

type (
	otelcoltestMetrics = collectormetrics.ExportMetricsServiceRequest
	otelcoltestLogs    = collectorlogs.ExportLogsServiceRequest
	otelcoltestTraces  = collectortrace.ExportTraceServiceRequest
)

// canary is a secret that must never appear in a report.
const canary = "CANARY-s3cr3t-7f1d"

func check(t *testing.T, environ ...string) doctor.Report {
	t.Helper()
	base := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp",
		"OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20" + canary + ",x-team=platform"}
	r := doctor.Check(context.Background(), doctor.WithTimeout(10*time.Second),
		doctor.WithLoadOptions(config.WithEnviron(append(base, environ...)), config.WithoutManagedSettings()))
	noSecret(t, r)
	return r
}

func noSecret(t *testing.T, r doctor.Report) {
	t.Helper()
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{r.String(), string(js)} {
		if strings.Contains(out, canary) {
			t.Fatalf("the secret header value leaked:\n%s", out)
		}
	}
}

// only returns the single check of a signal.
func only(t *testing.T, r doctor.Report, sig config.Signal) doctor.Result {
	t.Helper()
	for _, e := range r.Exporters {
		if e.Signal == sig && e.Kind == config.ExporterOTLP {
			return e.Check
		}
	}
	t.Fatalf("no otlp exporter for %s:\n%s", sig, r)
	return doctor.Result{}
}

func TestRealCollectorAllProtocols(t *testing.T) {
	c := otelcoltest.Start(t)
	for _, proto := range []string{"grpc", "http/protobuf", "http/json"} {
		t.Run(proto, func(t *testing.T) {
			ep := c.HTTPEndpoint()
			if proto == "grpc" {
				ep = c.GRPCEndpoint()
			}
			r := check(t, "OTEL_EXPORTER_OTLP_PROTOCOL="+proto, "OTEL_EXPORTER_OTLP_ENDPOINT="+ep,
				"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1", "OTEL_TRACES_EXPORTER=otlp")
			if r.Failed() || len(r.Exporters) != 3 {
				t.Fatalf("want three passing checks:\n%s", r)
			}
			for _, e := range r.Exporters {
				if e.Check.Status != doctor.StatusOK || e.Protocol != proto || e.TLS != "none (plain text)" {
					t.Errorf("%s: %+v", e.Signal, e)
				}
				if strings.Join(e.Headers, ",") != "Authorization,x-team" {
					t.Errorf("header names %v", e.Headers)
				}
			}
			s := r.String()
			for _, want := range []string{"OTEL_EXPORTER_OTLP_HEADERS", "****", "environment", "Result: OK (3 checks passed)", "OTEL_LOG_USER_PROMPTS", "<REDACTED>"} {
				if !strings.Contains(s, want) {
					t.Errorf("report lacks %q:\n%s", want, s)
				}
			}
		})
	}
	// The test exports really arrived, one per signal and protocol.
	c.WaitForMetrics(t, func(reqs []*otelcoltestMetrics) bool {
		return len(otelcoltest.FlattenMetrics(reqs, doctor.Scope)) >= 3
	}, 20*time.Second)
	c.WaitForLogs(t, func(reqs []*otelcoltestLogs) bool { return len(otelcoltest.FlattenLogs(reqs)) >= 3 }, 20*time.Second)
	c.WaitForTraces(t, func(reqs []*otelcoltestTraces) bool { return len(otelcoltest.FlattenSpans(reqs)) >= 3 }, 20*time.Second)
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestConnectionRefused(t *testing.T) {
	addr := closedPort(t)
	for _, proto := range []string{"grpc", "http/protobuf"} {
		r := check(t, "OTEL_EXPORTER_OTLP_PROTOCOL="+proto, "OTEL_EXPORTER_OTLP_ENDPOINT=http://"+addr)
		got := only(t, r, config.SignalMetrics)
		if got.Status != doctor.StatusFailed || !strings.Contains(got.Summary, "connection refused") || !r.Failed() {
			t.Fatalf("%s: %+v\n%s", proto, got, r)
		}
	}
}

func TestTLSToPlainHTTPPort(t *testing.T) {
	c := otelcoltest.Start(t)
	r := check(t, "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=https://"+c.HTTPAddr())
	got := only(t, r, config.SignalLogs)
	if got.Status != doctor.StatusFailed || got.Summary != "TLS spoken to a plain-HTTP port" || !strings.Contains(got.Hint, "http://") {
		t.Fatalf("%+v\n%s", got, r)
	}
	// gRPC with TLS to the plain gRPC port: the same diagnosis.
	r = check(t, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_ENDPOINT=https://"+c.GRPCAddr())
	if got := only(t, r, config.SignalMetrics); got.Summary != "TLS spoken to a plain-HTTP port" {
		t.Fatalf("grpc: %+v", got)
	}
}

func TestWrongProtocolForPort(t *testing.T) {
	c := otelcoltest.Start(t)
	r := check(t, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_ENDPOINT="+c.HTTPEndpoint())
	got := only(t, r, config.SignalMetrics)
	if got.Status != doctor.StatusFailed || got.Summary != "gRPC spoken to an OTLP/HTTP port" || !strings.Contains(got.Hint, "http/protobuf") {
		t.Fatalf("grpc to the http port: %+v\n%s", got, r)
	}
	r = check(t, "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT="+c.GRPCEndpoint())
	got = only(t, r, config.SignalMetrics)
	if got.Status != doctor.StatusFailed || !strings.Contains(got.Summary, "OTLP/HTTP spoken to a gRPC port") {
		t.Fatalf("http to the grpc port: %+v\n%s", got, r)
	}
}

func TestRejectedCredentials(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{RequiredHeaders: map[string]string{"Authorization": "Bearer the-right-token"}})
	for _, proto := range []string{"grpc", "http/protobuf", "http/json"} {
		ep := rcv.HTTPEndpoint()
		if proto == "grpc" {
			ep = rcv.GRPCEndpoint()
		}
		r := check(t, "OTEL_EXPORTER_OTLP_PROTOCOL="+proto, "OTEL_EXPORTER_OTLP_ENDPOINT="+ep)
		for _, sig := range []config.Signal{config.SignalMetrics, config.SignalLogs} {
			got := only(t, r, sig)
			if got.Status != doctor.StatusFailed || !strings.Contains(got.Summary, "rejected the credentials") ||
				!strings.Contains(got.Summary, "OTEL_EXPORTER_OTLP_HEADERS") {
				t.Fatalf("%s %s: %+v\n%s", proto, sig, got, r)
			}
		}
	}
	// With the right token the same receiver accepts.
	r := doctor.Check(context.Background(), doctor.WithLoadOptions(config.WithEnviron([]string{
		"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint(), "OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20the-right-token",
	}), config.WithoutManagedSettings()))
	if r.Failed() || strings.Contains(r.String(), "the-right-token") {
		t.Fatalf("right token:\n%s", r)
	}
}

func TestDynamicHeadersAreScrubbed(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{RequiredHeaders: map[string]string{"X-Api-Key": "expected"}})
	r := doctor.Check(context.Background(),
		doctor.WithHeadersFunc(func(context.Context) (map[string]string, error) {
			return map[string]string{"X-Api-Key": canary}, nil
		}),
		doctor.WithLoadOptions(config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp",
			"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint()}), config.WithoutManagedSettings()))
	noSecret(t, r)
	if got := only(t, r, config.SignalMetrics); !strings.Contains(got.Summary, "rejected the credentials") {
		t.Fatalf("%+v", got)
	}
}

func TestPrometheusPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_, free, _ := net.SplitHostPort(closedPort(t))
	for port, want := range map[string]doctor.Status{busy: doctor.StatusFailed, free: doctor.StatusOK} {
		r := doctor.Check(context.Background(), doctor.WithLoadOptions(config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1",
			"OTEL_METRICS_EXPORTER=prometheus", "OTEL_EXPORTER_PROMETHEUS_HOST=127.0.0.1", "OTEL_EXPORTER_PROMETHEUS_PORT=" + port}), config.WithoutManagedSettings()))
		if len(r.Exporters) != 1 || r.Exporters[0].Check.Status != want || r.Failed() != (want == doctor.StatusFailed) {
			t.Fatalf("port %s: want %s:\n%s", port, want, r)
		}
	}
}

func TestConfigErrorsAndDisabled(t *testing.T) {
	r := check(t, "OTEL_EXPORTER_OTLP_PROTOCOL=http")
	if !r.Failed() || !strings.Contains(r.ConfigError, "http/protobuf") || !strings.Contains(r.String(), "Configuration errors") {
		t.Fatalf("invalid protocol:\n%s", r)
	}
	for _, e := range r.Exporters {
		if e.Check.Status != doctor.StatusSkipped {
			t.Fatalf("tried an exporter of an invalid configuration: %+v", e)
		}
	}
	r = doctor.Check(context.Background(), doctor.WithLoadOptions(config.WithEnviron([]string{"OTEL_METRICS_EXPORTER=otlp"}), config.WithoutManagedSettings()))
	if r.Enabled || r.Failed() || len(r.Exporters) != 0 || !strings.Contains(r.String(), "Telemetry: disabled") {
		t.Fatalf("disabled:\n%s", r)
	}
}
