package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// The concurrent workload: concWorkers goroutines share one handle; in each of concRounds rounds every goroutine
// runs concTurns turns, then the round ends with a ForceFlush (the end of a turn, where a host flushes). A turn
// emits at most five events, so a round emits at most concWorkers*concTurns*5 = 1920 events: fewer than the batch
// queue's 2048, so no record can be dropped whatever the exporter's speed, and a lost event is ccotel's fault.
// Every eighth goroutine also flushes at the end of its own turns, while the others still emit (a subagent's turn
// ending): a drop reported then is a false one.
const (
	concWorkers = 32
	concRounds  = 6
	concTurns   = 12
)

// concTurn is what goroutine g does in its turn i (0 <= i < concRounds*concTurns): exact binary values, so sums
// do not depend on the order of addition.
type concTurn struct {
	shared         bool // on the shared session; else on the goroutine's own
	requestID      string
	toolUseID      string
	rejected       bool // the tool is rejected: tool_decision and no tool_result
	cost           float64
	input, output  int64
	cacheRead      int64
	cacheCreation  int64
	added, removed int
	commit, pr     bool
	userActive     time.Duration
}

func concTurnOf(g, i int) concTurn {
	return concTurn{
		shared:        i%2 == 0,
		requestID:     fmt.Sprintf("req_%d_%d", g, i),
		toolUseID:     fmt.Sprintf("toolu_%d_%d", g, i),
		rejected:      i%4 == 3,
		cost:          float64((g+1)*(i+1)) / 1024,
		input:         int64(g + 1),
		output:        int64(i + 1),
		cacheRead:     int64(2 * (g + 1)),
		cacheCreation: 1,
		added:         1 + i%3,
		removed:       i % 2,
		commit:        i%3 == 0,
		pr:            i%7 == 0,
		userActive:    time.Duration(g+1) * 125 * time.Millisecond,
	}
}

// events of a turn: user_prompt, api_request, assistant_response, tool_decision and, unless rejected, tool_result.
func (c concTurn) events() int {
	if c.rejected {
		return 4
	}
	return 5
}

// concExpected is what the workload must deliver.
type concExpected struct {
	events      int            // all events, managed_settings_resolved included
	byName      map[string]int // events by body (claude_code.<name>)
	bySession   map[int]int    // events on goroutine g's own session
	sharedCount int            // events on the shared session
	metrics     map[string]float64
	activeUser  float64
	sessions    float64
}

func concExpect() concExpected {
	x := concExpected{byName: map[string]int{}, bySession: map[int]int{}, metrics: map[string]float64{}}
	x.byName["claude_code.managed_settings_resolved"] = 1
	x.events = 1
	x.sessions = concWorkers + 1
	for g := 0; g < concWorkers; g++ {
		for i := 0; i < concRounds*concTurns; i++ {
			c := concTurnOf(g, i)
			x.events += c.events()
			if c.shared {
				x.sharedCount += c.events()
			} else {
				x.bySession[g] += c.events()
			}
			x.byName["claude_code.user_prompt"]++
			x.byName["claude_code.api_request"]++
			x.byName["claude_code.assistant_response"]++
			x.byName["claude_code.tool_decision"]++
			if !c.rejected {
				x.byName["claude_code.tool_result"]++
			}
			x.metrics["cost"] += c.cost
			x.metrics["input"] += float64(c.input)
			x.metrics["output"] += float64(c.output)
			x.metrics["cacheRead"] += float64(c.cacheRead)
			x.metrics["cacheCreation"] += float64(c.cacheCreation)
			x.metrics["added"] += float64(c.added)
			x.metrics["removed"] += float64(c.removed)
			x.metrics["decisions"]++
			if c.commit {
				x.metrics["commits"]++
			}
			if c.pr {
				x.metrics["prs"]++
			}
			x.activeUser += c.userActive.Seconds()
		}
	}
	return x
}

// runConcurrent runs the workload through tel. It returns the session ids: own[g] of goroutine g, and the shared
// one.
func runConcurrent(t *testing.T, tel *telemetry.Telemetry) (own []string, shared string) {
	t.Helper()
	ctx := context.Background()
	// Every goroutine starts the shared session through one Once and its own session at the same time: the first
	// StartSession of the handle (which emits managed_settings_resolved once) is raced 33 ways.
	sharedOnce := sync.OnceValues(func() (context.Context, *telemetry.Session) { return tel.StartSession(ctx) })
	own = make([]string, concWorkers)
	var (
		roundDone sync.WaitGroup
		next      = make([]chan struct{}, concRounds)
		errMu     sync.Mutex
		errs      []string
	)
	for r := range next {
		next[r] = make(chan struct{})
	}
	fail := func(format string, args ...any) {
		errMu.Lock()
		errs = append(errs, fmt.Sprintf(format, args...))
		errMu.Unlock()
	}
	var all sync.WaitGroup
	roundDone.Add(concWorkers)
	for g := 0; g < concWorkers; g++ {
		all.Add(1)
		go func() {
			defer all.Done()
			sctx, shs := sharedOnce()
			octx, ows := tel.StartSession(ctx)
			own[g] = ows.ID()
			for r := 0; r < concRounds; r++ {
				<-next[r]
				for k := 0; k < concTurns; k++ {
					i := r*concTurns + k
					c := concTurnOf(g, i)
					sc, s := octx, ows
					if c.shared {
						sc, s = sctx, shs
					}
					pctx, p := s.StartPrompt(sc, events.UserPrompt{Prompt: c.requestID})
					cost := c.cost
					s.APIResponse(pctx, telemetry.APIResponse{
						Model:     "claude-sonnet-4-5-20250929",
						Usage:     usage(c),
						CostUSD:   &cost,
						Duration:  800 * time.Millisecond,
						RequestID: c.requestID,
						Text:      "done",
					})
					tctx, run := s.StartTool(pctx, telemetry.ToolCall{Name: "Bash", UseID: c.toolUseID, Command: "go test ./...", RequestID: c.requestID})
					if c.rejected {
						run.Decide(tctx, metrics.DecisionReject, metrics.SourceUserReject)
					} else {
						run.Decide(tctx, metrics.DecisionAccept, metrics.SourceConfig)
						run.Done(tctx, telemetry.ToolOutcome{Success: true, ResultSizeBytes: 42})
					}
					a, rm := s.EditDecision(pctx, telemetry.Edit{ToolName: "Edit", FilePath: "main.go", Model: "claude-sonnet-4-5-20250929",
						OldText: textLines("old", c.removed), NewText: textLines("new", c.added)})
					if a != c.added || rm != c.removed {
						fail("goroutine %d turn %d: edit counted +%d -%d, want +%d -%d", g, i, a, rm, c.added, c.removed)
					}
					if c.commit {
						s.Commit(pctx)
					}
					if c.pr {
						s.PullRequest(pctx)
					}
					s.ActiveTime(pctx, c.userActive, metrics.ActiveUser)
					p.End(pctx)
				}
				if g%8 == 0 {
					// A subagent's turn ends while the others still emit: its flush races their emits.
					if err := tel.ForceFlush(ctx); err != nil {
						fail("goroutine %d: ForceFlush: %v", g, err)
					}
				}
				roundDone.Done()
			}
		}()
	}
	for r := 0; r < concRounds; r++ {
		if r > 0 {
			roundDone.Add(concWorkers)
		}
		close(next[r])
		roundDone.Wait()
		// Every goroutine is waiting for the next round: flush at the end of the turn.
		if err := tel.ForceFlush(ctx); err != nil {
			t.Errorf("ForceFlush after round %d: %v", r, err)
		}
	}
	all.Wait()
	for _, e := range errs {
		t.Error(e)
	}
	_, shs := sharedOnce()
	return own, shs.ID()
}

// textLines is n distinct lines without a trailing newline: an edit of n lines.
func textLines(prefix string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return strings.Join(parts, "\n")
}

func usage(c concTurn) (u pricing.Usage) {
	u.InputTokens, u.OutputTokens, u.CacheReadTokens, u.CacheCreationTokens = c.input, c.output, c.cacheRead, c.cacheCreation
	return u
}

// TestConcurrentEmit emits through one handle from 32 goroutines at once (sessions shared and per goroutine,
// prompts, API responses, tool runs accepted and rejected, edits, commits, pull requests, active time), under -race
// in CI, then shuts down and reads everything back: every event arrived exactly once, event.sequence is unique and
// gapless from 0 (one number per event across all goroutines), every metric total is exact, nothing was reported
// to the error handler, and no goroutine ccotel started outlives Shutdown.
//
// Over gRPC the data goes to the real Collector and is read from its file output; over http/protobuf to the
// in-process receiver.
func TestConcurrentEmit(t *testing.T) {
	for _, protocol := range []string{"grpc", "http/protobuf"} {
		t.Run(protocol, func(t *testing.T) {
			var (
				endpoint string
				readLogs func() []*collectorlogs.ExportLogsServiceRequest
				// waitEvents waits until n events have been received, or waitTimeout.
				waitEvents func(n int)
				readMets   func() []*collectormetrics.ExportMetricsServiceRequest
			)
			if protocol == "grpc" {
				c := otelcoltest.Start(t)
				endpoint = c.GRPCEndpoint()
				readLogs = func() []*collectorlogs.ExportLogsServiceRequest { return c.Logs(t) }
				// Decoding the Collector's file takes seconds under -race: the wait scans it (noloss_test.go).
				waitEvents = func(n int) { readCollector(t, c, func(g received) bool { return g.events >= n }) }
				readMets = func() []*collectormetrics.ExportMetricsServiceRequest { return c.Metrics(t) }
			} else {
				r := otlptest.Start(t, otlptest.Options{})
				endpoint = r.HTTPEndpoint()
				readLogs = func() []*collectorlogs.ExportLogsServiceRequest { return receivedLogs(r) }
				waitEvents = func(n int) {
					deadline := time.Now().Add(waitTimeout)
					for len(otelcoltest.FlattenLogs(receivedLogs(r))) < n && time.Now().Before(deadline) {
						time.Sleep(50 * time.Millisecond)
					}
				}
				readMets = func() []*collectormetrics.ExportMetricsServiceRequest { return receivedMetrics(r) }
			}
			before := goroutineSnapshot()

			var errs errorLog
			tel := start(t, otlpEnv(protocol, endpoint, "delta").with("CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "20000"),
				telemetry.WithErrorHandler(errs.handle))
			t0 := time.Now()
			own, shared := runConcurrent(t, tel)
			emitted := time.Since(t0)
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			took := time.Since(t0)
			checkNoLeak(t, before)
			if len(errs.all()) != 0 {
				t.Errorf("errors reported:\n%s", &errs)
			}

			want := concExpect()
			t.Logf("%s: %d goroutines emitted %d events in %v (%.0f events/s with the flushes); Shutdown done at %v",
				protocol, concWorkers, want.events, emitted, float64(want.events)/emitted.Seconds(), took)

			t1 := time.Now()
			waitEvents(want.events)
			logs := readLogs()
			t2 := time.Now()
			checkConcurrentEvents(t, otelcoltest.FlattenLogs(logs), want, own, shared)
			t3 := time.Now()
			mets := waitMetrics(t, readMets, func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
				return len(concurrentMetricsProblems(reqs, want, own, shared)) == 0
			})
			t4 := time.Now()
			for _, p := range concurrentMetricsProblems(mets, want, own, shared) {
				t.Error(p)
			}
			t.Logf("read logs %v, check %v, read metrics %v, check %v", t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), time.Since(t4))
		})
	}
}

// waitMetrics waits until done holds or waitTimeout passes, and returns what was received then, read once more
// after a pause so that anything extra (a duplicate) is seen. done must hold for the complete result only (every
// total, not the cost's): the Collector's file exporter writes what it acknowledged later, a request at a time, so
// one total being final says nothing of the others.
func waitMetrics(t *testing.T, read func() []*collectormetrics.ExportMetricsServiceRequest, done func([]*collectormetrics.ExportMetricsServiceRequest) bool) []*collectormetrics.ExportMetricsServiceRequest {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		reqs := read()
		if done(reqs) || time.Now().After(deadline) {
			time.Sleep(300 * time.Millisecond)
			return read()
		}
		time.Sleep(otelcoltest.PollInterval)
	}
}

func receivedLogs(r *otlptest.Receiver) []*collectorlogs.ExportLogsServiceRequest {
	var out []*collectorlogs.ExportLogsServiceRequest
	for _, q := range r.Requests() {
		if q.Logs != nil {
			out = append(out, q.Logs)
		}
	}
	return out
}

func receivedMetrics(r *otlptest.Receiver) []*collectormetrics.ExportMetricsServiceRequest {
	var out []*collectormetrics.ExportMetricsServiceRequest
	for _, q := range r.Requests() {
		if q.Metrics != nil {
			out = append(out, q.Metrics)
		}
	}
	return out
}

// checkSequence checks that the event.sequence values of recs are exactly 0..n-1, each once.
func checkSequence(t *testing.T, recs []otelcoltest.LogRecord, n int) {
	t.Helper()
	seen := make([]int, n)
	bad := 0
	for _, r := range recs {
		v := attr(r.Record.GetAttributes(), "event.sequence")
		iv, ok := v.GetValue().(*commonpb.AnyValue_IntValue)
		if !ok || iv.IntValue < 0 || iv.IntValue >= int64(n) {
			if bad++; bad <= 5 {
				t.Errorf("event.sequence %v: not an int in 0..%d", v, n-1)
			}
			continue
		}
		seen[iv.IntValue]++
	}
	var missing, dup []int
	for s, k := range seen {
		if k == 0 {
			missing = append(missing, s)
		} else if k > 1 {
			dup = append(dup, s)
		}
	}
	if len(missing)+len(dup)+bad > 0 {
		t.Errorf("event.sequence over %d records: %d missing (first %v), %d duplicated (first %v), %d out of range",
			len(recs), len(missing), head(missing), len(dup), head(dup), bad)
	}
}

// attr is the value of key in kvs; nil when absent.
func attr(kvs []*commonpb.KeyValue, key string) *commonpb.AnyValue {
	for _, kv := range kvs {
		if kv.GetKey() == key {
			return kv.GetValue()
		}
	}
	return nil
}

func head(s []int) []int { return s[:min(len(s), 10)] }

func checkConcurrentEvents(t *testing.T, recs []otelcoltest.LogRecord, want concExpected, own []string, shared string) {
	t.Helper()
	if len(recs) != want.events {
		t.Errorf("received %d events, emitted %d", len(recs), want.events)
	}
	checkSequence(t, recs, want.events)

	byName := map[string]int{}
	bySession := map[string]int{}
	// Every turn's request_id on its api_request, and its tool_use_id on its tool_decision, exactly once.
	requests := map[string]int{}
	tools := map[string]int{}
	for _, r := range recs {
		name := r.Record.GetBody().GetStringValue()
		kvs := r.Record.GetAttributes()
		byName[name]++
		bySession[attr(kvs, "session.id").GetStringValue()]++
		switch name {
		case "claude_code.api_request":
			requests[attr(kvs, "request_id").GetStringValue()]++
		case "claude_code.tool_decision":
			tools[attr(kvs, "tool_use_id").GetStringValue()]++
		}
	}
	for name, n := range want.byName {
		if byName[name] != n {
			t.Errorf("%s: received %d, emitted %d", name, byName[name], n)
		}
	}
	if len(byName) != len(want.byName) {
		t.Errorf("event names received %v, want %v", byName, want.byName)
	}
	// managed_settings_resolved is on the first session started, which may be any of them.
	if got := bySession[shared]; got != want.sharedCount && got != want.sharedCount+1 {
		t.Errorf("shared session: %d events, want %d (+1 if it started first)", got, want.sharedCount)
	}
	for g, id := range own {
		if got := bySession[id]; got != want.bySession[g] && got != want.bySession[g]+1 {
			t.Errorf("goroutine %d's session: %d events, want %d (+1 if it started first)", g, got, want.bySession[g])
		}
	}
	for g := 0; g < concWorkers; g++ {
		for i := 0; i < concRounds*concTurns; i++ {
			c := concTurnOf(g, i)
			if requests[c.requestID] != 1 || tools[c.toolUseID] != 1 {
				t.Errorf("goroutine %d turn %d: api_request received %d times, tool_decision %d times", g, i, requests[c.requestID], tools[c.toolUseID])
			}
		}
	}
}

// concurrentMetricsProblems lists what the metrics of reqs miss or have too much of: every total, and the cost
// of each goroutine's own session and of the shared one. None means everything arrived exactly once.
func concurrentMetricsProblems(reqs []*collectormetrics.ExportMetricsServiceRequest, want concExpected, own []string, shared string) []string {
	var out []string
	total := func(name string, match map[string]string) float64 {
		return streamTotal(otelcoltest.FlattenMetrics(reqs, name), match)
	}
	checks := []struct {
		name  string
		match map[string]string
		want  float64
	}{
		{"claude_code.session.count", nil, want.sessions},
		{"claude_code.cost.usage", nil, want.metrics["cost"]},
		{"claude_code.token.usage", map[string]string{"type": "input"}, want.metrics["input"]},
		{"claude_code.token.usage", map[string]string{"type": "output"}, want.metrics["output"]},
		{"claude_code.token.usage", map[string]string{"type": "cacheRead"}, want.metrics["cacheRead"]},
		{"claude_code.token.usage", map[string]string{"type": "cacheCreation"}, want.metrics["cacheCreation"]},
		{"claude_code.lines_of_code.count", map[string]string{"type": "added"}, want.metrics["added"]},
		{"claude_code.lines_of_code.count", map[string]string{"type": "removed"}, want.metrics["removed"]},
		{"claude_code.code_edit_tool.decision", nil, want.metrics["decisions"]},
		{"claude_code.commit.count", nil, want.metrics["commits"]},
		{"claude_code.pull_request.count", nil, want.metrics["prs"]},
		{"claude_code.active_time.total", map[string]string{"type": "user"}, want.activeUser},
	}
	for _, c := range checks {
		if got := total(c.name, c.match); !near(got, c.want) {
			out = append(out, fmt.Sprintf("%s %v: received %v, emitted %v", c.name, c.match, got, c.want))
		}
	}
	// Per goroutine: the cost on its own session is known exactly.
	for g, id := range own {
		var w float64
		for i := 0; i < concRounds*concTurns; i++ {
			if c := concTurnOf(g, i); !c.shared {
				w += c.cost
			}
		}
		if got := total("claude_code.cost.usage", map[string]string{"session.id": id}); !near(got, w) {
			out = append(out, fmt.Sprintf("goroutine %d: cost on its session %v, emitted %v", g, got, w))
		}
	}
	var w float64
	for g := 0; g < concWorkers; g++ {
		for i := 0; i < concRounds*concTurns; i++ {
			if c := concTurnOf(g, i); c.shared {
				w += c.cost
			}
		}
	}
	if got := total("claude_code.cost.usage", map[string]string{"session.id": shared}); !near(got, w) {
		out = append(out, fmt.Sprintf("shared session: cost %v, emitted %v", got, w))
	}
	return out
}

// goroutineSnapshot is the stack of every goroutine by its id. Ids are never reused, so the goroutines started
// after a snapshot are those whose id it lacks (system goroutines such as the GC's are not listed).
func goroutineSnapshot() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		s := string(g)
		if id, ok := strings.CutPrefix(s, "goroutine "); ok {
			id, _, _ = strings.Cut(id, " ")
			out[id] = s
		}
	}
	return out
}

// newGoroutines lists the goroutines started since before that still run, except the testing package's own.
func newGoroutines(before map[string]string) []string {
	var out []string
	for id, s := range goroutineSnapshot() {
		if _, ok := before[id]; ok {
			continue
		}
		if strings.Contains(s, "testing.tRunner") || strings.Contains(s, "testing.(*T).Run") || strings.Contains(s, "os/signal.loop") {
			continue
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// checkNoLeak fails the test if a goroutine started after before still runs after a settle time: what ccotel
// started (batch processors, periodic readers, gRPC and HTTP connections) must end with Shutdown. Connections
// close asynchronously, so it polls, until waitTimeout: a generous deadline, not a time bound, as it ends as soon
// as the count is 0 (on a loaded machine a closing connection's goroutine may wait seconds for a CPU).
func checkNoLeak(t *testing.T, before map[string]string) {
	t.Helper()
	var left []string
	deadline := time.Now().Add(waitTimeout)
	for {
		if left = newGoroutines(before); len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("%d goroutine(s) started after telemetry.Start still run %v after Shutdown:\n%s", len(left), waitTimeout, strings.Join(left, "\n\n"))
}
