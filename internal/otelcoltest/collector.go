package otelcoltest

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	//go:embed testdata/builder-config.yaml
	builderConfig []byte
	//go:embed testdata/builder-config-prom.yaml
	builderConfigProm []byte
	//go:embed testdata/builder-config-fleet.yaml
	builderConfigFleet []byte
	//go:embed testdata/config.yaml
	collectorConfig []byte
	//go:embed testdata/config-prom.yaml
	collectorConfigProm []byte
)

// Values for [WithPrometheus]: the metrics pipeline's processors in the otelcol-prom Collector.
const (
	// GuideProcessors is the monitoring guide's metrics pipeline.
	GuideProcessors = "[memory_limiter, batch]"
	// DeltaToCumulativeProcessors adds the deltatocumulative processor, which makes delta temporality add up
	// correctly in the prometheus exporter.
	DeltaToCumulativeProcessors = "[memory_limiter, delta_to_cumulative, batch]"
)

const readyMessage = "Everything is ready"

// StartTimeout bounds how long Start and Restart wait for the Collector to become ready.
var StartTimeout = 30 * time.Second

// StopTimeout bounds how long Stop and Restart wait for a graceful shutdown before killing the Collector. Tests
// read what a stopped Collector flushed (files, remote writes), and a kill loses it, so it is far longer than a
// loaded machine needs to flush: it only ends a Collector that hangs.
var StopTimeout = 60 * time.Second

// Option configures [Start].
type Option func(*options)

type options struct {
	// config and env, when config is set, run the otelcol-fleet distribution with that configuration.
	config         []byte
	env            []string
	prom           bool
	processors     string
	sendTimestamps bool
	maxStale       time.Duration
}

// WithPrometheus runs the otelcol-prom distribution, whose metrics pipeline uses the given processors (a YAML
// list, normally [GuideProcessors] or [DeltaToCumulativeProcessors]) and also exports to a prometheus exporter
// at [Collector.PrometheusAddr]. An empty processors means [GuideProcessors].
func WithPrometheus(processors string) Option {
	return func(o *options) {
		o.prom = true
		o.processors = processors
		if processors == "" {
			o.processors = GuideProcessors
		}
	}
}

// WithFleetConfig runs the otelcol-fleet distribution (the components of the fleet layout: deltatocumulative,
// otlp and otlphttp exporters, prometheusremotewrite) with the given configuration and extra environment
// ("NAME=value"). The configuration reads its receiver ports from ${env:OTLP_GRPC_PORT} and
// ${env:OTLP_HTTP_PORT}, as the other distributions' do.
func WithFleetConfig(config []byte, env ...string) Option {
	return func(o *options) { o.config, o.env = config, env }
}

// WithSendTimestamps sets the prometheus exporter's send_timestamps (default true, as in the guide).
func WithSendTimestamps(v bool) Option { return func(o *options) { o.sendTimestamps = v } }

// WithDeltaToCumulativeMaxStale sets the deltatocumulative processor's max_stale (default 5m).
func WithDeltaToCumulativeMaxStale(d time.Duration) Option {
	return func(o *options) { o.maxStale = d }
}

// Collector is a running (or stopped) Collector process owned by one test.
type Collector struct {
	bin, dir, configPath string
	opts                 options
	grpcPort, httpPort   int
	promPort             int

	mu         sync.Mutex
	cmd        *exec.Cmd
	exited     chan struct{} // closed when cmd has been waited for
	generation int           // number of starts so far; each start writes to dir/out/<n-1>
	logFile    *os.File
}

// Start starts a Collector on free loopback ports, waits until it is ready, and stops it when the test ends.
// Its log is printed if the test fails.
func Start(t testing.TB, opts ...Option) *Collector {
	t.Helper()
	o := options{sendTimestamps: true, maxStale: 5 * time.Minute}
	for _, opt := range opts {
		opt(&o)
	}
	var bin string
	cfg := collectorConfig
	switch {
	case o.config != nil:
		bin, cfg = findVariant(t, fleetVariant), o.config
	case o.prom:
		bin, cfg = findVariant(t, promVariant), collectorConfigProm
	default:
		bin = findVariant(t, testVariant)
	}
	c := &Collector{bin: bin, dir: t.TempDir(), opts: o}
	c.configPath = filepath.Join(c.dir, "config.yaml")
	if err := os.WriteFile(c.configPath, cfg, 0o600); err != nil {
		t.Fatalf("otelcoltest: %v", err)
	}
	lf, err := os.OpenFile(filepath.Join(c.dir, "collector.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatalf("otelcoltest: %v", err)
	}
	c.logFile = lf
	t.Cleanup(func() {
		c.stop(syscall.SIGTERM)
		if t.Failed() {
			t.Logf("otelcoltest: Collector log (%s):\n%s", c.bin, c.Log())
		}
		_ = c.logFile.Close()
	})

	// Free ports are picked by binding to port 0 and closing; another process can take one in between, so retry
	// with fresh ports when the Collector could not bind.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := freePorts(3)
		if err != nil {
			t.Fatalf("otelcoltest: picking ports: %v", err)
		}
		c.grpcPort, c.httpPort, c.promPort = ports[0], ports[1], ports[2]
		if lastErr = c.start(); lastErr == nil {
			return c
		}
		if !strings.Contains(lastErr.Error(), "address already in use") {
			break
		}
	}
	t.Fatalf("otelcoltest: starting %s: %v\nlog:\n%s", c.bin, lastErr, c.Log())
	return nil
}

// GRPCAddr is the OTLP/gRPC receiver's host:port.
func (c *Collector) GRPCAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.grpcPort)) }

// HTTPAddr is the OTLP/HTTP receiver's host:port.
func (c *Collector) HTTPAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.httpPort)) }

// GRPCEndpoint is the OTLP/gRPC receiver as a URL, e.g. http://127.0.0.1:41234 (an OTEL_EXPORTER_OTLP_ENDPOINT
// value for protocol grpc; pass it to otlp*grpc.WithEndpointURL).
func (c *Collector) GRPCEndpoint() string { return "http://" + c.GRPCAddr() }

// HTTPEndpoint is the OTLP/HTTP receiver's base URL, e.g. http://127.0.0.1:41235 (an OTEL_EXPORTER_OTLP_ENDPOINT
// value for protocol http/protobuf or http/json). Signal URLs append /v1/metrics, /v1/logs, /v1/traces.
func (c *Collector) HTTPEndpoint() string { return "http://" + c.HTTPAddr() }

// Endpoint is the OTEL_EXPORTER_OTLP_ENDPOINT value for an OTLP protocol:
// GRPCEndpoint for "grpc", HTTPEndpoint for the HTTP ones.
func (c *Collector) Endpoint(protocol string) string {
	if protocol == "grpc" {
		return c.GRPCEndpoint()
	}
	return c.HTTPEndpoint()
}

// PrometheusAddr is the prometheus exporter's host:port (a scrape target); only with [WithPrometheus].
func (c *Collector) PrometheusAddr() string {
	if !c.opts.prom {
		return ""
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.promPort))
}

// PrometheusURL is the prometheus exporter's metrics URL, http://host:port/metrics; only with [WithPrometheus].
func (c *Collector) PrometheusURL() string {
	if !c.opts.prom {
		return ""
	}
	return "http://" + c.PrometheusAddr() + "/metrics"
}

// Binary is the path of the Collector executable in use.
func (c *Collector) Binary() string { return c.bin }

// Dir is the test's directory for this Collector: config.yaml, collector.log and out/<generation>/*.jsonl.
func (c *Collector) Dir() string { return c.dir }

// Log returns everything the Collector has logged so far, across restarts.
func (c *Collector) Log() string {
	b, err := os.ReadFile(filepath.Join(c.dir, "collector.log"))
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	return string(b)
}

// Running reports whether the Collector process is running.
func (c *Collector) Running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return false
	}
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// Stop shuts the Collector down gracefully (SIGTERM; SIGKILL after [StopTimeout]). Data it accepted is flushed to the
// JSONL files. Stopping a stopped Collector does nothing.
func (c *Collector) Stop(t testing.TB) {
	t.Helper()
	c.stop(syscall.SIGTERM)
}

// Kill ends the Collector abruptly with SIGKILL, as a crash would.
func (c *Collector) Kill(t testing.TB) {
	t.Helper()
	c.stop(syscall.SIGKILL)
}

// Restart stops the Collector if it runs, then starts it again on the same ports and waits until it is ready.
// Each start writes to a new output directory; the readers return the records of all starts, oldest first.
func (c *Collector) Restart(t testing.TB) {
	t.Helper()
	c.stop(syscall.SIGTERM)
	// The old process has released its ports, but retry briefly in case a connection lingers.
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err = c.start(); err == nil {
			return
		}
		if !strings.Contains(err.Error(), "address already in use") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("otelcoltest: restarting %s: %v\nlog:\n%s", c.bin, err, c.Log())
}

func (c *Collector) start() error {
	c.mu.Lock()
	out := filepath.Join(c.dir, "out", strconv.Itoa(c.generation))
	c.generation++
	gen := c.generation
	c.mu.Unlock()
	if err := os.MkdirAll(out, 0o700); err != nil {
		return err
	}
	logStart, err := c.logFile.Seek(0, 2)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.logFile, "=== otelcoltest: start %d: grpc %s http %s prometheus %s out %s\n",
		gen, c.GRPCAddr(), c.HTTPAddr(), c.PrometheusAddr(), out)

	cmd := exec.Command(c.bin, "--config="+c.configPath)
	cmd.Env = append(os.Environ(),
		"OTELCOL_OUT="+out,
		"OTLP_GRPC_PORT="+strconv.Itoa(c.grpcPort),
		"OTLP_HTTP_PORT="+strconv.Itoa(c.httpPort),
		"PROM_EXPORTER_PORT="+strconv.Itoa(c.promPort),
		"METRICS_PROCESSORS="+c.opts.processors,
		"SEND_TIMESTAMPS="+strconv.FormatBool(c.opts.sendTimestamps),
		"D2C_MAX_STALE="+c.opts.maxStale.String(),
	)
	cmd.Env = append(cmd.Env, c.opts.env...)
	cmd.Stdout = c.logFile
	cmd.Stderr = c.logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	c.mu.Lock()
	c.cmd, c.exited = cmd, exited
	c.mu.Unlock()

	addrs := []string{c.GRPCAddr(), c.HTTPAddr()}
	if c.opts.prom {
		addrs = append(addrs, c.PrometheusAddr())
	}
	deadline := time.Now().Add(StartTimeout)
	for {
		select {
		case <-exited:
			if strings.Contains(c.logSince(logStart), "address already in use") {
				return fmt.Errorf("exited at start (%v): address already in use", waitErr)
			}
			return fmt.Errorf("exited at start: %v", waitErr)
		default:
		}
		if strings.Contains(c.logSince(logStart), readyMessage) && allListening(addrs) {
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("not ready within %v (waiting for %q and %v)", StartTimeout, readyMessage, addrs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *Collector) logSince(off int64) string {
	b, err := os.ReadFile(filepath.Join(c.dir, "collector.log"))
	if err != nil || int64(len(b)) < off {
		return ""
	}
	return string(b[off:])
}

func (c *Collector) stop(sig syscall.Signal) {
	c.mu.Lock()
	cmd, exited := c.cmd, c.exited
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-exited:
		return
	default:
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		fmt.Fprintf(c.logFile, "=== otelcoltest: stopped with %v\n", sig)
	case <-time.After(StopTimeout):
		_ = cmd.Process.Kill()
		<-exited
		fmt.Fprintf(c.logFile, "=== otelcoltest: still running %v after %v: killed\n", StopTimeout, sig)
	}
}

func allListening(addrs []string) bool {
	for _, a := range addrs {
		conn, err := net.DialTimeout("tcp", a, 200*time.Millisecond)
		if err != nil {
			return false
		}
		_ = conn.Close()
	}
	return true
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

type variant struct {
	envName, name string
	builderConfig []byte
}

var (
	testVariant  = variant{"OTELCOL_BIN", "otelcol-test", builderConfig}
	promVariant  = variant{"OTELCOL_PROM_BIN", "otelcol-prom", builderConfigProm}
	fleetVariant = variant{"OTELCOL_FLEET_BIN", "otelcol-fleet", builderConfigFleet}
)

// BinaryPath returns the Collector executable for the plain (prom=false) or otelcol-prom (prom=true)
// distribution: $OTELCOL_BIN / $OTELCOL_PROM_BIN, else otelcol-test / otelcol-prom on PATH, else the cache of
// scripts/otelcol.sh. An error says where it looked.
func BinaryPath(prom bool) (string, error) {
	if prom {
		return promVariant.path()
	}
	return testVariant.path()
}

// FleetBinaryPath is [BinaryPath] for the otelcol-fleet distribution ($OTELCOL_FLEET_BIN, otelcol-fleet).
func FleetBinaryPath() (string, error) { return fleetVariant.path() }

func (v variant) path() (string, error) {
	envName, name, cfg := v.envName, v.name, v.builderConfig
	if p := os.Getenv(envName); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", envName, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	cache, err := CacheDir()
	if err != nil {
		return "", fmt.Errorf("%s is not set, %s is not on PATH, and no cache dir: %v", envName, name, err)
	}
	sum := sha256.Sum256(cfg)
	p := filepath.Join(cache, hex.EncodeToString(sum[:]), name)
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%s is not set, %s is not on PATH, and %s does not exist (run scripts/otelcol.sh)",
				envName, name, p)
		}
		return "", err
	}
	return p, nil
}

// CacheDir is where scripts/otelcol.sh puts the Collector builds: $CCOTEL_OTELCOL_CACHE, else
// <user cache dir>/ccotel/otelcol.
func CacheDir() (string, error) {
	if d := os.Getenv("CCOTEL_OTELCOL_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "ccotel", "otelcol"), nil
}

func findVariant(t testing.TB, v variant) string {
	t.Helper()
	p, err := v.path()
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("otelcoltest: no Collector binary under CI=true: %v", err)
	}
	t.Skipf("otelcoltest: no Collector binary: %v", err)
	return ""
}

// Scrape fetches the prometheus exporter's exposition text once; only with [WithPrometheus].
func (c *Collector) Scrape(t testing.TB) string {
	t.Helper()
	if !c.opts.prom {
		t.Fatalf("otelcoltest: Scrape needs WithPrometheus")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(c.PrometheusURL())
	if err != nil {
		t.Fatalf("otelcoltest: scraping %s: %v", c.PrometheusURL(), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("otelcoltest: scraping %s: %v", c.PrometheusURL(), err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("otelcoltest: scraping %s: %s\n%s", c.PrometheusURL(), resp.Status, b)
	}
	return string(b)
}

// PeakRSS is the running Collector's peak resident memory (VmHWM in /proc/<pid>/status) in bytes; 0 when it is
// not known (not running, not Linux).
func (c *Collector) PeakRSS() int64 {
	c.mu.Lock()
	cmd := c.cmd
	c.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// CPUTime is the CPU time (user and system) the running Collector has used so far, from /proc/<pid>/stat; 0 when it
// is not known (not running, not Linux). Clock ticks are taken as 100 a second (USER_HZ on Linux).
func (c *Collector) CPUTime() time.Duration {
	c.mu.Lock()
	cmd := c.cmd
	c.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at ")"; utime and stime are fields 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b)[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(ut+st) * 10 * time.Millisecond
}
