package headers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "helper script.sh") // a space: must not go through sh -c
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

type errs struct {
	mu sync.Mutex
	l  []error
}

func (e *errs) add(err error) { e.mu.Lock(); e.l = append(e.l, err); e.mu.Unlock() }
func (e *errs) get() []error  { e.mu.Lock(); defer e.mu.Unlock(); return append([]error(nil), e.l...) }

func TestRunExecutableAndCommandLine(t *testing.T) {
	p := script(t, `echo '{"Authorization":"Bearer s3cret","X-Team":"a"}'`)
	m, err := Run(context.Background(), p)
	if err != nil || m["Authorization"] != "Bearer s3cret" || m["X-Team"] != "a" {
		t.Fatalf("Run(path) = %v, %v", m, err)
	}
	m, err = Run(context.Background(), `printf '{"k":"%s"}' "$((1+1))"`)
	if err != nil || m["k"] != "2" {
		t.Fatalf("Run(command line) = %v, %v", m, err)
	}
}

func TestRunErrorsHideOutput(t *testing.T) {
	for name, body := range map[string]string{
		"fails":      `echo '{"Authorization":"s3cret"}'; echo s3cret >&2; exit 3`,
		"not json":   `echo 's3cret'`,
		"not string": `echo '{"Authorization":1}'`,
		"array":      `echo '["s3cret"]'`,
	} {
		_, err := Run(context.Background(), script(t, body))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error leaks output: %v", name, err)
		}
	}
}

func TestRunTimeoutKillsGroup(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, `sleep 600; echo '{}'`)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 2*time.Minute {
		t.Fatalf("Run took %v after the timeout", d)
	}
}

func TestHelperRefreshesAndKeepsLastGood(t *testing.T) {
	dir := t.TempDir()
	counter := filepath.Join(dir, "n")
	// Prints n=1, n=2, ... and fails from the third run on.
	p := script(t, `n=$(cat "`+counter+`" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "`+counter+`"
[ $n -ge 3 ] && exit 1
echo "{\"n\":\"$n\"}"`)
	var e errs
	// A run's timeout far longer than a loaded machine needs to start a shell: only the third run fails.
	h := Start(p, 50*time.Millisecond, time.Minute, e.add)
	defer h.Close()
	// The second run may already have replaced the first's value when a loaded machine runs the test late.
	if got := h.Headers(context.Background())["n"]; got != "1" && got != "2" {
		t.Fatalf("first Headers = %q, want 1 (or 2; it must wait for the first run)", got)
	}
	deadline := time.Now().Add(time.Minute)
	for len(e.get()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(e.get()) == 0 {
		t.Fatal("failing run was not reported")
	}
	if got := h.Headers(context.Background())["n"]; got != "2" {
		t.Fatalf("after a failure Headers = %q, want the last good value 2", got)
	}
	h.Close()
	h.Close() // idempotent
}

func TestHelperHangingDoesNotBlockForever(t *testing.T) {
	var e errs
	h := Start(`sleep 600`, 0, 100*time.Millisecond, e.add)
	defer h.Close()
	start := time.Now()
	if got := h.Headers(context.Background()); got != nil {
		t.Fatalf("Headers = %v, want nil", got)
	}
	if d := time.Since(start); d > 2*time.Minute {
		t.Fatalf("Headers waited %v", d)
	}
	if l := e.get(); len(l) != 1 || !strings.Contains(l[0].Error(), "timed out") {
		t.Fatalf("errors = %v", l)
	}
}

func TestHeadersRespectsContext(t *testing.T) {
	h := Start(`sleep 600`, 0, time.Minute, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	h.Headers(ctx)
	if d := time.Since(start); d > 2*time.Minute {
		t.Fatalf("Headers ignored its context for %v", d)
	}
	start = time.Now()
	h.Close() // kills the running helper
	if d := time.Since(start); d > 2*time.Minute {
		t.Fatalf("Close took %v", d)
	}
}

// TestRunBoundsOutput: a helper printing without end is stopped after
// MaxOutput bytes and reported, and memory stays bounded by that size.
func TestRunBoundsOutput(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, command := range []string{
		"yes '{\"a\":\"b\"}'",                               // never ends
		"head -c 70000 /dev/zero | tr '\\0' ' '; echo '{}'", // ends, but prints too much
	} {
		_, err := Run(ctx, command)
		var he *Error
		if !errors.As(err, &he) || !strings.Contains(err.Error(), "more than 65536 bytes") {
			t.Errorf("%s: %v", command, err)
		}
		if ctx.Err() != nil {
			t.Fatal("the helper was not stopped")
		}
	}
	// Just under the bound is fine.
	m, err := Run(ctx, "head -c 60000 /dev/zero | tr '\\0' ' '; echo '{\"k\":\"v\"}'")
	if err != nil || m["k"] != "v" {
		t.Errorf("%v %v", m, err)
	}
}

// TestRunErrorsHideCommand: the command is a secret setting; no error
// names it.
func TestRunErrorsHideCommand(t *testing.T) {
	ctx := context.Background()
	for _, command := range []string{
		"exit 3 # token=Zq9SECRET",
		"echo '{\"a\":1}' # token=Zq9SECRET",
		"echo '{\"bad name\":\"x\"}' # token=Zq9SECRET",
		"printf '{\"a\":\"b\\\\r\\\\nX: y\"}' # token=Zq9SECRET",
		"/nonexistent/helper-Zq9SECRET --token",
	} {
		_, err := Run(ctx, command)
		if err == nil || strings.Contains(err.Error(), "Zq9SECRET") {
			t.Errorf("%q: %v", command, err)
		}
	}
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := Run(tctx, "sleep 30 # Zq9SECRET"); err == nil || strings.Contains(err.Error(), "Zq9SECRET") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v", err)
	}
}
