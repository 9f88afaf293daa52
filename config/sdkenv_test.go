package config

import (
	"errors"
	"strings"
	"testing"
)

func TestSampler(t *testing.T) {
	for _, tc := range []struct {
		env     env
		sampler Sampler
		ratio   float64
		bad     string // the variable refused
	}{
		{env{}, SamplerParentBasedAlwaysOn, 1, ""},
		{env{"OTEL_TRACES_SAMPLER": " Always_Off "}, SamplerAlwaysOff, 1, ""},
		{env{"OTEL_TRACES_SAMPLER": "always_on", "OTEL_TRACES_SAMPLER_ARG": "nonsense"}, SamplerAlwaysOn, 1, ""},
		{env{"OTEL_TRACES_SAMPLER": "parentbased_always_off"}, SamplerParentBasedAlwaysOff, 1, ""},
		{env{"OTEL_TRACES_SAMPLER": "traceidratio"}, SamplerTraceIDRatio, 1, ""},
		{env{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}, SamplerParentBasedTraceIDRatio, 0.25, ""},
		{env{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"}, SamplerTraceIDRatio, 0, ""},
		{env{"OTEL_TRACES_SAMPLER_ARG": "0.5"}, SamplerParentBasedAlwaysOn, 1, ""},
		{env{"OTEL_TRACES_SAMPLER": "jaeger_remote"}, "", 0, "OTEL_TRACES_SAMPLER"},
		{env{"OTEL_TRACES_SAMPLER": "bogus"}, "", 0, "OTEL_TRACES_SAMPLER"},
		{env{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"}, "", 0, "OTEL_TRACES_SAMPLER_ARG"},
		{env{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "-0.1"}, "", 0, "OTEL_TRACES_SAMPLER_ARG"},
		{env{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "NaN"}, "", 0, "OTEL_TRACES_SAMPLER_ARG"},
		{env{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "half"}, "", 0, "OTEL_TRACES_SAMPLER_ARG"},
	} {
		cfg, err := load(t, on(tc.env))
		if tc.bad != "" {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Variable != tc.bad || ce.Problems[0].Allowed == "" {
				t.Errorf("%v: error %v, want one problem naming %s and what is allowed", tc.env, err, tc.bad)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tc.env, err)
			continue
		}
		if cfg.Traces.Sampler != tc.sampler || cfg.Traces.SamplerRatio != tc.ratio {
			t.Errorf("%v: sampler %q ratio %v, want %q %v", tc.env, cfg.Traces.Sampler, cfg.Traces.SamplerRatio, tc.sampler, tc.ratio)
		}
	}
}

func TestAttributeValueLengthLimits(t *testing.T) {
	for _, tc := range []struct {
		env         env
		logs, spans int
	}{
		{env{}, 0, 0},
		{env{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "100"}, 100, 100},
		{env{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "100", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "200"}, 200, 100},
		{env{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "100", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "300"}, 100, 300},
	} {
		cfg := mustLoad(t, on(tc.env))
		if cfg.Logs.AttributeValueLengthLimit != tc.logs || cfg.Traces.AttributeValueLengthLimit != tc.spans {
			t.Errorf("%v: logs %d spans %d, want %d %d", tc.env, cfg.Logs.AttributeValueLengthLimit, cfg.Traces.AttributeValueLengthLimit, tc.logs, tc.spans)
		}
	}
}

// TestSDKProcessValuesRefused: the Go SDK's providers read these variables
// from the process environment whatever ccotel's source is, and print an
// invalid value on stderr; Load refuses them, naming the variable and its
// origin, with the process environment as ccotel's source (values ccotel
// itself would accept included); with another source (WithEnviron, the test
// kit) the value is not ccotel's, and a WarningProcess tells it instead.
func TestSDKProcessValuesRefused(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"OTEL_TRACES_SAMPLER", "bogus"},
		{"OTEL_TRACES_SAMPLER_ARG", "2"}, // with OTEL_TRACES_SAMPLER=traceidratio below
		{"OTEL_GO_X_CARDINALITY_LIMIT", "lots"},
		{"OTEL_RESOURCE_ATTRIBUTES", "team=a,"},
		{"OTEL_RESOURCE_ATTRIBUTES", "team"},
		{"OTEL_RESOURCE_ATTRIBUTES", "team=%zz"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			if tc.name == "OTEL_TRACES_SAMPLER_ARG" {
				t.Setenv("OTEL_TRACES_SAMPLER", "traceidratio")
			}
			// Another source (WithEnviron, the test kit): told, not refused.
			cfg, err := Load(WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}), WithoutManagedSettings())
			if err != nil {
				t.Fatalf("WithEnviron: %v, want a warning only", err)
			}
			var told []Warning
			for _, w := range cfg.Warnings {
				if w.Kind == WarningProcess {
					told = append(told, w)
				}
			}
			if len(told) != 1 || told[0].Variable != tc.name || told[0].Source != SourceProcess || !strings.Contains(told[0].Error(), "stderr") {
				t.Errorf("WithEnviron: warnings %+v, want one WarningProcess for %s", told, tc.name)
			}
			var ce *Error
			// The process environment as ccotel's source: one problem, not two.
			t.Setenv("CLAUDE_CODE_ENABLE_TELEMETRY", "1")
			_, err = Load(WithoutManagedSettings())
			if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Variable != tc.name {
				t.Fatalf("process environment: %v, want one problem naming %s", err, tc.name)
			}
			// Telemetry off: no provider is built, nothing to refuse.
			t.Setenv("CLAUDE_CODE_ENABLE_TELEMETRY", "0")
			if _, err := Load(WithoutManagedSettings()); err != nil {
				t.Errorf("telemetry off: %v", err)
			}
		})
	}
	// Valid values the SDK reads are no problem.
	t.Setenv("OTEL_TRACES_SAMPLER", "always_off")
	t.Setenv("OTEL_GO_X_CARDINALITY_LIMIT", "10")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "team=a,%zz=b,=c")
	if _, err := Load(WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}), WithoutManagedSettings()); err != nil {
		t.Error(err)
	}
}

// TestDiagStderrWithTelemetryOff: CLAUDE_CODE_OTEL_DIAG_STDERR is read
// with telemetry off, so the warnings that explain why it is off can be
// printed.
func TestDiagStderrWithTelemetryOff(t *testing.T) {
	cfg := mustLoad(t, env{"CLAUDE_CODE_OTEL_DIAG_STDERR": "1"})
	if cfg.Enabled || !cfg.DiagStderr {
		t.Errorf("Enabled %v DiagStderr %v, want false true", cfg.Enabled, cfg.DiagStderr)
	}
}
