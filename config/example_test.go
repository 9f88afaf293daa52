package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccotel/ccotel/config"
)

// fakeEnv turns a map into a getenv function.
func fakeEnv(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

func ExampleLoad() {
	cfg, err := config.Load(
		config.WithGetenv(fakeEnv(map[string]string{
			"CLAUDE_CODE_ENABLE_TELEMETRY": "1",
			"OTEL_METRICS_EXPORTER":        "otlp",
			"OTEL_EXPORTER_OTLP_PROTOCOL":  "http/protobuf",
			"OTEL_EXPORTER_OTLP_ENDPOINT":  "http://collector:4318",
		})),
		config.WithoutManagedSettings(),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Metrics.Exporters, cfg.Metrics.OTLP.Protocol, cfg.Metrics.OTLP.Endpoint)
	fmt.Println(cfg.Metrics.Interval, cfg.Metrics.Temporality)
	// Output:
	// [otlp] http/protobuf http://collector:4318/v1/metrics
	// 1m0s delta
}

func ExampleLoad_disabled() {
	// Telemetry off never fails, whatever else is wrong.
	cfg, err := config.Load(
		config.WithGetenv(fakeEnv(map[string]string{"OTEL_METRICS_EXPORTER": "bogus"})),
		config.WithoutManagedSettings(),
	)
	fmt.Println(cfg.Enabled, err)
	// Output: false <nil>
}

func ExampleError() {
	_, err := config.Load(
		config.WithGetenv(fakeEnv(map[string]string{
			"CLAUDE_CODE_ENABLE_TELEMETRY": "1",
			"OTEL_METRICS_EXPORTER":        "otlp",
			"OTEL_EXPORTER_OTLP_PROTOCOL":  "http",
			"OTEL_EXPORTER_OTLP_HEADERS":   "Authorization Bearer abc",
		})),
		config.WithoutManagedSettings(),
	)
	var cfgErr *config.Error
	if errors.As(err, &cfgErr) {
		fmt.Println(len(cfgErr.Problems), "problems")
	}
	fmt.Println(err)
	// Output:
	// 2 problems
	// telemetry configuration: 2 problems:
	//   OTEL_EXPORTER_OTLP_PROTOCOL="http" (environment): "http" is not a protocol: use http/protobuf or http/json; allowed: grpc, http/protobuf, http/json
	//   OTEL_EXPORTER_OTLP_HEADERS="****" (environment): pair 1 has no '='; allowed: name=value pairs separated by commas, values percent-encoded
}

func ExampleWithSettingsFiles() {
	dir, _ := os.MkdirTemp("", "settings")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "settings.json")
	_ = os.WriteFile(path, []byte(`{"env": {"CLAUDE_CODE_ENABLE_TELEMETRY": "1", "OTEL_SERVICE_NAME": "my-agent"}}`), 0o644)

	cfg, err := config.Load(
		config.WithGetenv(fakeEnv(map[string]string{"OTEL_SERVICE_NAME": "from-shell"})),
		config.WithSettingsFiles(path),
		config.WithoutManagedSettings(),
	)
	fmt.Println(cfg.Enabled, cfg.ServiceName, cfg.Provenance["OTEL_SERVICE_NAME"], err)
	// Output: true my-agent settings file <nil>
}

func ExampleConfig_Describe() {
	cfg, _ := config.Load(
		config.WithGetenv(fakeEnv(map[string]string{
			"CLAUDE_CODE_ENABLE_TELEMETRY": "1",
			"OTEL_EXPORTER_OTLP_HEADERS":   "Authorization=Bearer abc",
		})),
		config.WithoutManagedSettings(),
	)
	for _, s := range cfg.Describe() {
		switch s.Variable {
		case "CLAUDE_CODE_ENABLE_TELEMETRY", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_METRIC_EXPORT_INTERVAL":
			fmt.Printf("%s=%s (%s)\n", s.Variable, s.Value, s.Source)
		}
	}
	// Output:
	// CLAUDE_CODE_ENABLE_TELEMETRY=1 (environment)
	// OTEL_EXPORTER_OTLP_HEADERS=**** (environment)
	// OTEL_METRIC_EXPORT_INTERVAL=60000 (default)
}
