package bench

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// heapGrowth is the live heap that build adds and keeps (what it returns is
// kept alive until measured).
func heapGrowth(build func() any) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// handSession is what a careful hand-written program keeps per session to
// record what a ccotel session records here: its id, its standard attributes
// once, and one cache entry per attribution holding the five options of an
// API response (unboxed comparable key, one attribute set per point).
type handSession struct {
	id    string
	attrs []attribute.KeyValue
	count []metric.AddOption
	usage map[metrics.UsageAttrs]*[5]metric.AddOption
}

type handKey struct{}

// BenchmarkSessionMemory is the live heap per session, metric state
// included, of sessions that each started and recorded one API response
// with the full attribution: StartSession and Metrics().APIUsage against the
// hand-written handSession recording the same points on an SDK configured
// alike. Both SDKs keep the same series, so the difference is the state
// each side adds. x-raw is ccotel's bytes over the hand-written ones.
//
// host_reader records to the host's reader alone, as the hand-written side
// does. delta_exporter records to ccotel's own OTLP exporter with delta
// temporality, which counts the folded series (the sets of the interval,
// kept until its collection, which here comes only at Shutdown): the
// hand-written side, which counts none, still records to a plain reader.
func BenchmarkSessionMemory(b *testing.B) {
	b.Run("host_reader", func(b *testing.B) {
		sessionMemory(b, func() *telemetry.Telemetry {
			return startCcotel(b, enabledEnv, telemetry.WithMetricReader(unlimitedReader()))
		})
	})
	b.Run("delta_exporter", func(b *testing.B) {
		rcv := otlptest.Start(b, otlptest.Options{})
		env := append([]string{"OTEL_METRICS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
			"OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint(), "OTEL_METRIC_EXPORT_INTERVAL=3600000",
			"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta"}, enabledEnv...)
		sessionMemory(b, func() *telemetry.Telemetry {
			// Above the sessions' sets, as unlimitedReader is.
			return startCcotel(b, env, telemetry.WithCardinalityLimit(100_000))
		})
	})
}

func sessionMemory(b *testing.B, start func() *telemetry.Telemetry) {
	const n = 2000
	var ours, raw uint64
	for range b.N {
		tel := start()
		ours += heapGrowth(func() any {
			keep := make([]context.Context, n)
			for i := range keep {
				ctx, _ := tel.StartSession(context.Background())
				tel.Metrics().APIUsage(ctx, 0.01, tokens, &fullUsage)
				keep[i] = ctx
			}
			return keep
		})
		_ = tel.Shutdown(context.Background())
		m := rawMeter(b, unlimitedReader())
		count, _ := m.Float64Counter("claude_code.session.count")
		ru := newRawUsage(b, m, [5]attribute.Set{})
		raw += heapGrowth(func() any {
			keep := make([]context.Context, n)
			for i := range keep {
				hs := &handSession{id: newID(), usage: map[metrics.UsageAttrs]*[5]metric.AddOption{}}
				hs.attrs = sessionAttributes(hs.id)
				hs.count = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(
					append(hs.attrs[:len(hs.attrs):len(hs.attrs)], attribute.String("start_type", "fresh"))...))}
				ctx := context.WithValue(context.Background(), handKey{}, hs)
				count.Add(ctx, 1, hs.count...)
				opts := &[5]metric.AddOption{}
				usage := usageKVs(fullUsage)
				for j := range opts {
					kv := append(append(append([]attribute.KeyValue(nil), hs.attrs...), usage...), typeKV(j)...)
					opts[j] = metric.WithAttributeSet(attribute.NewSet(kv...))
				}
				hs.usage[fullUsage] = opts
				ru.cost.Add(ctx, 0.01, opts[0])
				for j, v := range []float64{tokens.Input, tokens.Output, tokens.CacheRead, tokens.CacheCreation} {
					ru.tok.Add(ctx, v, opts[j+1])
				}
				keep[i] = ctx
			}
			return keep
		})
	}
	b.ReportMetric(float64(ours)/float64(b.N*n), "B/session")
	b.ReportMetric(float64(raw)/float64(b.N*n), "raw-B/session")
	b.ReportMetric(float64(ours)/float64(raw), "x-raw")
}

var idSeq int

// newID stands for a UUID: 36 bytes kept.
func newID() string {
	idSeq++
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", idSeq, idSeq)
}

func usageKVs(u metrics.UsageAttrs) []attribute.KeyValue {
	return []attribute.KeyValue{
		attribute.String("model", u.Model), attribute.String("query_source", "subagent"),
		attribute.String("speed", "fast"), attribute.String("effort", string(u.Effort)),
		attribute.String("agent.name", u.Agent.Value), attribute.String("skill.name", u.Skill.Value),
		attribute.String("plugin.name", u.Plugin.Value), attribute.String("marketplace.name", u.Marketplace.Value),
		attribute.String("mcp_server.name", u.MCPServer.Value), attribute.String("mcp_tool.name", u.MCPTool.Value),
	}
}

func typeKV(j int) []attribute.KeyValue {
	if j == 0 {
		return nil
	}
	return []attribute.KeyValue{attribute.String("type", [...]string{"input", "output", "cacheRead", "cacheCreation"}[j-1])}
}

// BenchmarkStart is the time of Start and Shutdown with metrics and events
// to an OTLP/HTTP endpoint (nothing recorded), and the heap it keeps while
// running (live-B).
func BenchmarkStart(b *testing.B) {
	rcv := otlptest.Start(b, otlptest.Options{})
	env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint()}
	start := func() *telemetry.Telemetry {
		tel, err := telemetry.Start(context.Background(), telemetry.WithUserID(userID),
			telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(env)))
		if err != nil {
			b.Fatal(err)
		}
		return tel
	}
	live := heapGrowth(func() any { return start() })
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = start().Shutdown(context.Background())
	}
	b.ReportMetric(float64(live), "live-B")
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEndToEndCPU is the process CPU time per 100k points or events
// exported over OTLP to an in-process receiver, ccotel against the same
// records from a hand-written SDK pipeline with the same exporter and
// processor settings, and the same receiver (whose decoding both pay).
// Batches of 1000 alternate between the two sides, each flushed; cpu-ms/100k
// is ccotel's, raw-cpu-ms/100k the raw side's.
func BenchmarkEndToEndCPU(b *testing.B) {
	for _, proto := range []string{"grpc", "http/protobuf"} {
		for _, signal := range []string{"metrics", "logs"} {
			b.Run(signal+"/"+strings.ReplaceAll(proto, "/", "_"), func(b *testing.B) {
				endToEnd(b, proto, signal)
			})
		}
	}
}

func endToEnd(b *testing.B, proto, signal string) {
	rcv := otlptest.Start(b, otlptest.Options{})
	endpoint := rcv.HTTPEndpoint()
	if proto == "grpc" {
		endpoint = rcv.GRPCEndpoint()
	}
	env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_EXPORTER_OTLP_PROTOCOL=" + proto,
		"OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint, "OTEL_METRIC_EXPORT_INTERVAL=3600000", "OTEL_LOGS_EXPORT_INTERVAL=3600000"}
	if signal == "metrics" {
		env = append(env, "OTEL_METRICS_EXPORTER=otlp")
	} else {
		env = append(env, "OTEL_LOGS_EXPORTER=otlp")
	}
	tel := startCcotel(b, env)
	ctx, s := tel.StartSession(context.Background())

	// The raw side exports through a second ccotel handle's providers to the
	// same receiver: the same exporter, batching and resource, with the
	// records built by hand. A processor of the host's own (hostProcessor,
	// which drops what it is handed) keeps that handle's logger provider on
	// the SDK's defaults, key de-duplication included, as a hand-written
	// program's is.
	rawTel := startCcotel(b, env, telemetry.WithLogProcessor(&hostProcessor{e: discard{}}))
	meter := rawTel.MeterProvider().Meter("com.anthropic.claude_code")
	cost, _ := meter.Float64Counter("claude_code.cost.usage", metric.WithUnit("USD"))
	tok, _ := meter.Float64Counter("claude_code.token.usage", metric.WithUnit("tokens"))
	logger := rawTel.LoggerProvider().Logger("com.anthropic.claude_code.events")

	var sets [5]attribute.Set
	usage := usageKVs(fullUsage)
	std := sessionAttributes(s.ID())
	for j := range sets {
		sets[j] = attribute.NewSet(append(append(append([]attribute.KeyValue(nil), std...), usage...), typeKV(j)...)...)
	}
	opts := [5][]metric.AddOption{}
	for j := range opts {
		opts[j] = []metric.AddOption{metric.WithAttributeSet(sets[j])}
	}
	seq := int64(0)
	var ours, raw func()
	perCall := 1
	if signal == "metrics" {
		perCall = 5
		ours = func() { tel.Metrics().APIUsage(ctx, 0.01, tokens, &fullUsage) }
		raw = func() {
			cost.Add(ctx, 0.01, opts[0]...)
			tok.Add(ctx, tokens.Input, opts[1]...)
			tok.Add(ctx, tokens.Output, opts[2]...)
			tok.Add(ctx, tokens.CacheRead, opts[3]...)
			tok.Add(ctx, tokens.CacheCreation, opts[4]...)
		}
	} else {
		em := tel.Events()
		ours = func() { em.ToolResult(ctx, toolResult) }
		raw = func() {
			seq++
			ev := &toolResult
			now := time.Now().Truncate(time.Millisecond)
			var r otellog.Record
			r.SetTimestamp(now)
			r.SetObservedTimestamp(now)
			r.SetBody(attribute.StringValue("claude_code.tool_result"))
			var ts [24]byte
			r.AddAttributes(std...)
			r.AddAttributes(attribute.String("event.name", "tool_result"),
				attribute.String("event.timestamp", string(now.UTC().AppendFormat(ts[:0], "2006-01-02T15:04:05.000Z"))),
				attribute.Int64("event.sequence", seq),
				attribute.String("tool_name", ev.ToolName), attribute.String("tool_use_id", ev.ToolUseID),
				attribute.String("success", "true"), attribute.String("duration_ms", "412"),
				attribute.String("decision_type", ev.DecisionType), attribute.String("decision_source", ev.DecisionSource),
				attribute.String("tool_input_size_bytes", "48"), attribute.String("tool_result_size_bytes", "1024"),
				attribute.String("request_id", ev.RequestID))
			logger.Emit(ctx, r)
		}
	}
	const batch = 1000
	side := func(emit func(), flush *telemetry.Telemetry) time.Duration {
		t0 := cpuTime()
		for range batch {
			emit()
		}
		if err := flush.ForceFlush(context.Background()); err != nil {
			b.Fatal(err)
		}
		return cpuTime() - t0
	}
	var oursCPU, rawCPU time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			rawCPU += side(raw, rawTel)
			oursCPU += side(ours, tel)
		} else {
			oursCPU += side(ours, tel)
			rawCPU += side(raw, rawTel)
		}
	}
	per100k := float64(100_000) / float64(b.N*batch*perCall)
	b.ReportMetric(float64(oursCPU.Milliseconds())*per100k, "cpu-ms/100k")
	b.ReportMetric(float64(rawCPU.Milliseconds())*per100k, "raw-cpu-ms/100k")
	if rawCPU > 0 {
		b.ReportMetric(float64(oursCPU)/float64(rawCPU), "x-raw")
	}
}
