package exporter

// The transforms below turn the SDK's data into the OTLP request messages.
// They are the SDK exporters' own (opentelemetry-go v1.47.0:
// otlpmetric/otlpmetrichttp/internal/transform,
// otlplog/otlploghttp/internal/transform and otlptrace/internal/tracetransform,
// Copyright The OpenTelemetry Authors, Apache-2.0), folded into one file
// with one attribute conversion, so that what ccotel sends is byte for byte
// what the SDK exporters sent.

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	api "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	cpb "go.opentelemetry.io/proto/otlp/common/v1"
	lpb "go.opentelemetry.io/proto/otlp/logs/v1"
	mpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	rpb "go.opentelemetry.io/proto/otlp/resource/v1"
	tpb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ccotel/ccotel/internal/core"
)

// ---- metrics ----

var errUnknownAggregation = errors.New("unknown aggregation")

// metricsRequest returns the request for rm and its number of data points.
// A metric of an unknown aggregation or temporality is left out, and
// returned in err with its number of points in bad.
func metricsRequest(rm *metricdata.ResourceMetrics) (req *colmetricpb.ExportMetricsServiceRequest, points, bad int, err error) {
	var errs []error
	sms := make([]*mpb.ScopeMetrics, 0, len(rm.ScopeMetrics))
	for _, sm := range rm.ScopeMetrics {
		ms := make([]*mpb.Metric, 0, len(sm.Metrics))
		for _, m := range sm.Metrics {
			n := pointCount(m.Data)
			points += n
			o, err := metricPB(m)
			if err != nil {
				bad += n
				errs = append(errs, fmt.Errorf("invalid metric (name: %q): %w", m.Name, err))
				continue
			}
			ms = append(ms, o)
		}
		sms = append(sms, &mpb.ScopeMetrics{
			Scope: &cpb.InstrumentationScope{
				Name:       validString(sm.Scope.Name),
				Version:    validString(sm.Scope.Version),
				Attributes: attrIter(sm.Scope.Attributes.Iter()),
			},
			Metrics:   ms,
			SchemaUrl: validString(sm.Scope.SchemaURL),
		})
	}
	return &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*mpb.ResourceMetrics{{
		Resource:     &rpb.Resource{Attributes: attrIter(rm.Resource.Iter())}, // nil-safe
		ScopeMetrics: sms,
		SchemaUrl:    validString(rm.Resource.SchemaURL()),
	}}}, points, bad, errors.Join(errs...)
}

// pointCount is the number of data points of one metric: the unit OTLP's
// partial success counts rejections in.
func pointCount(d metricdata.Aggregation) int {
	switch a := d.(type) {
	case metricdata.Gauge[int64]:
		return len(a.DataPoints)
	case metricdata.Gauge[float64]:
		return len(a.DataPoints)
	case metricdata.Sum[int64]:
		return len(a.DataPoints)
	case metricdata.Sum[float64]:
		return len(a.DataPoints)
	case metricdata.Histogram[int64]:
		return len(a.DataPoints)
	case metricdata.Histogram[float64]:
		return len(a.DataPoints)
	case metricdata.ExponentialHistogram[int64]:
		return len(a.DataPoints)
	case metricdata.ExponentialHistogram[float64]:
		return len(a.DataPoints)
	case metricdata.Summary:
		return len(a.DataPoints)
	}
	return 0
}

func metricPB(m metricdata.Metrics) (*mpb.Metric, error) {
	var err error
	out := &mpb.Metric{Name: validString(m.Name), Description: validString(m.Description), Unit: validString(m.Unit)}
	switch a := m.Data.(type) {
	case metricdata.Gauge[int64]:
		out.Data = gauge(a)
	case metricdata.Gauge[float64]:
		out.Data = gauge(a)
	case metricdata.Sum[int64]:
		out.Data, err = sum(a)
	case metricdata.Sum[float64]:
		out.Data, err = sum(a)
	case metricdata.Histogram[int64]:
		out.Data, err = histogram(a)
	case metricdata.Histogram[float64]:
		out.Data, err = histogram(a)
	case metricdata.ExponentialHistogram[int64]:
		out.Data, err = expHistogram(a)
	case metricdata.ExponentialHistogram[float64]:
		out.Data, err = expHistogram(a)
	case metricdata.Summary:
		out.Data = summary(a)
	default:
		return out, fmt.Errorf("%w: %T", errUnknownAggregation, a)
	}
	return out, err
}

func gauge[N int64 | float64](g metricdata.Gauge[N]) *mpb.Metric_Gauge {
	return &mpb.Metric_Gauge{Gauge: &mpb.Gauge{DataPoints: dataPoints(g.DataPoints)}}
}

func sum[N int64 | float64](s metricdata.Sum[N]) (*mpb.Metric_Sum, error) {
	t, err := temporalityPB(s.Temporality)
	if err != nil {
		return nil, err
	}
	return &mpb.Metric_Sum{Sum: &mpb.Sum{
		AggregationTemporality: t,
		IsMonotonic:            s.IsMonotonic,
		DataPoints:             dataPoints(s.DataPoints),
	}}, nil
}

func dataPoints[N int64 | float64](dPts []metricdata.DataPoint[N]) []*mpb.NumberDataPoint {
	out := make([]*mpb.NumberDataPoint, 0, len(dPts))
	for _, dPt := range dPts {
		ndp := &mpb.NumberDataPoint{
			Attributes:        attrIter(dPt.Attributes.Iter()),
			StartTimeUnixNano: timeUnixNano(dPt.StartTime),
			TimeUnixNano:      timeUnixNano(dPt.Time),
			Exemplars:         exemplars(dPt.Exemplars),
		}
		switch v := any(dPt.Value).(type) {
		case int64:
			ndp.Value = &mpb.NumberDataPoint_AsInt{AsInt: v}
		case float64:
			ndp.Value = &mpb.NumberDataPoint_AsDouble{AsDouble: v}
		}
		out = append(out, ndp)
	}
	return out
}

func histogram[N int64 | float64](h metricdata.Histogram[N]) (*mpb.Metric_Histogram, error) {
	t, err := temporalityPB(h.Temporality)
	if err != nil {
		return nil, err
	}
	out := make([]*mpb.HistogramDataPoint, 0, len(h.DataPoints))
	for _, dPt := range h.DataPoints {
		sum := float64(dPt.Sum)
		hdp := &mpb.HistogramDataPoint{
			Attributes:        attrIter(dPt.Attributes.Iter()),
			StartTimeUnixNano: timeUnixNano(dPt.StartTime),
			TimeUnixNano:      timeUnixNano(dPt.Time),
			Count:             dPt.Count,
			Sum:               &sum,
			BucketCounts:      dPt.BucketCounts,
			ExplicitBounds:    dPt.Bounds,
			Exemplars:         exemplars(dPt.Exemplars),
		}
		if v, ok := dPt.Min.Value(); ok {
			f := float64(v)
			hdp.Min = &f
		}
		if v, ok := dPt.Max.Value(); ok {
			f := float64(v)
			hdp.Max = &f
		}
		out = append(out, hdp)
	}
	return &mpb.Metric_Histogram{Histogram: &mpb.Histogram{AggregationTemporality: t, DataPoints: out}}, nil
}

func expHistogram[N int64 | float64](h metricdata.ExponentialHistogram[N]) (*mpb.Metric_ExponentialHistogram, error) {
	t, err := temporalityPB(h.Temporality)
	if err != nil {
		return nil, err
	}
	out := make([]*mpb.ExponentialHistogramDataPoint, 0, len(h.DataPoints))
	for _, dPt := range h.DataPoints {
		sum := float64(dPt.Sum)
		ehdp := &mpb.ExponentialHistogramDataPoint{
			Attributes:        attrIter(dPt.Attributes.Iter()),
			StartTimeUnixNano: timeUnixNano(dPt.StartTime),
			TimeUnixNano:      timeUnixNano(dPt.Time),
			Count:             dPt.Count,
			Sum:               &sum,
			Scale:             dPt.Scale,
			ZeroCount:         dPt.ZeroCount,
			ZeroThreshold:     dPt.ZeroThreshold,
			Exemplars:         exemplars(dPt.Exemplars),
			Positive:          &mpb.ExponentialHistogramDataPoint_Buckets{Offset: dPt.PositiveBucket.Offset, BucketCounts: dPt.PositiveBucket.Counts},
			Negative:          &mpb.ExponentialHistogramDataPoint_Buckets{Offset: dPt.NegativeBucket.Offset, BucketCounts: dPt.NegativeBucket.Counts},
		}
		if v, ok := dPt.Min.Value(); ok {
			f := float64(v)
			ehdp.Min = &f
		}
		if v, ok := dPt.Max.Value(); ok {
			f := float64(v)
			ehdp.Max = &f
		}
		out = append(out, ehdp)
	}
	return &mpb.Metric_ExponentialHistogram{ExponentialHistogram: &mpb.ExponentialHistogram{AggregationTemporality: t, DataPoints: out}}, nil
}

func temporalityPB(t metricdata.Temporality) (mpb.AggregationTemporality, error) {
	switch t {
	case metricdata.DeltaTemporality:
		return mpb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA, nil
	case metricdata.CumulativeTemporality:
		return mpb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE, nil
	}
	return mpb.AggregationTemporality_AGGREGATION_TEMPORALITY_UNSPECIFIED, fmt.Errorf("unknown temporality: %s", t)
}

func exemplars[N int64 | float64](exs []metricdata.Exemplar[N]) []*mpb.Exemplar {
	out := make([]*mpb.Exemplar, 0, len(exs))
	for _, ex := range exs {
		e := &mpb.Exemplar{
			FilteredAttributes: keyValues(validKeyValues(ex.FilteredAttributes)),
			TimeUnixNano:       timeUnixNano(ex.Time),
			SpanId:             ex.SpanID,
			TraceId:            ex.TraceID,
		}
		switch v := any(ex.Value).(type) {
		case int64:
			e.Value = &mpb.Exemplar_AsInt{AsInt: v}
		case float64:
			e.Value = &mpb.Exemplar_AsDouble{AsDouble: v}
		}
		out = append(out, e)
	}
	return out
}

func summary(s metricdata.Summary) *mpb.Metric_Summary {
	out := make([]*mpb.SummaryDataPoint, 0, len(s.DataPoints))
	for _, dPt := range s.DataPoints {
		qs := make([]*mpb.SummaryDataPoint_ValueAtQuantile, 0, len(dPt.QuantileValues))
		for _, q := range dPt.QuantileValues {
			qs = append(qs, &mpb.SummaryDataPoint_ValueAtQuantile{Quantile: q.Quantile, Value: q.Value})
		}
		out = append(out, &mpb.SummaryDataPoint{
			Attributes:        attrIter(dPt.Attributes.Iter()),
			StartTimeUnixNano: timeUnixNano(dPt.StartTime),
			TimeUnixNano:      timeUnixNano(dPt.Time),
			Count:             dPt.Count,
			Sum:               dPt.Sum,
			QuantileValues:    qs,
		})
	}
	return &mpb.Metric_Summary{Summary: &mpb.Summary{DataPoints: out}}
}

// ---- logs ----

// logsRequest returns the request for records; a non-nil res replaces
// their resource.
func logsRequest(records []sdklog.Record, res *resource.Resource) *collogspb.ExportLogsServiceRequest {
	if len(records) == 0 {
		return &collogspb.ExportLogsServiceRequest{}
	}
	type key struct {
		r  attribute.Distinct
		is instrumentation.Scope
	}
	resMap := make(map[attribute.Distinct]*lpb.ResourceLogs)
	scopeMap := make(map[key]*lpb.ScopeLogs)
	var order []*lpb.ResourceLogs
	for _, r := range records {
		res := cmp.Or(res, r.Resource())
		rKey := res.Equivalent()
		scope := r.InstrumentationScope()
		k := key{r: rKey, is: scope}
		sl, iOk := scopeMap[k]
		if !iOk {
			sl = new(lpb.ScopeLogs)
			if scope != (instrumentation.Scope{}) {
				sl.Scope = scopePB(scope)
				sl.SchemaUrl = validString(scope.SchemaURL)
			}
			scopeMap[k] = sl
		}
		sl.LogRecords = append(sl.LogRecords, logRecord(r))
		rl, rOk := resMap[rKey]
		if !rOk {
			rl = new(lpb.ResourceLogs)
			if res.Len() > 0 {
				rl.Resource = &rpb.Resource{Attributes: attrIter(res.Iter())}
			}
			rl.SchemaUrl = validString(res.SchemaURL())
			resMap[rKey] = rl
			order = append(order, rl)
		}
		if !iOk {
			rl.ScopeLogs = append(rl.ScopeLogs, sl)
		}
	}
	// In order of first appearance, where the SDK used the map's random
	// order: same bytes whenever there is one resource, as in ccotel.
	return &collogspb.ExportLogsServiceRequest{ResourceLogs: order}
}

func logRecord(record sdklog.Record) *lpb.LogRecord {
	r := &lpb.LogRecord{
		TimeUnixNano:           timeUnixNano(record.Timestamp()),
		ObservedTimeUnixNano:   timeUnixNano(record.ObservedTimestamp()),
		EventName:              record.EventName(),
		SeverityNumber:         severityNumber(record.Severity()),
		SeverityText:           record.SeverityText(),
		Body:                   anyValue(record.Body()),
		Attributes:             make([]*cpb.KeyValue, 0, record.AttributesLen()),
		DroppedAttributesCount: clampUint32(record.DroppedAttributes()),
		Flags:                  uint32(record.TraceFlags()),
	}
	record.WalkAttributes(func(kv attribute.KeyValue) bool {
		r.Attributes = append(r.Attributes, keyValue(kv))
		return true
	})
	if tID := record.TraceID(); tID.IsValid() {
		r.TraceId = tID[:]
	}
	if sID := record.SpanID(); sID.IsValid() {
		r.SpanId = sID[:]
	}
	return r
}

// severityNumber relies on the API's severities having OTLP's numbers
// (Trace=1 ... Fatal4=24), as the SDK's table maps them one to one.
func severityNumber(s api.Severity) lpb.SeverityNumber {
	if s < api.SeverityTrace1 || s > api.SeverityFatal4 {
		return lpb.SeverityNumber_SEVERITY_NUMBER_UNSPECIFIED
	}
	return lpb.SeverityNumber(s)
}

// ---- traces ----

// tracesRequest returns the request for sdl and its number of spans; a
// non-nil res replaces their resource.
func tracesRequest(sdl []sdktrace.ReadOnlySpan, res *resource.Resource) (*coltracepb.ExportTraceServiceRequest, int) {
	type key struct {
		r  attribute.Distinct
		is instrumentation.Scope
	}
	rsm := make(map[attribute.Distinct]*tpb.ResourceSpans)
	ssm := make(map[key]*tpb.ScopeSpans)
	var order []*tpb.ResourceSpans
	n := 0
	for _, sd := range sdl {
		if sd == nil {
			continue
		}
		n++
		sr := cmp.Or(res, sd.Resource())
		rKey := sr.Equivalent()
		scope := sd.InstrumentationScope()
		k := key{r: rKey, is: scope}
		ss, iOk := ssm[k]
		if !iOk {
			ss = &tpb.ScopeSpans{Scope: scopePB(scope), Spans: []*tpb.Span{}, SchemaUrl: validString(scope.SchemaURL)}
			ssm[k] = ss
		}
		ss.Spans = append(ss.Spans, span(sd))
		rs, rOk := rsm[rKey]
		if !rOk {
			var rpbr *rpb.Resource
			if sr != nil {
				rpbr = &rpb.Resource{Attributes: attrIter(sr.Iter())}
			}
			rs = &tpb.ResourceSpans{Resource: rpbr, ScopeSpans: []*tpb.ScopeSpans{ss}, SchemaUrl: validString(sr.SchemaURL())}
			rsm[rKey] = rs
			order = append(order, rs)
			continue
		}
		if !iOk {
			rs.ScopeSpans = append(rs.ScopeSpans, ss)
		}
	}
	return &coltracepb.ExportTraceServiceRequest{ResourceSpans: order}, n
}

func scopePB(il instrumentation.Scope) *cpb.InstrumentationScope {
	if il == (instrumentation.Scope{}) {
		return nil
	}
	return &cpb.InstrumentationScope{Name: validString(il.Name), Version: validString(il.Version), Attributes: attrIter(il.Attributes.Iter())}
}

func span(sd sdktrace.ReadOnlySpan) *tpb.Span {
	sc := sd.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	st := sd.Status()
	s := &tpb.Span{
		TraceId:                tid[:],
		SpanId:                 sid[:],
		TraceState:             sc.TraceState().String(),
		Status:                 spanStatus(st.Code, st.Description),
		StartTimeUnixNano:      timeUnixNano(sd.StartTime()),
		EndTimeUnixNano:        timeUnixNano(sd.EndTime()),
		Links:                  links(sd.Links()),
		Kind:                   spanKind(sd.SpanKind()),
		Name:                   sd.Name(),
		Attributes:             keyValues(sd.Attributes()),
		Events:                 spanEvents(sd.Events()),
		DroppedAttributesCount: clampUint32(sd.DroppedAttributes()),
		DroppedEventsCount:     clampUint32(sd.DroppedEvents()),
		DroppedLinksCount:      clampUint32(sd.DroppedLinks()),
	}
	parent := sd.Parent()
	if psid := parent.SpanID(); psid.IsValid() {
		s.ParentSpanId = psid[:]
	}
	s.Flags = spanFlags(sc.TraceFlags(), parent)
	return s
}

func spanStatus(c codes.Code, msg string) *tpb.Status {
	code := tpb.Status_STATUS_CODE_UNSET
	switch c {
	case codes.Ok:
		code = tpb.Status_STATUS_CODE_OK
	case codes.Error:
		code = tpb.Status_STATUS_CODE_ERROR
	}
	return &tpb.Status{Code: code, Message: msg}
}

func links(ls []sdktrace.Link) []*tpb.Span_Link {
	if len(ls) == 0 {
		return nil
	}
	out := make([]*tpb.Span_Link, 0, len(ls))
	for _, l := range ls {
		tid, sid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		out = append(out, &tpb.Span_Link{
			TraceId:                tid[:],
			SpanId:                 sid[:],
			Attributes:             keyValues(l.Attributes),
			DroppedAttributesCount: clampUint32(l.DroppedAttributeCount),
			Flags:                  spanFlags(l.SpanContext.TraceFlags(), l.SpanContext),
		})
	}
	return out
}

func spanFlags(tf trace.TraceFlags, parent trace.SpanContext) uint32 {
	// Lower 8 bits are the W3C trace flags; always say whether the parent is remote.
	flags := uint32(tf) | uint32(tpb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK)
	if parent.IsRemote() {
		flags |= uint32(tpb.SpanFlags_SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK)
	}
	return flags
}

func spanEvents(es []sdktrace.Event) []*tpb.Span_Event {
	if len(es) == 0 {
		return nil
	}
	out := make([]*tpb.Span_Event, len(es))
	for i := range es {
		out[i] = &tpb.Span_Event{
			Name:                   es[i].Name,
			TimeUnixNano:           timeUnixNano(es[i].Time),
			Attributes:             keyValues(es[i].Attributes),
			DroppedAttributesCount: clampUint32(es[i].DroppedAttributeCount),
		}
	}
	return out
}

func spanKind(k trace.SpanKind) tpb.Span_SpanKind {
	switch k {
	case trace.SpanKindInternal:
		return tpb.Span_SPAN_KIND_INTERNAL
	case trace.SpanKindClient:
		return tpb.Span_SPAN_KIND_CLIENT
	case trace.SpanKindServer:
		return tpb.Span_SPAN_KIND_SERVER
	case trace.SpanKindProducer:
		return tpb.Span_SPAN_KIND_PRODUCER
	case trace.SpanKindConsumer:
		return tpb.Span_SPAN_KIND_CONSUMER
	}
	return tpb.Span_SPAN_KIND_UNSPECIFIED
}

// ---- shared ----

// timeUnixNano is 0 for the zero time and any time before 1970.
func timeUnixNano(t time.Time) uint64 {
	return uint64(max(0, t.UnixNano()))
}

func clampUint32(v int) uint32 {
	return uint32(min(max(v, 0), math.MaxUint32))
}

// attrIter converts an attribute set (a resource, a scope's, a data
// point's). A set with invalid UTF-8 is sent repaired, as core.ValidUTF8
// does: the last line of defence for sets ccotel did not build (a host
// instrument's points, a host tracer's scope), since protobuf would refuse
// the whole request.
func attrIter(iter attribute.Iterator) []*cpb.KeyValue {
	if iter.Len() == 0 {
		return nil
	}
	out := make([]*cpb.KeyValue, 0, iter.Len())
	valid := true
	for iter.Next() {
		kv := iter.Attribute()
		valid = valid && utf8.ValidString(string(kv.Key)) && core.ValueValid(kv.Value)
		out = append(out, keyValue(kv))
	}
	if !valid {
		return keyValues(core.ValidUTF8(iter.ToSlice()))
	}
	return out
}

// validKeyValues returns kv, or a repaired copy (core.ValidUTF8) when it
// holds invalid UTF-8.
func validKeyValues(kv []attribute.KeyValue) []attribute.KeyValue {
	if core.KeyValuesValid(kv) {
		return kv
	}
	return core.ValidUTF8(slices.Clone(kv))
}

// validString returns s with U+FFFD for its invalid UTF-8; s itself, with
// no allocation, when it is valid.
func validString(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func keyValues(attrs []attribute.KeyValue) []*cpb.KeyValue {
	if len(attrs) == 0 {
		return nil
	}
	out := make([]*cpb.KeyValue, 0, len(attrs))
	for _, kv := range attrs {
		out = append(out, keyValue(kv))
	}
	return out
}

func keyValue(kv attribute.KeyValue) *cpb.KeyValue {
	return &cpb.KeyValue{Key: string(kv.Key), Value: anyValue(kv.Value)}
}

func anyValue(v attribute.Value) *cpb.AnyValue {
	av := new(cpb.AnyValue)
	switch v.Type() {
	case attribute.BOOL:
		av.Value = &cpb.AnyValue_BoolValue{BoolValue: v.AsBool()}
	case attribute.BOOLSLICE:
		av.Value = arrayOf(v.AsBoolSlice(), func(b bool) *cpb.AnyValue {
			return &cpb.AnyValue{Value: &cpb.AnyValue_BoolValue{BoolValue: b}}
		})
	case attribute.INT64:
		av.Value = &cpb.AnyValue_IntValue{IntValue: v.AsInt64()}
	case attribute.INT64SLICE:
		av.Value = arrayOf(v.AsInt64Slice(), func(i int64) *cpb.AnyValue {
			return &cpb.AnyValue{Value: &cpb.AnyValue_IntValue{IntValue: i}}
		})
	case attribute.FLOAT64:
		av.Value = &cpb.AnyValue_DoubleValue{DoubleValue: v.AsFloat64()}
	case attribute.FLOAT64SLICE:
		av.Value = arrayOf(v.AsFloat64Slice(), func(f float64) *cpb.AnyValue {
			return &cpb.AnyValue{Value: &cpb.AnyValue_DoubleValue{DoubleValue: f}}
		})
	case attribute.STRING:
		av.Value = &cpb.AnyValue_StringValue{StringValue: v.AsString()}
	case attribute.STRINGSLICE:
		av.Value = arrayOf(v.AsStringSlice(), func(s string) *cpb.AnyValue {
			return &cpb.AnyValue{Value: &cpb.AnyValue_StringValue{StringValue: s}}
		})
	case attribute.BYTESLICE:
		av.Value = &cpb.AnyValue_BytesValue{BytesValue: v.AsByteSlice()}
	case attribute.SLICE:
		av.Value = arrayOf(v.AsSlice(), anyValue)
	case attribute.MAP:
		av.Value = &cpb.AnyValue_KvlistValue{KvlistValue: &cpb.KeyValueList{Values: keyValues(v.AsMap())}}
	case attribute.EMPTY:
	default:
		av.Value = &cpb.AnyValue_StringValue{StringValue: "INVALID"}
	}
	return av
}

func arrayOf[T any](vals []T, conv func(T) *cpb.AnyValue) *cpb.AnyValue_ArrayValue {
	out := make([]*cpb.AnyValue, len(vals))
	for i, v := range vals {
		out[i] = conv(v)
	}
	return &cpb.AnyValue_ArrayValue{ArrayValue: &cpb.ArrayValue{Values: out}}
}
