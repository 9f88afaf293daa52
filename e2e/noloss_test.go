package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// The no-loss workload: Claude Code emits a few events per API call. A turn here is one user prompt, one API
// response and one accepted tool use: user_prompt, api_request, tool_decision and tool_result (four events),
// one claude_code.cost.usage and four claude_code.token.usage points.
const (
	noLossTurns        = 25000 // 100,000 events and 125,000 metric recordings
	noLossEventsPer    = 4
	noLossFlushEvery   = 400 // turns: 1,600 events, fewer than the queue's 2,048
	noLossQueue        = 2048
	noLossModel        = "claude-sonnet-4-5-20250929"
	noLossCostPerTurn  = 0.001953125 // 2^-9: every partial sum is exact
	noLossOutrunEvents = 12000
)

func noLossUsage(i int) pricing.Usage {
	return pricing.Usage{InputTokens: int64(i%100 + 1), OutputTokens: int64(i%10 + 1), CacheReadTokens: int64(i % 1000), CacheCreationTokens: int64(i % 7)}
}

// emitTurns emits turns [from, to) on s.
func emitTurns(ctx context.Context, s *telemetry.Session, from, to int) {
	for i := from; i < to; i++ {
		pctx, _ := s.StartPrompt(ctx, events.UserPrompt{Prompt: "go"})
		cost := noLossCostPerTurn
		req := "req_" + strconv.Itoa(i)
		s.APIResponse(pctx, telemetry.APIResponse{Model: noLossModel, Usage: noLossUsage(i), CostUSD: &cost, Duration: time.Second, RequestID: req})
		tctx, run := s.StartTool(pctx, telemetry.ToolCall{Name: "Read", UseID: "toolu_" + strconv.Itoa(i), RequestID: req})
		run.Decide(tctx, metrics.DecisionAccept, metrics.SourceConfig)
		run.Done(tctx, telemetry.ToolOutcome{Success: true, ResultSizeBytes: 100})
	}
}

// noLossWant is what n turns (and the handle's startup event) add up to.
type noLossWant struct {
	events int
	byName map[string]int
	cost   float64
	tokens map[string]float64
}

func noLossExpect(n int) noLossWant {
	w := noLossWant{events: n*noLossEventsPer + 1, tokens: map[string]float64{}, byName: map[string]int{
		"claude_code.managed_settings_resolved": 1,
		"claude_code.user_prompt":               n,
		"claude_code.api_request":               n,
		"claude_code.tool_decision":             n,
		"claude_code.tool_result":               n,
	}}
	for i := 0; i < n; i++ {
		u := noLossUsage(i)
		w.cost += noLossCostPerTurn
		w.tokens["input"] += float64(u.InputTokens)
		w.tokens["output"] += float64(u.OutputTokens)
		w.tokens["cacheRead"] += float64(u.CacheReadTokens)
		w.tokens["cacheCreation"] += float64(u.CacheCreationTokens)
	}
	return w
}

// TestNoLoss: a clean shutdown with a healthy Collector loses nothing. 100,001 events (25,000 turns of four
// events, and the startup event) and their 125,000 metric recordings go over gRPC to the real Collector; its file
// output then holds exactly every event of every name, event.sequence 0..100,000 each once, and the exact sums of
// claude_code.cost.usage and of claude_code.token.usage by type; the error handler received nothing (no drop, no
// export error).
//
// The honest setup. Emit never blocks the host, so the log batch queue is bounded (2,048 records) and a host that
// emits faster than the exporter drains loses the oldest records, reported to the error handler (TestNoLossConverse
// proves that, and that the count reported is exact). Measured under -race on this project's 2-core machine:
// a tight emit loop of these turns makes about 9,000 events/s, while emit plus export to the Collector sustains
// about 3,000-3,600 events/s end to end, so no honest test can send 100,000 events in one burst and expect them
// all. A host flushes at natural boundaries instead, as Claude Code does at the end of a turn: here ForceFlush
// runs after every 400 turns (1,600 events, below the queue's capacity), so the queue can never overflow however
// slow the machine is, and any difference between sent and received is a loss in ccotel's pipeline (batching,
// chunking, transport, drop accounting), not a full queue. Size-triggered exports of 512 records run in the
// background between the flushes, concurrently with the emits, as in production.
func TestNoLoss(t *testing.T) {
	c := otelcoltest.Start(t)
	var errs errorLog
	tel := start(t, otlpEnv("grpc", c.GRPCEndpoint(), "delta").with("CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "30000",
		"CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS", "30000"), telemetry.WithErrorHandler(errs.handle))
	ctx, s := tel.StartSession(context.Background())
	t0 := time.Now()
	var flushes time.Duration
	for from := 0; from < noLossTurns; from += noLossFlushEvery {
		emitTurns(ctx, s, from, min(from+noLossFlushEvery, noLossTurns))
		f0 := time.Now()
		if err := tel.ForceFlush(ctx); err != nil {
			t.Errorf("ForceFlush after turn %d: %v", from+noLossFlushEvery, err)
		}
		flushes += time.Since(f0)
	}
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	took := time.Since(t0)
	want := noLossExpect(noLossTurns)
	t.Logf("sent %d events in %v (%.0f events/s end to end; %v of it in %d ForceFlush calls)",
		want.events, took, float64(want.events)/took.Seconds(), flushes, (noLossTurns+noLossFlushEvery-1)/noLossFlushEvery)
	if len(errs.all()) != 0 {
		t.Errorf("errors reported (a drop or an export error):\n%s", &errs)
	}

	r0 := time.Now()
	got := readCollector(t, c, func(g received) bool { return g.events >= want.events && near(g.cost, want.cost) })
	t.Logf("read %d events and %d metric points from the Collector's files in %v", got.events, got.points, time.Since(r0))
	got.check(t, want)
}

// TestNoLossConverse proves TestNoLoss can fail: the same pipeline, outrun on purpose, loses records, and says so.
// An HTTP proxy in front of the real Collector holds every logs request while the host emits 12,000 events in a
// tight loop without a flush (a Collector that stalls during a burst), then lets them through. The exporter can
// hold one batch in flight and the queue 2,048 more, so most of the burst is dropped whatever the machine's speed.
// The error handler is told, and the number it is told equals sent minus what the Collector wrote; what did arrive
// is unique. Metrics are sums, not a queue: their totals are still exact.
func TestNoLossConverse(t *testing.T) {
	c := otelcoltest.Start(t)
	release := make(chan struct{})
	proxy := stallingProxy(t, c.HTTPEndpoint(), release)
	var errs errorLog
	// The held export must outlast the burst however slow the machine (a timeout would be a failure, not a drop).
	tel := start(t, otlpEnv("http/protobuf", proxy, "delta").with("CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "30000",
		"OTEL_EXPORTER_OTLP_TIMEOUT", "60000"), telemetry.WithErrorHandler(errs.handle))
	ctx, s := tel.StartSession(context.Background())
	turns := noLossOutrunEvents / noLossEventsPer
	t0 := time.Now()
	emitTurns(ctx, s, 0, turns)
	emitted := time.Since(t0)
	close(release)
	shutdownErr := tel.Shutdown(context.Background())
	want := noLossExpect(turns)
	t.Logf("tight loop: %d events in %v (%.0f events/s); Shutdown done at %v", want.events, emitted,
		float64(want.events)/emitted.Seconds(), time.Since(t0))

	// Shutdown has returned, so the exporter's count is final: wait until the Collector's files hold that many
	// (its file exporter writes behind its receiver; on a loaded machine the last batch lands later). Were the count
	// too high, the wait would end at its deadline and the checks below would fail.
	exported := int(bySignal(tel.Stats())["logs"].Exported)
	got := readCollector(t, c, func(g received) bool { return near(g.cost, want.cost) && g.events >= exported })
	dropped, other := dropReports(errs.all())
	for _, e := range other {
		t.Errorf("error other than a drop reported: %v", e)
	}
	t.Logf("sent %d, the Collector wrote %d, drops reported %d", want.events, got.events, dropped)
	if dropped == 0 {
		t.Fatalf("no drop reported for %d events emitted while the Collector stalled", want.events)
	}
	if int(dropped) != want.events-got.events {
		t.Errorf("drops reported %d, sent %d minus received %d = %d", dropped, want.events, got.events, want.events-got.events)
	}
	// Shutdown says the same, as a *telemetry.DeliveryError naming the logs exporter, and Stats agrees.
	var de *telemetry.DeliveryError
	if !errors.As(shutdownErr, &de) || len(de.Exporters) != 1 || de.Exporters[0].Signal != "logs" ||
		int(de.Exporters[0].Dropped) != want.events-got.events || de.Exporters[0].Failed != 0 {
		t.Errorf("Shutdown: %v, want a *telemetry.DeliveryError with the logs exporter's %d drops", shutdownErr, want.events-got.events)
	}
	if s := bySignal(tel.Stats())["logs"]; int(s.Exported) != got.events || int(s.Dropped) != want.events-got.events {
		t.Errorf("Stats: %+v, the Collector wrote %d of %d", s, got.events, want.events)
	}
	if got.events < noLossQueue {
		t.Errorf("only %d events arrived; the queue's last %d at least should have been exported at Shutdown", got.events, noLossQueue)
	}
	for s, n := range got.seq {
		if n > 1 || s < 0 || s >= int64(want.events) {
			t.Errorf("event.sequence %d received %d times (sent 0..%d)", s, n, want.events-1)
		}
	}
	// The scan of the logs file agrees with otelcoltest's full OTLP/JSON decoding.
	recs := otelcoltest.FlattenLogs(c.Logs(t))
	seqs := map[int64]int{}
	for _, r := range recs {
		seqs[attr(r.Record.GetAttributes(), "event.sequence").GetIntValue()]++
	}
	if len(recs) != got.events || len(seqs) != len(got.seq) {
		t.Errorf("otelcoltest decodes %d records with %d distinct event.sequence values; the scan found %d and %d",
			len(recs), len(seqs), got.events, len(got.seq))
	}
	if !near(got.cost, want.cost) {
		t.Errorf("cost: received %v, emitted %v", got.cost, want.cost)
	}
	for typ, w := range want.tokens {
		if !near(got.tokens[typ], w) {
			t.Errorf("tokens %s: received %v, emitted %v", typ, got.tokens[typ], w)
		}
	}
}

// stallingProxy forwards OTLP/HTTP requests to target, holding each logs request until release is closed.
func stallingProxy(t *testing.T, target string, release <-chan struct{}) string {
	client := &http.Client{Timeout: 30 * time.Second}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/v1/logs") {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.Path, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(func() {
		srv.Close()
		client.CloseIdleConnections()
	})
	return srv.URL
}

var dropRE = regexp.MustCompile(`: (\d+) events dropped because the queue of \d+ was full \((\d+) in all\)`)

// dropReports adds up the drops reported to the error handler and returns the other errors.
func dropReports(errs []error) (dropped int64, other []error) {
	for _, e := range errs {
		m := dropRE.FindStringSubmatch(e.Error())
		if m == nil {
			other = append(other, e)
			continue
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		all, _ := strconv.ParseInt(m[2], 10, 64)
		dropped += n
		if all != dropped {
			other = append(other, fmt.Errorf("drop reports out of step: %d reported so far, this one says %d in all: %w", dropped, all, e))
		}
	}
	return dropped, other
}

// received is what the Collector wrote, added up while reading its files.
type received struct {
	events int
	byName map[string]int
	seq    map[int64]int
	points int
	cost   float64
	tokens map[string]float64
}

func (g received) check(t *testing.T, w noLossWant) {
	t.Helper()
	if g.events != w.events {
		t.Errorf("received %d events, sent %d", g.events, w.events)
	}
	for name, n := range w.byName {
		if g.byName[name] != n {
			t.Errorf("%s: received %d, sent %d", name, g.byName[name], n)
		}
	}
	if len(g.byName) != len(w.byName) {
		t.Errorf("event names received %v, sent %v", g.byName, w.byName)
	}
	var missing, dup []int64
	for s := int64(0); s < int64(w.events); s++ {
		switch g.seq[s] {
		case 0:
			missing = append(missing, s)
		case 1:
		default:
			dup = append(dup, s)
		}
	}
	if len(missing) > 0 || len(dup) > 0 || len(g.seq) != w.events {
		t.Errorf("event.sequence: %d distinct values, want 0..%d: %d missing (first %v), %d duplicated (first %v)",
			len(g.seq), w.events-1, len(missing), missing[:min(len(missing), 10)], len(dup), dup[:min(len(dup), 10)])
	}
	if !near(g.cost, w.cost) {
		t.Errorf("claude_code.cost.usage: received %v, sent %v", g.cost, w.cost)
	}
	for typ, v := range w.tokens {
		if !near(g.tokens[typ], v) {
			t.Errorf("claude_code.token.usage %s: received %v, sent %v", typ, g.tokens[typ], v)
		}
	}
}

// readCollector reads the Collector's logs and metrics files until done holds for what they hold, or waitTimeout
// passes, then once more after a pause (the file exporter writes asynchronously) so that anything extra is seen.
func readCollector(t *testing.T, c *otelcoltest.Collector, done func(received) bool) received {
	t.Helper()
	dir := filepath.Join(c.Dir(), "out", "0")
	deadline := time.Now().Add(waitTimeout)
	settled := false
	for {
		g, err := readJSONL(filepath.Join(dir, "logs.jsonl"), filepath.Join(dir, "metrics.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		if settled {
			return g
		}
		if done(g) || time.Now().After(deadline) {
			settled = true
			time.Sleep(500 * time.Millisecond)
			continue
		}
		time.Sleep(300 * time.Millisecond)
	}
}

type jsonValue struct {
	StringValue *string `json:"stringValue"`
	IntValue    *string `json:"intValue"`
}

type jsonKV struct {
	Key   string    `json:"key"`
	Value jsonValue `json:"value"`
}

type jsonMetricsLine struct {
	ResourceMetrics []struct {
		ScopeMetrics []struct {
			Metrics []struct {
				Name string `json:"name"`
				Sum  struct {
					AggregationTemporality int `json:"aggregationTemporality"`
					DataPoints             []struct {
						Attributes []jsonKV `json:"attributes"`
						AsDouble   float64  `json:"asDouble"`
					} `json:"dataPoints"`
				} `json:"sum"`
			} `json:"metrics"`
		} `json:"scopeMetrics"`
	} `json:"resourceMetrics"`
}

// readJSONL adds up the Collector's file output (one OTLP/JSON request per line; a last line without its newline
// is still being written and is left out). Metrics must be delta: every point is added.
func readJSONL(logsPath, metricsPath string) (received, error) {
	g := received{byName: map[string]int{}, seq: map[int64]int{}, tokens: map[string]float64{}}
	err := eachLine(logsPath, func(line []byte) error { return scanLogsLine(line, &g) })
	if err != nil {
		return g, fmt.Errorf("%s: %w", logsPath, err)
	}
	err = eachLine(metricsPath, func(line []byte) error {
		var m jsonMetricsLine
		if err := json.Unmarshal(line, &m); err != nil {
			return err
		}
		for _, rm := range m.ResourceMetrics {
			for _, sm := range rm.ScopeMetrics {
				for _, mt := range sm.Metrics {
					if mt.Sum.AggregationTemporality != 1 {
						return fmt.Errorf("%s: aggregationTemporality %d, want 1 (delta)", mt.Name, mt.Sum.AggregationTemporality)
					}
					for _, p := range mt.Sum.DataPoints {
						g.points++
						switch mt.Name {
						case "claude_code.cost.usage":
							g.cost += p.AsDouble
						case "claude_code.token.usage":
							for _, kv := range p.Attributes {
								if kv.Key == "type" && kv.Value.StringValue != nil {
									g.tokens[*kv.Value.StringValue] += p.AsDouble
								}
							}
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return g, fmt.Errorf("%s: %w", metricsPath, err)
	}
	return g, nil
}

// The Collector writes each log record as {...,"body":{"stringValue":"<name>"},"attributes":[...]...}, compact and
// in this field order; event.sequence is an int attribute. Decoding 100,000 records as JSON takes tens of seconds
// under -race, so the logs are scanned for these two fields; the scan fails if a record lacks either, so a change
// of format fails the test rather than passing it.
var (
	bodyPrefix = []byte(`"body":{"stringValue":"`)
	seqPrefix  = []byte(`{"key":"event.sequence","value":{"intValue":"`)
)

func scanLogsLine(line []byte, g *received) error {
	bodies := bytes.Count(line, bodyPrefix)
	if seqs := bytes.Count(line, seqPrefix); seqs != bodies || bodies == 0 {
		return fmt.Errorf("%d bodies and %d event.sequence attributes in a line of %d bytes: not the expected format", bodies, seqs, len(line))
	}
	for rest := line; ; {
		i := bytes.Index(rest, bodyPrefix)
		if i < 0 {
			return nil
		}
		rest = rest[i+len(bodyPrefix):]
		name, after, ok := bytes.Cut(rest, []byte(`"`))
		if !ok {
			return fmt.Errorf("unterminated body")
		}
		j := bytes.Index(after, seqPrefix)
		if next := bytes.Index(after, bodyPrefix); j < 0 || (next >= 0 && next < j) {
			return fmt.Errorf("a record with body %q has no event.sequence", name)
		}
		digits, _, ok := bytes.Cut(after[j+len(seqPrefix):], []byte(`"`))
		if !ok {
			return fmt.Errorf("unterminated event.sequence")
		}
		seq, err := strconv.ParseInt(string(digits), 10, 64)
		if err != nil {
			return err
		}
		g.events++
		g.byName[string(name)]++
		g.seq[seq]++
		rest = after
	}
}

func eachLine(path string, f func([]byte) error) error {
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer file.Close()
	r := bufio.NewReaderSize(file, 1<<20)
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			if err := f(line); err != nil {
				return err
			}
		}
	}
}
