package headers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"sync"
	"time"
)

// DefaultTimeout bounds one run of the helper.
const DefaultTimeout = 10 * time.Second

// Helper runs a headers helper periodically and caches its output.
type Helper struct {
	command  string
	debounce time.Duration
	timeout  time.Duration
	onError  func(error)

	mu      sync.Mutex
	headers map[string]string

	first   chan struct{} // closed when the first run has finished
	refresh chan struct{}
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// Start runs command now and then every debounce (0 means only once),
// each run bounded by timeout (0 means DefaultTimeout). Errors go to
// onError, which may be nil. Call Close to stop it.
//
// command is run directly when it names an existing file, and through
// "sh -c" otherwise, so both a path with spaces and a command line work.
func Start(command string, debounce, timeout time.Duration, onError func(error)) *Helper {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	h := &Helper{
		command: command, debounce: debounce, timeout: timeout, onError: onError,
		first: make(chan struct{}), refresh: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	go h.loop()
	return h
}

func (h *Helper) loop() {
	defer close(h.done)
	h.runOnce()
	close(h.first)
	if h.debounce <= 0 {
		<-h.stop
		return
	}
	t := time.NewTicker(h.debounce)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		case <-h.refresh:
		}
		h.runOnce()
	}
}

func (h *Helper) runOnce() {
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	go func() { // a Close during a run cancels it
		select {
		case <-h.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	m, err := Run(ctx, h.command)
	if err != nil {
		if h.onError != nil {
			h.onError(err)
		}
		return
	}
	h.mu.Lock()
	h.headers = m
	h.mu.Unlock()
}

// Headers returns a copy of the last headers the helper printed (nil if it
// never succeeded). Before the first run has finished it waits for it, or
// for ctx.
func (h *Helper) Headers(ctx context.Context) map[string]string {
	select {
	case <-h.first:
	case <-ctx.Done():
	case <-h.done:
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.headers)
}

// Refresh asks for a new run now, without waiting for it.
func (h *Helper) Refresh() {
	select {
	case h.refresh <- struct{}{}:
	default:
	}
}

// Close stops the helper, killing a run in progress, and waits for the
// background goroutine to end. It is safe to call more than once.
func (h *Helper) Close() {
	h.once.Do(func() { close(h.stop) })
	<-h.done
}

// Run runs command once and parses its standard output as a JSON object
// of string values. The error names the command but never includes its
// output.
func Run(ctx context.Context, command string) (map[string]string, error) {
	var cmd *exec.Cmd
	if fi, err := os.Stat(command); err == nil && !fi.IsDir() {
		cmd = exec.CommandContext(ctx, command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", command)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = nil // discarded: it may echo secrets
	cmd.Env = os.Environ()
	setProcessGroup(cmd)
	// If the helper leaves children holding the pipe, stop waiting soon
	// after it was killed.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("otelHeadersHelper %q timed out", command)
		}
		return nil, fmt.Errorf("otelHeadersHelper %q: %w", command, ctx.Err())
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("otelHeadersHelper %q failed: %s", command, ee.ProcessState)
		}
		return nil, fmt.Errorf("otelHeadersHelper %q: %w", command, err)
	}
	var m map[string]string
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &m); err != nil || m == nil {
		return nil, fmt.Errorf("otelHeadersHelper %q did not print a JSON object of string values", command)
	}
	return m, nil
}
