package config

import (
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary values to the variables with the most parsing
// and checks that Load never panics, that telemetry off never fails, and
// that a header value never appears in an error.
func FuzzLoad(f *testing.F) {
	f.Add("1", "otlp,prometheus", "http/protobuf", "http://c:4318/", "Authorization=Bearer%20x", "a=b,c=d", "60000", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("1", "otlp", "http", "ftp://x", "no-equals-Hunter2Hunter2", "=", "-1", "garbage")
	f.Add("true", "console,none", "grpc", "collector:4317", "k=%zz", "k=%", "2e3", "")
	f.Add("0", "bogus", "", "", "", "", "", "")
	f.Add("1", ",,", "GRPC", "http://[::1", "a=b,,=c", "a", "64_000", "00-00000000000000000000000000000000-0000000000000000-00")
	f.Fuzz(func(t *testing.T, enabled, exporters, protocol, endpoint, headers, attrs, interval, traceparent string) {
		e := env{
			"CLAUDE_CODE_ENABLE_TELEMETRY":        enabled,
			"OTEL_METRICS_EXPORTER":               exporters,
			"OTEL_LOGS_EXPORTER":                  exporters,
			"OTEL_TRACES_EXPORTER":                exporters,
			"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": enabled,
			"OTEL_EXPORTER_OTLP_PROTOCOL":         protocol,
			"OTEL_EXPORTER_OTLP_ENDPOINT":         endpoint,
			"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT":    endpoint,
			"OTEL_EXPORTER_OTLP_HEADERS":          headers,
			"OTEL_RESOURCE_ATTRIBUTES":            attrs,
			"OTEL_METRIC_EXPORT_INTERVAL":         interval,
			"OTEL_EXPORTER_PROMETHEUS_PORT":       interval,
			"CLAUDE_CODE_MAX_RETRIES":             interval,
			"OTEL_LOG_RAW_API_BODIES":             attrs,
			"TRACEPARENT":                         traceparent,
		}
		cfg, err := Load(WithGetenv(e.getenv), WithoutManagedSettings())
		if !truthy(enabled) {
			if err != nil || cfg.Enabled {
				t.Fatalf("disabled telemetry failed: %v", err)
			}
			return
		}
		_ = cfg.Describe()
		if err == nil {
			return
		}
		// A header value long enough not to occur by chance, and not
		// given to a printed variable too, must never be printed.
		if h := strings.TrimSpace(headers); len(h) >= 12 {
			others := strings.Join([]string{enabled, exporters, protocol, endpoint, attrs, interval, traceparent}, "\x00")
			if !strings.Contains(others, h) && strings.Contains(err.Error(), h) {
				t.Fatalf("headers value printed: %v", err)
			}
		}
	})
}
