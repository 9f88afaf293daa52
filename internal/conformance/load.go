package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/otlptest"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Signal is the receiver's: capture file names and OTLP/HTTP paths use the
// same words (metrics, logs, traces).
type Signal = otlptest.Signal

// Header is one HTTP request header. Captures keep header order because
// Claude Code's exporter sends them in a fixed order; a map would lose it.
type Header struct {
	Name, Value string
}

// Request is one OTLP export request. Exactly one of Metrics, Logs, Traces
// is set, matching Signal.
type Request struct {
	Seq      int    // arrival counter (NNNN in the capture file name)
	Signal   Signal //
	File     string // body file, empty for requests not read from disk
	Encoding string // "json" or "protobuf"
	Headers  []Header

	Metrics *colmetricpb.ExportMetricsServiceRequest
	Logs    *collogspb.ExportLogsServiceRequest
	Traces  *coltracepb.ExportTraceServiceRequest
}

// Header returns the first value of the named header (case-insensitive).
func (r Request) Header(name string) string {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// RunInfo is run_info.txt: how Claude Code was started for the scenario.
type RunInfo struct {
	Name      string
	Prompt    string
	BaseEnv   []string // KEY=VALUE in the order written
	ExtraEnv  []string // KEY=VALUE, applied after BaseEnv
	ExtraArgs []string // CLI arguments after -p "<prompt>" --model ...
	// Fields holds every line as written, including those without a
	// dedicated field (cmd, stdin, pre, start_unix, rc...).
	Fields map[string]string
}

// Env returns the effective environment of the run: BaseEnv overridden by
// ExtraEnv, which is how the capture script composed them.
func (ri RunInfo) Env() map[string]string {
	env := make(map[string]string, len(ri.BaseEnv)+len(ri.ExtraEnv))
	for _, kv := range append(append([]string(nil), ri.BaseEnv...), ri.ExtraEnv...) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// PromScrape is one Prometheus exposition scraped during the run.
type PromScrape struct {
	File string
	Text string
}

// Capture is one recorded scenario.
type Capture struct {
	Dir         string
	Name        string
	RunInfo     RunInfo
	Requests    []Request // arrival order
	PromScrapes []PromScrape
}

// Shape shapes all OTLP requests of the capture.
func (c *Capture) Shape(opts ...ShapeOption) (*Telemetry, error) {
	return Shape(c.Requests, opts...)
}

// LoadScenario reads a scenario directory as written by the capture tooling:
// otlp/NNNN_<signal>.json or .pb bodies with their .meta.json headers,
// run_info.txt and prom_scrape_*.txt. The .pb.decoded.json files are
// derived copies and are not read.
func LoadScenario(dir string) (*Capture, error) {
	c := &Capture{Dir: dir, Name: filepath.Base(dir)}
	ri, err := readRunInfo(filepath.Join(dir, "run_info.txt"))
	if err != nil {
		return nil, err
	}
	c.RunInfo = ri

	entries, err := os.ReadDir(filepath.Join(dir, "otlp"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		var enc string
		switch {
		case strings.HasSuffix(name, ".meta.json") || strings.HasSuffix(name, ".decoded.json"):
			continue
		case strings.HasSuffix(name, ".json"):
			enc = "json"
		case strings.HasSuffix(name, ".pb"):
			enc = "protobuf"
		default:
			continue // e.g. the *.REDACTED.txt markers
		}
		base := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), ".pb")
		num, sig, ok := strings.Cut(base, "_")
		seq, convErr := strconv.Atoi(num)
		if !ok || convErr != nil {
			return nil, fmt.Errorf("conformance: unexpected body file name %s", name)
		}
		path := filepath.Join(dir, "otlp", name)
		body, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		req, err := DecodeRequest(Signal(sig), enc, body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		req.Seq, req.File = seq, path
		if req.Headers, err = readHeaders(filepath.Join(dir, "otlp", base+".meta.json")); err != nil {
			return nil, err
		}
		c.Requests = append(c.Requests, req)
	}
	sort.SliceStable(c.Requests, func(i, j int) bool { return c.Requests[i].Seq < c.Requests[j].Seq })

	scrapes, _ := filepath.Glob(filepath.Join(dir, "prom_scrape_*.txt"))
	sort.Slice(scrapes, func(i, j int) bool { return naturalLess(scrapes[i], scrapes[j]) })
	for _, f := range scrapes {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		c.PromScrapes = append(c.PromScrapes, PromScrape{File: f, Text: string(b)})
	}
	if len(c.Requests) == 0 && len(c.PromScrapes) == 0 {
		return nil, fmt.Errorf("conformance: %s holds no OTLP bodies and no scrapes", dir)
	}
	return c, nil
}

// DecodeRequest decodes one OTLP request body. encoding is "json" (OTLP/JSON
// as the JS SDK and the Collector write it: hex ids) or "protobuf". An
// in-process receiver can use it to turn what ccotel sent into a Request.
func DecodeRequest(sig Signal, encoding string, body []byte) (Request, error) {
	req := Request{Signal: sig, Encoding: encoding}
	var m proto.Message
	switch sig {
	case otlptest.Metrics:
		req.Metrics = &colmetricpb.ExportMetricsServiceRequest{}
		m = req.Metrics
	case otlptest.Logs:
		req.Logs = &collogspb.ExportLogsServiceRequest{}
		m = req.Logs
	case otlptest.Traces:
		req.Traces = &coltracepb.ExportTraceServiceRequest{}
		m = req.Traces
	default:
		return req, fmt.Errorf("conformance: unknown signal %q", sig)
	}
	switch encoding {
	case "protobuf":
		if err := proto.Unmarshal(body, m); err != nil {
			return req, fmt.Errorf("conformance: decoding protobuf %s: %w", sig, err)
		}
	case "json":
		// Hex ids are rewritten to protojson's base64 and unknown fields
		// discarded: a newer SDK may add fields the pinned proto does not
		// know, and they cannot matter to a consumer built on it.
		if err := otelcoltest.UnmarshalOTLPJSON(body, m); err != nil {
			return req, fmt.Errorf("conformance: decoding OTLP/JSON %s: %w", sig, err)
		}
	default:
		return req, fmt.Errorf("conformance: unknown encoding %q", encoding)
	}
	return req, nil
}

// FromReceiver converts what an otlptest.Receiver accepted, in arrival
// order, into Requests for Shape. Refused requests are left out: they never
// reached a consumer.
func FromReceiver(rs []otlptest.Request) []Request {
	var out []Request
	for i, r := range rs {
		if r.Err != nil {
			continue
		}
		enc := "protobuf"
		if strings.Contains(r.ContentType, "json") {
			enc = "json"
		}
		var hs []Header
		for name, vs := range r.Header {
			for _, v := range vs {
				hs = append(hs, Header{Name: name, Value: v})
			}
		}
		// http.Header has no order; sorting keeps the result stable.
		sort.Slice(hs, func(i, j int) bool { return hs[i].Name < hs[j].Name })
		out = append(out, Request{Seq: i + 1, Signal: r.Signal, Encoding: enc, Headers: hs,
			Metrics: r.Metrics, Logs: r.Logs, Traces: r.Traces})
	}
	return out
}

// readHeaders reads the "headers" object of a .meta.json file keeping the
// order of its keys. A missing file yields no headers.
func readHeaders(path string) ([]Header, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var meta struct {
		Headers json.RawMessage `json:"headers"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(meta.Headers) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(meta.Headers))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%s: headers is not an object", path)
	}
	var hs []Header
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: header %v: %w", path, k, err)
		}
		hs = append(hs, Header{Name: k.(string), Value: v})
	}
	return hs, nil
}

func readRunInfo(path string) (RunInfo, error) {
	ri := RunInfo{Fields: map[string]string{}}
	b, err := os.ReadFile(path)
	if err != nil {
		return ri, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			// "extra_env: " with nothing after it loses the space.
			k, v, ok = strings.Cut(sc.Text(), ":")
		}
		if !ok || k == "" {
			continue
		}
		if _, dup := ri.Fields[k]; !dup {
			ri.Fields[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return ri, fmt.Errorf("%s: %w", path, err)
	}
	ri.Name = ri.Fields["name"]
	ri.Prompt = ri.Fields["prompt"]
	// The capture script joined env and args with single spaces and no
	// quoting; no value in the shipped captures contains a space.
	ri.BaseEnv = strings.Fields(ri.Fields["base_env"])
	ri.ExtraEnv = strings.Fields(ri.Fields["extra_env"])
	ri.ExtraArgs = strings.Fields(ri.Fields["extra_args"])
	return ri, nil
}

// naturalLess orders prom_scrape_9464_2 before prom_scrape_9464_10.
func naturalLess(a, b string) bool {
	na, nb := trailingNumber(a), trailingNumber(b)
	if na >= 0 && nb >= 0 && strings.TrimSuffix(a, strconv.Itoa(na)+".txt") == strings.TrimSuffix(b, strconv.Itoa(nb)+".txt") {
		return na < nb
	}
	return a < b
}

func trailingNumber(s string) int {
	s = strings.TrimSuffix(s, ".txt")
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil {
		return -1
	}
	return n
}

// FindShared walks up from start to the first directory holding
// shared/conformance and returns that conformance directory. The captures
// live next to the checkout (the repository's parent holds shared/), so
// walking up works from any package directory and any worktree.
func FindShared(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", err
	}
	for {
		cand := filepath.Join(dir, "shared", "conformance")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("conformance: no shared/conformance above %s", start)
		}
		dir = parent
	}
}

// Root is FindShared from the working directory.
func Root() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	return FindShared(wd)
}

// Scenarios lists the scenario names captured for a Claude Code version
// ("2.1.330"), sorted; nil when the captures cannot be found.
func Scenarios(version string) []string {
	root, err := Root()
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(root, "claude-code-"+version))
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Load is LoadScenario for a version and scenario name under Root.
func Load(version, scenario string) (*Capture, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	return LoadScenario(filepath.Join(root, "claude-code-"+version, scenario))
}
