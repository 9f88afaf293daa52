package otlpjson

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// sameAsReflect fails unless the direct encoding of m is byte for byte
// protojson's (ids as hex), compacted: protojson inserts random spaces.
func sameAsReflect(t testing.TB, m proto.Message) {
	t.Helper()
	got, err := Marshal(m)
	want, werr := marshalReflect(m)
	if (err != nil) != (werr != nil) {
		t.Fatalf("direct error %v, protojson error %v", err, werr)
	}
	if werr != nil {
		return
	}
	var c bytes.Buffer
	if err := json.Compact(&c, want); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, c.Bytes()) {
		t.Fatalf("direct encoding differs from protojson:\n got %s\nwant %s", got, c.Bytes())
	}
}

func f64(v float64) *float64 { return &v }

func anyOf(v any) *commonpb.AnyValue {
	switch v := v.(type) {
	case string:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}
	case bool:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: v}}
	case int64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: v}}
	case float64:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: v}}
	case []byte:
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: v}}
	}
	return &commonpb.AnyValue{}
}

// everyValue exercises every AnyValue case and the number and string
// formats that differ between encoders: zero oneofs, -0, exponents, NaN,
// infinities, control characters, quotes, non-ASCII.
func everyValue() []*commonpb.KeyValue {
	var kvs []*commonpb.KeyValue
	for i, v := range []any{"", "plain", "q\"b\\s/\x00\x01\x1f\x7f\b\f\n\r\t é 😀 \u2028 <&>", false, true, int64(0), int64(-1), int64(math.MaxInt64), int64(math.MinInt64),
		0.0, math.Copysign(0, -1), 0.25, 1e-7, 1e-6, 1e20, 1e21, 123456789.125, -3e-300, math.NaN(), math.Inf(1), math.Inf(-1),
		[]byte{}, []byte{0, 1, 0xff}, nil} {
		kvs = append(kvs, &commonpb.KeyValue{Key: string(rune('a' + i)), Value: anyOf(v)})
	}
	kvs = append(kvs,
		&commonpb.KeyValue{Key: "arr", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: []*commonpb.AnyValue{anyOf("x"), anyOf(int64(2)), {}}}}}},
		&commonpb.KeyValue{Key: "emptyarr", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{}}},
		&commonpb.KeyValue{Key: "kv", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: []*commonpb.KeyValue{{Key: "in", Value: anyOf(true)}, {}}}}}},
		&commonpb.KeyValue{Key: "strindex", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValueStrindex{StringValueStrindex: -4}}, KeyStrindex: 9},
		&commonpb.KeyValue{Key: "novalue"},
	)
	return kvs
}

func fullResource() *resourcepb.Resource {
	return &resourcepb.Resource{Attributes: everyValue(), DroppedAttributesCount: 3,
		EntityRefs: []*commonpb.EntityRef{{SchemaUrl: "s", Type: "service", IdKeys: []string{"service.name"}, DescriptionKeys: []string{"a", "b"}}, {}}}
}

func fullScope() *commonpb.InstrumentationScope {
	return &commonpb.InstrumentationScope{Name: "com.anthropic.claude_code", Version: "1.0", Attributes: everyValue()[:3], DroppedAttributesCount: 1}
}

func TestEncodeMatchesProtojson(t *testing.T) {
	exemplars := []*metricspb.Exemplar{
		{FilteredAttributes: everyValue()[:2], TimeUnixNano: 7, Value: &metricspb.Exemplar_AsInt{AsInt: -3}, SpanId: spanID, TraceId: traceID},
		{Value: &metricspb.Exemplar_AsDouble{AsDouble: 0}}, {},
	}
	tests := map[string]proto.Message{
		"empty logs":    &collogspb.ExportLogsServiceRequest{},
		"empty metrics": &colmetricpb.ExportMetricsServiceRequest{},
		"empty traces":  &coltracepb.ExportTraceServiceRequest{},
		"logs": &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{
			{Resource: fullResource(), SchemaUrl: "https://opentelemetry.io/schemas/1.26.0", ScopeLogs: []*logspb.ScopeLogs{
				{Scope: fullScope(), SchemaUrl: "x", LogRecords: []*logspb.LogRecord{
					{TimeUnixNano: 1700000000123456789, ObservedTimeUnixNano: math.MaxUint64, SeverityNumber: 9, SeverityText: "INFO",
						Body: anyOf("claude_code.api_request"), Attributes: everyValue(), DroppedAttributesCount: 2, Flags: 1,
						TraceId: traceID, SpanId: spanID, EventName: "api_request"},
					{SeverityNumber: 99}, {Body: &commonpb.AnyValue{}}, {},
				}},
				{}, nil,
			}},
			{Resource: &resourcepb.Resource{}}, {},
		}},
		"traces": &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{
			{Resource: fullResource(), SchemaUrl: "s", ScopeSpans: []*tracepb.ScopeSpans{{Scope: fullScope(), SchemaUrl: "t", Spans: []*tracepb.Span{
				{TraceId: traceID, SpanId: spanID, TraceState: "k=v", ParentSpanId: parent, Flags: 0x301, Name: "claude_code.llm_request",
					Kind: tracepb.Span_SPAN_KIND_CLIENT, StartTimeUnixNano: 1, EndTimeUnixNano: 2, Attributes: everyValue(), DroppedAttributesCount: 1,
					Events:             []*tracepb.Span_Event{{TimeUnixNano: 3, Name: "retry", Attributes: everyValue()[:4], DroppedAttributesCount: 5}, {}},
					DroppedEventsCount: 6,
					Links:              []*tracepb.Span_Link{{TraceId: traceID, SpanId: spanID, TraceState: "a=b", Attributes: everyValue()[5:7], DroppedAttributesCount: 1, Flags: 256}, {}},
					DroppedLinksCount:  7,
					Status:             &tracepb.Status{Message: "boom", Code: tracepb.Status_STATUS_CODE_ERROR}},
				{Status: &tracepb.Status{}}, {Kind: 42}, {},
			}}}},
		}},
		"metrics": &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{
			{Resource: fullResource(), SchemaUrl: "s", ScopeMetrics: []*metricspb.ScopeMetrics{{Scope: fullScope(), SchemaUrl: "m", Metrics: []*metricspb.Metric{
				{Name: "claude_code.token.usage", Description: "d\n", Unit: "tokens", Metadata: everyValue()[:2],
					Data: &metricspb.Metric_Sum{Sum: &metricspb.Sum{AggregationTemporality: 1, IsMonotonic: true, DataPoints: []*metricspb.NumberDataPoint{
						{Attributes: everyValue(), StartTimeUnixNano: 5, TimeUnixNano: 9, Value: &metricspb.NumberDataPoint_AsInt{AsInt: 0}, Exemplars: exemplars, Flags: 1},
						{Value: &metricspb.NumberDataPoint_AsDouble{AsDouble: 1e-9}}, {Value: &metricspb.NumberDataPoint_AsDouble{AsDouble: math.NaN()}}, {},
					}}}},
				{Name: "g", Data: &metricspb.Metric_Gauge{Gauge: &metricspb.Gauge{DataPoints: []*metricspb.NumberDataPoint{{Value: &metricspb.NumberDataPoint_AsDouble{AsDouble: 2.5}}}}}},
				{Name: "nil gauge", Data: &metricspb.Metric_Gauge{}},
				{Name: "h", Data: &metricspb.Metric_Histogram{Histogram: &metricspb.Histogram{AggregationTemporality: 2, DataPoints: []*metricspb.HistogramDataPoint{
					{Attributes: everyValue()[:3], StartTimeUnixNano: 1, TimeUnixNano: 2, Count: 3, Sum: f64(0), BucketCounts: []uint64{0, 1, math.MaxUint64},
						ExplicitBounds: []float64{0, 5, 1e300, math.Inf(1)}, Exemplars: exemplars, Flags: 1, Min: f64(-0.5), Max: f64(math.Copysign(0, -1))},
					{}, {Sum: f64(1)},
				}}}},
				{Name: "eh", Data: &metricspb.Metric_ExponentialHistogram{ExponentialHistogram: &metricspb.ExponentialHistogram{AggregationTemporality: 1, DataPoints: []*metricspb.ExponentialHistogramDataPoint{
					{Attributes: everyValue()[:1], StartTimeUnixNano: 1, TimeUnixNano: 2, Count: 3, Sum: f64(4), Scale: -2, ZeroCount: 5,
						Positive: &metricspb.ExponentialHistogramDataPoint_Buckets{Offset: -3, BucketCounts: []uint64{1, 0, 2}}, Negative: &metricspb.ExponentialHistogramDataPoint_Buckets{},
						Flags: 1, Exemplars: exemplars, Min: f64(0), Max: f64(9), ZeroThreshold: 1e-10},
					{},
				}}}},
				{Name: "s", Data: &metricspb.Metric_Summary{Summary: &metricspb.Summary{DataPoints: []*metricspb.SummaryDataPoint{
					{Attributes: everyValue()[:2], StartTimeUnixNano: 1, TimeUnixNano: 2, Count: 3, Sum: 4.5, Flags: 1,
						QuantileValues: []*metricspb.SummaryDataPoint_ValueAtQuantile{{Quantile: 0.5, Value: 1}, {}, nil}},
					{},
				}}}},
				{}, nil,
			}}}},
		}},
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) { sameAsReflect(t, m) })
	}
}

// Strings that are not UTF-8 cannot be sent (protobuf refuses them too).
func TestEncodeRejectsInvalidUTF8(t *testing.T) {
	req := logsRequest()
	req.ResourceLogs[0].ScopeLogs[0].LogRecords[0].EventName = "bad\xff"
	if _, err := Marshal(req); err == nil {
		t.Fatal("invalid UTF-8 encoded without error")
	}
}

// FuzzEncode decodes arbitrary bytes as a request of each signal and checks
// the direct encoding against protojson's, byte for byte.
func FuzzEncode(f *testing.F) {
	for _, m := range []proto.Message{logsRequest(), &collogspb.ExportLogsServiceRequest{}} {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
		f.Add(b, uint8(2))
	}
	f.Add([]byte{0x0a, 0x02, 0x0a, 0x00}, uint8(1))
	f.Fuzz(func(t *testing.T, pb []byte, signal uint8) {
		var msg proto.Message
		switch signal % 3 {
		case 0:
			msg = &collogspb.ExportLogsServiceRequest{}
		case 1:
			msg = &colmetricpb.ExportMetricsServiceRequest{}
		default:
			msg = &coltracepb.ExportTraceServiceRequest{}
		}
		if (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(pb, msg) != nil {
			return
		}
		sameAsReflect(t, msg)
	})
}
