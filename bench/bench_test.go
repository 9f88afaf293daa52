package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otlpjson"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
)

// discard is a log processor that drops every record: event emit cost
// without export.
type discard struct{}

func (discard) OnEmit(context.Context, *sdklog.Record) error           { return nil }
func (discard) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (discard) Shutdown(context.Context) error                         { return nil }
func (discard) ForceFlush(context.Context) error                       { return nil }

var enabledEnv = []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}

func startCcotel(b *testing.B, environ []string, opts ...telemetry.Option) *telemetry.Telemetry {
	b.Helper()
	tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{
		telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron(environ)),
		telemetry.WithUserID(strings.Repeat("a", 64)), telemetry.WithServiceVersion("1.0.0"),
	}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel
}

// compare runs raw then ours for b.N iterations each and reports ours' time
// over raw's as x-raw. Both run in this process, back to back, so machine
// noise affects both alike.
func compare(b *testing.B, raw, ours func()) {
	b.Helper()
	b.ReportAllocs()
	b.StopTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		raw()
	}
	rawDur := time.Since(t0)
	b.StartTimer()
	t1 := time.Now()
	for i := 0; i < b.N; i++ {
		ours()
	}
	oursDur := time.Since(t1)
	b.StopTimer()
	if rawDur > 0 {
		b.ReportMetric(float64(oursDur)/float64(rawDur), "x-raw")
	}
	b.ReportMetric(float64(rawDur.Nanoseconds())/float64(b.N), "raw-ns/op")
}

// sessionAttrs mirrors the standard attributes a ccotel session puts on a
// metric point with the default toggles.
func sessionAttrs(extra ...attribute.KeyValue) attribute.Set {
	kvs := append([]attribute.KeyValue{
		attribute.String("user.id", strings.Repeat("a", 64)),
		attribute.String("session.id", "5f079e48-6b83-4af0-b045-acfb9086c281"),
		attribute.String("organization.id", ""),
		attribute.String("user.account_uuid", ""),
		attribute.String("terminal.type", "xterm"),
	}, extra...)
	return attribute.NewSet(kvs...)
}

// BenchmarkMetricEmit: one claude_code.commit.count point with repeated
// attributes, through a Session, against Float64Counter.Add with a
// pre-built attribute set on a raw meter provider. Must be 0 allocs.
func BenchmarkMetricEmit(b *testing.B) {
	tel := startCcotel(b, enabledEnv, telemetry.WithMetricReader(sdkmetric.NewManualReader()))
	ctx, s := tel.StartSession(context.Background())
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	c, _ := mp.Meter("com.anthropic.claude_code").Float64Counter("claude_code.commit.count")
	opts := []metric.AddOption{metric.WithAttributeSet(sessionAttrs())}
	compare(b, func() { c.Add(ctx, 1, opts...) }, func() { s.Commit(ctx) })
}

// BenchmarkEventEmit: one claude_code.api_request event (standard
// attributes, sequence, about 20 event attributes) against a raw
// log record with the same attributes built by hand, both to a discarding
// processor.
func BenchmarkEventEmit(b *testing.B) {
	tel := startCcotel(b, enabledEnv, telemetry.WithLogProcessor(discard{}))
	ctx, _ := tel.StartSession(context.Background())
	ev := events.APIRequest{Model: "claude-sonnet-4-5-20250929", InputTokens: 1200, OutputTokens: 300, CacheReadTokens: 40000,
		CostUSD: 0.0123, DurationMs: 2100, RequestID: "req_011CV", Speed: "normal", QuerySource: "repl_main_thread"}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(discard{}))
	b.Cleanup(func() { _ = lp.Shutdown(context.Background()) })
	logger := lp.Logger("com.anthropic.claude_code.events")
	seq := int64(0)
	raw := func() {
		seq++
		var r otellog.Record
		now := time.Now()
		r.SetTimestamp(now)
		r.SetBody(attribute.StringValue("claude_code.api_request"))
		r.AddAttributes(
			attribute.String("user.id", strings.Repeat("a", 64)), attribute.String("session.id", "5f079e48-6b83-4af0-b045-acfb9086c281"),
			attribute.String("terminal.type", "xterm"), attribute.String("event.name", "api_request"),
			attribute.String("event.timestamp", now.UTC().Format("2006-01-02T15:04:05.000Z")), attribute.Int64("event.sequence", seq),
			attribute.String("model", ev.Model), attribute.Int64("input_tokens", ev.InputTokens), attribute.Int64("output_tokens", ev.OutputTokens),
			attribute.Int64("cache_read_tokens", ev.CacheReadTokens), attribute.Int64("cache_creation_tokens", 0),
			attribute.Int64("cache_creation_5m_tokens", 0), attribute.Int64("cache_creation_1h_tokens", 0),
			attribute.Float64("cost_usd", ev.CostUSD), attribute.Int64("cost_usd_micros", 12300), attribute.Int64("duration_ms", ev.DurationMs),
			attribute.String("request_id", ev.RequestID), attribute.String("speed", ev.Speed), attribute.String("query_source", ev.QuerySource),
		)
		logger.Emit(ctx, r)
	}
	compare(b, raw, func() { tel.Events().APIRequest(ctx, ev) })
}

// BenchmarkTelemetryOff: the cost of the calls a host keeps making with
// telemetry disabled (target: under 5 ns, 0 allocs), against a no-op meter's
// counter.
func BenchmarkTelemetryOff(b *testing.B) {
	tel := startCcotel(b, nil)
	ctx, s := tel.StartSession(context.Background())
	c, _ := metricnoop.NewMeterProvider().Meter("x").Float64Counter("c")
	b.Run("metric", func(b *testing.B) { compare(b, func() { c.Add(ctx, 1) }, func() { s.Commit(ctx) }) })
	b.Run("event", func(b *testing.B) {
		compare(b, func() { c.Add(ctx, 1) }, func() { tel.Events().APIRequest(ctx, events.APIRequest{Model: "m"}) })
	})
	// A host on a hot path checks Enabled before building the event struct,
	// whose construction and copy is what the unguarded call pays.
	b.Run("event-guarded", func(b *testing.B) {
		compare(b, func() { c.Add(ctx, 1) }, func() {
			if tel.Enabled() {
				tel.Events().APIRequest(ctx, events.APIRequest{Model: "m"})
			}
		})
	})
}

// BenchmarkEndToEnd emits api_request events to a loopback otlptest
// receiver over each protocol and reports the events the receiver got per
// second of emitting and flushing (events/s) and the share lost to the
// batch queue (dropped-%).
func BenchmarkEndToEnd(b *testing.B) {
	for _, proto := range []string{"grpc", "http/protobuf", "http/json"} {
		b.Run(strings.ReplaceAll(proto, "/", "_"), func(b *testing.B) {
			rcv := otlptest.Start(b, otlptest.Options{})
			endpoint := rcv.HTTPEndpoint()
			if proto == "grpc" {
				endpoint = rcv.GRPCEndpoint()
			}
			tel := startCcotel(b, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=" + proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint, "OTEL_LOGS_EXPORT_INTERVAL=200"})
			ctx, _ := tel.StartSession(context.Background())
			ev := events.APIRequest{Model: "claude-sonnet-4-5", InputTokens: 10, OutputTokens: 5, RequestID: "req_1"}
			b.ReportAllocs()
			b.ResetTimer()
			t0 := time.Now()
			for i := 0; i < b.N; i++ {
				tel.Events().APIRequest(ctx, ev)
			}
			if err := tel.ForceFlush(context.Background()); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(t0)
			b.StopTimer()
			got := 0
			for _, r := range rcv.Requests() {
				if r.Logs == nil {
					continue
				}
				for _, rl := range r.Logs.ResourceLogs {
					for _, sl := range rl.ScopeLogs {
						for _, lr := range sl.LogRecords {
							if lr.GetBody().GetStringValue() == "claude_code.api_request" {
								got++
							}
						}
					}
				}
			}
			b.ReportMetric(float64(got)/elapsed.Seconds(), "events/s")
			b.ReportMetric(100*float64(b.N-got)/float64(b.N), "dropped-%")
		})
	}
}

// BenchmarkEncoding: a 512-record logs request encoded as OTLP/JSON (by
// ccotel's transcoder from the protobuf the SDK produces) against plain
// protobuf encoding; x-raw is the JSON time over the protobuf time.
func BenchmarkEncoding(b *testing.B) {
	req := logsRequest(b, 512)
	pb, err := proto.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	var size int
	compare(b, func() {
		out, _ := proto.Marshal(req)
		size = len(out)
	}, func() {
		out, err := otlpjson.LogsToJSON(pb)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	})
	b.ReportMetric(float64(size)/float64(len(pb)), "json/pb-bytes")
}

// logsRequest captures n real api_request records as an OTLP request.
func logsRequest(b *testing.B, n int) *collogspb.ExportLogsServiceRequest {
	rcv := otlptest.Start(b, otlptest.Options{})
	tel, err := telemetry.Start(context.Background(), telemetry.WithUserID(strings.Repeat("a", 64)),
		telemetry.WithLoadOptions(config.WithoutManagedSettings(), config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1",
			"OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=" + rcv.HTTPEndpoint(),
			"OTEL_LOGS_EXPORT_INTERVAL=3600000"})))
	if err != nil {
		b.Fatal(err)
	}
	ctx, _ := tel.StartSession(context.Background())
	for i := 0; i < n; i++ {
		tel.Events().APIRequest(ctx, events.APIRequest{Model: "claude-sonnet-4-5", InputTokens: int64(i), OutputTokens: 5, RequestID: "req_1", CostUSD: 0.01})
	}
	if err := tel.Shutdown(context.Background()); err != nil {
		b.Fatal(err)
	}
	out := &collogspb.ExportLogsServiceRequest{}
	for _, r := range rcv.Requests() {
		if r.Logs != nil {
			out.ResourceLogs = append(out.ResourceLogs, r.Logs.ResourceLogs...)
		}
	}
	return out
}
