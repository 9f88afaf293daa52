package config

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestBadInputRefused: every value the wire would reject is a config
// error naming the variable and what is allowed, and quoting no secret.
func TestBadInputRefused(t *testing.T) {
	const secret = "Zq9SECRET"
	otlp := func(proto string, e env) env {
		out := on(env{"OTEL_METRICS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": proto})
		for k, v := range e {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name      string
		env       env
		variable  string
		fragments []string
	}{
		{"CR in a header value", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_HEADERS": "a=" + secret + "%0D%0AX-Injected: 1"}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"header 1", "control character", "allowed"}},
		{"LF in a header value", otlp("http/json", env{"OTEL_EXPORTER_OTLP_METRICS_HEADERS": "ok=1,b=" + secret + "%0A"}), "OTEL_EXPORTER_OTLP_METRICS_HEADERS", []string{"header 2", "control character"}},
		{"NUL in a header value", otlp("grpc", env{"OTEL_EXPORTER_OTLP_HEADERS": "a=%00" + secret}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"control character"}},
		{"ESC in a header value", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_HEADERS": "a=%1B" + secret}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"control character"}},
		{"DEL in a header value", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_HEADERS": "a=" + secret + "%7F"}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"control character"}},
		{"non-ASCII over gRPC", otlp("grpc", env{"OTEL_EXPORTER_OTLP_HEADERS": "a=%C3%A9" + secret}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"printable ASCII"}},
		{"a space in a header name", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_HEADERS": "bad name=" + secret}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"not a valid HTTP token"}},
		{"a colon in a header name", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_HEADERS": "x:y=" + secret}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"not a valid HTTP token"}},
		{"a token that is no gRPC key", otlp("grpc", env{"OTEL_EXPORTER_OTLP_HEADERS": "x!y=" + secret}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"gRPC metadata key"}},
		{"a reserved gRPC key", otlp("grpc", env{"OTEL_EXPORTER_OTLP_HEADERS": "grpc-timeout=1S"}), "OTEL_EXPORTER_OTLP_HEADERS", []string{"gRPC metadata key"}},
		{"endpoint port 99999", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:99999"}), "OTEL_EXPORTER_OTLP_ENDPOINT", []string{"port is out of range", "collector:99999"}},
		{"endpoint port 0", otlp("grpc", env{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "collector:0"}), "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", []string{"port is out of range"}},
		{"endpoint empty port", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:"}), "OTEL_EXPORTER_OTLP_ENDPOINT", []string{"port is empty"}},
		{"endpoint with a control character", otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector\x00:4318"}), "OTEL_EXPORTER_OTLP_ENDPOINT", []string{"not a URL"}},
		{"detailed tracing port", on(env{"ENABLE_BETA_TRACING_DETAILED": "1", "BETA_TRACING_ENDPOINT": "https://x:70000"}), "BETA_TRACING_ENDPOINT", []string{"port is out of range"}},
		{"proxy port", otlp("http/protobuf", env{"HTTPS_PROXY": "http://u:" + secret + "@proxy:123456"}), "HTTPS_PROXY", []string{"port is out of range"}},
		{"prometheus port 99999", on(env{"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": "99999"}), "OTEL_EXPORTER_PROMETHEUS_PORT", []string{"out of range", "0 to 65535"}},
		{"prometheus host with a port", on(env{"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_HOST": "localhost:9464"}), "OTEL_EXPORTER_PROMETHEUS_HOST", []string{"not a host name"}},
		{"prometheus host with a newline", on(env{"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_HOST": "local\nhost"}), "OTEL_EXPORTER_PROMETHEUS_HOST", []string{"not a host name"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.env)
			if err == nil {
				t.Fatal("accepted")
			}
			wantProblem(t, err, tc.variable, tc.fragments...)
			if strings.Contains(err.Error(), secret) {
				t.Errorf("secret in %v", err)
			}
		})
	}
	// What is right stays right.
	cfg := mustLoad(t, otlp("grpc", env{"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20abc,x-team.id=a_b", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:65535"}))
	if len(cfg.Metrics.OTLP.Headers) != 2 || cfg.Metrics.OTLP.Endpoint != "https://collector:65535" {
		t.Errorf("%d headers, endpoint %q", len(cfg.Metrics.OTLP.Headers), cfg.Metrics.OTLP.Endpoint)
	}
	cfg = mustLoad(t, otlp("http/protobuf", env{"OTEL_EXPORTER_OTLP_HEADERS": "X-Tab=a%09b,X-Utf8=%C3%A9"}))
	if len(cfg.Metrics.OTLP.Headers) != 2 {
		t.Errorf("%d headers", len(cfg.Metrics.OTLP.Headers))
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost", "metrics.internal"} {
		cfg = mustLoad(t, on(env{"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_HOST": host}))
		if cfg.Metrics.Prometheus.Host != host {
			t.Errorf("host %q", cfg.Metrics.Prometheus.Host)
		}
	}
}

// TestHeadersParseInLinearWork: parsing n header pairs (distinct names,
// and the same name repeated) allocates in proportion to n. The quadratic
// merge copied the list once per pair: 16 times the pairs allocated about
// 256 times the bytes. Bytes are counted, not time, so a loaded machine
// cannot decide it.
func TestHeadersParseInLinearWork(t *testing.T) {
	for _, same := range []bool{false, true} {
		work := func(n int) uint64 {
			var b strings.Builder
			for i := range n {
				name := fmt.Sprintf("x-h%d", i)
				if same {
					name = "x-same"
				}
				fmt.Fprintf(&b, "%s=v%d,", name, i)
			}
			e := on(env{"OTEL_METRICS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_HEADERS": b.String()})
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			cfg := mustLoad(t, e)
			runtime.ReadMemStats(&after)
			if want := map[bool]int{false: n, true: 1}[same]; len(cfg.Metrics.OTLP.Headers) != want {
				t.Fatalf("%d headers, want %d", len(cfg.Metrics.OTLP.Headers), want)
			}
			return after.TotalAlloc - before.TotalAlloc
		}
		small, large := work(1000), work(16000)
		if ratio := float64(large) / float64(small); ratio > 48 {
			t.Errorf("same=%v: 16x the pairs allocated %.0fx the bytes (%d vs %d): not linear", same, ratio, large, small)
		}
	}
}
