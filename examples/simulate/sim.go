package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// run simulates p.Users users and returns what they sent.
func run(ctx context.Context, p params, start startFunc) (*summary, error) {
	if p.Users < 1 || p.Sessions < 1 || p.Prompts < 1 {
		return nil, fmt.Errorf("-users, -sessions and -prompts must be at least 1")
	}
	if p.Models == nil {
		p.Models = defaultModels
	}
	if p.Realtime && p.Speed <= 0 {
		return nil, fmt.Errorf("-speed must be positive")
	}
	if p.Realtime && p.hist != nil {
		return nil, fmt.Errorf("-prometheus-data and -openmetrics write a backfill's history; they do not go with -realtime")
	}
	if p.AllEvents && p.tracesSink == "" {
		sink, stop, err := betaTracingEndpoint(os.Getenv)
		if err != nil {
			return nil, err
		}
		defer stop()
		p.tracesSink = sink
	}
	now := time.Now()
	sum := newSummary()
	plans := make([]*userPlan, p.Users)
	total := 0
	for i := range plans {
		plans[i] = planUser(p, i, now)
		for _, s := range plans[i].sessions {
			total += s.prompts
		}
	}
	bar := newProgress(p.Progress, total)
	defer bar.done()

	// One user's failure (a refused start, a lossy shutdown) is counted in
	// the summary and never stops the others.
	var wg sync.WaitGroup
	for _, up := range plans {
		if p.Realtime {
			wg.Go(func() { sum.userDone(up.index, simulateUser(ctx, p, up, start, sum, bar)) })
		} else {
			sum.userDone(up.index, simulateUser(ctx, p, up, start, sum, bar))
		}
	}
	wg.Wait()
	return sum, nil
}

// betaTracingEndpoint is where the first user's detailed beta traces go.
// Claude Code sends them over OTLP/HTTP to BETA_TRACING_ENDPOINT/v1/traces,
// so: BETA_TRACING_ENDPOINT when set; else OTEL_EXPORTER_OTLP_ENDPOINT when
// the protocol is OTLP/HTTP (the same receiver); else, when nothing is
// configured (console output), a loopback sink of ours that discards them.
// With an OTLP endpoint over gRPC there is no valid endpoint: "" leaves
// detailed tracing off (set BETA_TRACING_ENDPOINT to the Collector's HTTP
// port to have it). stop closes the sink.
func betaTracingEndpoint(getenv func(string) string) (endpoint string, stop func(), err error) {
	stop = func() {}
	if ep := getenv("BETA_TRACING_ENDPOINT"); ep != "" {
		return ep, stop, nil
	}
	protocol := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if ep := getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); ep != "" {
		if strings.HasPrefix(protocol, "http/") {
			return ep, stop, nil
		}
		return "", stop, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", stop, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
	})}
	go srv.Serve(ln) //nolint:errcheck // ErrServerClosed
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// ---- the plan of a user: who they are and when their sessions start

type userPlan struct {
	index    int
	seed     uint64
	userID   string
	email    string
	org      string
	account  string
	all      bool // turns on what the rarest events need, and emits each once
	sessions []sessionPlan
}

type sessionPlan struct {
	start   time.Time
	prompts int
}

func planUser(p params, i int, now time.Time) *userPlan {
	seed := uint64(p.Seed)*1_000_003 + uint64(i)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	h := sha256.Sum256(fmt.Appendf(nil, "ccotel-simulate/%d/%d", p.Seed, i))
	up := &userPlan{
		index: i, seed: seed, userID: hex.EncodeToString(h[:]),
		email: fmt.Sprintf("%s.%d@example.com", firstNames[i%len(firstNames)], i),
		org:   uuidFrom(rng), account: uuidFrom(rng),
		all: p.AllEvents && i == 0,
	}
	n := max(1, p.Sessions+rng.IntN(3)-1)
	for range n {
		offset := time.Duration(rng.Float64() * 0.8 * float64(p.Backfill))
		up.sessions = append(up.sessions, sessionPlan{
			start:   now.Add(-p.Backfill + offset),
			prompts: max(1, p.Prompts+rng.IntN(5)-2),
		})
	}
	sort.Slice(up.sessions, func(a, b int) bool { return up.sessions[a].start.Before(up.sessions[b].start) })
	return up
}

var firstNames = []string{"ada", "grace", "linus", "barbara", "ken", "margaret", "dennis", "frances", "guido", "radia"}

// ---- clocks

// clock is a user's time: simulated (backfill) or the wall clock slowed
// down by the speed factor (realtime).
type clock struct {
	mu       sync.Mutex
	t        time.Time
	realtime bool
	speed    float64
	// moved, when set, is told each new simulated time (the history's exports).
	moved func(time.Time)
}

func (c *clock) Now() time.Time {
	if c.realtime {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// advance lets d of simulated time pass.
func (c *clock) advance(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	if c.realtime {
		select {
		case <-time.After(time.Duration(float64(d) / c.speed)):
		case <-ctx.Done():
		}
		return
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	t := c.t
	c.mu.Unlock()
	if c.moved != nil {
		c.moved(t)
	}
}

// to moves a simulated clock forward to t.
func (c *clock) to(t time.Time) {
	c.mu.Lock()
	if t.After(c.t) {
		c.t = t
	}
	c.mu.Unlock()
}

// ---- one user

type user struct {
	*userPlan
	tel    *telemetry.Telemetry
	ev     *events.Emitter
	rng    *rand.Rand
	clk    *clock
	cfg    config.Config
	sum    *summary
	bar    *progress
	ctx    context.Context
	models map[string]float64
	first  bool // the user's first session: startup events
}

func simulateUser(ctx context.Context, p params, up *userPlan, start startFunc, sum *summary, bar *progress) error {
	clk := &clock{realtime: p.Realtime, speed: p.Speed}
	if len(up.sessions) > 0 {
		clk.t = up.sessions[0].start
	}
	vars := []config.LoadOption{
		config.WithVariable("CLAUDE_CODE_USER_EMAIL", up.email),
		config.WithVariable("CLAUDE_CODE_ORGANIZATION_UUID", up.org),
		config.WithVariable("CLAUDE_CODE_ACCOUNT_UUID", up.account),
	}
	if up.all {
		vars = append(vars,
			config.WithVariable("OTEL_LOG_RAW_API_BODIES", "1"),
			config.WithVariable("CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL", "1"),
		)
		if p.tracesSink != "" {
			vars = append(vars,
				config.WithVariable("ENABLE_BETA_TRACING_DETAILED", "1"),
				config.WithVariable("BETA_TRACING_ENDPOINT", p.tracesSink))
		}
	}
	counter := &countingProcessor{sum: sum}
	reader := sdkmetric.NewManualReader()
	var hist *userHistory
	if p.hist != nil {
		hist = p.hist.user(reader)
		clk.moved = hist.until
	}
	tel, err := start(ctx,
		telemetry.WithUserID(up.userID),
		telemetry.WithTerminalType(terminals[up.index%len(terminals)]),
		telemetry.WithClock(clk.Now),
		telemetry.WithLoadOptions(vars...),
		telemetry.WithLogProcessor(counter),
		telemetry.WithMetricReader(reader),
	)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if hist != nil {
		if tel.Config().Metrics.Interval > 0 {
			hist.interval = tel.Config().Metrics.Interval
		}
		// The history shows what the wire would carry: with the opt-in,
		// every series starts at 0.
		if tel.Config().Extensions.MetricsZeroStart {
			p.hist.mu.Lock()
			p.hist.zeroStart = true
			p.hist.mu.Unlock()
		}
	}
	u := &user{
		userPlan: up, tel: tel, ev: tel.Events(), clk: clk, cfg: *tel.Config(), sum: sum, bar: bar, ctx: ctx, first: true, models: p.Models,
		rng: rand.New(rand.NewPCG(up.seed, 0xda7a)),
	}
	for i, sp := range up.sessions {
		if ctx.Err() != nil {
			break
		}
		if !p.Realtime {
			clk.to(sp.start)
		}
		if hist != nil {
			hist.sessionStart(clk.Now())
		}
		u.session(sp, up.all && i == 0)
		if hist != nil {
			hist.sessionEnd(clk.Now())
		}
		u.first = false
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err == nil {
		sum.addMetrics(rm)
	}
	err = tel.Shutdown(context.Background())
	sum.addStats(tel.Stats())
	return err
}

var terminals = []string{"vscode", "iTerm.app", "tmux", "cursor", "Apple_Terminal", "ghostty"}

// ---- distributions

func (u *user) chance(p float64) bool { return u.rng.Float64() < p }

// lognormal draws around median with spread sigma.
func (u *user) lognormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*u.rng.NormFloat64())
}

func (u *user) ms(median, sigma float64) time.Duration {
	return time.Duration(u.lognormal(median, sigma) * float64(time.Millisecond))
}

func (u *user) pick(weights map[string]float64) string {
	keys := make([]string, 0, len(weights))
	var total float64
	for k, w := range weights {
		keys = append(keys, k)
		total += w
	}
	sort.Strings(keys)
	x := u.rng.Float64() * total
	for _, k := range keys {
		if x -= weights[k]; x < 0 {
			return k
		}
	}
	return keys[len(keys)-1]
}

func (u *user) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[u.rng.IntN(16)]
	}
	return string(b)
}

func (u *user) id(prefix string) string { return prefix + u.hex(24) }

func uuidFrom(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// defaultModels is the main-loop model mix of December 2026: the current
// Sonnet, Opus and Haiku, and a tail of the previous generation (Sonnet 4.5
// reached end of life on 2026-11-30). -models replaces it.
var defaultModels = map[string]float64{
	"claude-sonnet-5-5": 0.5,
	"claude-opus-5-5":   0.25,
	"claude-haiku-5-5":  0.1,
	"claude-sonnet-4-6": 0.1,
	"claude-opus-4-8":   0.05,
}

// auxModel answers Claude Code's small side queries (titles, compaction).
const auxModel = "claude-haiku-5-5"

// parseModels reads -models: "model=weight,model=weight". Every model must
// be in the price table, or its cost would be 0.
func parseModels(s string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, part := range strings.Split(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		weight, err := strconv.ParseFloat(w, 64)
		if !ok || err != nil || weight <= 0 || math.IsInf(weight, 0) {
			return nil, fmt.Errorf("-models: %q is not model=weight with a positive weight", part)
		}
		if _, priced := pricing.Default().Lookup(name); !priced {
			return nil, fmt.Errorf("-models: %s is not in the price table %s", name, pricing.Default().Version())
		}
		out[name] += weight
	}
	return out, nil
}

// ---- summary of what was sent

type summary struct {
	mu      sync.Mutex
	events  map[string]int
	metrics map[string]float64
	points  map[string]int
	cost    float64
	// delivery is what the exporters report (telemetry.Stats after
	// Shutdown), by signal and exporter.
	delivery map[string]*delivery
	failed   map[int]error // users whose start or shutdown failed
}

type delivery struct {
	unit           string
	exported, lost int64
}

func newSummary() *summary {
	return &summary{events: map[string]int{}, metrics: map[string]float64{}, points: map[string]int{},
		delivery: map[string]*delivery{}, failed: map[int]error{}}
}

func (s *summary) userDone(user int, err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	s.failed[user] = err
	s.mu.Unlock()
}

func (s *summary) addStats(st telemetry.Stats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range st.Exporters {
		key := e.Signal + " " + e.Exporter
		d := s.delivery[key]
		if d == nil {
			d = &delivery{unit: e.Unit}
			s.delivery[key] = d
		}
		d.exported += e.Exported
		d.lost += e.Dropped + e.Failed + e.Queued
	}
}

// lost says whether anything did not arrive: a user failed, or an exporter
// dropped, failed or still held data at shutdown.
func (s *summary) lost() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failed) > 0 {
		return true
	}
	for _, d := range s.delivery {
		if d.lost > 0 {
			return true
		}
	}
	return false
}

func (s *summary) addMetrics(rm metricdata.ResourceMetrics) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if d, ok := m.Data.(metricdata.Sum[float64]); ok {
				for _, dp := range d.DataPoints {
					s.metrics[m.Name] += dp.Value
					s.points[m.Name]++
					if m.Name == "claude_code.cost.usage" {
						s.cost += dp.Value
					}
				}
			}
		}
	}
}

func (s *summary) print(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.events))
	total := 0
	for n, c := range s.events {
		names = append(names, n)
		total += c
	}
	sort.Strings(names)
	fmt.Fprintf(w, "simulate: emitted %d events\n", total)
	for _, n := range names {
		fmt.Fprintf(w, "  %-28s %7d\n", n, s.events[n])
	}
	names = names[:0]
	for n := range s.metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "simulate: metrics (total of all series, series count)\n")
	for _, n := range names {
		fmt.Fprintf(w, "  %-36s %14.2f %6d\n", n, s.metrics[n], s.points[n])
	}
	fmt.Fprintf(w, "simulate: total cost $%.2f\n", s.cost)
	keys := make([]string, 0, len(s.delivery))
	for k := range s.delivery {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "simulate: delivery (what the exporters report)\n")
	for _, k := range keys {
		d := s.delivery[k]
		fmt.Fprintf(w, "  %-22s %9d %s delivered, %d lost\n", k, d.exported, d.unit, d.lost)
	}
	users := make([]int, 0, len(s.failed))
	for u := range s.failed {
		users = append(users, u)
	}
	sort.Ints(users)
	for _, u := range users {
		fmt.Fprintf(w, "simulate: user %d: %v\n", u, s.failed[u])
	}
}

// countingProcessor counts the events a handle emits, by name.
type countingProcessor struct{ sum *summary }

func (c *countingProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	name := ""
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		if kv.Key == "event.name" {
			name = kv.Value.AsString()
			return false
		}
		return true
	})
	c.sum.mu.Lock()
	c.sum.events[name]++
	c.sum.mu.Unlock()
	return nil
}

func (c *countingProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (c *countingProcessor) Shutdown(context.Context) error                         { return nil }
func (c *countingProcessor) ForceFlush(context.Context) error                       { return nil }

// ---- progress bar

type progress struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	n     int
	last  time.Time
}

func newProgress(w io.Writer, total int) *progress { return &progress{w: w, total: total} }

func (p *progress) add() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.n < p.total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 40
	fill := width * p.n / max(p.total, 1)
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d prompts", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), 100*p.n/max(p.total, 1), p.n, p.total)
}

func (p *progress) done() {
	if p.w != nil {
		fmt.Fprintln(p.w)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
