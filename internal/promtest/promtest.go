package promtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// StartTimeout bounds how long Start waits for Prometheus to become ready.
var StartTimeout = 60 * time.Second

// PollInterval is how often WaitForQuery re-runs its query.
var PollInterval = 250 * time.Millisecond

// Option configures [Start].
type Option func(*options)

type options struct {
	interval    time.Duration
	job         string
	honorLabels bool
	dataDir     string
	remoteWrite bool
	outOfOrder  time.Duration
	rules       string
}

// WithScrapeInterval sets the scrape interval (and timeout); default 1s.
func WithScrapeInterval(d time.Duration) Option { return func(o *options) { o.interval = d } }

// WithJobName sets the scrape job's name (the job label of scraped series); default "otelcol".
func WithJobName(name string) Option { return func(o *options) { o.job = name } }

// WithHonorLabels sets honor_labels on the scrape job, so that job and instance labels exposed by the target win
// over the scrape job's (default false, as in the monitoring guide, where they become exported_job and
// exported_instance).
func WithHonorLabels(v bool) Option { return func(o *options) { o.honorLabels = v } }

// WithDataDir serves an existing TSDB directory (for example blocks written by promtool) instead of an empty one.
// Start leaves its contents in place.
func WithDataDir(dir string) Option { return func(o *options) { o.dataDir = dir } }

// WithRemoteWriteReceiver accepts remote write at /api/v1/write (--web.enable-remote-write-receiver).
func WithRemoteWriteReceiver() Option { return func(o *options) { o.remoteWrite = true } }

// WithOutOfOrderWindow sets storage.tsdb.out_of_order_time_window, for writers whose samples of a series may
// arrive out of order (several remote-write senders).
func WithOutOfOrderWindow(d time.Duration) Option { return func(o *options) { o.outOfOrder = d } }

// WithRules loads recording or alerting rules (the text of a rule file), evaluated every scrape interval.
func WithRules(yaml string) Option { return func(o *options) { o.rules = yaml } }

// Server is a running Prometheus owned by one test.
type Server struct {
	opts     options
	bin, dir string
	addr     string
	cmd      *exec.Cmd
	exited   chan struct{}
	waitErr  error
}

// Start runs Prometheus on a free loopback port scraping targets (host:port each, metrics path /metrics), waits
// until it is ready, and stops it when the test ends. Its log is printed if the test fails.
func Start(t testing.TB, targets []string, opts ...Option) *Server {
	t.Helper()
	o := options{interval: time.Second, job: "otelcol"}
	for _, opt := range opts {
		opt(&o)
	}
	bin := findBinary(t)
	s := &Server{bin: bin, dir: t.TempDir()}
	cfgPath := filepath.Join(s.dir, "prometheus.yml")
	cfg := scrapeConfig(targets, o)
	if o.rules != "" {
		rulesPath := filepath.Join(s.dir, "rules.yml")
		if err := os.WriteFile(rulesPath, []byte(o.rules), 0o600); err != nil {
			t.Fatalf("promtest: %v", err)
		}
		cfg += fmt.Sprintf("rule_files: [%q]\n", rulesPath)
	}
	if o.outOfOrder > 0 {
		cfg += fmt.Sprintf("storage:\n  tsdb:\n    out_of_order_time_window: %s\n", o.outOfOrder)
	}
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatalf("promtest: %v", err)
	}
	s.opts = o
	logPath := filepath.Join(s.dir, "prometheus.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("promtest: %v", err)
	}
	t.Cleanup(func() {
		s.stop()
		_ = logFile.Close()
		if t.Failed() {
			t.Logf("promtest: Prometheus log (%s):\n%s", s.bin, s.Log())
		}
	})

	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatalf("promtest: picking a port: %v", err)
		}
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if lastErr = s.start(cfgPath, logFile); lastErr == nil {
			return s
		}
		if !strings.Contains(s.Log(), "address already in use") {
			break
		}
	}
	t.Fatalf("promtest: starting %s: %v\nlog:\n%s", s.bin, lastErr, s.Log())
	return nil
}

func scrapeConfig(targets []string, o options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "global:\n  scrape_interval: %s\n  scrape_timeout: %s\n  evaluation_interval: %s\n",
		o.interval, o.interval, o.interval)
	if len(targets) == 0 {
		return b.String()
	}
	fmt.Fprintf(&b, "scrape_configs:\n  - job_name: %q\n    honor_labels: %t\n    static_configs:\n      - targets: [",
		o.job, o.honorLabels)
	for i, tg := range targets {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", tg)
	}
	b.WriteString("]\n")
	return b.String()
}

func (s *Server) start(cfgPath string, logFile *os.File) error {
	data := s.opts.dataDir
	if data == "" {
		data = filepath.Join(s.dir, "data")
		if err := os.RemoveAll(data); err != nil {
			return err
		}
	}
	args := []string{
		"--config.file=" + cfgPath,
		"--storage.tsdb.path=" + data,
		// History may be older than the default 15 days' retention relative to its newest block.
		"--storage.tsdb.retention.time=3650d",
		"--web.listen-address=" + s.addr,
		"--web.enable-lifecycle",
		"--log.level=info",
	}
	if s.opts.remoteWrite {
		args = append(args, "--web.enable-remote-write-receiver")
	}
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = s.dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		s.waitErr = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(StartTimeout)
	for {
		select {
		case <-exited:
			return fmt.Errorf("exited at start: %v", s.waitErr)
		default:
		}
		if resp, err := client.Get(s.URL() + "/-/ready"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("not ready within %v", StartTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *Server) stop() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// URL is the server's base URL, e.g. http://127.0.0.1:41236.
func (s *Server) URL() string { return "http://" + s.addr }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// Log returns what Prometheus has logged so far.
func (s *Server) Log() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "prometheus.log"))
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	return string(b)
}

// Sample is one element of an instant-query result.
type Sample struct {
	Metric    map[string]string
	Value     float64
	Timestamp time.Time
}

// Vector is an instant-query result. A scalar result is returned as one sample without labels.
type Vector []Sample

// Sum adds up the values of the samples.
func (v Vector) Sum() float64 {
	var total float64
	for _, s := range v {
		total += s.Value
	}
	return total
}

// String renders the vector one sample a line, labels sorted, for failure messages.
func (v Vector) String() string {
	var b strings.Builder
	for _, s := range v {
		keys := make([]string, 0, len(s.Metric))
		for k := range s.Metric {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s=%q", k, s.Metric[k])
		}
		fmt.Fprintf(&b, "} => %v\n", s.Value)
	}
	return b.String()
}

// Query runs an instant PromQL query (at the current time) and fails the test on any error.
func (s *Server) Query(t testing.TB, promql string) Vector {
	t.Helper()
	v, err := s.QueryErr(promql)
	if err != nil {
		t.Fatalf("promtest: %v", err)
	}
	return v
}

// WaitForQuery re-runs promql until pred accepts its result, which it returns; after timeout it fails the test
// with the last result. Query errors fail the test at once.
func (s *Server) WaitForQuery(t testing.TB, promql string, pred func(Vector) bool, timeout time.Duration) Vector {
	t.Helper()
	return s.WaitForQueryAt(t, promql, time.Time{}, pred, timeout)
}

// WaitForQueryAt is [Server.WaitForQuery] evaluated at a fixed time (for data in the past, such as blocks that
// Prometheus loads on its next compaction cycle); the zero time means now.
func (s *Server) WaitForQueryAt(t testing.TB, promql string, at time.Time, pred func(Vector) bool, timeout time.Duration) Vector {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var v Vector
		if at.IsZero() {
			v = s.Query(t, promql)
		} else {
			v = s.QueryAt(t, promql, at)
		}
		if pred(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("promtest: %s: condition not met within %v; last result (%d samples):\n%s", promql, timeout, len(v), v)
		}
		time.Sleep(PollInterval)
	}
}

type apiResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

// QueryAt runs an instant query evaluated at the given time and fails the test on any error.
func (s *Server) QueryAt(t testing.TB, promql string, at time.Time) Vector {
	t.Helper()
	v, err := s.query(promql, url.Values{"time": {formatTime(at)}})
	if err != nil {
		t.Fatalf("promtest: %v", err)
	}
	return v
}

// Series is one series of a range-query result.
type Series struct {
	Metric map[string]string
	Values []float64
	Times  []time.Time
}

// QueryRange runs a range query and fails the test on any error.
func (s *Server) QueryRange(t testing.TB, promql string, start, end time.Time, step time.Duration) []Series {
	t.Helper()
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.PostForm(s.URL()+"/api/v1/query_range", url.Values{"query": {promql},
		"start": {formatTime(start)}, "end": {formatTime(end)}, "step": {strconv.FormatFloat(step.Seconds(), 'f', -1, 64)}})
	if err != nil {
		t.Fatalf("promtest: range query %q: %v", promql, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("promtest: range query %q: %v", promql, err)
	}
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil || r.Status != "success" || r.Data.ResultType != "matrix" {
		t.Fatalf("promtest: range query %q: HTTP %d %s (%v)", promql, resp.StatusCode, body, err)
	}
	var raw []struct {
		Metric map[string]string `json:"metric"`
		Values [][2]any          `json:"values"`
	}
	if err := json.Unmarshal(r.Data.Result, &raw); err != nil {
		t.Fatalf("promtest: range query %q: %v", promql, err)
	}
	out := make([]Series, 0, len(raw))
	for _, e := range raw {
		sr := Series{Metric: e.Metric}
		for _, pair := range e.Values {
			smp, err := decodeSample(pair)
			if err != nil {
				t.Fatalf("promtest: range query %q: %v", promql, err)
			}
			sr.Values = append(sr.Values, smp.Value)
			sr.Times = append(sr.Times, smp.Timestamp)
		}
		out = append(out, sr)
	}
	return out
}

func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64)
}

// QueryErr is [Server.Query] returning its error.
func (s *Server) QueryErr(promql string) (Vector, error) {
	return s.query(promql, url.Values{})
}

func (s *Server) query(promql string, form url.Values) (Vector, error) {
	form.Set("query", promql)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.PostForm(s.URL()+"/api/v1/query", form)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", promql, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", promql, err)
	}
	return parseQueryResponse(promql, resp.StatusCode, body)
}

func parseQueryResponse(promql string, status int, body []byte) (Vector, error) {
	var r apiResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("query %q: HTTP %d, undecodable body %q: %w", promql, status, body, err)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query %q: HTTP %d, %s: %s", promql, status, r.ErrorType, r.Error)
	}
	switch r.Data.ResultType {
	case "vector":
		var raw []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		}
		if err := json.Unmarshal(r.Data.Result, &raw); err != nil {
			return nil, fmt.Errorf("query %q: decoding vector: %w", promql, err)
		}
		v := make(Vector, 0, len(raw))
		for _, e := range raw {
			smp, err := decodeSample(e.Value)
			if err != nil {
				return nil, fmt.Errorf("query %q: %w", promql, err)
			}
			smp.Metric = e.Metric
			if smp.Metric == nil {
				smp.Metric = map[string]string{}
			}
			v = append(v, smp)
		}
		return v, nil
	case "scalar":
		var raw [2]any
		if err := json.Unmarshal(r.Data.Result, &raw); err != nil {
			return nil, fmt.Errorf("query %q: decoding scalar: %w", promql, err)
		}
		smp, err := decodeSample(raw)
		if err != nil {
			return nil, fmt.Errorf("query %q: %w", promql, err)
		}
		smp.Metric = map[string]string{}
		return Vector{smp}, nil
	default:
		return nil, fmt.Errorf("query %q: result type %q is not an instant vector or scalar", promql, r.Data.ResultType)
	}
}

// decodeSample reads the API's [<unix seconds>, "<value>"] pair.
func decodeSample(pair [2]any) (Sample, error) {
	ts, ok := pair[0].(float64)
	if !ok {
		return Sample{}, fmt.Errorf("sample timestamp %v is not a number", pair[0])
	}
	str, ok := pair[1].(string)
	if !ok {
		return Sample{}, fmt.Errorf("sample value %v is not a string", pair[1])
	}
	val, err := strconv.ParseFloat(str, 64) // also handles "NaN", "+Inf", "-Inf"
	if err != nil {
		return Sample{}, fmt.Errorf("sample value %q: %w", str, err)
	}
	sec := int64(ts)
	return Sample{Value: val, Timestamp: time.Unix(sec, int64((ts-float64(sec))*1e9))}, nil
}

// BinaryPath returns the prometheus executable: $PROMETHEUS_BIN, else prometheus on PATH, else the cache of
// scripts/prometheus.sh. An error says where it looked.
func BinaryPath() (string, error) {
	if p := os.Getenv("PROMETHEUS_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("PROMETHEUS_BIN=%s: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("prometheus"); err == nil {
		return p, nil
	}
	cache := os.Getenv("CCOTEL_PROMETHEUS_CACHE")
	if cache == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("PROMETHEUS_BIN is not set, prometheus is not on PATH, and no cache dir: %v", err)
		}
		cache = filepath.Join(d, "ccotel", "prometheus")
	}
	p := filepath.Join(cache, "usr", "bin", "prometheus")
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("PROMETHEUS_BIN is not set, prometheus is not on PATH, and %s does not exist (run scripts/prometheus.sh)", p)
		}
		return "", err
	}
	return p, nil
}

// PromtoolPath returns the promtool executable of the same package: $PROMTOOL_BIN, else promtool on PATH, else
// next to [BinaryPath]'s prometheus.
func PromtoolPath() (string, error) {
	if p := os.Getenv("PROMTOOL_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("PROMTOOL_BIN=%s: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("promtool"); err == nil {
		return p, nil
	}
	prom, err := BinaryPath()
	if err != nil {
		return "", err
	}
	p := filepath.Join(filepath.Dir(prom), "promtool")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("no promtool next to %s: %w", prom, err)
	}
	return p, nil
}

// FindPromtool is [PromtoolPath] for tests: it skips the test when promtool is missing, or fails it under CI=true.
func FindPromtool(t testing.TB) string {
	t.Helper()
	p, err := PromtoolPath()
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("promtest: no promtool under CI=true: %v", err)
	}
	t.Skipf("promtest: no promtool: %v", err)
	return ""
}

func findBinary(t testing.TB) string {
	t.Helper()
	p, err := BinaryPath()
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("promtest: no Prometheus binary under CI=true: %v", err)
	}
	t.Skipf("promtest: no Prometheus binary: %v", err)
	return ""
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
