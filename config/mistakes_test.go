package config

import (
	"slices"
	"strings"
	"testing"
)

// TestMistakesNamed: a variable that looks like ccotel's but is not gives
// one warning with the variable meant; standard OpenTelemetry variables
// ccotel does not use, Claude Code's other variables and unrelated names
// give none.
func TestMistakesNamed(t *testing.T) {
	for _, tc := range []struct {
		name, want string // want "" means no warning
	}{
		{"OTEL_METRICS_EXPORTERS", "OTEL_METRICS_EXPORTER"},
		{"OTEL_METRIC_EXPORTER", "OTEL_METRICS_EXPORTER"},
		{"OTEL_LOG_EXPORTER", "OTEL_LOGS_EXPORTER"},
		{"otel_logs_exporter", "OTEL_LOGS_EXPORTER"},
		{"OTEL_EXPORTER_OTLP_ENDPIONT", "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{"OTEL_EXPORTER_OTLP_HEADER", "OTEL_EXPORTER_OTLP_HEADERS"},
		{"CLAUDE_CODE_ENABLE_TELEMETRI", "CLAUDE_CODE_ENABLE_TELEMETRY"},
		{"CLAUDE_CODE_ENABLED_TELEMETRY", "CLAUDE_CODE_ENABLE_TELEMETRY"},
		{"CCOTEL_DELTA_CONTIGOUS", "CCOTEL_DELTA_CONTIGUOUS"},
		{"OTEL_LOG_USER_PROMPT", "OTEL_LOG_USER_PROMPTS"},
		{"OTEL_METRICS_EXPORTER", ""},
		{"OTEL_SERVICE_NAME", ""},
		{"OTEL_SDK_DISABLED", ""},
		{"OTEL_SPAN_EVENT_COUNT_LIMIT", ""},
		{"OTEL_ATTRIBUTE_COUNT_LIMIT", ""},
		{"OTEL_METRICS_EXEMPLAR_FILTER", ""},
		{"OTEL_TRACES_SAMPLE", "OTEL_TRACES_SAMPLER"},
		{"OTEL_SPAN_LINK_COUNT_LIMIT", ""},
		{"OTEL_PROPAGATORS", ""},
		{"OTEL_LOG_LEVEL", ""},
		{"OTEL_INSTRUMENTATION_HTTP_KNOWN_METHODS", ""},
		{"CLAUDE_CODE_MAX_OUTPUT_TOKENS", ""},
		{"CLAUDE_CODE_USE_BEDROCK", ""},
		{"CLAUDE_CODE_SKIP_VERTEX_AUTH", ""},
		{"CLAUDE_CODE_SOMETHING_ELSE", ""},
		{"PATH", ""},
		{"HOME", ""},
		{"OTELCOL_BIN", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Load(WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", tc.name + "=none"}), WithoutManagedSettings())
			if err != nil {
				t.Fatal(err)
			}
			var got []Warning
			for _, w := range cfg.Warnings {
				if w.Kind == WarningUnknownVariable {
					got = append(got, w)
				}
			}
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("unexpected warning %q", got[0].Message)
			case tc.want != "" && (len(got) != 1 || got[0].Suggestion != tc.want || got[0].Variable != tc.name || !strings.Contains(got[0].Error(), "did you mean "+tc.want)):
				t.Errorf("want one warning suggesting %s, got %+v", tc.want, got)
			}
		})
	}
}

// TestMistakesEvenWhenOff: a mistaken master switch is the commonest
// mistake of all, and leaves telemetry off; it is still named.
func TestMistakesEvenWhenOff(t *testing.T) {
	t.Setenv("CLAUDE_CODE_ENABLE_TELEMETRI", "1")
	t.Setenv("CLAUDE_CODE_ENABLE_TELEMETRY", "")
	cfg, err := Load(WithoutManagedSettings())
	if err != nil || cfg.Enabled {
		t.Fatal(cfg.Enabled, err)
	}
	if !slices.ContainsFunc(cfg.Warnings, func(w Warning) bool { return w.Suggestion == "CLAUDE_CODE_ENABLE_TELEMETRY" }) {
		t.Errorf("warnings %q", texts(cfg.Warnings))
	}
	// WithGetenv cannot list names: nothing to check.
	cfg, _ = Load(WithGetenv(env{"OTEL_METRICS_EXPORTERS": "otlp"}.getenv), WithoutManagedSettings())
	if len(cfg.Warnings) != 0 {
		t.Errorf("warnings %q", texts(cfg.Warnings))
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"abc", "ab", 1}, {"abc", "xbc", 1},
		{"kitten", "sitting", 3}, {"abcdef", "ghijkl", 3},
	} {
		if got := editDistance(tc.a, tc.b, 3); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
