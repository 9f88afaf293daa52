package exporter

import (
	"bytes"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/protobuf/proto"

	"github.com/ccotel/ccotel/internal/otlpjson"
)

// badMap is a map value with invalid UTF-8 in a nested key and value: what a
// host's redactor or instrument may hand over.
var badMap = attribute.Map("m", attribute.String("k\xff", "v"),
	attribute.Slice("s", attribute.MapValue(attribute.StringSlice("l", []string{"\xfe"}))))

// encodes checks that req encodes on every protocol, with U+FFFD where the
// bad bytes were.
func encodes(t *testing.T, req proto.Message) {
	t.Helper()
	pb, err := proto.Marshal(req)
	if err != nil {
		t.Fatalf("protobuf: %v", err)
	}
	if !bytes.Contains(pb, []byte("\uFFFD")) {
		t.Errorf("no U+FFFD in %v", req)
	}
	if _, err := otlpjson.Marshal(req); err != nil {
		t.Errorf("json: %v", err)
	}
}

// TestInvalidUTF8Metrics: every string of a metrics export (attribute sets
// ccotel did not build among them: a host instrument's points, a host
// meter's scope, the resource) is repaired as the last line of defence.
func TestInvalidUTF8Metrics(t *testing.T) {
	set := func(kv ...attribute.KeyValue) attribute.Set { return attribute.NewSet(kv...) }
	sum := func(attrs attribute.Set, exemplar ...attribute.KeyValue) metricdata.Aggregation {
		return metricdata.Sum[float64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true,
			DataPoints: []metricdata.DataPoint[float64]{{Attributes: attrs, Value: 1,
				Exemplars: []metricdata.Exemplar[float64]{{FilteredAttributes: exemplar, Value: 1}}}}}
	}
	for _, tc := range []struct {
		name  string
		res   *resource.Resource
		scope instrumentation.Scope
		m     metricdata.Metrics
	}{
		{name: "sum point: nested map key and value", m: metricdata.Metrics{Name: "c", Data: sum(set(badMap))}},
		{name: "sum point: key", m: metricdata.Metrics{Name: "c", Data: sum(set(attribute.String("k\xff", "v")))}},
		{name: "gauge point: slice of strings", m: metricdata.Metrics{Name: "g", Data: metricdata.Gauge[int64]{
			DataPoints: []metricdata.DataPoint[int64]{{Attributes: set(attribute.Slice("s", attribute.StringValue("\xff")))}}}}},
		{name: "histogram point: string slice", m: metricdata.Metrics{Name: "h", Data: metricdata.Histogram[float64]{
			Temporality: metricdata.DeltaTemporality,
			DataPoints:  []metricdata.HistogramDataPoint[float64]{{Attributes: set(attribute.StringSlice("s", []string{"\xc3"}))}}}}},
		{name: "exemplar", m: metricdata.Metrics{Name: "c", Data: sum(set(), badMap)}},
		{name: "description and unit", m: metricdata.Metrics{Name: "c", Description: "d\xff", Unit: "{u\xfe}", Data: sum(set())}},
		{name: "scope", scope: instrumentation.Scope{Name: "s\xff", Version: "v\xfe", SchemaURL: "u\xff",
			Attributes: set(badMap)}, m: metricdata.Metrics{Name: "c", Data: sum(set())}},
		{name: "resource", res: resource.NewSchemaless(badMap), m: metricdata.Metrics{Name: "c", Data: sum(set())}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rm := &metricdata.ResourceMetrics{Resource: tc.res,
				ScopeMetrics: []metricdata.ScopeMetrics{{Scope: tc.scope, Metrics: []metricdata.Metrics{tc.m}}}}
			req, points, bad, err := metricsRequest(rm)
			if err != nil || bad != 0 || points != 1 {
				t.Fatalf("points %d, bad %d, err %v", points, bad, err)
			}
			encodes(t, req)
		})
	}
	// Keys that become one are one key, with the last value.
	req, _, _, _ := metricsRequest(&metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "c", Data: sum(set(attribute.String("k\xfe", "1"), attribute.String("k\xff", "2")))}}}}})
	attrs := req.GetResourceMetrics()[0].GetScopeMetrics()[0].GetMetrics()[0].GetSum().GetDataPoints()[0].GetAttributes()
	if len(attrs) != 1 || attrs[0].GetKey() != "k\uFFFD" || attrs[0].GetValue().GetStringValue() != "2" {
		t.Errorf("repaired keys: %v", attrs)
	}
}

// TestInvalidUTF8Spans: the same for every string of a span, what the
// span exporter repairs (validUTF8Spans) and what the transform does
// (scope, resource).
func TestInvalidUTF8Spans(t *testing.T) {
	ev := func(name string, kv ...attribute.KeyValue) []sdktrace.Event {
		return []sdktrace.Event{{Name: name, Attributes: kv}}
	}
	for _, tc := range []struct {
		name string
		s    tracetest.SpanStub
	}{
		{"name", tracetest.SpanStub{Name: "n\xff"}},
		{"status", tracetest.SpanStub{Status: sdktrace.Status{Code: codes.Error, Description: "e\xff"}}},
		{"attribute: nested map key and value", tracetest.SpanStub{Attributes: []attribute.KeyValue{badMap}}},
		{"attribute: slice of maps", tracetest.SpanStub{Attributes: []attribute.KeyValue{
			attribute.Slice("s", attribute.MapValue(attribute.String("k\xff", "v")))}}},
		{"attribute: key", tracetest.SpanStub{Attributes: []attribute.KeyValue{attribute.Int("k\xff", 1)}}},
		{"event name", tracetest.SpanStub{Events: ev("e\xff")}},
		{"event attribute", tracetest.SpanStub{Events: ev("e", badMap)}},
		{"link attribute", tracetest.SpanStub{Links: []sdktrace.Link{{Attributes: []attribute.KeyValue{badMap}}}}},
		{"scope", tracetest.SpanStub{InstrumentationScope: instrumentation.Scope{Name: "s\xff", Version: "v\xff",
			Attributes: attribute.NewSet(badMap)}}},
		{"resource", tracetest.SpanStub{Resource: resource.NewSchemaless(badMap)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, n := tracesRequest(validUTF8Spans([]sdktrace.ReadOnlySpan{tc.s.Snapshot()}), nil)
			if n != 1 {
				t.Fatalf("%d spans", n)
			}
			encodes(t, req)
		})
	}
	// Keys that become one are one key, with the last value.
	s := tracetest.SpanStub{Attributes: []attribute.KeyValue{attribute.String("k\xfe", "1"), attribute.String("k\xff", "2")}}
	req, _ := tracesRequest(validUTF8Spans([]sdktrace.ReadOnlySpan{s.Snapshot()}), nil)
	attrs := req.GetResourceSpans()[0].GetScopeSpans()[0].GetSpans()[0].GetAttributes()
	if len(attrs) != 1 || attrs[0].GetKey() != "k\uFFFD" || attrs[0].GetValue().GetStringValue() != "2" {
		t.Errorf("repaired keys: %v", attrs)
	}
}
