package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/telemetry"
)

const childEnv = "CCOTEL_E2E_STDERR_CHILD"

// TestStderrChild is the child of TestNothingOnStderr: run by itself (childEnv unset) it does nothing. As the child
// it starts ccotel from the process environment (as a host would), emits events and metrics to a dead endpoint,
// flushes (which fails), and shuts down.
func TestStderrChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run by TestNothingOnStderr as a child process")
	}
	tel, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings()))
	if err != nil {
		t.Fatal(err)
	}
	emitTimed(tel, 200)
	_ = tel.ForceFlush(context.Background())
	_ = tel.Shutdown(context.Background())
}

// TestNothingOnStderr re-runs the test binary as a child process against a dead endpoint, over each protocol:
// ccotel writes nothing to stderr (nor to stdout, where the test binary itself prints only PASS) unless
// CLAUDE_CODE_OTEL_DIAG_STDERR is set, and with it set the export failures are on stderr.
func TestNothingOnStderr(t *testing.T) {
	t.Parallel()
	// A hanging endpoint accepts connections and never answers: exports are
	// still in flight when Shutdown's deadline passes, which is when the
	// SDK's own periodic reader printed "context canceled" on stderr.
	hanging, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hanging.Close() })
	go func() {
		for {
			c, err := hanging.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	endpoints := map[string]func(t *testing.T) string{
		"dead":    func(t *testing.T) string { return fmt.Sprintf("http://127.0.0.1:%d", freePort(t)) },
		"hanging": func(*testing.T) string { return "http://" + hanging.Addr().String() },
	}
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		for _, endpoint := range []string{"dead", "hanging"} {
			for _, diag := range []bool{false, true} {
				if endpoint == "hanging" && diag {
					continue // what DIAG prints is shown with the dead endpoint
				}
				t.Run(fmt.Sprintf("%s/%s/diag=%v", protocol, endpoint, diag), func(t *testing.T) {
					t.Parallel()
					e := otlpEnv(protocol, endpoints[endpoint](t), "delta").with(
						"OTEL_METRIC_EXPORT_INTERVAL", "100",
						"OTEL_LOGS_EXPORT_INTERVAL", "100",
						"OTEL_EXPORTER_OTLP_TIMEOUT", map[string]string{"dead": "500", "hanging": "5000"}[endpoint],
						"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "1000",
						childEnv, "1")
					if diag {
						e["CLAUDE_CODE_OTEL_DIAG_STDERR"] = "1"
					}
					cmd := exec.Command(os.Args[0], "-test.run=^TestStderrChild$", "-test.count=1")
					// A minimal environment: only what the child needs to run, plus the telemetry variables.
					cmd.Env = append(e.list(), "PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"))
					var stdout, stderr bytes.Buffer
					cmd.Stdout, cmd.Stderr = &stdout, &stderr
					if err := cmd.Run(); err != nil {
						t.Fatalf("child: %v\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
					}
					if strings.TrimSpace(stdout.String()) != "PASS" {
						t.Errorf("child stdout is not just the test binary's PASS:\n%s", &stdout)
					}
					if diag {
						if !strings.Contains(stderr.String(), "ccotel:") || !strings.Contains(stderr.String(), "export failed") {
							t.Errorf("with CLAUDE_CODE_OTEL_DIAG_STDERR=1, stderr lacks the export failures:\n%s", &stderr)
						}
					} else if stderr.Len() != 0 {
						t.Errorf("stderr is not empty:\n%s", &stderr)
					}
				})
			}
		}
	}
}
