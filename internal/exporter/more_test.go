package exporter

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

func noHeaders(config.Signal) []config.Header { return nil }

func endpointFor(rcv *otlptest.Receiver, p config.Protocol) func(config.Signal) string {
	return func(s config.Signal) string {
		if p == config.ProtocolGRPC {
			return rcv.GRPCEndpoint()
		}
		return rcv.HTTPURL(otlptest.Signal(s))
	}
}

func setTLS(cfg *config.Config, t config.TLS) {
	cfg.Metrics.OTLP.TLS, cfg.Logs.OTLP.TLS, cfg.Traces.OTLP.TLS = t, t, t
}

// tlsRun builds pipelines for proto towards rcv with tc and emits one of
// everything; it returns the errors reported.
func tlsRun(t *testing.T, rcv *otlptest.Receiver, proto config.Protocol, tc config.TLS) []error {
	t.Helper()
	cfg := otlpCfg(proto, endpointFor(rcv, proto), noHeaders)
	setTLS(&cfg, tc)
	var errs errSink
	p, err := Build(context.Background(), cfg, Settings{RetryMaxElapsed: -1, ErrorHandler: errs.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	emitAll(t, p)
	return errs.get()
}

func TestTLS(t *testing.T) {
	certs := otlptest.NewCerts(t)
	for _, proto := range []config.Protocol{config.ProtocolGRPC, config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON} {
		t.Run(strings.ReplaceAll(string(proto), "/", "_"), func(t *testing.T) {
			for _, tc := range []struct {
				name    string
				mtls    bool
				tls     config.TLS
				success bool
			}{
				{"tls", false, config.TLS{CAFile: certs.CAFile}, true},
				{"mtls", true, config.TLS{CAFile: certs.CAFile, CertFile: certs.ClientCertFile, KeyFile: certs.ClientKeyFile}, true},
				{"mtls without client cert", true, config.TLS{CAFile: certs.CAFile}, false},
				{"wrong CA", false, config.TLS{CAFile: otlptest.OtherCAFile(t)}, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					rcv := otlptest.Start(t, otlptest.Options{TLS: certs.ServerTLS(tc.mtls)})
					errs := tlsRun(t, rcv, proto, tc.tls)
					if tc.success {
						rcv.WaitForMetrics(t, wait)
						rcv.WaitForLogs(t, wait)
						rcv.WaitForTraces(t, wait)
						if len(errs) > 0 {
							t.Errorf("errors: %v", errs)
						}
						return
					}
					if len(errs) == 0 || !strings.Contains(errs[0].Error(), "export failed") {
						t.Errorf("errors %v, want export failures", errs)
					}
					if n := len(rcv.Requests()); n != 0 {
						t.Errorf("receiver got %d requests", n)
					}
				})
			}
		})
	}
}

func TestEncryptedClientKeys(t *testing.T) {
	certs := otlptest.NewCerts(t)
	dir := t.TempDir()
	der, _ := x509.MarshalECPrivateKey(certs.ClientKey)
	//lint:ignore SA1019 producing the legacy format under test
	blk, err := x509.EncryptPEMBlock(strings.NewReader(strings.Repeat("r", 64)), "EC PRIVATE KEY", der, []byte("pw"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	legacy := filepath.Join(dir, "legacy.pem")
	os.WriteFile(legacy, pem.EncodeToMemory(blk), 0o600)
	keys := map[string]string{"legacy PEM": legacy}
	if _, err := exec.LookPath("openssl"); err == nil {
		p8 := filepath.Join(dir, "pkcs8.pem")
		out, err := exec.Command("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", certs.ClientKeyFile, "-out", p8, "-passout", "pass:pw").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl: %v %s", err, out)
		}
		keys["PKCS#8 PBES2"] = p8
	} else {
		t.Log("openssl not found: encrypted PKCS#8 not tested")
	}
	for name, key := range keys {
		t.Run(name, func(t *testing.T) {
			tc := config.TLS{CAFile: certs.CAFile, CertFile: certs.ClientCertFile, KeyFile: key}
			v := varsFor(config.Config{}, config.SignalLogs, config.ProtocolHTTPProtobuf)
			if _, err := tlsConfig(context.Background(), tc, v, false); err == nil || !strings.Contains(err.Error(), "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE") {
				t.Errorf("no passphrase: %v", err)
			}
			tc.KeyPassphrase = "wrong"
			if _, err := tlsConfig(context.Background(), tc, v, false); err == nil || !strings.Contains(err.Error(), "wrong CLAUDE_CODE_CLIENT_KEY_PASSPHRASE") {
				t.Errorf("wrong passphrase: %v", err)
			}
			tc.KeyPassphrase = "pw"
			rcv := otlptest.Start(t, otlptest.Options{TLS: certs.ServerTLS(true)})
			cfg := otlpCfg(config.ProtocolHTTPProtobuf, endpointFor(rcv, config.ProtocolHTTPProtobuf), noHeaders)
			setTLS(&cfg, tc)
			p, err := Build(context.Background(), cfg, Settings{RetryMaxElapsed: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(context.Background())
			emitAll(t, p)
			rcv.WaitForLogs(t, wait)
		})
	}
}

func TestBuildErrorsNameTheVariable(t *testing.T) {
	secret := "Bearer top-s3cret"
	hdr := func(config.Signal) []config.Header {
		return []config.Header{{Name: "Authorization", Value: config.Secret(secret)}}
	}
	for name, tc := range map[string]struct {
		proto config.Protocol
		tls   config.TLS
		prov  string
		want  string
	}{
		"http CA":        {config.ProtocolHTTPProtobuf, config.TLS{CAFile: "/nonexistent/ca.pem"}, "NODE_EXTRA_CA_CERTS", "NODE_EXTRA_CA_CERTS"},
		"grpc CA":        {config.ProtocolGRPC, config.TLS{CAFile: "/nonexistent/ca.pem"}, "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE", "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE"},
		"http cert only": {config.ProtocolHTTPJSON, config.TLS{CertFile: "/x.pem"}, "", "CLAUDE_CODE_CLIENT_KEY"},
		"grpc key file":  {config.ProtocolGRPC, config.TLS{CertFile: "/nonexistent/c.pem", KeyFile: "/nonexistent/k.pem"}, "", "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := otlpCfg(tc.proto, func(s config.Signal) string { return "https://collector.example:4318/v1/" + string(s) }, hdr)
			setTLS(&cfg, tc.tls)
			cfg.Provenance = map[string]config.Source{tc.prov: config.SourceEnvironment}
			before := runtime.NumGoroutine()
			_, err := Build(context.Background(), cfg, Settings{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("err = %v, want it to name %s and not the header", err, tc.want)
			}
			waitGoroutines(t, before)
		})
	}
	cfg := otlpCfg(config.ProtocolHTTPProtobuf, func(config.Signal) string { return "collector:4318" }, hdr)
	if _, err := Build(context.Background(), cfg, Settings{}); err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_ENDPOINT") {
		t.Errorf("bad endpoint: %v", err)
	}
}

// waitGoroutines polls until at most limit goroutines run; the deadline is generous, as it ends as soon as they
// have (connections close asynchronously, and a loaded machine runs their goroutines late).
func waitGoroutines(t *testing.T, limit int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for runtime.NumGoroutine() > limit {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, want <= %d:\n%s", runtime.NumGoroutine(), limit, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHeadersHelperFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		script, want string
		timeout      time.Duration
	}{
		"fails": {`echo '{"X-Helper":"leak"}'; exit 2`, "failed", 0},
		"hangs": {`sleep 600`, "timed out", 300 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			for _, proto := range []config.Protocol{config.ProtocolHTTPProtobuf, config.ProtocolGRPC} {
				cfg := otlpCfg(proto, endpointFor(rcv, proto), func(config.Signal) []config.Header {
					return []config.Header{{Name: "X-Static", Value: "s"}}
				})
				cfg.HeadersHelper = config.Secret(helperScript(t, tc.script))
				var errs errSink
				start := time.Now()
				p, err := Build(context.Background(), cfg, Settings{ErrorHandler: errs.handle, HeadersHelperTimeout: tc.timeout, RetryMaxElapsed: -1})
				if err != nil {
					t.Fatal(err)
				}
				if d := time.Since(start); d > 2*time.Minute { // the helper hangs for ten minutes: only a Build that waits on it exceeds this
					t.Errorf("Build waited %v for the helper", d)
				}
				emitAll(t, p)
				p.Close(context.Background())
				l := errs.waitFor(t, wait)
				if !strings.Contains(l[0].Error(), tc.want) || strings.Contains(l[0].Error(), "leak") {
					t.Errorf("helper error %v", l[0])
				}
			}
			for _, q := range rcv.Requests() {
				if q.Header.Get("X-Static") != "s" || q.Header.Get("X-Helper") != "" {
					t.Errorf("%s %s: headers %v", q.Transport, q.Signal, q.Header)
				}
			}
			got := map[string]bool{}
			for _, q := range rcv.Requests() {
				got[q.Transport+" "+string(q.Signal)] = q.Err == nil
			}
			if len(got) != 6 { // exports go on with the static headers
				t.Errorf("accepted requests %v, want every signal over http and grpc", got)
			}
		})
	}
}

func TestHeadersFuncAndRequiredHeader(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{RequiredHeaders: map[string]string{"Authorization": "Bearer dyn"}})
	for _, proto := range []config.Protocol{config.ProtocolHTTPJSON, config.ProtocolGRPC} {
		cfg := otlpCfg(proto, endpointFor(rcv, proto), func(config.Signal) []config.Header {
			return []config.Header{{Name: "Authorization", Value: "Bearer static"}}
		})
		cfg.HeadersHelper = "echo '{\"Authorization\":\"from-helper\"}'" // HeadersFunc wins
		var errs errSink
		p, err := Build(context.Background(), cfg, Settings{ErrorHandler: errs.handle, RetryMaxElapsed: -1,
			HeadersFunc: func(context.Context) (map[string]string, error) {
				return map[string]string{"Authorization": "Bearer dyn"}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		emitAll(t, p)
		p.Close(context.Background())
		if e := errs.get(); len(e) > 0 {
			t.Errorf("%s: %v", proto, e)
		}
	}
	for _, q := range rcv.Requests() {
		if q.Err != nil {
			t.Errorf("%s %s refused: %v", q.Transport, q.Signal, q.Err)
		}
	}
}

// TestEnvironmentDoesNotLeak sets every OTEL_* variable the Go exporters
// read to something harmful; exports must still follow the Config.
func TestEnvironmentDoesNotLeak(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "missing.pem")
	for _, sig := range []string{"", "METRICS_", "LOGS_", "TRACES_"} {
		t.Setenv("OTEL_EXPORTER_OTLP_"+sig+"ENDPOINT", "http://127.0.0.1:1/v1/x")
		t.Setenv("OTEL_EXPORTER_OTLP_"+sig+"HEADERS", "x-env=leak")
		t.Setenv("OTEL_EXPORTER_OTLP_"+sig+"CERTIFICATE", bad)
		t.Setenv("OTEL_EXPORTER_OTLP_"+sig+"COMPRESSION", "gzip")
		t.Setenv("OTEL_EXPORTER_OTLP_"+sig+"PROTOCOL", "http/json")
		t.Setenv("OTEL_EXPORTER_OTLP_"+sig+"TIMEOUT", "1")
	}
	t.Setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "cumulative")
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "0")
	for _, proto := range []config.Protocol{config.ProtocolGRPC, config.ProtocolHTTPProtobuf} {
		rcv := otlptest.Start(t, otlptest.Options{})
		var errs errSink
		p, err := Build(context.Background(), otlpCfg(proto, endpointFor(rcv, proto), noHeaders), Settings{ErrorHandler: errs.handle, RetryMaxElapsed: -1})
		if err != nil {
			t.Fatal(err)
		}
		emitAll(t, p)
		p.Close(context.Background())
		if e := errs.get(); len(e) > 0 {
			t.Fatalf("%s: %v", proto, e)
		}
		checkBodies(t, rcv) // delta temporality, not the env's cumulative
		for _, q := range rcv.Requests() {
			if q.Header.Get("X-Env") != "" || (q.ContentEncoding == "gzip") || strings.Contains(q.ContentType, "json") {
				t.Errorf("%s %s: environment leaked: %v", proto, q.Signal, q.Header)
			}
		}
	}
}

func TestConsole(t *testing.T) {
	var out syncBuffer
	cfg := config.Config{Enabled: true,
		Metrics: config.MetricsConfig{Exporters: []config.Exporter{config.ExporterConsole}, Interval: time.Hour},
		Logs:    config.LogsConfig{Exporters: []config.Exporter{config.ExporterConsole}, Interval: time.Hour},
		Traces:  config.TracesConfig{Beta: true, Exporters: []config.Exporter{config.ExporterConsole}, Interval: time.Hour},
	}
	p, err := Build(context.Background(), cfg, Settings{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	emitAll(t, p)
	p.Close(context.Background())
	s := out.String()
	for _, want := range []string{`"claude_code.cost.usage"`, `"claude_code.user_prompt"`, `"claude_code.interaction"`, "\n\t"} {
		if !strings.Contains(s, want) {
			t.Errorf("console output lacks %q:\n%s", want, s)
		}
	}
}

func TestTracesNeedBeta(t *testing.T) {
	cfg := config.Config{Enabled: true, Traces: config.TracesConfig{Exporters: []config.Exporter{config.ExporterConsole}}}
	p, err := Build(context.Background(), cfg, Settings{})
	if err != nil || len(p.SpanProcessors) != 0 {
		t.Fatalf("without Beta: %v, %d span processors", err, len(p.SpanProcessors))
	}
	p, err = Build(context.Background(), config.Config{Metrics: cfg.Metrics, Logs: cfg.Logs}, Settings{})
	if err != nil || len(p.MetricReaders)+len(p.LogProcessors) != 0 {
		t.Fatal("Enabled=false built pipelines")
	}
}

func scrape(t *testing.T, addr string) (string, map[string]bool) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("exposition does not parse: %v\n%s", err, b)
	}
	names := map[string]bool{}
	for n, f := range fams {
		names[n] = true
		if strings.HasPrefix(n, "claude_code_") {
			for _, m := range f.Metric {
				labels := map[string]string{}
				for _, l := range m.Label {
					labels[l.GetName()] = l.GetValue()
				}
				if labels["otel_scope_name"] != "com.anthropic.claude_code" || labels["otel_scope_version"] != "9.9.9" {
					t.Errorf("%s labels %v", n, labels)
				}
			}
		}
	}
	return string(b), names
}

func TestPrometheus(t *testing.T) {
	for name, exps := range map[string][]config.Exporter{
		"alone":        {config.ExporterPrometheus},
		"with console": {config.ExporterPrometheus, config.ExporterConsole},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := config.Config{Enabled: true, Metrics: config.MetricsConfig{
				Exporters: exps, Interval: time.Hour, Temporality: config.TemporalityDelta,
				Prometheus: config.Prometheus{Host: "127.0.0.1", Port: 0},
			}}
			before := runtime.NumGoroutine()
			units := map[string]string{"claude_code_cost_usage_total": "USD", "claude_code_active_time_total": "s", "claude_code_token_usage_total": "tokens"}
			p, err := Build(context.Background(), cfg, Settings{Stdout: io.Discard, PrometheusUnits: units})
			if err != nil {
				t.Fatal(err)
			}
			var opts []sdkmetric.Option
			for _, r := range p.MetricReaders {
				opts = append(opts, sdkmetric.WithReader(r))
			}
			mp := sdkmetric.NewMeterProvider(opts...)
			m := mp.Meter("com.anthropic.claude_code", metric.WithInstrumentationVersion("9.9.9"))
			cost, _ := m.Float64Counter("claude_code.cost.usage", metric.WithUnit("USD"))
			active, _ := m.Float64Counter("claude_code.active_time.total", metric.WithUnit("s"))
			tokens, _ := m.Int64Counter("claude_code.token.usage", metric.WithUnit("tokens"))
			sessions, _ := m.Int64Counter("claude_code.session.count", metric.WithUnit("count"))
			ctx := context.Background()
			cost.Add(ctx, 1.5)
			cost.Add(ctx, 1) // cumulative on /metrics whatever the OTLP temporality
			active.Add(ctx, 3)
			tokens.Add(ctx, 10)
			sessions.Add(ctx, 1)

			text, names := scrape(t, p.PrometheusAddr())
			for _, want := range []string{"claude_code_cost_usage_total", "claude_code_active_time_total", "claude_code_token_usage_total", "claude_code_session_count_total", "target_info"} {
				if !names[want] {
					t.Errorf("no %s in\n%s", want, text)
				}
			}
			if !strings.Contains(text, "claude_code_cost_usage_total{") || !strings.Contains(text, "} 2.5") {
				t.Errorf("cost is not cumulative 2.5:\n%s", text)
			}
			if strings.Contains(text, "_USD") || strings.Contains(text, "_seconds") || strings.Contains(text, "_tokens") {
				t.Errorf("unit in names:\n%s", text)
			}
			if strings.Contains(text, "otel_scope_schema_url") {
				t.Errorf("Claude Code's exposition has no otel_scope_schema_url label:\n%s", text)
			}
			// Claude Code: # UNIT lines only when prometheus is not the only
			// metrics exporter, between HELP and TYPE.
			withUnits := len(exps) > 1
			unitLine := regexp.MustCompile(`# HELP claude_code_cost_usage_total [^\n]*\n# UNIT claude_code_cost_usage_total USD\n# TYPE claude_code_cost_usage_total counter\n`)
			if got := unitLine.MatchString(text); got != withUnits {
				t.Errorf("# UNIT line for cost present=%v, want %v:\n%s", got, withUnits, text)
			}
			if n := strings.Count(text, "# UNIT "); withUnits && n != 3 || !withUnits && n != 0 {
				t.Errorf("%d # UNIT lines (want 3 with another exporter, 0 alone):\n%s", n, text)
			}
			if err := mp.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			if err := p.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if err := p.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := http.Get("http://" + p.PrometheusAddr() + "/metrics"); err == nil {
				t.Error("server still answers after Close")
			}
			http.DefaultClient.CloseIdleConnections()
			waitGoroutines(t, before)
		})
	}
}

func TestPrometheusPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	cfg := config.Config{Enabled: true,
		Metrics: config.MetricsConfig{Exporters: []config.Exporter{config.ExporterConsole, config.ExporterPrometheus}, Prometheus: config.Prometheus{Host: "127.0.0.1", Port: port}},
		Logs:    config.LogsConfig{Exporters: []config.Exporter{config.ExporterConsole}},
	}
	before := runtime.NumGoroutine()
	if _, err := Build(context.Background(), cfg, Settings{}); err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_PROMETHEUS_PORT") {
		t.Fatalf("err = %v", err)
	}
	waitGoroutines(t, before) // the console reader built first was shut down
}

// TestErrorsGoToHandlerNotStderr runs the scenario in a child process so
// that anything written to the real stderr (otel.Handle's default, the
// standard logger, grpclog) is seen.
func TestErrorsGoToHandlerNotStderr(t *testing.T) {
	if os.Getenv("CCOTEL_EXPORTER_CHILD") == "1" {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		dead := ln.Addr().String()
		ln.Close()
		for _, proto := range []config.Protocol{config.ProtocolGRPC, config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON} {
			cfg := otlpCfg(proto, func(s config.Signal) string {
				if proto == config.ProtocolGRPC {
					return "http://" + dead
				}
				return "http://" + dead + "/v1/" + string(s)
			}, func(config.Signal) []config.Header { return []config.Header{{Name: "Authorization", Value: "s3cret"}} })
			cfg.Metrics.Exporters = append(cfg.Metrics.Exporters, config.ExporterPrometheus)
			cfg.Metrics.Prometheus = config.Prometheus{Host: "127.0.0.1"}
			var errs errSink
			p, err := Build(context.Background(), cfg, Settings{ErrorHandler: errs.handle, RetryMaxElapsed: -1, Stdout: io.Discard})
			if err != nil {
				t.Fatal(err)
			}
			emitAll(t, p)
			p.Close(context.Background())
			l := errs.get()
			// Metrics export twice: at ForceFlush and at Shutdown.
			for _, sig := range []string{"metrics", "logs", "traces"} {
				found := false
				for _, e := range l {
					found = found || strings.HasPrefix(e.Error(), "ccotel: "+sig+" otlp exporter")
				}
				if !found {
					t.Errorf("%s: no %s error in %v", proto, sig, l)
				}
			}
			for _, e := range l {
				s := e.Error()
				if strings.Contains(s, "s3cret") || !strings.Contains(s, "export failed") || !strings.Contains(s, dead) {
					t.Errorf("%s: error %q", proto, s)
				}
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestErrorsGoToHandlerNotStderr$", "-test.v")
	cmd.Env = append(os.Environ(), "CCOTEL_EXPORTER_CHILD=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child failed: %v\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Fatalf("something wrote to stderr:\n%s", stderr.String())
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{})
	before := runtime.NumGoroutine()
	for _, proto := range []config.Protocol{config.ProtocolGRPC, config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON} {
		cfg := otlpCfg(proto, endpointFor(rcv, proto), noHeaders)
		cfg.HeadersHelper = `echo '{"a":"b"}'`
		cfg.HeadersHelperDebounce = 10 * time.Millisecond
		cfg.Metrics.Exporters = append(cfg.Metrics.Exporters, config.ExporterPrometheus)
		cfg.Metrics.Prometheus = config.Prometheus{Host: "127.0.0.1"}
		p, err := Build(context.Background(), cfg, Settings{RetryMaxElapsed: -1})
		if err != nil {
			t.Fatal(err)
		}
		emitAll(t, p)
		for range 2 {
			if err := p.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitGoroutines(t, before)
}
