package bench

import (
	"strconv"
	"testing"
	"time"

	"github.com/ccotel/ccotel/internal/otlpjson"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/proto"
)

func kvStr(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func kvInt(k string, v int64) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v}}}
}

var benchResource = &resourcepb.Resource{Attributes: []*commonpb.KeyValue{
	kvStr("service.name", "claude-code"), kvStr("service.version", "2.1.332"), kvStr("os.type", "linux"),
	kvStr("os.version", "6.8.0"), kvStr("host.arch", "amd64"),
}}

// apiRequestLogs is a full batch (512) of api_request events with Claude
// Code's attributes.
func apiRequestLogs() *collogspb.ExportLogsServiceRequest {
	recs := make([]*logspb.LogRecord, 512)
	for i := range recs {
		recs[i] = &logspb.LogRecord{
			TimeUnixNano: uint64(time.Date(2026, 12, 1, 0, 0, i, 0, time.UTC).UnixNano()), ObservedTimeUnixNano: 1764547200000000000,
			Body: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "claude_code.api_request"}},
			Attributes: []*commonpb.KeyValue{
				kvStr("event.name", "api_request"), kvStr("event.timestamp", "2026-12-01T00:00:00.000Z"), kvInt("event.sequence", int64(i)),
				kvStr("session.id", "5b0f5c1e-2d4b-4a8e-9c1e-0f6a3b7d9e21"), kvStr("user.id", "0e2c8f6a4b1d3e5f7a9c0b2d4f6e8a1c3b5d7f9e0a2c4e6b8d0f1a3c5e7b9d2f"),
				kvStr("organization.id", "org-1"), kvStr("user.account_uuid", "acc-1"), kvStr("terminal.type", "vscode"),
				kvStr("model", "claude-sonnet-4-5-20250929"), kvStr("cost_usd", "0.0123"), kvStr("duration_ms", "1834"),
				kvStr("input_tokens", "1207"), kvStr("output_tokens", "345"), kvStr("cache_read_tokens", "25000"),
				kvStr("cache_creation_tokens", "0"), kvStr("request_id", "req_011CU"+strconv.Itoa(i)),
			},
		}
	}
	return &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{Resource: benchResource,
		ScopeLogs: []*logspb.ScopeLogs{{Scope: &commonpb.InstrumentationScope{Name: "com.anthropic.claude_code.events", Version: "2.1.332"}, LogRecords: recs}}}}}
}

// tokenMetrics is one collection of token.usage points for 100 sessions.
func tokenMetrics() *colmetricpb.ExportMetricsServiceRequest {
	var pts []*metricspb.NumberDataPoint
	for s := range 100 {
		for _, typ := range []string{"input", "output", "cacheRead", "cacheCreation"} {
			pts = append(pts, &metricspb.NumberDataPoint{
				Attributes: []*commonpb.KeyValue{kvStr("session.id", "session-"+strconv.Itoa(s)), kvStr("user.id", "u"),
					kvStr("organization.id", "org-1"), kvStr("terminal.type", "vscode"), kvStr("model", "claude-sonnet-4-5-20250929"), kvStr("type", typ)},
				StartTimeUnixNano: 1764547200000000000, TimeUnixNano: 1764547260000000000,
				Value: &metricspb.NumberDataPoint_AsDouble{AsDouble: 1207},
			})
		}
	}
	return &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{{Resource: benchResource,
		ScopeMetrics: []*metricspb.ScopeMetrics{{Scope: &commonpb.InstrumentationScope{Name: "com.anthropic.claude_code", Version: "2.1.332"},
			Metrics: []*metricspb.Metric{{Name: "claude_code.token.usage", Unit: "tokens",
				Data: &metricspb.Metric_Sum{Sum: &metricspb.Sum{AggregationTemporality: 1, IsMonotonic: true, DataPoints: pts}}}}}}}}}
}

// BenchmarkOTLPJSON: encoding one export request as OTLP/JSON (the
// http/json body, written directly from the request message) against
// encoding it as protobuf (the http/protobuf and grpc body), interleaved in
// chunks with rotating order; x-protobuf is the CPU ratio.
func BenchmarkOTLPJSON(b *testing.B) {
	for _, tt := range []struct {
		name string
		req  proto.Message
	}{
		{"logs/512_api_request", apiRequestLogs()},
		{"metrics/400_token_points", tokenMetrics()},
	} {
		b.Run(tt.name, func(b *testing.B) {
			// Each side allocates its body, as the exporter does.
			var size int
			pb := func() {
				out, err := proto.Marshal(tt.req)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			js := func() {
				out, err := otlpjson.Marshal(tt.req)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			pb()
			js()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			b.StopTimer()
			var pbDur, jsDur time.Duration
			for done, k := 0, 0; done < b.N; k++ {
				n := min(8, b.N-done)
				for side := range 2 {
					if (k+side)%2 == 0 {
						t := time.Now()
						for range n {
							pb()
						}
						pbDur += time.Since(t)
						continue
					}
					b.StartTimer()
					t := time.Now()
					for range n {
						js()
					}
					jsDur += time.Since(t)
					b.StopTimer()
				}
				done += n
			}
			if pbDur > 0 {
				b.ReportMetric(float64(jsDur)/float64(pbDur), "x-protobuf")
			}
		})
	}
}
