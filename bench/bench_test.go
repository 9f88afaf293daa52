package bench

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/exemplar"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/exporter"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// chunk is how many iterations one side runs before the other takes over.
// Small enough that a burst of load from the other engineers' builds lands on
// both sides alike, large enough that the timer calls do not dominate.
const chunk = 64

// interleave runs raw and ours in chunks of chunk calls each, the side that
// goes first alternating from chunk to chunk, for as long as the benchmark
// runs. One b.Loop iteration is one chunk of each side, so the setup before
// interleave runs once per -count, however long it is (10k sessions). The
// reported ns/op, B/op and allocs/op are ours alone, per call (allocations
// counted over 100 calls before timing); x-raw is ours' total time over
// raw's, raw-ns/op and raw-allocs/op raw's time and allocations per call.
// x-raw-cpu is the same ratio on the benchmark thread's CPU clock
// (threadCPU), which the other engineers' load on the machine does not
// stretch as it does the wall clock; it leaves out the GC's background work
// on other threads, not its assists. Both run once before timing, so
// first-use costs (building a cached set) are out.
func interleave(b *testing.B, raw, ours func()) {
	b.Helper()
	raw()
	ours()
	allocs, bytes := allocsOf(ours)
	rawAllocs, _ := allocsOf(raw)
	b.ReportAllocs()       // printed from the figures reported below
	runtime.LockOSThread() // threadCPU is this thread's
	defer runtime.UnlockOSThread()
	var rawDur, ourDur, rawCPU, ourCPU time.Duration
	calls := 0
	for k := 0; b.Loop(); k++ {
		for side := range 2 {
			t, c := time.Now(), threadCPU()
			if (k+side)%2 == 0 {
				for range chunk {
					raw()
				}
				rawDur += time.Since(t)
				rawCPU += threadCPU() - c
			} else {
				for range chunk {
					ours()
				}
				ourDur += time.Since(t)
				ourCPU += threadCPU() - c
			}
		}
		calls += chunk
	}
	b.ReportMetric(float64(ourDur.Nanoseconds())/float64(calls), "ns/op")
	b.ReportMetric(bytes, "B/op")
	b.ReportMetric(allocs, "allocs/op")
	if rawDur > 0 {
		b.ReportMetric(float64(ourDur)/float64(rawDur), "x-raw")
	}
	if rawCPU > 0 {
		b.ReportMetric(float64(ourCPU)/float64(rawCPU), "x-raw-cpu")
	}
	b.ReportMetric(float64(rawDur.Nanoseconds())/float64(calls), "raw-ns/op")
	b.ReportMetric(rawAllocs, "raw-allocs/op")
}

// allocsOf is the mean number and size of heap allocations of f over 100
// calls, on one P as testing.AllocsPerRun measures, so that the SDK's
// background goroutines weigh as little as they can.
func allocsOf(f func()) (allocs, bytes float64) {
	const runs = 100
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / runs, float64(after.TotalAlloc-before.TotalAlloc) / runs
}

// discard is a log exporter that drops every record: an event's cost
// without export.
type discard struct{}

func (discard) Export(context.Context, []sdklog.Record) error { return nil }
func (discard) Shutdown(context.Context) error                { return nil }
func (discard) ForceFlush(context.Context) error              { return nil }

// capture keeps the last record exported, to check that raw and ccotel
// build the same one.
type capture struct {
	discard
	last *sdklog.Record
}

func (c *capture) Export(_ context.Context, recs []sdklog.Record) error {
	cp := recs[len(recs)-1].Clone()
	c.last = &cp
	return nil
}

// hostProcessor is a processor of the host's own, which ccotel cannot tell
// from one that changes records (so the SDK's key de-duplication stays on),
// handing each record to an exporter.
type hostProcessor struct {
	e   sdklog.Exporter
	buf [1]sdklog.Record
}

func (p *hostProcessor) OnEmit(ctx context.Context, r *sdklog.Record) error {
	p.buf[0] = *r
	return p.e.Export(ctx, p.buf[:])
}
func (p *hostProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (p *hostProcessor) Shutdown(context.Context) error                         { return nil }
func (p *hostProcessor) ForceFlush(context.Context) error                       { return nil }

func simple(e sdklog.Exporter) sdklog.Processor { return sdklog.NewSimpleProcessor(e) }
func host(e sdklog.Exporter) sdklog.Processor   { return &hostProcessor{e: e} }

var enabledEnv = []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}

const userID = "4e1b0f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a"

func startCcotel(b testing.TB, environ []string, opts ...telemetry.Option) *telemetry.Telemetry {
	b.Helper()
	tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{
		telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(environ)),
		telemetry.WithUserID(userID), telemetry.WithServiceVersion("1.0.0"),
	}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel
}

// unlimitedReader lifts the SDK's cardinality limit (2000 series per
// instrument), which 10k live sessions would exceed, sending both sides'
// points to the overflow series.
// Delta temporality, as ccotel's default, also makes each collection hold
// only what was added since the last.
func unlimitedReader() *sdkmetric.ManualReader {
	return sdkmetric.NewManualReader(sdkmetric.WithCardinalityLimitSelector(
		func(sdkmetric.InstrumentKind) (int, bool) { return 0, false }),
		sdkmetric.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality {
			return metricdata.DeltaTemporality
		}))
}

// rawMeter is what a hand-written program would set up: a meter provider
// with the same reader and exemplar filter as ccotel's.
func rawMeter(b testing.TB, reader sdkmetric.Reader) metric.Meter {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader), sdkmetric.WithExemplarFilter(exemplar.AlwaysOffFilter))
	b.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	return mp.Meter("com.anthropic.claude_code")
}

// fullUsage has every attribute the cost and token points can carry.
var fullUsage = metrics.UsageAttrs{Model: "claude-sonnet-4-5-20250929", Attribution: metrics.Attribution{
	Query: metrics.QuerySubagent(official("general-purpose")), Speed: metrics.SpeedFast,
	Effort: metrics.EffortHigh, Agent: official("general-purpose"), Skill: official("pdf"),
	Plugin: official("code-review"), Marketplace: official("claude-plugins-official"),
	MCPServer: official("github"), MCPTool: official("create_issue"),
}}

func official(v string) metrics.Name { return metrics.Name{Value: v, Origin: metrics.OriginOfficial} }

var tokens = metrics.TokenCounts{Input: 107, Output: 45, CacheRead: 2000, CacheCreation: 300}

// usageSets returns the attribute sets ccotel put on the cost point and the
// four token points of session ctx (in TokenCounts order), collected from
// reader: the raw side adds with exactly these.
func usageSets(b testing.TB, reader *sdkmetric.ManualReader, sessionID string) [5]attribute.Set {
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		b.Fatal(err)
	}
	var out [5]attribute.Set
	found := 0
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[float64])
			if !ok {
				continue
			}
			for _, p := range sum.DataPoints {
				if v, _ := p.Attributes.Value("session.id"); v.AsString() != sessionID {
					continue
				}
				switch m.Name {
				case "claude_code.cost.usage":
					out[0] = p.Attributes
					found++
				case "claude_code.token.usage":
					v, _ := p.Attributes.Value("type")
					i := map[string]int{"input": 1, "output": 2, "cacheRead": 3, "cacheCreation": 4}[v.AsString()]
					out[i] = p.Attributes
					found++
				}
			}
		}
	}
	if found != 5 {
		b.Fatalf("session %s: %d usage points, want 5", sessionID, found)
	}
	return out
}

// rawUsage is the best a hand-written program can do for one API response:
// five Adds with attribute sets built once.
type rawUsage struct {
	cost, tok metric.Float64Counter
	opts      [5][]metric.AddOption
}

func newRawUsage(b testing.TB, m metric.Meter, sets [5]attribute.Set) *rawUsage {
	r := &rawUsage{}
	r.cost, _ = m.Float64Counter("claude_code.cost.usage", metric.WithUnit("USD"))
	r.tok, _ = m.Float64Counter("claude_code.token.usage", metric.WithUnit("tokens"))
	for i, s := range sets {
		r.opts[i] = []metric.AddOption{metric.WithAttributeSet(s)}
	}
	return r
}

func (r *rawUsage) add(ctx context.Context, usd float64, t metrics.TokenCounts) {
	r.cost.Add(ctx, usd, r.opts[0]...)
	r.tok.Add(ctx, t.Input, r.opts[1]...)
	r.tok.Add(ctx, t.Output, r.opts[2]...)
	r.tok.Add(ctx, t.CacheRead, r.opts[3]...)
	r.tok.Add(ctx, t.CacheCreation, r.opts[4]...)
}

// BenchmarkMetric compares ccotel's metric methods, with Claude Code's full
// usage attributes, against Float64Counter.Add with the same attribute sets
// built once by hand, on a meter provider configured alike.
//
//   - token: one token.usage point (Metrics().Tokens) against one Add;
//   - api_usage: an API response's cost and four token points
//     (Metrics().APIUsage) against five Adds;
//   - api_usage/sessions=N: the same, each call on the next of N live
//     sessions, against a hand-written cache indexed by session (no lookup at
//     all on the raw side);
//   - commit: Metrics().Commit, the session's standard attributes only;
//   - start_time_hook: the SDK's Add with ccotel's start-time hook against
//     without, no ccotel call at all.
func BenchmarkMetric(b *testing.B) {
	for _, n := range []int{1, 100, 10000} {
		name := "api_usage"
		if n > 1 {
			name += "/sessions=" + strconv.Itoa(n)
		}
		b.Run(name, func(b *testing.B) {
			reader := unlimitedReader()
			tel := startCcotel(b, enabledEnv, telemetry.WithMetricReader(reader))
			m := rawMeter(b, unlimitedReader())
			ctxs := make([]context.Context, n)
			raws := make([]*rawUsage, n)
			for i := range ctxs {
				ctx, s := tel.StartSession(context.Background())
				tel.Metrics().APIUsage(ctx, 0.01, tokens, &fullUsage)
				ctxs[i] = ctx
				raws[i] = newRawUsage(b, m, usageSets(b, reader, s.ID()))
			}
			// A pass over every session on both sides first: the collections
			// above emptied the SDKs' series, whose re-creation is not what
			// is measured.
			for i := range n {
				raws[i].add(ctxs[i], 0.01, tokens)
				tel.Metrics().APIUsage(ctxs[i], 0.01, tokens, &fullUsage)
			}
			ri, oi := 0, 0
			u := fullUsage
			interleave(b, func() {
				raws[ri].add(ctxs[ri], 0.01, tokens)
				if ri++; ri == n {
					ri = 0
				}
			}, func() {
				tel.Metrics().APIUsage(ctxs[oi], 0.01, tokens, &u)
				if oi++; oi == n {
					oi = 0
				}
			})
		})
	}
	b.Run("token", func(b *testing.B) {
		reader := unlimitedReader()
		tel := startCcotel(b, enabledEnv, telemetry.WithMetricReader(reader))
		ctx, s := tel.StartSession(context.Background())
		tel.Metrics().APIUsage(ctx, 0.01, tokens, &fullUsage)
		raw := newRawUsage(b, rawMeter(b, unlimitedReader()), usageSets(b, reader, s.ID()))
		u := fullUsage
		interleave(b, func() { raw.tok.Add(ctx, 107, raw.opts[1]...) },
			func() { tel.Metrics().Tokens(ctx, 107, metrics.TokensInput, &u) })
	})
	b.Run("commit", func(b *testing.B) {
		reader := unlimitedReader()
		tel := startCcotel(b, enabledEnv, telemetry.WithMetricReader(reader))
		ctx, s := tel.StartSession(context.Background())
		rec := tel.Metrics()
		rec.Commit(ctx)
		c, _ := rawMeter(b, unlimitedReader()).Float64Counter("claude_code.commit.count")
		opts := []metric.AddOption{metric.WithAttributeSet(pointSet(b, reader, "claude_code.commit.count", s.ID()))}
		interleave(b, func() { c.Add(ctx, 1, opts...) }, func() { rec.Commit(ctx) })
	})
	// The SDK's Add alone, on a provider with ccotel's start-time hook
	// (internal/exporter.FirstMeasurementOptions: a reservoir per series that
	// notes its first measurement) against one without: what the hook costs
	// every point.
	b.Run("start_time_hook", func(b *testing.B) {
		hooked := sdkmetric.NewMeterProvider(append(exporter.FirstMeasurementOptions(),
			sdkmetric.WithReader(unlimitedReader()))...)
		b.Cleanup(func() { _ = hooked.Shutdown(context.Background()) })
		c, _ := hooked.Meter("com.anthropic.claude_code").Float64Counter("claude_code.token.usage")
		raw := newRawUsage(b, rawMeter(b, unlimitedReader()), fullUsageSets(b))
		opts := raw.opts[1]
		ctx := context.Background()
		interleave(b, func() { raw.tok.Add(ctx, 107, opts...) }, func() { c.Add(ctx, 107, opts...) })
	})
}

// pointSet is the attribute set of the one point of metric name that session
// sessionID has in reader.
func pointSet(b testing.TB, reader *sdkmetric.ManualReader, name, sessionID string) attribute.Set {
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		b.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[float64])
			if !ok || m.Name != name {
				continue
			}
			for _, p := range sum.DataPoints {
				if v, _ := p.Attributes.Value("session.id"); v.AsString() == sessionID {
					return p.Attributes
				}
			}
		}
	}
	b.Fatalf("no %s point of session %s", name, sessionID)
	return attribute.Set{}
}

// fullUsageSets are the five usage sets of a session with the full usage
// attribution, as ccotel builds them.
func fullUsageSets(b testing.TB) [5]attribute.Set {
	reader := unlimitedReader()
	tel := startCcotel(b, enabledEnv, telemetry.WithMetricReader(reader))
	ctx, s := tel.StartSession(context.Background())
	tel.Metrics().APIUsage(ctx, 0.01, tokens, &fullUsage)
	return usageSets(b, reader, s.ID())
}

// sessionAttributes are the standard attributes of a session started by
// startCcotel with the default toggles.
func sessionAttributes(sessionID string) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("user.id", userID), attribute.String("session.id", sessionID),
		attribute.String("anthropic.provider", "firstParty"), attribute.Bool("anthropic.custom_base_url", false),
		attribute.String("terminal.type", "non-interactive"),
	}
}

// apiRequest is the event of a typical API response.
var apiRequest = events.APIRequest{Model: "claude-sonnet-4-5-20250929", InputTokens: 1200, OutputTokens: 300,
	CacheReadTokens: 40000, CostUSD: 0.0123, DurationMs: 2100, RequestID: "req_011CV",
	Attribution: metrics.Attribution{Speed: metrics.SpeedNormal, Query: metrics.QueryMain}}

// toolResult is the event of a typical successful Bash run.
var toolResult = events.ToolResult{ToolName: "Bash", ToolUseID: "toolu_01A", Success: true, DurationMs: 412,
	DecisionType: "accept", DecisionSource: "config", ToolInputSizeBytes: 48, ToolResultSizeBytes: 1024,
	RequestID: "req_011CV"}

// BenchmarkEvent compares api_request and tool_result events with a
// log.Record built by hand with the same attributes, timestamps and body,
// both to a processor that drops them. A check before timing fails the
// benchmark when the two records differ in their attribute keys. The
// *_raw_without_dedup variants build the raw provider without the SDK's key
// de-duplication, as ccotel's provider is built.
func BenchmarkEvent(b *testing.B) {
	type rawEvent func(logger otellog.Logger, ctx context.Context, sessionID string, seq int64)
	cases := []struct {
		name string
		raw  rawEvent
		ours func(*events.Emitter, context.Context)
	}{
		{"api_request", func(logger otellog.Logger, ctx context.Context, sid string, seq int64) {
			ev := &apiRequest
			now := time.Now().Truncate(time.Millisecond)
			var r otellog.Record
			r.SetTimestamp(now)
			r.SetObservedTimestamp(now)
			r.SetBody(attribute.StringValue("claude_code.api_request"))
			var ts [24]byte
			r.AddAttributes(
				attribute.String("user.id", userID), attribute.String("session.id", sid),
				attribute.String("anthropic.provider", "firstParty"), attribute.Bool("anthropic.custom_base_url", false),
				attribute.String("terminal.type", "non-interactive"), attribute.String("event.name", "api_request"),
				attribute.String("event.timestamp", string(now.UTC().AppendFormat(ts[:0], "2006-01-02T15:04:05.000Z"))),
				attribute.Int64("event.sequence", seq),
				attribute.String("model", ev.Model), attribute.Int64("input_tokens", ev.InputTokens),
				attribute.Int64("output_tokens", ev.OutputTokens), attribute.Int64("cache_read_tokens", ev.CacheReadTokens),
				attribute.Int64("cache_creation_tokens", ev.CacheCreationTokens),
				attribute.Int64("cache_creation_5m_tokens", ev.CacheCreation5mTokens),
				attribute.Int64("cache_creation_1h_tokens", ev.CacheCreation1hTokens),
				attribute.Float64("cost_usd", ev.CostUSD), attribute.Int64("cost_usd_micros", int64(ev.CostUSD*1e6+0.5)),
				attribute.Int64("duration_ms", ev.DurationMs), attribute.String("request_id", ev.RequestID),
				attribute.String("speed", string(ev.Speed)), attribute.String("query_source", string(ev.Query)),
			)
			logger.Emit(ctx, r)
		}, func(e *events.Emitter, ctx context.Context) { e.APIRequest(ctx, apiRequest) }},
		{"tool_result", func(logger otellog.Logger, ctx context.Context, sid string, seq int64) {
			ev := &toolResult
			now := time.Now().Truncate(time.Millisecond)
			var r otellog.Record
			r.SetTimestamp(now)
			r.SetObservedTimestamp(now)
			r.SetBody(attribute.StringValue("claude_code.tool_result"))
			var ts [24]byte
			r.AddAttributes(
				attribute.String("user.id", userID), attribute.String("session.id", sid),
				attribute.String("anthropic.provider", "firstParty"), attribute.Bool("anthropic.custom_base_url", false),
				attribute.String("terminal.type", "non-interactive"), attribute.String("event.name", "tool_result"),
				attribute.String("event.timestamp", string(now.UTC().AppendFormat(ts[:0], "2006-01-02T15:04:05.000Z"))),
				attribute.Int64("event.sequence", seq),
				attribute.String("tool_name", ev.ToolName), attribute.String("tool_use_id", ev.ToolUseID),
				attribute.String("success", strconv.FormatBool(ev.Success)),
				attribute.String("duration_ms", strconv.FormatInt(ev.DurationMs, 10)),
				attribute.String("decision_type", ev.DecisionType), attribute.String("decision_source", ev.DecisionSource),
				attribute.String("tool_input_size_bytes", strconv.FormatInt(ev.ToolInputSizeBytes, 10)),
				attribute.String("tool_result_size_bytes", strconv.FormatInt(ev.ToolResultSizeBytes, 10)),
				attribute.String("request_id", ev.RequestID),
			)
			logger.Emit(ctx, r)
		}, func(e *events.Emitter, ctx context.Context) { e.ToolResult(ctx, toolResult) }},
	}
	// Both sides hand their records to the same kind of processor and an
	// exporter that drops them. name compares with the raw code on the
	// SDK's defaults (the goal), ccotel with an exporting processor only
	// (its default: its own exporters), where it leaves the SDK's key
	// de-duplication out; name_raw_without_dedup with the raw provider also
	// built with WithAllowKeyDuplication, so that ccotel's own work against
	// an equally tuned hand-written program stays visible;
	// name_host_processor with a processor of the host's own on both sides,
	// with which ccotel keeps the SDK's de-duplication on.
	for _, c := range cases {
		for _, v := range []struct {
			suffix string
			opts   []sdklog.LoggerProviderOption
			proc   func(sdklog.Exporter) sdklog.Processor
		}{
			{"", nil, simple},
			{"_raw_without_dedup", []sdklog.LoggerProviderOption{sdklog.WithAllowKeyDuplication()}, simple},
			{"_host_processor", nil, host},
		} {
			b.Run(c.name+v.suffix, func(b *testing.B) {
				// The same records first, to a capturing exporter.
				var oursRec, rawRec capture
				tel := startCcotel(b, enabledEnv, telemetry.WithLogProcessor(v.proc(&oursRec)))
				ctx, s := tel.StartSession(context.Background())
				c.ours(tel.Events(), ctx)
				lp := sdklog.NewLoggerProvider(append(v.opts, sdklog.WithProcessor(v.proc(&rawRec)))...)
				c.raw(lp.Logger("com.anthropic.claude_code.events"), ctx, s.ID(), 0)
				if got, want := keys(oursRec.last), keys(rawRec.last); got != want {
					b.Fatalf("the raw record differs from ccotel's:\nccotel %s\nraw    %s", got, want)
				}

				tel = startCcotel(b, enabledEnv, telemetry.WithLogProcessor(v.proc(discard{})))
				ctx, s = tel.StartSession(context.Background())
				lp = sdklog.NewLoggerProvider(append(v.opts, sdklog.WithProcessor(v.proc(discard{})))...)
				b.Cleanup(func() { _ = lp.Shutdown(context.Background()) })
				logger := lp.Logger("com.anthropic.claude_code.events")
				sid, seq := s.ID(), int64(0)
				em := tel.Events()
				interleave(b, func() { seq++; c.raw(logger, ctx, sid, seq) }, func() { c.ours(em, ctx) })
			})
		}
	}
}

func keys(r *sdklog.Record) string {
	var ks []string
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		ks = append(ks, string(kv.Key))
		return true
	})
	return strings.Join(ks, ",")
}

// BenchmarkToolSpans compares a tool use's span tree (claude_code.tool with
// its blocked_on_user and execution children, their attributes; events off)
// through StartTool, Decide and Done with the same three spans started and
// ended by hand on a tracer provider configured alike. A check before timing
// fails the benchmark when the two trees differ in their spans' names, kinds
// or attribute keys.
func BenchmarkToolSpans(b *testing.B) {
	var oursSpans, rawSpans spanKeys
	raw, ours := toolSpans(b, &oursSpans, &rawSpans)
	raw()
	ours()
	if got, want := oursSpans.String(), rawSpans.String(); got != want {
		b.Fatalf("the raw spans differ from ccotel's:\nccotel %s\nraw    %s", got, want)
	}
	raw, ours = toolSpans(b, noopSpans{}, noopSpans{})
	interleave(b, raw, ours)
}

// toolSpans returns the two sides of BenchmarkToolSpans, ccotel's ending its
// spans in oursProc and the raw one in rawProc.
func toolSpans(b *testing.B, oursProc, rawProc sdktrace.SpanProcessor) (raw, ours func()) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rawProc))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	tel := startCcotel(b, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1"},
		telemetry.WithSpanProcessor(oursProc))
	ctx, s := tel.StartSession(context.Background())
	tracer := tp.Tracer("com.anthropic.claude_code.tracing")
	sid := s.ID()
	call := telemetry.ToolCall{Name: "Bash", UseID: "toolu_01A", Command: "go test ./...", RequestID: "req_011CV"}
	std := sessionAttributes(sid)
	raw = func() {
		start := time.Now()
		kv := make([]attribute.KeyValue, 0, 17)
		kv = append(kv, std...)
		kv = append(kv, attribute.String("gen_ai.provider.name", "anthropic"), attribute.String("span.type", "tool"),
			attribute.String("tool_name", call.Name), attribute.String("tool_name_safe", call.Name),
			attribute.String("gen_ai.operation.name", "execute_tool"), attribute.String("gen_ai.tool.name", call.Name),
			attribute.String("gen_ai.conversation.id", sid), attribute.String("bash_command_class", "test"),
			attribute.String("bash_argv0", "go"), attribute.String("tool_use_id", call.UseID),
			attribute.String("gen_ai.tool.call.id", call.UseID))
		tctx, tool := tracer.Start(ctx, "claude_code.tool", trace.WithTimestamp(start), trace.WithAttributes(kv...))
		_, blocked := tracer.Start(tctx, "claude_code.tool.blocked_on_user", trace.WithTimestamp(start))
		now := time.Now()
		blocked.SetAttributes(append(std[:len(std):len(std)], attribute.String("gen_ai.provider.name", "anthropic"),
			attribute.String("span.type", "tool.blocked_on_user"),
			attribute.String("gen_ai.conversation.id", sid), attribute.Int64("duration_ms", 0),
			attribute.String("decision", "accept"), attribute.String("source", "config"))...)
		blocked.End(trace.WithTimestamp(now))
		_, exec := tracer.Start(tctx, "claude_code.tool.execution", trace.WithTimestamp(now))
		end := time.Now()
		exec.SetAttributes(append(std[:len(std):len(std)], attribute.String("gen_ai.provider.name", "anthropic"),
			attribute.String("span.type", "tool.execution"),
			attribute.String("gen_ai.conversation.id", sid), attribute.String("tool_use_id", call.UseID),
			attribute.String("gen_ai.tool.call.id", call.UseID), attribute.Int64("duration_ms", 0),
			attribute.Bool("success", true))...)
		exec.End(trace.WithTimestamp(end))
		tool.SetAttributes(attribute.Int64("duration_ms", 0))
		tool.End(trace.WithTimestamp(end))
	}
	ours = func() {
		tctx, run := s.StartTool(ctx, call)
		run.Decide(tctx, metrics.DecisionAccept, metrics.SourceConfig)
		run.Done(tctx, telemetry.ToolOutcome{Success: true})
	}
	return raw, ours
}

// spanKeys notes each ended span's name, kind and attribute keys.
type spanKeys struct {
	noopSpans
	spans []string
}

func (k *spanKeys) OnEnd(s sdktrace.ReadOnlySpan) {
	ks := []string{s.Name(), s.SpanKind().String()}
	for _, a := range s.Attributes() {
		ks = append(ks, string(a.Key))
	}
	k.spans = append(k.spans, strings.Join(ks, ","))
}

func (k *spanKeys) String() string { return strings.Join(k.spans, "; ") }

type noopSpans struct{}

func (noopSpans) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (noopSpans) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (noopSpans) Shutdown(context.Context) error                  { return nil }
func (noopSpans) ForceFlush(context.Context) error                { return nil }
