package telemetry_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/telemetry"
)

// TestPrecedenceLadder holds every option that stands for a variable to the
// one ladder of config/doc.go: the option wins over the variable in the
// environment (as config.WithVariable does), loses to the variable in
// managed settings (the handler gets a WarningLocked naming it), and applies
// to a configuration the host passes whole with WithConfig.
func TestPrecedenceLadder(t *testing.T) {
	noHeaders := func(context.Context) (map[string]string, error) { return nil, nil }
	cases := []struct {
		name            string
		opt             telemetry.Option
		variable, value string // the variable's value in the environment or managed settings
		optionWon       func(config.Config) bool
	}{
		{"WithServiceName", telemetry.WithServiceName("opt"), "OTEL_SERVICE_NAME", "env",
			func(c config.Config) bool { return c.ServiceName == "opt" }},
		{"config.WithVariable", telemetry.WithLoadOptions(config.WithVariable("OTEL_SERVICE_NAME", "opt")), "OTEL_SERVICE_NAME", "env",
			func(c config.Config) bool { return c.ServiceName == "opt" }},
		{"WithEntrypoint", telemetry.WithEntrypoint("opt"), "CLAUDE_CODE_ENTRYPOINT", "env",
			func(c config.Config) bool { return c.Identity.Entrypoint == "opt" }},
		{"WithProvider", telemetry.WithProvider("vertex"), "CLAUDE_CODE_USE_BEDROCK", "1",
			func(c config.Config) bool { return c.Identity.Provider == "vertex" }},
		{"WithCustomBaseURL", telemetry.WithCustomBaseURL(false), "ANTHROPIC_BASE_URL", "https://gateway.example",
			func(c config.Config) bool { return !c.Identity.CustomBaseURL }},
		{"WithDeltaContiguous", telemetry.WithDeltaContiguous(time.Minute), "CCOTEL_DELTA_CONTIGUOUS", "1",
			func(c config.Config) bool { return c.Extensions.DeltaContiguous == time.Minute }},
		{"WithServiceInstanceID", telemetry.WithServiceInstanceID(), "CCOTEL_SERVICE_INSTANCE_ID", "false",
			func(c config.Config) bool { return c.Extensions.ServiceInstanceID }},
		{"WithSessionIDOn", telemetry.WithSessionIDOn(config.SignalMetrics, true), "OTEL_METRICS_INCLUDE_SESSION_ID", "false",
			func(c config.Config) bool { return c.Include.MetricsSessionID != nil && *c.Include.MetricsSessionID }},
		{"WithCardinalityLimit", telemetry.WithCardinalityLimit(7), "CCOTEL_METRICS_CARDINALITY_LIMIT", "9",
			func(c config.Config) bool { return c.Metrics.CardinalityLimit == 7 }},
		{"WithQueueSize", telemetry.WithQueueSize(700), "OTEL_BLRP_MAX_QUEUE_SIZE", "1000",
			func(c config.Config) bool { return c.Logs.Batch.MaxQueueSize == 700 }},
		{"WithGenAISemconv", telemetry.WithGenAISemconv(), "OTEL_SEMCONV_STABILITY_OPT_IN", "http",
			func(c config.Config) bool { return c.Extensions.GenAISemconv }},
		// The headers function leaves no trace in the Config: the managed
		// case is told by its warning alone.
		{"WithHeadersFunc", telemetry.WithHeadersFunc(noHeaders), "otelHeadersHelper", "/bin/true", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, warnings := startWith(t, c.opt, config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", c.variable + "=" + c.value}),
				config.WithoutManagedSettings())
			if c.optionWon != nil && !c.optionWon(cfg) {
				t.Errorf("%s=%s in the environment beat the option", c.variable, c.value)
			}
			if c.optionWon != nil && cfg.Provenance[c.variable] != config.SourceOption {
				t.Errorf("Provenance[%s] = %q after the option won, want %q", c.variable, cfg.Provenance[c.variable], config.SourceOption)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings with the variable in the environment: %v", warnings)
			}

			managed := filepath.Join(t.TempDir(), "managed-settings.json")
			b, _ := json.Marshal(map[string]any{"env": map[string]string{c.variable: c.value}})
			if c.variable == "otelHeadersHelper" {
				b, _ = json.Marshal(map[string]any{"otelHeadersHelper": c.value})
			}
			if err := os.WriteFile(managed, b, 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, warnings = startWith(t, c.opt, config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}),
				config.WithManagedSettingsPath(managed))
			if c.optionWon != nil && c.optionWon(cfg) {
				t.Errorf("the option beat %s=%s in managed settings", c.variable, c.value)
			}
			locked := false
			for _, w := range warnings {
				locked = locked || w.Kind == config.WarningLocked && w.Variable == c.variable && w.Source == config.SourceOption
			}
			if !locked && c.name != "config.WithVariable" {
				t.Errorf("no WarningLocked for %s reached the handler: %v", c.variable, warnings)
			}

			if c.optionWon == nil {
				return
			}
			tel, err := telemetry.Start(context.Background(), telemetry.WithConfig(config.Config{}), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer tel.Shutdown(context.Background())
			if c.name != "config.WithVariable" && !c.optionWon(*tel.Config()) {
				t.Error("the option did not apply to the configuration given whole")
			}
		})
	}
}

// startWith starts telemetry with opt over the load options and returns the
// effective configuration and the config.Warnings the handler received.
func startWith(t *testing.T, opt telemetry.Option, load ...config.LoadOption) (config.Config, []config.Warning) {
	t.Helper()
	var mu sync.Mutex
	var warnings []config.Warning
	tel, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(load...), opt,
		telemetry.WithErrorHandler(func(err error) {
			var w config.Warning
			if errors.As(err, &w) {
				mu.Lock()
				warnings = append(warnings, w)
				mu.Unlock()
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	mu.Lock()
	defer mu.Unlock()
	return *tel.Config(), warnings
}
