package telemetry_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// Canaries, one per kind of content, each guarded by its own flag.
const (
	canaryPrompt     = "CANARYprompt7f3a"
	canaryResponse   = "CANARYresponse7f3a"
	canaryToolInput  = "CANARYtoolinput7f3a"
	canaryToolParams = "CANARYtoolparams7f3a"
	canaryToolError  = "CANARYtoolerror7f3a"
	canaryBody       = "CANARYbody7f3a"
)

var allCanaries = []string{canaryPrompt, canaryResponse, canaryToolInput, canaryToolParams, canaryToolError, canaryBody}

// errSink collects what the error handler receives.
type errSink struct {
	mu   sync.Mutex
	errs []error
}

func (e *errSink) handle(err error) { e.mu.Lock(); e.errs = append(e.errs, err); e.mu.Unlock() }
func (e *errSink) all() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

// syncBuffer is a goroutine-safe console writer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// start starts telemetry from environ only (no managed settings, no process
// environment).
func start(t *testing.T, environ []string, opts ...telemetry.Option) *telemetry.Telemetry {
	t.Helper()
	tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{
		telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(environ)),
		telemetry.WithUserID(strings.Repeat("a", 64)),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return tel
}

// emitContent emits every kind of content through the public API, each
// with its canary, then shuts down so everything is exported.
func emitContent(t *testing.T, tel *telemetry.Telemetry) {
	t.Helper()
	if err := emitContentErr(t, tel); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

// emitContentErr is emitContent returning the Shutdown error.
func emitContentErr(t *testing.T, tel *telemetry.Telemetry) error {
	t.Helper()
	ctx, s := tel.StartSession(context.Background())
	pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "please " + canaryPrompt})
	cost := 0.01
	s.APIResponse(pctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Usage: pricing.Usage{InputTokens: 10, OutputTokens: 5},
		CostUSD: &cost, Duration: time.Second, Text: "answer " + canaryResponse, RequestID: "req_1"})
	tel.Events().ToolResult(pctx, events.ToolResult{ToolName: "Bash", Success: false, Error: "failed: " + canaryToolError,
		ToolParameters: `{"bash_command":"` + canaryToolParams + `"}`, ToolInput: `{"command":"echo ` + canaryToolInput + `"}`})
	tel.Events().ToolDecision(pctx, events.ToolDecision{ToolName: "Bash", Decision: "accept", Source: "config",
		ToolParameters: `{"full_command":"` + canaryToolParams + `"}`})
	tel.Events().APIRequestBody(pctx, events.APIRequestBody{Body: `{"messages":"` + canaryBody + `"}`, Model: "claude-sonnet-4-5", RequestBodyID: "b1"})
	tel.Events().APIResponseBody(pctx, events.APIResponseBody{Body: `{"content":"` + canaryBody + `"}`, Model: "claude-sonnet-4-5", RequestID: "req_1"})
	s.EditDecision(pctx, telemetry.Edit{ToolName: "Edit", FilePath: "/x/main.go", OldText: canaryToolInput, NewText: canaryToolInput + "\n2", Decision: metrics.DecisionAccept})
	p.End(pctx)
	ctx2, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return tel.Shutdown(ctx2)
}

// wire returns every byte the receiver got: HTTP bodies as sent (gunzipped
// when compressed) and gRPC messages re-marshalled.
func wire(t *testing.T, rcv *otlptest.Receiver) []byte {
	t.Helper()
	var all bytes.Buffer
	for _, r := range rcv.Requests() {
		if r.Err != nil {
			t.Fatalf("receiver refused a request: %v", r.Err)
		}
		if r.Transport == "http" {
			body := r.Body
			if r.ContentEncoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			all.Write(body)
			continue
		}
		for _, m := range []proto.Message{r.Logs, r.Metrics, r.Traces} {
			if m == nil || !m.ProtoReflect().IsValid() {
				continue
			}
			b, err := proto.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
	}
	return all.Bytes()
}

// exported runs emitContent with the given flags over one transport and
// returns every exported byte, plus the errors reported.
func exported(t *testing.T, transport string, flags ...string) ([]byte, []error) {
	t.Helper()
	env := append([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp",
		"OTEL_METRIC_EXPORT_INTERVAL=3600000", "OTEL_LOGS_EXPORT_INTERVAL=3600000"}, flags...)
	var sink errSink
	if transport == "console" {
		env[1], env[2] = "OTEL_METRICS_EXPORTER=console", "OTEL_LOGS_EXPORTER=console"
		var buf syncBuffer
		emitContent(t, start(t, env, telemetry.WithConsoleWriter(&buf), telemetry.WithErrorHandler(sink.handle)))
		return []byte(buf.String()), sink.all()
	}
	rcv := otlptest.Start(t, otlptest.Options{})
	endpoint := rcv.HTTPEndpoint()
	if transport == "grpc" {
		endpoint = rcv.GRPCEndpoint()
	}
	env = append(env, "OTEL_EXPORTER_OTLP_PROTOCOL="+transport, "OTEL_EXPORTER_OTLP_ENDPOINT="+endpoint)
	emitContent(t, start(t, env, telemetry.WithErrorHandler(sink.handle)))
	b := wire(t, rcv)
	if !bytes.Contains(b, []byte("claude_code.api_request")) {
		t.Fatalf("%s: no events on the wire (errors %v)", transport, sink.all())
	}
	return b, sink.all()
}

// TestCanaryNeverExportedWithFlagsOff: with every content flag off, no
// canary reaches any exported byte over http/json, grpc or the console.
func TestCanaryNeverExportedWithFlagsOff(t *testing.T) {
	for _, transport := range []string{"http/json", "grpc", "console"} {
		t.Run(strings.ReplaceAll(transport, "/", "_"), func(t *testing.T) {
			b, errs := exported(t, transport)
			for _, c := range allCanaries {
				if i := bytes.Index(b, []byte(c)); i >= 0 {
					t.Errorf("%s exported with every flag off: ...%s...", c, b[max(0, i-80):min(len(b), i+40)])
				}
			}
			for _, err := range errs {
				for _, c := range allCanaries {
					if strings.Contains(err.Error(), c) {
						t.Errorf("error handler got %s: %v", c, err)
					}
				}
			}
			if !bytes.Contains(b, []byte("REDACTED")) {
				t.Error("the redacted prompt literal is missing: the check above may have looked at nothing")
			}
		})
	}
}

// TestCanaryOnlyWhereFlagAllows turns each flag on alone: exactly the
// canaries it guards are exported.
func TestCanaryOnlyWhereFlagAllows(t *testing.T) {
	for _, tc := range []struct {
		flag  string
		allow []string
	}{
		{"OTEL_LOG_USER_PROMPTS=1", []string{canaryPrompt, canaryResponse}}, // responses follow prompts when unset
		{"OTEL_LOG_ASSISTANT_RESPONSES=1", []string{canaryResponse}},
		{"OTEL_LOG_TOOL_DETAILS=1", []string{canaryToolInput, canaryToolParams, canaryToolError}},
		{"OTEL_LOG_TOOL_CONTENT=1", nil}, // tool.output span events only; no spans here
		{"OTEL_LOG_RAW_API_BODIES=1", []string{canaryBody}},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			b, _ := exported(t, "http/json", tc.flag)
			for _, c := range allCanaries {
				allowed := false
				for _, a := range tc.allow {
					allowed = allowed || a == c
				}
				if got := bytes.Contains(b, []byte(c)); got != allowed {
					t.Errorf("%s exported=%v, want %v", c, got, allowed)
				}
			}
		})
	}
}

// secretHeader, secretPass and the key file content must never be printed.
const (
	secretHeader = "SECRETheader9c1d"
	secretPass   = "SECRETpassphrase9c1d"
)

func assertNoSecret(t *testing.T, where, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%s contains a secret (%.12s...): %s", where, sec, s)
		}
	}
}

// TestSecretsNeverPrinted: header values, the key passphrase and the key
// file's content stay out of config errors, Start (Build) errors, export
// errors given to the handler, CLAUDE_CODE_OTEL_DIAG_STDERR output and the
// console output.
func TestSecretsNeverPrinted(t *testing.T) {
	certs := otlptest.NewCerts(t)
	keyPEM, err := os.ReadFile(certs.ClientKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	keyBody := strings.Split(string(keyPEM), "\n")[1] // the first base64 line of the key
	secrets := []string{secretHeader, secretPass, keyBody}
	base := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20" + secretHeader, "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE=" + secretPass}

	t.Run("config error", func(t *testing.T) {
		env := append(append([]string{}, base...), "OTEL_EXPORTER_OTLP_LOGS_HEADERS="+secretHeader, "OTEL_EXPORTER_OTLP_METRICS_HEADERS=bad name="+secretHeader)
		_, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(env)))
		var cerr *config.Error
		if !errors.As(err, &cerr) {
			t.Fatalf("want a *config.Error, got %v", err)
		}
		assertNoSecret(t, "config error", err.Error(), secrets...)
	})
	t.Run("build error", func(t *testing.T) {
		// The key file is not a key but the passphrase: a parse failure.
		bad := filepath.Join(t.TempDir(), "key.pem")
		os.WriteFile(bad, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"+secretPass+"\n-----END ENCRYPTED PRIVATE KEY-----\n"), 0o600)
		env := append(append([]string{}, base...), "OTEL_EXPORTER_OTLP_ENDPOINT=https://127.0.0.1:1",
			"CLAUDE_CODE_CLIENT_CERT="+certs.ClientCertFile, "CLAUDE_CODE_CLIENT_KEY="+bad)
		_, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(env)))
		if err == nil {
			t.Fatal("a key that is not a key was accepted")
		}
		assertNoSecret(t, "build error", err.Error(), secrets...)
		// A real key with the wrong passphrase.
		env = append(append([]string{}, base...), "OTEL_EXPORTER_OTLP_ENDPOINT=https://127.0.0.1:1",
			"CLAUDE_CODE_CLIENT_CERT="+certs.ClientCertFile, "CLAUDE_CODE_CLIENT_KEY="+certs.ClientKeyFile)
		if _, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(env))); err != nil {
			assertNoSecret(t, "build error", err.Error(), secrets...)
		}
	})
	t.Run("export errors, diag stderr and console", func(t *testing.T) {
		// The receiver wants another token: every export is refused (401).
		rcv := otlptest.Start(t, otlptest.Options{RequiredHeaders: map[string]string{"Authorization": "Bearer other"}})
		env := append(append([]string{}, base...), "OTEL_EXPORTER_OTLP_ENDPOINT="+rcv.HTTPEndpoint(),
			"OTEL_METRICS_EXPORTER=console", "CLAUDE_CODE_OTEL_DIAG_STDERR=1",
			"CLAUDE_CODE_CLIENT_CERT="+certs.ClientCertFile, "CLAUDE_CODE_CLIENT_KEY="+certs.ClientKeyFile)
		// DIAG_STDERR writes to os.Stderr: capture it (this test is not parallel).
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		orig := os.Stderr
		os.Stderr = w
		var console syncBuffer
		tel, err := telemetry.Start(context.Background(), telemetry.WithConsoleWriter(&console),
			telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(env)))
		if err != nil {
			os.Stderr = orig
			t.Fatal(err)
		}
		lostErr := emitContentErr(t, tel) // every export is refused: a *DeliveryError
		os.Stderr = orig
		w.Close()
		stderr, _ := io.ReadAll(r)
		if !strings.Contains(string(stderr), "export failed") {
			t.Fatalf("no export error on stderr (the check would be empty): %q", stderr)
		}
		assertNoSecret(t, "stderr", string(stderr), secrets...)
		assertNoSecret(t, "console", console.String(), secrets...)
		var sink errSink
		var lost *telemetry.DeliveryError
		if !errors.As(lostErr, &lost) {
			t.Fatalf("Shutdown after refused exports: %v, want a *telemetry.DeliveryError", lostErr)
		}
		assertNoSecret(t, "Shutdown error", lostErr.Error(), secrets...)
		tel = start(t, env, telemetry.WithErrorHandler(sink.handle))
		_ = emitContentErr(t, tel)
		if len(sink.all()) == 0 {
			t.Fatal("no export error reported to the handler")
		}
		for _, e := range sink.all() {
			assertNoSecret(t, "handler error", e.Error(), secrets...)
		}
	})
}

// TestManagedDestinationLock: a managed settings file sends telemetry to
// receiver A; the environment and a user settings file point at receiver B.
// Everything reaches A, nothing B.
func TestManagedDestinationLock(t *testing.T) {
	a := otlptest.Start(t, otlptest.Options{})
	b := otlptest.Start(t, otlptest.Options{})
	dir := t.TempDir()
	managedPath := filepath.Join(dir, "managed-settings.json")
	os.WriteFile(managedPath, []byte(`{"env":{"CLAUDE_CODE_ENABLE_TELEMETRY":"1","OTEL_LOGS_EXPORTER":"otlp","OTEL_METRICS_EXPORTER":"otlp",`+
		`"OTEL_EXPORTER_OTLP_PROTOCOL":"http/json","OTEL_EXPORTER_OTLP_ENDPOINT":"`+a.HTTPEndpoint()+`"}}`), 0o600)
	userPath := filepath.Join(dir, "user.json")
	os.WriteFile(userPath, []byte(`{"env":{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT":"`+b.HTTPURL(otlptest.Metrics)+`",`+
		`"OTEL_EXPORTER_OTLP_PROTOCOL":"http/protobuf","OTEL_EXPORTER_OTLP_ENDPOINT":"`+b.HTTPEndpoint()+`"}}`), 0o600)
	env := []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + b.HTTPEndpoint(), "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=" + b.HTTPURL(otlptest.Logs),
		"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=grpc", "OTEL_LOGS_EXPORTER=otlp"}
	tel, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithEnviron(env),
		config.WithManagedSettingsPath(managedPath), config.WithSettingsFiles(userPath)))
	if err != nil {
		t.Fatal(err)
	}
	emitContent(t, tel)
	a.WaitForLogs(t, 10*time.Second)
	a.WaitForMetrics(t, 10*time.Second)
	if n := len(b.Requests()); n != 0 {
		t.Fatalf("receiver B got %d requests", n)
	}
	for _, r := range a.Requests() {
		if r.ContentType != "application/json" {
			t.Errorf("A got %s: the managed protocol was overridden", r.ContentType)
		}
	}
}

// TestCertificatesVerified: an https endpoint with a certificate of an
// unknown CA fails (error to the handler, no data accepted); with the CA
// configured the same endpoint works.
func TestCertificatesVerified(t *testing.T) {
	certs := otlptest.NewCerts(t)
	for _, proto := range []string{"http/protobuf", "grpc"} {
		t.Run(strings.ReplaceAll(proto, "/", "_"), func(t *testing.T) {
			caVar := "NODE_EXTRA_CA_CERTS="
			if proto == "grpc" {
				caVar = "OTEL_EXPORTER_OTLP_CERTIFICATE="
			}
			for _, withCA := range []bool{false, true} {
				rcv := otlptest.Start(t, otlptest.Options{TLS: certs.ServerTLS(false)})
				endpoint := rcv.HTTPEndpoint()
				if proto == "grpc" {
					endpoint = rcv.GRPCEndpoint()
				}
				if !strings.HasPrefix(endpoint, "https://") {
					t.Fatalf("endpoint %s is not https", endpoint)
				}
				env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=" + proto,
					"OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint, "OTEL_EXPORTER_OTLP_TIMEOUT=3000"}
				if withCA {
					env = append(env, caVar+certs.CAFile)
				}
				var sink errSink
				shutdownErr := emitContentErr(t, start(t, env, telemetry.WithErrorHandler(sink.handle)))
				if withCA && shutdownErr != nil {
					t.Errorf("with the CA: shutdown: %v", shutdownErr)
				}
				accepted := 0
				for _, r := range rcv.Requests() {
					if r.Err == nil {
						accepted++
					}
				}
				if withCA && (accepted == 0 || len(sink.all()) > 0) {
					t.Errorf("with the CA: %d accepted, errors %v", accepted, sink.all())
				}
				// gRPC retries an unavailable endpoint until Shutdown's deadline,
				// so its failure may surface as Shutdown's error rather than a
				// handler report; either way it must surface.
				if !withCA && (accepted > 0 || (len(sink.all()) == 0 && shutdownErr == nil)) {
					t.Errorf("self-signed without the CA: %d accepted, errors %v, shutdown %v", accepted, sink.all(), shutdownErr)
				}
			}
		})
	}
}
