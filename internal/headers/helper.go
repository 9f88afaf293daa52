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
	"strings"
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

// MaxOutput bounds what the helper may print: 64 KiB, far more than any
// set of headers a collector accepts (gRPC's default limit for all
// metadata is 8 KiB). A helper printing more is killed and reported, so a
// runaway helper cannot grow the host's memory.
const MaxOutput = 64 << 10

// errTooMuch stops the copy of the helper's output at MaxOutput.
var errTooMuch = errors.New("too much output")

// limitedBuffer keeps at most MaxOutput bytes and fails the write beyond:
// exec then stops reading, and Run kills the helper. The buffer is a field,
// not embedded: an embedded bytes.Buffer's ReadFrom would let io.Copy
// bypass Write and its bound.
type limitedBuffer struct {
	buf    bytes.Buffer
	over   bool
	cancel context.CancelFunc
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > MaxOutput {
		b.over = true
		b.cancel()
		return 0, errTooMuch
	}
	return b.buf.Write(p)
}

// Error is a failed run of the helper. It never holds the command (a
// secret setting: it may carry a token) nor the output (credentials).
type Error struct {
	// Reason says what went wrong.
	Reason string
	// Err is the underlying error, when there is one that holds neither.
	Err error
}

func (e *Error) Error() string { return "otelHeadersHelper " + e.Reason }

func (e *Error) Unwrap() error { return e.Err }

// Run runs command once and parses its standard output as a JSON object
// of string values, at most MaxOutput bytes. Header names must be HTTP
// tokens and values free of control characters, or the whole output is
// refused. The error is an *Error: it names neither the command nor the
// output.
func Run(ctx context.Context, command string) (map[string]string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var cmd *exec.Cmd
	if fi, err := os.Stat(command); err == nil && !fi.IsDir() {
		cmd = exec.CommandContext(ctx, command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", command)
	}
	stdout := &limitedBuffer{cancel: cancel}
	cmd.Stdout = stdout
	cmd.Stderr = nil // discarded: it may echo secrets
	cmd.Env = os.Environ()
	setProcessGroup(cmd)
	// If the helper leaves children holding the pipe, stop waiting soon
	// after it was killed.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	switch {
	case stdout.over:
		return nil, &Error{Reason: fmt.Sprintf("printed more than %d bytes; it was stopped", MaxOutput)}
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, &Error{Reason: "timed out", Err: context.DeadlineExceeded}
	case ctx.Err() != nil:
		return nil, &Error{Reason: "stopped: " + ctx.Err().Error(), Err: ctx.Err()}
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, &Error{Reason: "failed: " + ee.ProcessState.String()}
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &Error{Reason: "could not start: " + pe.Err.Error(), Err: pe.Err}
		}
		return nil, &Error{Reason: "could not run"}
	}
	var m map[string]string
	if err := json.Unmarshal(bytes.TrimSpace(stdout.buf.Bytes()), &m); err != nil || m == nil {
		return nil, &Error{Reason: "did not print a JSON object of string values"}
	}
	for name, value := range m {
		if reason := badHeader(name, value); reason != "" {
			return nil, &Error{Reason: "printed a header the wire would refuse: " + reason}
		}
	}
	return m, nil
}

// badHeader says what is wrong with a header the helper printed, without
// quoting its value.
func badHeader(name, value string) string {
	if name == "" {
		return "an empty name"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return fmt.Sprintf("the name %q is not an HTTP token", name)
		}
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return fmt.Sprintf("the value of %s holds a control character", name)
		}
	}
	return ""
}
