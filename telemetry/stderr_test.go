package telemetry_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
)

const stderrChildEnv = "CCOTEL_TELEMETRY_STDERR_CHILD"

// TestStderrChild is the child of TestSDKNeverPrints; run by itself it does
// nothing.
func TestStderrChild(t *testing.T) {
	mode := os.Getenv(stderrChildEnv)
	switch mode {
	case "":
		t.Skip("run by TestSDKNeverPrints as a child process")
	case "accepted":
		// ccotel's configuration is its own (as the test kit's is): every
		// signal on the console, traces on.
		tel, err := telemetry.Start(context.Background(), telemetry.WithConsoleWriter(io.Discard),
			telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron([]string{
				"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1",
				"OTEL_METRICS_EXPORTER=console", "OTEL_LOGS_EXPORTER=console", "OTEL_TRACES_EXPORTER=console"})))
		if err != nil {
			t.Fatal(err)
		}
		ctx, s := tel.StartSession(context.Background())
		pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
		s.APIResponse(pctx, telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929"})
		p.End(pctx)
		if err := tel.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	case "refused":
		// The process environment is ccotel's source, as for most hosts.
		_, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings()))
		var ce *config.Error
		if !errors.As(err, &ce) {
			t.Fatalf("Start: %v, want a *config.Error", err)
		}
		for _, name := range []string{"OTEL_TRACES_SAMPLER", "OTEL_GO_X_CARDINALITY_LIMIT", "OTEL_RESOURCE_ATTRIBUTES"} {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("the error does not name %s: %v", name, err)
			}
		}
	case "told", "told, global":
		// ccotel reads another environment (as the test kit does): the
		// process values are not its own and must not stop it; each is told
		// to the handler, and the SDK prints them unless ccotel routes the
		// global error handler (docs/RELIABILITY.md).
		told := map[string]bool{}
		var global []telemetry.Option
		if mode == "told, global" {
			global = append(global, telemetry.WithGlobal())
		}
		tel, err := telemetry.Start(context.Background(), append(global, telemetry.WithLoadOptions(config.WithoutManagedSettings(),
			config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1",
				"OTEL_METRICS_EXPORTER=console", "OTEL_TRACES_EXPORTER=console"})),
			telemetry.WithConsoleWriter(io.Discard),
			telemetry.WithErrorHandler(func(err error) {
				var w config.Warning
				if errors.As(err, &w) && w.Kind == config.WarningProcess {
					told[w.Variable] = true
				}
			}))...)
		if err != nil {
			t.Fatal(err)
		}
		_ = tel.Shutdown(context.Background())
		for _, name := range []string{"OTEL_TRACES_SAMPLER", "OTEL_GO_X_CARDINALITY_LIMIT", "OTEL_RESOURCE_ATTRIBUTES"} {
			if !told[name] {
				t.Errorf("no WarningProcess for %s", name)
			}
		}
	case "process":
		// The host's own configuration is the process environment.
		tel, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings()))
		if err != nil {
			t.Fatal(err)
		}
		_ = tel.Shutdown(context.Background())
	}
}

// TestSDKNeverPrints: the OpenTelemetry SDK's providers read variables of
// the process environment themselves and print invalid values on stderr.
// With every one of them hostile, a host's stderr gets 0 bytes: values the
// SDK would read are passed explicitly from ccotel's configuration
// (sampler, span and log record limits, batch settings), and the few it
// reads whatever it is passed are refused by config.Load when the process
// environment is ccotel's source (with another source they are not
// ccotel's: told to the handler, and printed by the SDK). A mistyped
// variable with telemetry off is printed only when
// CLAUDE_CODE_OTEL_DIAG_STDERR asks for it.
func TestSDKNeverPrints(t *testing.T) {
	hostileLimits := []string{
		"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT=abc", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT=abc",
		// Not "abc": go.opentelemetry.io/auto/sdk, which every program
		// importing go.opentelemetry.io/otel links, parses these when its
		// package is initialised, before main, and prints an invalid value
		// with slog (docs/RELIABILITY.md). Valid but hostile values would
		// drop or cut every span attribute if the SDK applied them.
		"OTEL_ATTRIBUTE_COUNT_LIMIT=0", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=1",
		"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=0", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT=1",
		"OTEL_SPAN_EVENT_COUNT_LIMIT=0", "OTEL_SPAN_LINK_COUNT_LIMIT=0",
		"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT=0", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT=0",
		"OTEL_BLRP_SCHEDULE_DELAY=abc", "OTEL_BLRP_EXPORT_TIMEOUT=abc", "OTEL_BLRP_MAX_QUEUE_SIZE=abc", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=abc",
		"OTEL_BSP_SCHEDULE_DELAY=abc", "OTEL_BSP_EXPORT_TIMEOUT=abc", "OTEL_BSP_MAX_QUEUE_SIZE=abc", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=abc",
		"OTEL_METRIC_EXPORT_INTERVAL=abc", "OTEL_METRIC_EXPORT_TIMEOUT=abc", "OTEL_METRICS_EXEMPLAR_FILTER=bogus",
		"OTEL_TRACES_SAMPLER_ARG=x", "OTEL_SERVICE_NAME=shell", "OTEL_RESOURCE_ATTRIBUTES=team=shell",
		"OTEL_GO_X_OBSERVABILITY=true", "OTEL_GO_X_RESOURCE=true",
	}
	processOn := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1",
		"OTEL_METRICS_EXPORTER=console", "OTEL_TRACES_EXPORTER=console"}
	for _, tc := range []struct {
		name, mode string
		env        []string
		stderr     []string // what stderr must hold; none: 0 bytes
	}{
		{name: "limits and batch variables", mode: "accepted", env: hostileLimits},
		{name: "values the SDK reads whatever it is passed", mode: "refused", env: append([]string{
			"OTEL_TRACES_SAMPLER=bogus", "OTEL_GO_X_CARDINALITY_LIMIT=lots", "OTEL_RESOURCE_ATTRIBUTES=team=a,"}, processOn...)},
		{name: "the sampler's ratio", mode: "refused", env: append([]string{
			"OTEL_TRACES_SAMPLER=traceidratio", "OTEL_TRACES_SAMPLER_ARG=2", "OTEL_GO_X_CARDINALITY_LIMIT=lots", "OTEL_RESOURCE_ATTRIBUTES=x"}, processOn...)},
		// The one case where the SDK prints: the values are not ccotel's.
		{name: "values the SDK reads, another source", mode: "told", env: []string{
			"OTEL_TRACES_SAMPLER=bogus", "OTEL_GO_X_CARDINALITY_LIMIT=lots", "OTEL_RESOURCE_ATTRIBUTES=team=a,"},
			stderr: []string{"unsupported sampler: bogus"}},
		// With WithGlobal the global error handler is ccotel's before the
		// providers are built, so what the SDK says goes there.
		{name: "values the SDK reads, another source, global", mode: "told, global", env: []string{
			"OTEL_TRACES_SAMPLER=bogus", "OTEL_GO_X_CARDINALITY_LIMIT=lots", "OTEL_RESOURCE_ATTRIBUTES=team=a,"}},
		{name: "typo, telemetry off", mode: "process", env: []string{"OTEL_METRICS_EXPORTERS=otlp"}},
		{name: "typo, telemetry off, diag stderr", mode: "process",
			env:    []string{"OTEL_METRICS_EXPORTERS=otlp", "CLAUDE_CODE_OTEL_DIAG_STDERR=1"},
			stderr: []string{"OTEL_METRICS_EXPORTERS", "did you mean OTEL_METRICS_EXPORTER?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestStderrChild$", "-test.count=1")
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), stderrChildEnv + "=" + tc.mode}, tc.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
			}
			if strings.TrimSpace(stdout.String()) != "PASS" {
				t.Errorf("child stdout is not just PASS:\n%s", &stdout)
			}
			if len(tc.stderr) == 0 && stderr.Len() != 0 {
				t.Errorf("stderr has %d bytes:\n%s", stderr.Len(), &stderr)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, &stderr)
				}
			}
		})
	}
}

// TestAutoSDKPrintsAtInit checks the one print docs/RELIABILITY.md says
// ccotel cannot prevent: go.opentelemetry.io/auto/sdk, linked by
// go.opentelemetry.io/otel's global package (so by every program using
// OpenTelemetry), parses the span limit variables when the program's
// packages are initialised and prints a non-integer one with slog. The
// child runs no ccotel code (its one test skips), only the packages'
// initialisation;
// a valid value prints nothing.
func TestAutoSDKPrintsAtInit(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  string // on stderr; "" for 0 bytes
	}{
		{"abc", `WARN invalid limit environment variable error="strconv.Atoi: parsing \"abc\": invalid syntax" key=OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT value=abc`},
		{"5", ""},
	} {
		t.Run(tc.value, func(t *testing.T) {
			// TestStderrChild skips without its mode.
			cmd := exec.Command(os.Args[0], "-test.run=^TestStderrChild$", "-test.count=1")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=" + tc.value}
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\nstderr:\n%s", err, &stderr)
			}
			if tc.want == "" && stderr.Len() != 0 {
				t.Errorf("stderr has %d bytes:\n%s", stderr.Len(), &stderr)
			}
			if tc.want != "" && (!strings.Contains(stderr.String(), tc.want) || strings.Count(stderr.String(), "\n") != 1) {
				t.Errorf("stderr is not auto/sdk's one line %q:\n%s", tc.want, &stderr)
			}
		})
	}
}
