package metrics

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// benchCase is one emitter and the attributes a hand-written OTel call needs
// to record the same point.
type benchCase struct {
	name   string
	metric Metric
	value  float64
	extra  []attribute.KeyValue
	emit   func(r *Recorder, ctx context.Context)
}

var benchUsage = UsageAttrs{Model: "claude-sonnet-4-5-20250929", Attribution: Attribution{Query: QueryMain}}

var benchCases = []benchCase{
	{"SessionCount", MetricSessionCount, 1, []attribute.KeyValue{attribute.String("start_type", "fresh")},
		func(r *Recorder, ctx context.Context) { r.SessionCount(ctx, StartFresh) }},
	{"LinesOfCode", MetricLinesOfCode, 4, []attribute.KeyValue{attribute.String("type", "added"), attribute.String("model", benchUsage.Model)},
		func(r *Recorder, ctx context.Context) { r.LinesOfCode(ctx, LinesAdded, benchUsage.Model, 4) }},
	{"PullRequest", MetricPullRequest, 1, nil, func(r *Recorder, ctx context.Context) { r.PullRequest(ctx) }},
	{"Commit", MetricCommit, 1, nil, func(r *Recorder, ctx context.Context) { r.Commit(ctx) }},
	{"Cost", MetricCost, 0.0027, []attribute.KeyValue{attribute.String("model", benchUsage.Model), attribute.String("query_source", "main")},
		func(r *Recorder, ctx context.Context) { r.Cost(ctx, 0.0027, &benchUsage) }},
	{"Tokens", MetricTokens, 107, []attribute.KeyValue{attribute.String("model", benchUsage.Model), attribute.String("query_source", "main"), attribute.String("type", "input")},
		func(r *Recorder, ctx context.Context) { r.Tokens(ctx, 107, TokensInput, &benchUsage) }},
	{"CodeEditDecision", MetricCodeEditDecision, 1, []attribute.KeyValue{attribute.String("decision", "accept"), attribute.String("source", "config"),
		attribute.String("tool_name", "Write"), attribute.String("language", "Go")},
		func(r *Recorder, ctx context.Context) {
			r.CodeEditDecision(ctx, EditDecision{ToolName: "Write", Decision: DecisionAccept, Source: SourceConfig, Language: "Go"})
		}},
	{"ActiveTime", MetricActiveTime, 0.2, []attribute.KeyValue{attribute.String("type", "cli")},
		func(r *Recorder, ctx context.Context) { r.ActiveTime(ctx, 0.2, ActiveCLI) }},
}

func benchProvider(b *testing.B) metric.Meter {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader(sdkmetric.WithTemporalitySelector(
		func(sdkmetric.InstrumentKind) metricdata.Temporality { return metricdata.DeltaTemporality }))))
	b.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	return mp.Meter("com.anthropic.claude_code")
}

// BenchmarkEmit compares each emitter with the raw SDK call doing the same
// work on its own meter provider: "raw" adds with a pre-built option slice
// (the best a hand-written caller can do), "naive" with metric.WithAttributes.
// "ccotel" reports x-raw, its time over the best-case raw call's, measured
// over the same number of iterations just before it.
func BenchmarkEmit(b *testing.B) {
	cfg := config.Config{Include: config.Include{SessionID: true, AccountUUID: true, ResourceAttributes: true}}
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			st := core.NewState(cfg, defaultStatic)
			ss := st.NewSession("5f079e48-6b83-4af0-b045-acfb9086c281")
			ctx := core.ContextWithSession(context.Background(), ss)
			r, err := newRecorder(benchProvider(b), st)
			if err != nil {
				b.Fatal(err)
			}
			d := &table[bc.metric]
			rawCounter, err := benchProvider(b).Float64Counter(d.Name, metric.WithUnit(d.Unit), metric.WithDescription(d.Description))
			if err != nil {
				b.Fatal(err)
			}
			kvs := append(append([]attribute.KeyValue(nil), ss.Attributes...), bc.extra...)
			opts := []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(kvs...))}
			raw := func() { rawCounter.Add(ctx, bc.value, opts...) }

			b.Run("raw", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					raw()
				}
			})
			b.Run("naive", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					rawCounter.Add(ctx, bc.value, metric.WithAttributes(kvs...))
				}
			})
			b.Run("ccotel", func(b *testing.B) {
				bc.emit(r, ctx) // the first emit of a combination builds its set
				b.ReportAllocs()
				// Raw and ccotel run in alternating blocks so that the load of
				// a shared machine weighs on both alike.
				var rawTime time.Duration
				for done := 0; done < b.N; {
					n := min(256, b.N-done)
					b.StopTimer()
					start := time.Now()
					for range n {
						raw()
					}
					rawTime += time.Since(start)
					b.StartTimer()
					for range n {
						bc.emit(r, ctx)
					}
					done += n
				}
				b.StopTimer()
				b.ReportMetric(float64(b.Elapsed())/float64(rawTime), "x-raw")
			})
		})
	}
}

// BenchmarkNil is the telemetry-off path: a nil *Recorder. "direct" calls
// the method with the widest arguments as a host would; the others go through
// a func value, so their figure includes an indirect call.
func BenchmarkNil(b *testing.B) {
	var r *Recorder
	ctx := context.Background()
	b.Run("direct-Tokens", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Tokens(ctx, 107, TokensInput, &benchUsage)
		}
	})
	for i, call := range allMethods(benchUsage) {
		b.Run(methodNames[i], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				call(r, ctx)
			}
		})
	}
}

// BenchmarkFirstEmit is the cost of a new combination: building, redacting
// and caching its attribute set.
func BenchmarkFirstEmit(b *testing.B) {
	st := core.NewState(config.Config{Include: config.Include{SessionID: true}}, defaultStatic)
	r, err := newRecorder(benchProvider(b), st)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ctx := core.ContextWithSession(context.Background(), st.NewSession("s"))
		r.Cost(ctx, 1, &benchUsage)
	}
}

// BenchmarkOverhead is ccotel's own cost per call, beyond the SDK's Add: the
// Recorder on a no-op meter, with the full usage attribution.
func BenchmarkOverhead(b *testing.B) {
	st := core.NewState(config.Config{Include: config.Include{SessionID: true}}, defaultStatic)
	r, err := newRecorder(noop.NewMeterProvider().Meter("x"), st)
	if err != nil {
		b.Fatal(err)
	}
	ctx := core.ContextWithSession(context.Background(), st.NewSession("5f079e48-6b83-4af0-b045-acfb9086c281"))
	u := fullBenchUsage
	tc := TokenCounts{Input: 107, Output: 45, CacheRead: 2000, CacheCreation: 300}
	b.Run("Tokens", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Tokens(ctx, 107, TokensInput, &u)
		}
	})
	b.Run("APIUsage", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.APIUsage(ctx, 0.01, tc, &u)
		}
	})
	b.Run("Commit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.Commit(ctx)
		}
	})
}

var fullBenchUsage = UsageAttrs{Model: "claude-sonnet-4-5-20250929", Attribution: Attribution{
	Query: QuerySubagent(Name{Value: "general-purpose", Origin: OriginOfficial}), Speed: SpeedFast,
	Effort: EffortHigh, Agent: Name{Value: "general-purpose", Origin: OriginOfficial}, Skill: Name{Value: "pdf", Origin: OriginOfficial},
	Plugin: Name{Value: "code-review", Origin: OriginOfficial}, Marketplace: Name{Value: "claude-plugins-official", Origin: OriginOfficial},
	MCPServer: Name{Value: "github", Origin: OriginOfficial}, MCPTool: Name{Value: "create_issue", Origin: OriginOfficial},
}}
