package config

import (
	"fmt"
	"slices"
	"testing"
)

// TestManagedLockHoles: one row per way a developer setting used to move a
// signal away from a managed destination, or export content managed
// settings turned off. Each row checks the effective configuration and that
// the ignored value is recorded as a WarningLocked naming the managed
// variable.
func TestManagedLockHoles(t *testing.T) {
	base := env{
		"OTEL_METRICS_EXPORTER":               "otlp",
		"OTEL_LOGS_EXPORTER":                  "otlp",
		"OTEL_TRACES_EXPORTER":                "otlp",
		"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "1",
		"OTEL_EXPORTER_OTLP_PROTOCOL":         "http/protobuf",
	}
	for _, tc := range []struct {
		name    string
		managed string // the env object of the managed file
		user    env
		check   func(Config) string // "" when right
		ignored map[string]string   // variable -> the managed variable that locks it
	}{
		{
			name:    "detailed beta tracing sends spans to its own endpoint",
			managed: `{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://corp"}`,
			user:    env{"ENABLE_BETA_TRACING_DETAILED": "1", "BETA_TRACING_ENDPOINT": "https://elsewhere"},
			check: func(c Config) string {
				if c.Traces.Detailed || c.Traces.DetailedEndpoint != "" {
					return "detailed tracing to " + c.Traces.DetailedEndpoint
				}
				return ""
			},
			ignored: map[string]string{"ENABLE_BETA_TRACING_DETAILED": "OTEL_EXPORTER_OTLP_ENDPOINT", "BETA_TRACING_ENDPOINT": "OTEL_EXPORTER_OTLP_ENDPOINT"},
		},
		{
			name:    "a proxy and a CA certificate that would read the managed destination's traffic",
			managed: `{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://corp", "OTEL_EXPORTER_OTLP_CERTIFICATE": "/etc/corp-ca.pem"}`,
			user:    env{"HTTPS_PROXY": "http://127.0.0.1:8080", "NODE_EXTRA_CA_CERTS": "/repo/evil-ca.pem", "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": "/repo/evil-ca.pem"},
			check: func(c Config) string {
				for _, o := range []OTLP{c.Metrics.OTLP, c.Logs.OTLP, c.Traces.OTLP} {
					if o.TLS.ProxyURL != "" || o.TLS.CAFile != "/etc/corp-ca.pem" {
						return fmt.Sprintf("proxied or trusting %q", o.TLS.CAFile)
					}
				}
				return ""
			},
			ignored: map[string]string{"HTTPS_PROXY": "OTEL_EXPORTER_OTLP_ENDPOINT", "NODE_EXTRA_CA_CERTS": "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": "OTEL_EXPORTER_OTLP_ENDPOINT"},
		},
		{
			name:    "a per-signal endpoint under a managed generic one",
			managed: `{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://corp"}`,
			user:    env{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://elsewhere/v1/traces"},
			check:   endpoints("https://corp/v1/metrics", "https://corp/v1/logs", "https://corp/v1/traces"),
			ignored: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "OTEL_EXPORTER_OTLP_ENDPOINT"},
		},
		{
			name:    "a generic endpoint under a managed per-signal one",
			managed: `{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "https://corp/v1/metrics"}`,
			user:    env{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://elsewhere"},
			check:   endpoints("https://corp/v1/metrics", "http://localhost:4318/v1/logs", "http://localhost:4318/v1/traces"),
			ignored: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"},
		},
		{
			name:    "the prometheus host and port",
			managed: `{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://corp", "OTEL_METRICS_EXPORTER": "otlp,prometheus"}`,
			user:    env{"OTEL_EXPORTER_PROMETHEUS_HOST": "0.0.0.0", "OTEL_EXPORTER_PROMETHEUS_PORT": "8080"},
			check: func(c Config) string {
				if c.Metrics.Prometheus != (Prometheus{Port: 9464}) {
					return fmt.Sprintf("prometheus %+v", c.Metrics.Prometheus)
				}
				return ""
			},
			ignored: map[string]string{"OTEL_EXPORTER_PROMETHEUS_HOST": "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_PROMETHEUS_PORT": "OTEL_EXPORTER_OTLP_ENDPOINT"},
		},
		{
			name:    "a managed prometheus port pins the destination",
			managed: `{"OTEL_EXPORTER_PROMETHEUS_PORT": "9464"}`,
			user:    env{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://elsewhere", "OTEL_EXPORTER_PROMETHEUS_HOST": "0.0.0.0"},
			check:   endpoints("http://localhost:4318/v1/metrics", "http://localhost:4318/v1/logs", "http://localhost:4318/v1/traces"),
			ignored: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "OTEL_EXPORTER_PROMETHEUS_PORT", "OTEL_EXPORTER_PROMETHEUS_HOST": "OTEL_EXPORTER_PROMETHEUS_PORT"},
		},
		{
			name:    "per-signal headers under managed headers",
			managed: `{"OTEL_EXPORTER_OTLP_HEADERS": "authorization=corp"}`,
			user:    env{"OTEL_EXPORTER_OTLP_LOGS_HEADERS": "authorization=mine"},
			check: func(c Config) string {
				if len(c.Logs.OTLP.Headers) != 1 || c.Logs.OTLP.Headers[0].Value.Reveal() != "corp" {
					return fmt.Sprintf("logs headers %d", len(c.Logs.OTLP.Headers))
				}
				return ""
			},
			ignored: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_HEADERS": "OTEL_EXPORTER_OTLP_HEADERS"},
		},
		{
			name:    "a per-signal protocol under a managed protocol",
			managed: `{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}`,
			user:    env{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "grpc"},
			check: func(c Config) string {
				if c.Logs.OTLP.Protocol != ProtocolHTTPJSON {
					return "logs protocol " + string(c.Logs.OTLP.Protocol)
				}
				return ""
			},
			ignored: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "OTEL_EXPORTER_OTLP_PROTOCOL"},
		},
		{
			name:    "a managed headers helper pins the destination",
			managed: `{}, "otelHeadersHelper": "/corp/helper"`,
			user:    env{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://elsewhere"},
			check:   endpoints("http://localhost:4318/v1/metrics", "http://localhost:4318/v1/logs", "http://localhost:4318/v1/traces"),
			ignored: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "otelHeadersHelper"},
		},
		{
			name:    "a managed detailed tracing endpoint pins the destination",
			managed: `{"BETA_TRACING_ENDPOINT": "https://corp-traces"}`,
			user:    env{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://elsewhere/v1/traces"},
			check:   endpoints("http://localhost:4318/v1/metrics", "http://localhost:4318/v1/logs", "http://localhost:4318/v1/traces"),
			ignored: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "BETA_TRACING_ENDPOINT"},
		},
		{
			name:    "raw API bodies carry the prompts managed settings turned off",
			managed: `{"OTEL_LOG_USER_PROMPTS": "0"}`,
			user:    env{"OTEL_LOG_RAW_API_BODIES": "1"},
			check:   content(func(c Content) bool { return !c.RawAPIBodies.Enabled && !c.UserPrompts }),
			ignored: map[string]string{"OTEL_LOG_RAW_API_BODIES": "OTEL_LOG_USER_PROMPTS=0"},
		},
		{
			name:    "responses follow prompts turned off by managed settings",
			managed: `{"OTEL_LOG_USER_PROMPTS": "false"}`,
			user:    env{"OTEL_LOG_ASSISTANT_RESPONSES": "1"},
			check:   content(func(c Content) bool { return !c.AssistantResponses }),
			ignored: map[string]string{"OTEL_LOG_ASSISTANT_RESPONSES": "OTEL_LOG_USER_PROMPTS=false"},
		},
		{
			name:    "raw API bodies carry the responses managed settings turned off",
			managed: `{"OTEL_LOG_ASSISTANT_RESPONSES": "0"}`,
			user:    env{"OTEL_LOG_RAW_API_BODIES": "file:/tmp/bodies"},
			check:   content(func(c Content) bool { return !c.RawAPIBodies.Enabled }),
			ignored: map[string]string{"OTEL_LOG_RAW_API_BODIES": "OTEL_LOG_ASSISTANT_RESPONSES=0"},
		},
		{
			name:    "raw API bodies carry the tool content managed settings turned off",
			managed: `{"OTEL_LOG_TOOL_CONTENT": "0"}`,
			user:    env{"OTEL_LOG_RAW_API_BODIES": "1"},
			check:   content(func(c Content) bool { return !c.RawAPIBodies.Enabled }),
			ignored: map[string]string{"OTEL_LOG_RAW_API_BODIES": "OTEL_LOG_TOOL_CONTENT=0"},
		},
		{
			name:    "detailed tracing exports the tool details managed settings turned off",
			managed: `{"OTEL_LOG_TOOL_DETAILS": "0"}`,
			user:    env{"ENABLE_BETA_TRACING_DETAILED": "1", "BETA_TRACING_ENDPOINT": "https://mine", "OTEL_LOG_RAW_API_BODIES": "1"},
			check: func(c Config) string {
				if c.Traces.Detailed || c.Content.RawAPIBodies.Enabled {
					return "detailed tracing or raw bodies on"
				}
				return ""
			},
			ignored: map[string]string{"ENABLE_BETA_TRACING_DETAILED": "OTEL_LOG_TOOL_DETAILS=0", "OTEL_LOG_RAW_API_BODIES": "OTEL_LOG_TOOL_DETAILS=0"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := on(base)
			for k, v := range tc.user {
				e[k] = v
			}
			cfg := mustLoad(t, e, managed(t, `{"env": `+tc.managed+`}`, nil))
			if msg := tc.check(cfg); msg != "" {
				t.Error(msg)
			}
			got := map[string]string{}
			for _, w := range cfg.Warnings {
				if w.Kind == WarningLocked {
					got[w.Variable] = w.Because
				}
			}
			for name, because := range tc.ignored {
				if got[name] != because {
					t.Errorf("%s: ignored because %q, want %q (warnings %q)", name, got[name], because, texts(cfg.Warnings))
				}
			}
		})
	}
}

// TestManagedLockKeepsWhatItDoesNotCover: developer values that move
// nothing (selectors, a generic protocol, content flags managed settings
// leave alone) and managed values themselves stay.
func TestManagedLockKeepsWhatItDoesNotCover(t *testing.T) {
	cfg := mustLoad(t, on(env{
		"OTEL_METRICS_EXPORTER":        "otlp",
		"OTEL_LOGS_EXPORTER":           "console",
		"OTEL_EXPORTER_OTLP_PROTOCOL":  "grpc",
		"OTEL_LOG_TOOL_DETAILS":        "1",
		"OTEL_EXPORTER_OTLP_HEADERS":   "x-team=a",
		"OTEL_LOG_ASSISTANT_RESPONSES": "1",
	}), managed(t, `{"env": {"OTEL_EXPORTER_OTLP_ENDPOINT": "https://corp", "OTEL_LOG_USER_PROMPTS": "1", "ENABLE_BETA_TRACING_DETAILED": "1", "BETA_TRACING_ENDPOINT": "https://corp-traces"}}`, nil))
	if !slices.Equal(cfg.Logs.Exporters, []Exporter{ExporterConsole}) || cfg.Metrics.OTLP.Protocol != ProtocolGRPC || !cfg.Content.ToolDetails || !cfg.Content.AssistantResponses {
		t.Errorf("developer values lost: %v %v %+v", cfg.Logs.Exporters, cfg.Metrics.OTLP.Protocol, cfg.Content)
	}
	if len(cfg.Metrics.OTLP.Headers) != 1 || !cfg.Traces.Detailed || cfg.Traces.DetailedEndpoint != "https://corp-traces" {
		t.Errorf("headers %d, detailed %v %q", len(cfg.Metrics.OTLP.Headers), cfg.Traces.Detailed, cfg.Traces.DetailedEndpoint)
	}
	for _, w := range cfg.Warnings {
		t.Errorf("unexpected warning %q", w.Message)
	}
}

func endpoints(metrics, logs, traces string) func(Config) string {
	return func(c Config) string {
		if c.Metrics.OTLP.Endpoint != metrics || c.Logs.OTLP.Endpoint != logs || c.Traces.OTLP.Endpoint != traces {
			return fmt.Sprintf("endpoints %q %q %q, want %q %q %q", c.Metrics.OTLP.Endpoint, c.Logs.OTLP.Endpoint, c.Traces.OTLP.Endpoint, metrics, logs, traces)
		}
		return ""
	}
}

func content(ok func(Content) bool) func(Config) string {
	return func(c Config) string {
		if !ok(c.Content) {
			return fmt.Sprintf("content %+v", c.Content)
		}
		return ""
	}
}
