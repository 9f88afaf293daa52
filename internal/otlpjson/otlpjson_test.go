package otlpjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

var (
	traceID = []byte{0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c}
	spanID  = []byte{0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31}
	parent  = []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}
)

func str(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func logsRequest() *collogspb.ExportLogsServiceRequest {
	return &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		ScopeLogs: []*logspb.ScopeLogs{{
			Scope: &commonpb.InstrumentationScope{Name: "com.anthropic.claude_code.events"},
			LogRecords: []*logspb.LogRecord{
				{
					TimeUnixNano: 1700000000123456789,
					Body:         &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "claude_code.user_prompt"}},
					Attributes: []*commonpb.KeyValue{
						str("traceId", "not-an-id"),
						{Key: "event.sequence", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 7}}},
					},
					Flags:   1,
					TraceId: traceID,
					SpanId:  spanID,
				},
				{ // outside any span: no ids
					TimeUnixNano:   1700000000000000001,
					Body:           &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "claude_code.plugin_loaded"}},
					SeverityNumber: logspb.SeverityNumber_SEVERITY_NUMBER_INFO,
				},
			},
		}},
	}}}
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return m
}

func path(m any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m = m.(map[string]any)[k]
		case int:
			m = m.([]any)[k]
		}
	}
	return m
}

func TestLogsToJSON(t *testing.T) {
	pb, err := proto.Marshal(logsRequest())
	if err != nil {
		t.Fatal(err)
	}
	b, err := LogsToJSON(pb)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeJSON(t, b)
	recs := path(m, "resourceLogs", 0, "scopeLogs", 0, "logRecords").([]any)
	r0 := recs[0].(map[string]any)
	if got := r0["traceId"]; got != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("traceId = %v, want lowercase hex", got)
	}
	if got := r0["spanId"]; got != "b7ad6b7169203331" {
		t.Errorf("spanId = %v, want lowercase hex", got)
	}
	if got := r0["timeUnixNano"]; got != "1700000000123456789" {
		t.Errorf("timeUnixNano = %#v, want int64 as string", got)
	}
	if got := path(r0, "attributes", 0, "value", "stringValue"); got != "not-an-id" {
		t.Errorf("attribute named traceId was rewritten: %v", got)
	}
	if got := path(r0, "attributes", 1, "value", "intValue"); got != "7" {
		t.Errorf("intValue = %#v, want \"7\"", got)
	}
	if got := r0["flags"]; got != json.Number("1") {
		t.Errorf("flags = %#v", got)
	}
	r1 := recs[1].(map[string]any)
	for _, k := range []string{"traceId", "spanId", "flags"} {
		if v, ok := r1[k]; ok {
			t.Errorf("record outside a span has %s = %#v; it must be absent", k, v)
		}
	}
	if got := r1["severityNumber"]; got != json.Number("9") {
		t.Errorf("severityNumber = %#v, want the number 9", got)
	}

	var back collogspb.ExportLogsServiceRequest
	if err := Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&back, logsRequest()) {
		t.Errorf("round trip changed the request:\n%v", &back)
	}
}

func TestMetricsToJSON(t *testing.T) {
	req := &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{{
		ScopeMetrics: []*metricspb.ScopeMetrics{{Metrics: []*metricspb.Metric{{
			Name: "claude_code.cost.usage", Unit: "USD",
			Data: &metricspb.Metric_Sum{Sum: &metricspb.Sum{
				AggregationTemporality: metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA,
				IsMonotonic:            true,
				DataPoints: []*metricspb.NumberDataPoint{{
					StartTimeUnixNano: 5, TimeUnixNano: 9,
					Value:     &metricspb.NumberDataPoint_AsDouble{AsDouble: 0.25},
					Exemplars: []*metricspb.Exemplar{{TraceId: traceID, SpanId: spanID, Value: &metricspb.Exemplar_AsInt{AsInt: 3}}},
				}},
			}},
		}}}},
	}}}
	pb, _ := proto.Marshal(req)
	b, err := MetricsToJSON(pb)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeJSON(t, b)
	sum := path(m, "resourceMetrics", 0, "scopeMetrics", 0, "metrics", 0, "sum")
	if got := path(sum, "aggregationTemporality"); got != json.Number("1") {
		t.Errorf("aggregationTemporality = %#v, want 1", got)
	}
	if got := path(sum, "dataPoints", 0, "startTimeUnixNano"); got != "5" {
		t.Errorf("startTimeUnixNano = %#v, want \"5\"", got)
	}
	if got := path(sum, "dataPoints", 0, "exemplars", 0, "traceId"); got != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("exemplar traceId = %v", got)
	}
	var back colmetricpb.ExportMetricsServiceRequest
	if err := Unmarshal(b, &back); err != nil || !proto.Equal(&back, req) {
		t.Errorf("round trip: %v\n%v", err, &back)
	}
}

func TestTracesToJSON(t *testing.T) {
	req := &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{
			TraceId: traceID, SpanId: spanID, ParentSpanId: parent, Name: "claude_code.interaction",
			Kind:  tracepb.Span_SPAN_KIND_INTERNAL,
			Links: []*tracepb.Span_Link{{TraceId: traceID, SpanId: parent}},
		}}}},
	}}}
	pb, _ := proto.Marshal(req)
	b, err := TracesToJSON(pb)
	if err != nil {
		t.Fatal(err)
	}
	s := path(decodeJSON(t, b), "resourceSpans", 0, "scopeSpans", 0, "spans", 0)
	for k, want := range map[string]any{
		"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
		"parentSpanId": "0102030405060708", "kind": json.Number("1"),
	} {
		if got := path(s, k); got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	if got := path(s, "links", 0, "spanId"); got != "0102030405060708" {
		t.Errorf("link spanId = %v", got)
	}
}

func TestUnmarshalRejectsBase64IDs(t *testing.T) {
	in := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"CvdlGRbNQ92ESOshHIAxnA==","spanId":"t61rcWkgMzE="}]}]}]}`
	var req coltracepb.ExportTraceServiceRequest
	if err := Unmarshal([]byte(in), &req); err == nil {
		t.Fatal("base64 ids were accepted; OTLP/JSON requires hex")
	}
}

func TestTranscodeRejectsGarbage(t *testing.T) {
	if _, err := LogsToJSON([]byte{0xff, 0xff, 0xff}); err == nil {
		t.Fatal("no error for an invalid protobuf body")
	}
}

func BenchmarkOTLPJSONTranscode(b *testing.B) {
	req := logsRequest()
	recs := req.ResourceLogs[0].ScopeLogs[0].LogRecords
	for range 50 { // a batch of Claude-Code-sized events
		r := proto.Clone(recs[0]).(*logspb.LogRecord)
		for j := range 12 {
			r.Attributes = append(r.Attributes, str("attr."+string(rune('a'+j)), strings.Repeat("v", 24)))
		}
		recs = append(recs, r)
	}
	req.ResourceLogs[0].ScopeLogs[0].LogRecords = recs
	pb, _ := proto.Marshal(req)

	var protoNs, jsonNs float64
	b.Run("proto.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proto.Marshal(req); err != nil {
				b.Fatal(err)
			}
		}
		protoNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("LogsToJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := LogsToJSON(pb); err != nil {
				b.Fatal(err)
			}
		}
		jsonNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		if protoNs > 0 {
			b.ReportMetric(jsonNs/protoNs, "x-proto.Marshal")
		}
	})
}
