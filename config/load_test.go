package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for WithGetenv.
type env map[string]string

func (e env) getenv(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

// on returns e with telemetry enabled.
func on(e env) env {
	out := env{"CLAUDE_CODE_ENABLE_TELEMETRY": "1"}
	for k, v := range e {
		out[k] = v
	}
	return out
}

func load(t *testing.T, e env, opts ...LoadOption) (Config, error) {
	t.Helper()
	return Load(append([]LoadOption{WithGetenv(e.getenv), WithoutManagedSettings()}, opts...)...)
}

func mustLoad(t *testing.T, e env, opts ...LoadOption) Config {
	t.Helper()
	cfg, err := load(t, e, opts...)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return cfg
}

// problemsOf returns the problems of a Load error, failing without one.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %v", err)
	}
	return e.Problems
}

// wantProblem checks that err has a problem for variable whose text holds
// every fragment.
func wantProblem(t *testing.T, err error, variable string, fragments ...string) {
	t.Helper()
	for _, p := range problemsOf(t, err) {
		if p.Variable != variable {
			continue
		}
		s := p.String()
		ok := true
		for _, f := range fragments {
			ok = ok && strings.Contains(s, f)
		}
		if ok {
			return
		}
	}
	t.Errorf("no problem for %s with %q in: %v", variable, fragments, err)
}

func TestTruthy(t *testing.T) {
	for _, s := range []string{"1", "true", "TRUE", " yes ", "On", "tRuE"} {
		if !truthy(s) {
			t.Errorf("truthy(%q) = false", s)
		}
	}
	for _, s := range []string{"", "0", "false", "no", "off", "2", "y", "enabled"} {
		if truthy(s) {
			t.Errorf("truthy(%q) = true", s)
		}
	}
}

func TestDisabledNeverFails(t *testing.T) {
	garbage := env{
		"OTEL_METRICS_EXPORTER":       "bogus",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http",
		"OTEL_EXPORTER_OTLP_HEADERS":  "no-equals-sign",
		"OTEL_METRIC_EXPORT_INTERVAL": "-5",
	}
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.json", "{not json")
	for _, v := range []string{"", "0", "false", "no", "garbage"} {
		e := env{}
		for k, x := range garbage {
			e[k] = x
		}
		if v != "" {
			e["CLAUDE_CODE_ENABLE_TELEMETRY"] = v
		}
		cfg, err := load(t, e, WithSettingsFiles(bad), WithVariable("NOT_A_VARIABLE", "x"))
		if err != nil || cfg.Enabled {
			t.Errorf("CLAUDE_CODE_ENABLE_TELEMETRY=%q: Enabled=%v err=%v", v, cfg.Enabled, err)
		}
		if len(cfg.Warnings) < 2 {
			t.Errorf("want the file and option problems as warnings, got %q", cfg.Warnings)
		}
	}
}

func TestDefaults(t *testing.T) {
	cfg := mustLoad(t, on(nil))
	batch := Batch{MaxQueueSize: 2048, MaxExportBatchSize: 512, ExportTimeout: 30 * time.Second}
	want := Config{
		Enabled: true,
		Metrics: MetricsConfig{Interval: time.Minute, Temporality: TemporalityDelta, Prometheus: Prometheus{Port: 9464},
			ExportTimeout: 30 * time.Second, CardinalityLimit: 2000},
		Logs:     LogsConfig{Interval: 5 * time.Second, Batch: batch},
		Traces:   TracesConfig{Interval: 5 * time.Second, Batch: batch, Sampler: SamplerParentBasedAlwaysOn, SamplerRatio: 1},
		Include:  Include{SessionID: true, AccountUUID: true, ResourceAttributes: true},
		Content:  Content{MaxLength: 61440},
		Identity: Identity{Provider: "firstParty", TerminalType: "non-interactive"},

		HeadersHelperDebounce: 1740000 * time.Millisecond,
		ShutdownTimeout:       2 * time.Second,
		FlushTimeout:          5 * time.Second,
		MaxRetries:            10,
	}
	got := cfg
	got.Provenance, got.ProvenanceFiles, got.Values, got.Secrets, got.Warnings, got.SettingsFiles = nil, nil, nil, nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
	if cfg.Provenance["OTEL_METRIC_EXPORT_INTERVAL"] != SourceDefault || cfg.Provenance["CLAUDE_CODE_ENABLE_TELEMETRY"] != SourceEnvironment {
		t.Errorf("provenance: %v", cfg.Provenance)
	}
}

func TestExporters(t *testing.T) {
	tests := []struct {
		name, variable, value string
		want                  []Exporter
		problem               string
	}{
		{"list", "OTEL_METRICS_EXPORTER", " otlp , prometheus,console ", []Exporter{"otlp", "prometheus", "console"}, ""},
		{"none dropped", "OTEL_METRICS_EXPORTER", "none,console,none", []Exporter{"console"}, ""},
		{"only none", "OTEL_LOGS_EXPORTER", "none", nil, ""},
		{"duplicates", "OTEL_LOGS_EXPORTER", "console,CONSOLE,console", []Exporter{"console"}, ""},
		{"empty entries", "OTEL_LOGS_EXPORTER", ",console,,", []Exporter{"console"}, ""},
		{"unknown", "OTEL_METRICS_EXPORTER", "console,zipkin", nil, `unknown exporter "zipkin"`},
		{"prometheus logs", "OTEL_LOGS_EXPORTER", "prometheus", nil, "metrics only"},
		{"prometheus traces", "OTEL_TRACES_EXPORTER", "prometheus", nil, "metrics only"},
		{"traces", "OTEL_TRACES_EXPORTER", "console", []Exporter{"console"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := load(t, on(env{tt.variable: tt.value, "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "1", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}))
			if tt.problem != "" {
				wantProblem(t, err, tt.variable, tt.problem, "allowed: otlp")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]Exporter{
				"OTEL_METRICS_EXPORTER": cfg.Metrics.Exporters,
				"OTEL_LOGS_EXPORTER":    cfg.Logs.Exporters,
				"OTEL_TRACES_EXPORTER":  cfg.Traces.Exporters,
			}[tt.variable]
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTracesExporterNeedsBeta(t *testing.T) {
	// Without the beta switch the traces selector and its OTLP settings
	// are not read, so even invalid values pass.
	cfg := mustLoad(t, on(env{"OTEL_TRACES_EXPORTER": "otlp,bogus"}))
	if cfg.Traces.Beta || cfg.Traces.Exporters != nil {
		t.Errorf("traces without beta: %+v", cfg.Traces)
	}
	for _, e := range []env{
		{"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "true"},
		{"ENABLE_ENHANCED_TELEMETRY_BETA": "1"},
		{"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "", "ENABLE_ENHANCED_TELEMETRY_BETA": "yes"},
	} {
		e["OTEL_TRACES_EXPORTER"] = "otlp"
		e["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "grpc"
		cfg := mustLoad(t, on(e))
		if !cfg.Traces.Beta || cfg.Traces.OTLP.Protocol != ProtocolGRPC {
			t.Errorf("%v: %+v", e, cfg.Traces)
		}
	}
	// An explicit falsy primary switch wins over the alias.
	cfg = mustLoad(t, on(env{"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "0", "ENABLE_ENHANCED_TELEMETRY_BETA": "1"}))
	if cfg.Traces.Beta {
		t.Error("falsy CLAUDE_CODE_ENHANCED_TELEMETRY_BETA must force the beta off")
	}
}

func TestProtocol(t *testing.T) {
	_, err := load(t, on(env{"OTEL_METRICS_EXPORTER": "otlp"}))
	wantProblem(t, err, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "no default protocol")

	_, err = load(t, on(env{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http"}))
	wantProblem(t, err, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "http/json")

	_, err = load(t, on(env{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "thrift"}))
	wantProblem(t, err, "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "unknown protocol", "grpc, http/protobuf, http/json")

	// An unused signal's protocol is not validated.
	mustLoad(t, on(env{"OTEL_METRICS_EXPORTER": "console", "OTEL_EXPORTER_OTLP_PROTOCOL": "bogus"}))

	cfg := mustLoad(t, on(env{
		"OTEL_METRICS_EXPORTER":            "otlp",
		"OTEL_LOGS_EXPORTER":               "otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL":      "GRPC",
		"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/json",
	}))
	if cfg.Metrics.OTLP.Protocol != ProtocolGRPC || cfg.Logs.OTLP.Protocol != ProtocolHTTPJSON {
		t.Errorf("protocols: %q %q", cfg.Metrics.OTLP.Protocol, cfg.Logs.OTLP.Protocol)
	}
	if cfg.Provenance["OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"] != SourceEnvironment {
		t.Errorf("provenance: %v", cfg.Provenance)
	}
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		name     string
		e        env
		want     string
		insecure bool
		problem  string
	}{
		{"grpc default", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, "http://localhost:4317", true, ""},
		{"http default", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}, "http://localhost:4318/v1/metrics", true, ""},
		{"http generic", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://c.example:4318"}, "https://c.example:4318/v1/metrics", false, ""},
		{"http generic slash", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://c.example/otlp/"}, "https://c.example/otlp/v1/metrics", false, ""},
		{"http per-signal as is", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://a", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "https://b/custom"}, "https://b/custom", false, ""},
		{"grpc generic as is", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://c:4317"}, "https://c:4317", false, ""},
		{"grpc host:port", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"}, "https://collector:4317", false, ""},
		{"grpc insecure var", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317", "OTEL_EXPORTER_OTLP_INSECURE": "true"}, "https://collector:4317", true, ""},
		{"per-signal insecure wins", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "https://c", "OTEL_EXPORTER_OTLP_INSECURE": "true", "OTEL_EXPORTER_OTLP_METRICS_INSECURE": "false"}, "https://c", false, ""},
		{"bad scheme", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://c"}, "", false, "scheme must be http or https"},
		{"http needs scheme", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "collector:4318"}, "", false, "scheme"},
		{"no host", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://"}, "", false, "no host"},
		{"not a URL", env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://[::1"}, "", false, "not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := on(tt.e)
			e["OTEL_METRICS_EXPORTER"] = "otlp"
			cfg, err := load(t, e)
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) || !strings.Contains(err.Error(), "ENDPOINT") {
					t.Fatalf("want %q, got %v", tt.problem, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o := cfg.Metrics.OTLP; o.Endpoint != tt.want || o.Insecure != tt.insecure {
				t.Errorf("got %q insecure=%v, want %q insecure=%v", o.Endpoint, o.Insecure, tt.want, tt.insecure)
			}
		})
	}
}

func TestEndpointPerSignalPaths(t *testing.T) {
	cfg := mustLoad(t, on(env{
		"OTEL_METRICS_EXPORTER": "otlp", "OTEL_LOGS_EXPORTER": "otlp", "OTEL_TRACES_EXPORTER": "otlp",
		"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "1",
		"OTEL_EXPORTER_OTLP_PROTOCOL":         "http/protobuf",
		"OTEL_EXPORTER_OTLP_ENDPOINT":         "http://c:4318",
	}))
	for got, want := range map[string]string{
		cfg.Metrics.OTLP.Endpoint: "http://c:4318/v1/metrics",
		cfg.Logs.OTLP.Endpoint:    "http://c:4318/v1/logs",
		cfg.Traces.OTLP.Endpoint:  "http://c:4318/v1/traces",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestHeaders(t *testing.T) {
	cfg := mustLoad(t, on(env{
		"OTEL_METRICS_EXPORTER":              "otlp",
		"OTEL_LOGS_EXPORTER":                 "otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL":        "grpc",
		"OTEL_EXPORTER_OTLP_HEADERS":         " Authorization = Bearer%20abc%3D , X-Team=a,,",
		"OTEL_EXPORTER_OTLP_METRICS_HEADERS": "x-team=metrics,X-Extra=1=2",
	}))
	wantMetrics := []Header{{"Authorization", "Bearer abc="}, {"X-Team", "metrics"}, {"X-Extra", "1=2"}}
	if !reflect.DeepEqual(cfg.Metrics.OTLP.Headers, wantMetrics) {
		t.Errorf("metrics headers %v", cfg.Metrics.OTLP.Headers)
	}
	wantLogs := []Header{{"Authorization", "Bearer abc="}, {"X-Team", "a"}}
	if !reflect.DeepEqual(cfg.Logs.OTLP.Headers, wantLogs) {
		t.Errorf("logs headers %v", cfg.Logs.OTLP.Headers)
	}

	for _, bad := range []string{"Authorization Bearer s3cr3t-value", "=s3cr3t-value", "Authorization=s3cr3t-value%zz", "Bad Name=s3cr3t-value"} {
		_, err := load(t, on(env{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_LOGS_HEADERS": bad}))
		wantProblem(t, err, "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "****", "name=value")
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error leaks the header value: %v", err)
		}
	}
}

func TestCompressionAndTimeout(t *testing.T) {
	base := env{"OTEL_METRICS_EXPORTER": "otlp", "OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
	e := on(base)
	e["OTEL_EXPORTER_OTLP_COMPRESSION"] = "GZIP"
	e["OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"] = "none"
	e["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2500"
	e["OTEL_EXPORTER_OTLP_LOGS_TIMEOUT"] = "1e3"
	cfg := mustLoad(t, e)
	if cfg.Metrics.OTLP.Compression != "gzip" || cfg.Logs.OTLP.Compression != "" {
		t.Errorf("compression %q %q", cfg.Metrics.OTLP.Compression, cfg.Logs.OTLP.Compression)
	}
	if cfg.Metrics.OTLP.Timeout != 2500*time.Millisecond || cfg.Logs.OTLP.Timeout != time.Second {
		t.Errorf("timeouts %v %v", cfg.Metrics.OTLP.Timeout, cfg.Logs.OTLP.Timeout)
	}
	if d := mustLoad(t, on(base)).Logs.OTLP.Timeout; d != 10*time.Second {
		t.Errorf("default timeout %v", d)
	}

	e = on(base)
	e["OTEL_EXPORTER_OTLP_METRICS_COMPRESSION"] = "brotli"
	e["OTEL_EXPORTER_OTLP_TIMEOUT"] = "0"
	_, err := load(t, e)
	wantProblem(t, err, "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "gzip, none")
	wantProblem(t, err, "OTEL_EXPORTER_OTLP_TIMEOUT", "out of range")
}

func TestTLS(t *testing.T) {
	grpc := on(env{
		"OTEL_METRICS_EXPORTER":                         "otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL":                   "grpc",
		"OTEL_EXPORTER_OTLP_CERTIFICATE":                "/ca.pem",
		"OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE": "/m.crt",
		"OTEL_EXPORTER_OTLP_CLIENT_KEY":                 "/g.key",
		"CLAUDE_CODE_CLIENT_CERT":                       "/ignored-for-grpc",
		"HTTPS_PROXY":                                   "http://proxy:3128",
	})
	cfg := mustLoad(t, grpc)
	if want := (TLS{CAFile: "/ca.pem", CertFile: "/m.crt", KeyFile: "/g.key"}); cfg.Metrics.OTLP.TLS != want {
		t.Errorf("grpc TLS %+v", cfg.Metrics.OTLP.TLS)
	}

	http := on(env{
		"OTEL_LOGS_EXPORTER":                "otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL":       "http/protobuf",
		"OTEL_EXPORTER_OTLP_CERTIFICATE":    "/otel-ca.pem",
		"CLAUDE_CODE_CLIENT_CERT":           "/c.crt",
		"CLAUDE_CODE_CLIENT_KEY":            "/c.key",
		"CLAUDE_CODE_CLIENT_KEY_PASSPHRASE": "pw",
		"https_proxy":                       "http://lower:1",
		"HTTP_PROXY":                        "http://plain:2",
		"no_proxy":                          "localhost",
	})
	cfg = mustLoad(t, http)
	want := TLS{CAFile: "/otel-ca.pem", CertFile: "/c.crt", KeyFile: "/c.key", KeyPassphrase: "pw", ProxyURL: "http://lower:1", NoProxy: "localhost"}
	if cfg.Logs.OTLP.TLS != want {
		t.Errorf("http TLS %+v", cfg.Logs.OTLP.TLS)
	}
	http["NODE_EXTRA_CA_CERTS"] = "/node-ca.pem"
	http["HTTPS_PROXY"] = "http://upper:3"
	http["NO_PROXY"] = "example.com"
	cfg = mustLoad(t, http)
	if tls := cfg.Logs.OTLP.TLS; tls.CAFile != "/node-ca.pem" || tls.ProxyURL != "http://upper:3" || tls.NoProxy != "example.com" {
		t.Errorf("http TLS %+v", tls)
	}

	tests := []struct {
		e        env
		variable string
	}{
		{env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/a"}, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"},
		{env{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY": "/a"}, "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY"},
		{env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "CLAUDE_CODE_CLIENT_CERT": "/a"}, "CLAUDE_CODE_CLIENT_CERT"},
		{env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "CLAUDE_CODE_CLIENT_KEY": "/a"}, "CLAUDE_CODE_CLIENT_KEY"},
		{env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE": "secret-pass"}, "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE"},
		{env{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "HTTPS_PROXY": "ftp://user:secret-pass@p"}, "HTTPS_PROXY"},
	}
	for _, tt := range tests {
		e := on(tt.e)
		e["OTEL_METRICS_EXPORTER"] = "otlp"
		_, err := load(t, e)
		wantProblem(t, err, tt.variable)
		if err != nil && strings.Contains(err.Error(), "secret-pass") {
			t.Errorf("error leaks a secret: %v", err)
		}
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		variable string
		get      func(Config) time.Duration
	}{
		{"OTEL_METRIC_EXPORT_INTERVAL", func(c Config) time.Duration { return c.Metrics.Interval }},
		{"OTEL_LOGS_EXPORT_INTERVAL", func(c Config) time.Duration { return c.Logs.Interval }},
		{"OTEL_TRACES_EXPORT_INTERVAL", func(c Config) time.Duration { return c.Traces.Interval }},
		{"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", func(c Config) time.Duration { return c.ShutdownTimeout }},
		{"CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS", func(c Config) time.Duration { return c.FlushTimeout }},
		{"CLAUDE_CODE_OTEL_HEADERS_HELPER_DEBOUNCE_MS", func(c Config) time.Duration { return c.HeadersHelperDebounce }},
	}
	valid := map[string]time.Duration{"1500": 1500 * time.Millisecond, " 2e3 ": 2 * time.Second, "64_000": 64 * time.Second, "1.5e3": 1500 * time.Millisecond}
	for _, tt := range tests {
		for raw, want := range valid {
			if got := tt.get(mustLoad(t, on(env{tt.variable: raw}))); got != want {
				t.Errorf("%s=%q: got %v, want %v", tt.variable, raw, got, want)
			}
		}
		for _, raw := range []string{"0", "-1", "abc", "1.5", "0x10", "1e400", "99999999999999999999", "inf", "NaN"} {
			_, err := load(t, on(env{tt.variable: raw}))
			wantProblem(t, err, tt.variable, "allowed: a whole number")
		}
	}
}

func TestMaxRetries(t *testing.T) {
	for raw, want := range map[string]int{"": 10, "0": 0, "3": 3, "15": 15, "40": 15} {
		if got := mustLoad(t, on(env{"CLAUDE_CODE_MAX_RETRIES": raw})).MaxRetries; got != want {
			t.Errorf("CLAUDE_CODE_MAX_RETRIES=%q: %d, want %d", raw, got, want)
		}
	}
	_, err := load(t, on(env{"CLAUDE_CODE_MAX_RETRIES": "-1"}))
	wantProblem(t, err, "CLAUDE_CODE_MAX_RETRIES", "out of range")
}

func TestTemporality(t *testing.T) {
	base := env{"OTEL_METRICS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
	for raw, want := range map[string]Temporality{"": TemporalityDelta, "delta": TemporalityDelta, "Cumulative": TemporalityCumulative, "LOWMEMORY": TemporalityDelta} {
		e := on(base)
		e["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"] = raw
		if got := mustLoad(t, e).Metrics.Temporality; got != want {
			t.Errorf("%q: %q, want %q", raw, got, want)
		}
	}
	e := on(base)
	e["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"] = "sometimes"
	_, err := load(t, e)
	wantProblem(t, err, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta, cumulative")
	// Not validated without an otlp metrics exporter.
	mustLoad(t, on(env{"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "sometimes"}))
}

func TestServiceAndResourceAttributes(t *testing.T) {
	cfg := mustLoad(t, on(env{
		"OTEL_SERVICE_NAME":        " my-agent ",
		"OTEL_RESOURCE_ATTRIBUTES": `team=platform, cost%20center=a%2Cb,quoted="x",team=infra,empty=`,
	}))
	if cfg.ServiceName != "my-agent" {
		t.Errorf("service name %q", cfg.ServiceName)
	}
	want := []Attribute{{"team", "infra"}, {"cost center", "a,b"}, {"quoted", `"x"`}, {"empty", ""}}
	if !reflect.DeepEqual(cfg.ResourceAttributes, want) {
		t.Errorf("attributes %q", cfg.ResourceAttributes)
	}
	for _, bad := range []string{"=v", "novalue", "k=%zz", "%zz=v"} {
		_, err := load(t, on(env{"OTEL_RESOURCE_ATTRIBUTES": bad}))
		wantProblem(t, err, "OTEL_RESOURCE_ATTRIBUTES", "pair 1")
	}
}

func TestPrometheus(t *testing.T) {
	cfg := mustLoad(t, on(env{"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_HOST": "0.0.0.0", "OTEL_EXPORTER_PROMETHEUS_PORT": "0"}))
	if cfg.Metrics.Prometheus != (Prometheus{Host: "0.0.0.0", Port: 0}) {
		t.Errorf("prometheus %+v", cfg.Metrics.Prometheus)
	}
	if p := mustLoad(t, on(env{"OTEL_METRICS_EXPORTER": "prometheus"})).Metrics.Prometheus; p != (Prometheus{Port: 9464}) {
		t.Errorf("default prometheus %+v", p)
	}
	for _, bad := range []string{"65536", "-1", "http"} {
		_, err := load(t, on(env{"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": bad}))
		wantProblem(t, err, "OTEL_EXPORTER_PROMETHEUS_PORT", "0 to 65535")
	}
}

func TestInclude(t *testing.T) {
	toggles := []struct {
		variable string
		def      bool
		get      func(Include) bool
	}{
		{"OTEL_METRICS_INCLUDE_SESSION_ID", true, func(i Include) bool { return i.SessionID }},
		{"OTEL_METRICS_INCLUDE_VERSION", false, func(i Include) bool { return i.Version }},
		{"OTEL_METRICS_INCLUDE_ACCOUNT_UUID", true, func(i Include) bool { return i.AccountUUID }},
		{"OTEL_METRICS_INCLUDE_ENTRYPOINT", false, func(i Include) bool { return i.Entrypoint }},
		{"OTEL_METRICS_INCLUDE_RESOURCE_ATTRIBUTES", true, func(i Include) bool { return i.ResourceAttributes }},
		{"OTEL_METRICS_INCLUDE_REPOSITORY", false, func(i Include) bool { return i.Repository }},
		{"OTEL_RESOURCE_INCLUDE_HOST", false, func(i Include) bool { return i.Host }},
	}
	for _, tt := range toggles {
		for raw, want := range map[string]bool{"": tt.def, "1": true, "TRUE": true, "on": true, "0": false, "false": false, "maybe": false} {
			e := on(nil)
			if raw != "" {
				e[tt.variable] = raw
			}
			if got := tt.get(mustLoad(t, e).Include); got != want {
				t.Errorf("%s=%q: %v, want %v", tt.variable, raw, got, want)
			}
		}
	}
}

func TestContent(t *testing.T) {
	tests := []struct {
		e    env
		want Content
	}{
		{env{}, Content{MaxLength: 61440}},
		{env{"OTEL_LOG_USER_PROMPTS": "1"}, Content{UserPrompts: true, AssistantResponses: true, MaxLength: 61440}},
		{env{"OTEL_LOG_USER_PROMPTS": "1", "OTEL_LOG_ASSISTANT_RESPONSES": "0"}, Content{UserPrompts: true, MaxLength: 61440}},
		{env{"OTEL_LOG_ASSISTANT_RESPONSES": "yes"}, Content{AssistantResponses: true, MaxLength: 61440}},
		{env{"OTEL_LOG_TOOL_DETAILS": "true", "OTEL_LOG_TOOL_CONTENT": "on"}, Content{ToolDetails: true, ToolContent: true, MaxLength: 61440}},
		{env{"OTEL_LOG_RAW_API_BODIES": "1"}, Content{RawAPIBodies: RawAPIBodies{Enabled: true}, MaxLength: 61440}},
		{env{"OTEL_LOG_RAW_API_BODIES": "file: /tmp/bodies "}, Content{RawAPIBodies: RawAPIBodies{Enabled: true, Dir: "/tmp/bodies"}, MaxLength: 61440}},
		{env{"OTEL_LOG_RAW_API_BODIES": "false"}, Content{MaxLength: 61440}},
		{env{"CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH": "262144"}, Content{MaxLength: 262144}},
		{env{"CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH": "262144", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "100000", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "5000", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "9000"}, Content{MaxLength: 5000}},
		{env{"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "1000"}, Content{MaxLength: 1000}},
		{env{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "100000"}, Content{MaxLength: 61440}},
	}
	for _, tt := range tests {
		if got := mustLoad(t, on(tt.e)).Content; got != tt.want {
			t.Errorf("%v: %+v, want %+v", tt.e, got, tt.want)
		}
	}
	for variable, bad := range map[string]string{
		"OTEL_LOG_RAW_API_BODIES":                     "file:",
		"CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH":         "0",
		"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT":           "-3",
		"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "x",
		"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT":      "1.5",
	} {
		_, err := load(t, on(env{variable: bad}))
		wantProblem(t, err, variable)
	}
}

func TestIdentityAndSwitches(t *testing.T) {
	cfg := mustLoad(t, on(env{
		"CLAUDE_CODE_ACCOUNT_UUID":                    "acc",
		"CLAUDE_CODE_USER_EMAIL":                      "a@example.com",
		"CLAUDE_CODE_ORGANIZATION_UUID":               "org",
		"CLAUDE_CODE_ACCOUNT_TAGGED_ID":               "user_01",
		"CLAUDE_CODE_WORKSPACE_HOST_PATHS":            "/a|/b c||/d",
		"CLAUDE_CODE_ENTRYPOINT":                      "sdk-go",
		"CLAUDE_CODE_OTEL_DIAG_STDERR":                "true",
		"CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL": "1",
		"CLAUDE_CODE_PROPAGATE_TRACEPARENT":           "yes",
	}))
	want := Identity{AccountUUID: "acc", UserEmail: "a@example.com", OrganizationID: "org", AccountTaggedID: "user_01", WorkspaceHostPaths: []string{"/a", "/b c", "/d"}, Entrypoint: "sdk-go", Provider: "firstParty", TerminalType: "non-interactive"}
	if !reflect.DeepEqual(cfg.Identity, want) {
		t.Errorf("identity %+v", cfg.Identity)
	}
	if !cfg.DiagStderr || !cfg.FeedbackSurveyForOTel || !cfg.Traces.PropagateTraceparent {
		t.Errorf("switches: %+v", cfg)
	}
	cfg = mustLoad(t, on(env{"CLAUDE_CODE_OTEL_DIAG_STDERR": "2", "CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL": "0", "CLAUDE_CODE_PROPAGATE_TRACEPARENT": "off"}))
	if cfg.DiagStderr || cfg.FeedbackSurveyForOTel || cfg.Traces.PropagateTraceparent {
		t.Errorf("switches off: %+v", cfg)
	}
}

func TestTracing(t *testing.T) {
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	cfg := mustLoad(t, on(env{"TRACEPARENT": tp, "TRACESTATE": "rojo=00f067aa0ba902b7", "ENABLE_BETA_TRACING_DETAILED": "1", "BETA_TRACING_ENDPOINT": "https://beta.example"}))
	if tr := cfg.Traces; tr.Traceparent != tp || tr.Tracestate != "rojo=00f067aa0ba902b7" || !tr.Detailed || tr.DetailedEndpoint != "https://beta.example" {
		t.Errorf("traces %+v", tr)
	}
	for _, bad := range []string{
		"garbage",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
		"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
	} {
		cfg := mustLoad(t, on(env{"TRACEPARENT": bad, "TRACESTATE": "a=b"}))
		if cfg.Traces.Traceparent != "" || cfg.Traces.Tracestate != "" {
			t.Errorf("%q accepted", bad)
		}
		if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0].Error(), "TRACEPARENT") {
			t.Errorf("%q: warnings %q", bad, cfg.Warnings)
		}
	}
	_, err := load(t, on(env{"ENABLE_BETA_TRACING_DETAILED": "1"}))
	wantProblem(t, err, "ENABLE_BETA_TRACING_DETAILED", "BETA_TRACING_ENDPOINT")
	_, err = load(t, on(env{"ENABLE_BETA_TRACING_DETAILED": "1", "BETA_TRACING_ENDPOINT": "beta:443"}))
	wantProblem(t, err, "BETA_TRACING_ENDPOINT", "scheme")
	if cfg := mustLoad(t, on(env{"BETA_TRACING_ENDPOINT": "https://x"})); cfg.Traces.Detailed {
		t.Error("detailed tracing without ENABLE_BETA_TRACING_DETAILED")
	}
}

func TestEveryProblemAtOnce(t *testing.T) {
	_, err := load(t, on(env{
		"OTEL_METRICS_EXPORTER":       "otlp,zipkin",
		"OTEL_LOGS_EXPORTER":          "otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http",
		"OTEL_METRIC_EXPORT_INTERVAL": "soon",
		"OTEL_RESOURCE_ATTRIBUTES":    "=x",
	}))
	ps := problemsOf(t, err)
	if len(ps) != 4 {
		t.Errorf("want 4 problems (the shared protocol once), got %d:\n%v", len(ps), err)
	}
	if lines := strings.Count(err.Error(), "\n"); lines != len(ps) {
		t.Errorf("want one line per problem:\n%v", err)
	}
}

func TestWithVariable(t *testing.T) {
	cfg := mustLoad(t, on(env{"OTEL_SERVICE_NAME": "from-env"}), WithVariable("OTEL_SERVICE_NAME", "from-code"), WithVariable(headersHelperKey, "/bin/helper"))
	if cfg.ServiceName != "from-code" || cfg.Provenance["OTEL_SERVICE_NAME"] != SourceOption || cfg.HeadersHelper != "/bin/helper" {
		t.Errorf("%q %v %q", cfg.ServiceName, cfg.Provenance["OTEL_SERVICE_NAME"], cfg.HeadersHelper)
	}
	// An empty value unsets.
	if cfg := mustLoad(t, on(env{"OTEL_SERVICE_NAME": "x"}), WithVariable("OTEL_SERVICE_NAME", "")); cfg.ServiceName != "" {
		t.Errorf("service name %q", cfg.ServiceName)
	}
	_, err := load(t, on(nil), WithVariable("OTEL_SERVCE_NAME", "typo"))
	wantProblem(t, err, "OTEL_SERVCE_NAME", "unknown variable")
	// The headers helper is a settings key, never an environment variable.
	if cfg := mustLoad(t, on(env{headersHelperKey: "/bin/x"})); cfg.HeadersHelper != "" {
		t.Errorf("helper read from env: %q", cfg.HeadersHelper)
	}
}

func TestWithEnviron(t *testing.T) {
	cfg, err := Load(WithoutManagedSettings(), WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_SERVICE_NAME=a=b", "BROKEN", "OTEL_SERVICE_NAME=c=d"}))
	if err != nil || !cfg.Enabled || cfg.ServiceName != "c=d" {
		t.Errorf("%+v %v", cfg, err)
	}
}

func TestProcessEnvironment(t *testing.T) {
	t.Setenv("CLAUDE_CODE_ENABLE_TELEMETRY", "true")
	t.Setenv("OTEL_METRICS_EXPORTER", "console")
	t.Setenv("OTEL_SERVICE_NAME", "real-env")
	cfg, err := Load(WithoutManagedSettings())
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Enabled || cfg.ServiceName != "real-env" || !reflect.DeepEqual(cfg.Metrics.Exporters, []Exporter{ExporterConsole}) {
		t.Errorf("%+v", cfg)
	}
	t.Setenv("CLAUDE_CODE_ENABLE_TELEMETRY", "0")
	if cfg, err := Load(WithoutManagedSettings()); err != nil || cfg.Enabled {
		t.Errorf("disabled: %v %v", cfg.Enabled, err)
	}
}

// The batch queues, export timeouts and the cardinality limit follow the
// standard variables (Claude Code's interval variables win over the
// SCHEDULE_DELAY ones); a bad value is an error naming the variable.
func TestBatchVariables(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		check   func(Config) bool
		problem string // the variable a problem must name; "" for none
	}{
		{"queue and batch sizes", map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "8192", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "1024", "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "100"},
			func(c Config) bool {
				return c.Logs.Batch.MaxQueueSize == 8192 && c.Logs.Batch.MaxExportBatchSize == 1024 && c.Traces.Batch.MaxQueueSize == 100 && c.Traces.Batch.MaxExportBatchSize == 100
			}, ""},
		{"export timeouts", map[string]string{"OTEL_BLRP_EXPORT_TIMEOUT": "1500", "OTEL_BSP_EXPORT_TIMEOUT": "2500", "OTEL_METRIC_EXPORT_TIMEOUT": "3500"},
			func(c Config) bool {
				return c.Logs.Batch.ExportTimeout == 1500*time.Millisecond && c.Traces.Batch.ExportTimeout == 2500*time.Millisecond && c.Metrics.ExportTimeout == 3500*time.Millisecond
			}, ""},
		{"schedule delay when the interval is unset", map[string]string{"OTEL_BLRP_SCHEDULE_DELAY": "700", "OTEL_BSP_SCHEDULE_DELAY": "800"},
			func(c Config) bool {
				return c.Logs.Interval == 700*time.Millisecond && c.Traces.Interval == 800*time.Millisecond
			}, ""},
		{"Claude Code's interval wins", map[string]string{"OTEL_BLRP_SCHEDULE_DELAY": "700", "OTEL_LOGS_EXPORT_INTERVAL": "900"},
			func(c Config) bool { return c.Logs.Interval == 900*time.Millisecond }, ""},
		{"cardinality limit", map[string]string{"CCOTEL_METRICS_CARDINALITY_LIMIT": "50"},
			func(c Config) bool { return c.Metrics.CardinalityLimit == 50 }, ""},
		{"no cardinality limit", map[string]string{"CCOTEL_METRICS_CARDINALITY_LIMIT": "0"}, nil, "CCOTEL_METRICS_CARDINALITY_LIMIT"},
		{"batch larger than queue", map[string]string{"OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "200"}, nil, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"},
		{"zero queue", map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "0"}, nil, "OTEL_BLRP_MAX_QUEUE_SIZE"},
		{"unbounded queue", map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "100000000"}, nil, "OTEL_BLRP_MAX_QUEUE_SIZE"},
		{"timeout not a number", map[string]string{"OTEL_METRIC_EXPORT_TIMEOUT": "soon"}, nil, "OTEL_METRIC_EXPORT_TIMEOUT"},
		{"negative limit", map[string]string{"CCOTEL_METRICS_CARDINALITY_LIMIT": "-1"}, nil, "CCOTEL_METRICS_CARDINALITY_LIMIT"},
		{"bad schedule delay", map[string]string{"OTEL_BSP_SCHEDULE_DELAY": "0"}, nil, "OTEL_BSP_SCHEDULE_DELAY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}
			for k, v := range tc.env {
				e = append(e, k+"="+v)
			}
			cfg, err := Load(WithEnviron(e), WithoutManagedSettings())
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("Load: %v, want a problem naming %s", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(cfg) {
				t.Errorf("%+v %+v %+v", cfg.Metrics, cfg.Logs.Batch, cfg.Traces.Batch)
			}
		})
	}
}
