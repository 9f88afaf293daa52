package telemetry_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
)

// TestHostileEnvironment: huge, empty, control-character, invalid UTF-8 and
// NUL values in every variable give a working Telemetry or a *config.Error,
// never a panic or a hang.
func TestHostileEnvironment(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	for name, v := range map[string]string{
		"1 MB": huge, "empty": "", "control": "\x01\x1b[31m\r\n\t", "invalid UTF-8": "\xff\xfe\xc3",
		"NUL": "a\x00b", "percent NUL": "k=%00", "1 MB of pairs": strings.Repeat("k=v,", 1<<18),
	} {
		t.Run(name, func(t *testing.T) {
			env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}
			for _, vr := range config.Variables {
				if !vr.SettingsKey && vr.Name != "CLAUDE_CODE_ENABLE_TELEMETRY" {
					env = append(env, vr.Name+"="+v)
				}
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				tel, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(env)))
				if err != nil {
					if _, ok := err.(*config.Error); !ok && !strings.Contains(err.Error(), "OTEL_") {
						t.Errorf("error of type %T that names no variable: %.300v", err, err)
					}
					return
				}
				tel.Shutdown(context.Background())
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Minute): // quadratic parsing took hours on the large rows; linear takes well under a second
				t.Fatal("Start hung")
			}
		})
	}
}

// TestHostileHeaderValues: a NUL or a newline in a header value (percent-
// decoded) must not reach the wire, crash or hang: Start refuses it, or
// exports fail with an error to the handler.
func TestHostileHeaderValues(t *testing.T) {
	for _, v := range []string{"a%00b", "a%0D%0AX-Injected:%201", "\x7f"} {
		t.Run(v, func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			var sink errSink
			tel, err := telemetry.Start(context.Background(), telemetry.WithErrorHandler(sink.handle),
				telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1",
					"OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint(),
					"OTEL_EXPORTER_OTLP_HEADERS=X-Test=" + v})))
			if err != nil {
				t.Logf("refused at Start: %v", err)
				return
			}
			emitContentErr(t, tel)
			for _, r := range rcv.Requests() {
				if r.Header.Get("X-Injected") != "" {
					t.Fatal("a header was injected through a header value")
				}
			}
			if len(rcv.Requests()) == 0 && len(sink.all()) == 0 {
				t.Fatal("nothing exported and no error reported")
			}
		})
	}
}

// TestHugePrompt: a 10 MB prompt through the session API is exported
// truncated to the content limit (marker included), as valid UTF-8.
func TestHugePrompt(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{})
	tel := start(t, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint(), "OTEL_LOG_USER_PROMPTS=1"})
	ctx, s := tel.StartSession(context.Background())
	prompt := strings.Repeat("é😀\xff", 10<<20/7)
	_, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: prompt})
	p.End(ctx)
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rcv.Requests() {
		if r.Logs == nil {
			continue
		}
		for _, rl := range r.Logs.ResourceLogs {
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					for _, kv := range lr.Attributes {
						if kv.Key != "prompt" {
							continue
						}
						found = true
						v := kv.Value.GetStringValue()
						if !utf8.ValidString(v) || !strings.Contains(v, "[TRUNCATED") {
							t.Errorf("prompt of %d bytes: valid=%v", len(v), utf8.ValidString(v))
						}
						if n := utf16Len(v); n > 61440 {
							t.Errorf("prompt of %d UTF-16 units > 61440", n)
						}
					}
				}
			}
		}
	}
	if !found {
		t.Fatal("no prompt attribute exported")
	}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// TestHostileHeadersHelper: a helper that prints garbage, an array, a
// non-string object or 20 MB, or that fails, gives an error to the handler;
// the exports go on with the static headers and nothing hangs.
func TestHostileHeadersHelper(t *testing.T) {
	for name, body := range map[string]string{
		"garbage":    `printf 'not json\x00\xff'`,
		"array":      `echo '["a","b"]'`,
		"non-string": `echo '{"Authorization":1}'`,
		"huge":       `head -c 20000000 /dev/zero | tr '\0' 'a'`,
		"fails":      `exit 7`,
	} {
		t.Run(name, func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			dir := t.TempDir()
			script := filepath.Join(dir, "helper.sh")
			os.WriteFile(script, []byte("#!/bin/sh\n"+body+"\n"), 0o755)
			settings := filepath.Join(dir, "settings.json")
			os.WriteFile(settings, []byte(fmt.Sprintf(`{"otelHeadersHelper":%q}`, script)), 0o600)
			var sink errSink
			tel, err := telemetry.Start(context.Background(), telemetry.WithErrorHandler(sink.handle),
				telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithSettingsFiles(settings), config.WithEnviron([]string{
					"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/json",
					"OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint()})))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			emitContent(t, tel)
			rcv.WaitForLogs(t, 10*time.Second)
			if len(sink.all()) == 0 || !strings.Contains(sink.all()[0].Error(), "otelHeadersHelper") {
				t.Errorf("errors %v, want the helper's failure", sink.all())
			}
			if d := time.Since(start); d > 2*time.Minute { // the helper hangs for ever; only waiting on it exceeds this
				t.Errorf("took %v", d)
			}
		})
	}
}
