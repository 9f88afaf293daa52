package otlpjson

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	cpb "go.opentelemetry.io/proto/otlp/common/v1"
	lpb "go.opentelemetry.io/proto/otlp/logs/v1"
	mpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	rpb "go.opentelemetry.io/proto/otlp/resource/v1"
	tpb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// The encoder below writes the three export requests straight from their
// Go structs, the way protojson would with UseEnumNumbers (fields in
// declaration order, zero values left out, set oneofs and optional fields
// always written, 64-bit integers as strings, floats as encoding/json
// formats them, NaN and infinities as strings, bytes as base64) except that
// trace and span ids are lowercase hex. Its output is compact JSON, byte for
// byte what protojson produces once its random spaces are removed
// (FuzzEncode checks it).

var errInvalidUTF8 = errors.New("otlpjson: string field contains invalid UTF-8")

// AppendMetrics appends req as OTLP/JSON to dst.
func AppendMetrics(dst []byte, req *colmetricpb.ExportMetricsServiceRequest) ([]byte, error) {
	e := enc{b: dst}
	s := e.open()
	e.list(&s, "resourceMetrics", len(req.GetResourceMetrics()), func(i int) { e.resourceMetrics(req.ResourceMetrics[i]) })
	e.close(s)
	return e.b, e.err
}

// AppendLogs appends req as OTLP/JSON to dst.
func AppendLogs(dst []byte, req *collogspb.ExportLogsServiceRequest) ([]byte, error) {
	e := enc{b: dst}
	s := e.open()
	e.list(&s, "resourceLogs", len(req.GetResourceLogs()), func(i int) { e.resourceLogs(req.ResourceLogs[i]) })
	e.close(s)
	return e.b, e.err
}

// AppendTraces appends req as OTLP/JSON to dst.
func AppendTraces(dst []byte, req *coltracepb.ExportTraceServiceRequest) ([]byte, error) {
	e := enc{b: dst}
	s := e.open()
	e.list(&s, "resourceSpans", len(req.GetResourceSpans()), func(i int) { e.resourceSpans(req.ResourceSpans[i]) })
	e.close(s)
	return e.b, e.err
}

type enc struct {
	b   []byte
	err error
}

// An object's separator is '{' before its first field and ',' after: open
// returns it, name writes and advances it, close ends the object.
func (e *enc) open() byte { return '{' }

func (e *enc) close(sep byte) {
	if sep == '{' {
		e.b = append(e.b, '{')
	}
	e.b = append(e.b, '}')
}

func (e *enc) name(sep *byte, n string) {
	e.b = append(e.b, *sep, '"')
	e.b = append(e.b, n...)
	e.b = append(e.b, '"', ':')
	*sep = ','
}

func (e *enc) list(sep *byte, n string, l int, elem func(int)) {
	if l == 0 {
		return
	}
	e.name(sep, n)
	e.b = append(e.b, '[')
	for i := range l {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		elem(i)
	}
	e.b = append(e.b, ']')
}

func (e *enc) str(sep *byte, n, v string) {
	if v != "" {
		e.name(sep, n)
		e.string(v)
	}
}

func (e *enc) u32(sep *byte, n string, v uint32) {
	if v != 0 {
		e.name(sep, n)
		e.b = strconv.AppendUint(e.b, uint64(v), 10)
	}
}

func (e *enc) i32(sep *byte, n string, v int32) {
	if v != 0 {
		e.name(sep, n)
		e.b = strconv.AppendInt(e.b, int64(v), 10)
	}
}

func (e *enc) u64(sep *byte, n string, v uint64) {
	if v != 0 {
		e.name(sep, n)
		e.quotedUint(v)
	}
}

func (e *enc) quotedUint(v uint64) {
	e.b = append(e.b, '"')
	e.b = strconv.AppendUint(e.b, v, 10)
	e.b = append(e.b, '"')
}

func (e *enc) quotedInt(v int64) {
	e.b = append(e.b, '"')
	e.b = strconv.AppendInt(e.b, v, 10)
	e.b = append(e.b, '"')
}

func (e *enc) f64(sep *byte, n string, v float64) {
	if math.Float64bits(v) != 0 { // -0 is set, as protobuf sees it
		e.name(sep, n)
		e.float(v)
	}
}

func (e *enc) boolean(sep *byte, n string, v bool) {
	if v {
		e.name(sep, n)
		e.b = append(e.b, "true"...)
	}
}

func (e *enc) id(sep *byte, n string, v []byte) {
	if len(v) > 0 {
		e.name(sep, n)
		e.b = append(e.b, '"')
		e.b = hex.AppendEncode(e.b, v)
		e.b = append(e.b, '"')
	}
}

// float formats as protojson does (itself after encoding/json).
func (e *enc) float(n float64) {
	switch {
	case math.IsNaN(n):
		e.b = append(e.b, `"NaN"`...)
		return
	case math.IsInf(n, 1):
		e.b = append(e.b, `"Infinity"`...)
		return
	case math.IsInf(n, -1):
		e.b = append(e.b, `"-Infinity"`...)
		return
	}
	f := byte('f')
	if abs := math.Abs(n); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		f = 'e'
	}
	e.b = strconv.AppendFloat(e.b, n, f, -1, 64)
	if f == 'e' {
		// clean up e-09 to e-9
		l := len(e.b)
		if l >= 4 && e.b[l-4] == 'e' && e.b[l-3] == '-' && e.b[l-2] == '0' {
			e.b[l-2] = e.b[l-1]
			e.b = e.b[:l-1]
		}
	}
}

// string escapes as protojson does: only '"', '\\' and control characters,
// short forms where JSON has them; invalid UTF-8 is an error.
func (e *enc) string(s string) {
	e.b = append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				if e.err == nil {
					e.err = errInvalidUTF8
				}
			}
			i += size
			continue
		}
		if c >= ' ' && c != '"' && c != '\\' {
			i++
			continue
		}
		e.b = append(e.b, s[start:i]...)
		e.b = append(e.b, '\\')
		switch c {
		case '"', '\\':
			e.b = append(e.b, c)
		case '\b':
			e.b = append(e.b, 'b')
		case '\f':
			e.b = append(e.b, 'f')
		case '\n':
			e.b = append(e.b, 'n')
		case '\r':
			e.b = append(e.b, 'r')
		case '\t':
			e.b = append(e.b, 't')
		default:
			e.b = append(e.b, 'u')
			e.b = append(e.b, "0000"[1+(bits.Len32(uint32(c))-1)/4:]...)
			e.b = strconv.AppendUint(e.b, uint64(c), 16)
		}
		i++
		start = i
	}
	e.b = append(e.b, s[start:]...)
	e.b = append(e.b, '"')
}

// ---- common ----

func (e *enc) resource(sep *byte, r *rpb.Resource) {
	if r == nil {
		return
	}
	e.name(sep, "resource")
	s := e.open()
	e.keyValues(&s, "attributes", r.Attributes)
	e.u32(&s, "droppedAttributesCount", r.DroppedAttributesCount)
	e.list(&s, "entityRefs", len(r.EntityRefs), func(i int) { e.entityRef(r.EntityRefs[i]) })
	e.close(s)
}

func (e *enc) entityRef(r *cpb.EntityRef) {
	s := e.open()
	if r != nil {
		e.str(&s, "schemaUrl", r.SchemaUrl)
		e.str(&s, "type", r.Type)
		e.list(&s, "idKeys", len(r.IdKeys), func(i int) { e.string(r.IdKeys[i]) })
		e.list(&s, "descriptionKeys", len(r.DescriptionKeys), func(i int) { e.string(r.DescriptionKeys[i]) })
	}
	e.close(s)
}

func (e *enc) scope(sep *byte, sc *cpb.InstrumentationScope) {
	if sc == nil {
		return
	}
	e.name(sep, "scope")
	s := e.open()
	e.str(&s, "name", sc.Name)
	e.str(&s, "version", sc.Version)
	e.keyValues(&s, "attributes", sc.Attributes)
	e.u32(&s, "droppedAttributesCount", sc.DroppedAttributesCount)
	e.close(s)
}

func (e *enc) keyValues(sep *byte, n string, kvs []*cpb.KeyValue) {
	e.list(sep, n, len(kvs), func(i int) { e.keyValue(kvs[i]) })
}

func (e *enc) keyValue(kv *cpb.KeyValue) {
	s := e.open()
	if kv != nil {
		e.str(&s, "key", kv.Key)
		if kv.Value != nil {
			e.name(&s, "value")
			e.anyValue(kv.Value)
		}
		e.i32(&s, "keyStrindex", kv.KeyStrindex)
	}
	e.close(s)
}

func (e *enc) anyValue(v *cpb.AnyValue) {
	s := e.open()
	switch v := v.GetValue().(type) {
	case *cpb.AnyValue_StringValue:
		e.name(&s, "stringValue")
		e.string(v.StringValue)
	case *cpb.AnyValue_BoolValue:
		e.name(&s, "boolValue")
		e.b = strconv.AppendBool(e.b, v.BoolValue)
	case *cpb.AnyValue_IntValue:
		e.name(&s, "intValue")
		e.quotedInt(v.IntValue)
	case *cpb.AnyValue_DoubleValue:
		e.name(&s, "doubleValue")
		e.float(v.DoubleValue)
	case *cpb.AnyValue_ArrayValue:
		e.name(&s, "arrayValue")
		a := e.open()
		e.list(&a, "values", len(v.ArrayValue.GetValues()), func(i int) { e.anyValue(v.ArrayValue.Values[i]) })
		e.close(a)
	case *cpb.AnyValue_KvlistValue:
		e.name(&s, "kvlistValue")
		l := e.open()
		e.keyValues(&l, "values", v.KvlistValue.GetValues())
		e.close(l)
	case *cpb.AnyValue_BytesValue:
		e.name(&s, "bytesValue")
		e.b = append(e.b, '"')
		e.b = base64.StdEncoding.AppendEncode(e.b, v.BytesValue)
		e.b = append(e.b, '"')
	case *cpb.AnyValue_StringValueStrindex:
		e.name(&s, "stringValueStrindex")
		e.b = strconv.AppendInt(e.b, int64(v.StringValueStrindex), 10)
	}
	e.close(s)
}

// ---- logs ----

func (e *enc) resourceLogs(rl *lpb.ResourceLogs) {
	s := e.open()
	if rl != nil {
		e.resource(&s, rl.Resource)
		e.list(&s, "scopeLogs", len(rl.ScopeLogs), func(i int) { e.scopeLogs(rl.ScopeLogs[i]) })
		e.str(&s, "schemaUrl", rl.SchemaUrl)
	}
	e.close(s)
}

func (e *enc) scopeLogs(sl *lpb.ScopeLogs) {
	s := e.open()
	if sl != nil {
		e.scope(&s, sl.Scope)
		e.list(&s, "logRecords", len(sl.LogRecords), func(i int) { e.logRecord(sl.LogRecords[i]) })
		e.str(&s, "schemaUrl", sl.SchemaUrl)
	}
	e.close(s)
}

func (e *enc) logRecord(r *lpb.LogRecord) {
	s := e.open()
	if r != nil {
		e.u64(&s, "timeUnixNano", r.TimeUnixNano)
		e.u64(&s, "observedTimeUnixNano", r.ObservedTimeUnixNano)
		e.i32(&s, "severityNumber", int32(r.SeverityNumber))
		e.str(&s, "severityText", r.SeverityText)
		if r.Body != nil {
			e.name(&s, "body")
			e.anyValue(r.Body)
		}
		e.keyValues(&s, "attributes", r.Attributes)
		e.u32(&s, "droppedAttributesCount", r.DroppedAttributesCount)
		e.u32(&s, "flags", r.Flags)
		e.id(&s, "traceId", r.TraceId)
		e.id(&s, "spanId", r.SpanId)
		e.str(&s, "eventName", r.EventName)
	}
	e.close(s)
}

// ---- traces ----

func (e *enc) resourceSpans(rs *tpb.ResourceSpans) {
	s := e.open()
	if rs != nil {
		e.resource(&s, rs.Resource)
		e.list(&s, "scopeSpans", len(rs.ScopeSpans), func(i int) { e.scopeSpans(rs.ScopeSpans[i]) })
		e.str(&s, "schemaUrl", rs.SchemaUrl)
	}
	e.close(s)
}

func (e *enc) scopeSpans(ss *tpb.ScopeSpans) {
	s := e.open()
	if ss != nil {
		e.scope(&s, ss.Scope)
		e.list(&s, "spans", len(ss.Spans), func(i int) { e.span(ss.Spans[i]) })
		e.str(&s, "schemaUrl", ss.SchemaUrl)
	}
	e.close(s)
}

func (e *enc) span(sp *tpb.Span) {
	s := e.open()
	if sp != nil {
		e.id(&s, "traceId", sp.TraceId)
		e.id(&s, "spanId", sp.SpanId)
		e.str(&s, "traceState", sp.TraceState)
		e.id(&s, "parentSpanId", sp.ParentSpanId)
		e.u32(&s, "flags", sp.Flags)
		e.str(&s, "name", sp.Name)
		e.i32(&s, "kind", int32(sp.Kind))
		e.u64(&s, "startTimeUnixNano", sp.StartTimeUnixNano)
		e.u64(&s, "endTimeUnixNano", sp.EndTimeUnixNano)
		e.keyValues(&s, "attributes", sp.Attributes)
		e.u32(&s, "droppedAttributesCount", sp.DroppedAttributesCount)
		e.list(&s, "events", len(sp.Events), func(i int) { e.event(sp.Events[i]) })
		e.u32(&s, "droppedEventsCount", sp.DroppedEventsCount)
		e.list(&s, "links", len(sp.Links), func(i int) { e.link(sp.Links[i]) })
		e.u32(&s, "droppedLinksCount", sp.DroppedLinksCount)
		if sp.Status != nil {
			e.name(&s, "status")
			st := e.open()
			e.str(&st, "message", sp.Status.Message)
			e.i32(&st, "code", int32(sp.Status.Code))
			e.close(st)
		}
	}
	e.close(s)
}

func (e *enc) event(ev *tpb.Span_Event) {
	s := e.open()
	if ev != nil {
		e.u64(&s, "timeUnixNano", ev.TimeUnixNano)
		e.str(&s, "name", ev.Name)
		e.keyValues(&s, "attributes", ev.Attributes)
		e.u32(&s, "droppedAttributesCount", ev.DroppedAttributesCount)
	}
	e.close(s)
}

func (e *enc) link(l *tpb.Span_Link) {
	s := e.open()
	if l != nil {
		e.id(&s, "traceId", l.TraceId)
		e.id(&s, "spanId", l.SpanId)
		e.str(&s, "traceState", l.TraceState)
		e.keyValues(&s, "attributes", l.Attributes)
		e.u32(&s, "droppedAttributesCount", l.DroppedAttributesCount)
		e.u32(&s, "flags", l.Flags)
	}
	e.close(s)
}

// ---- metrics ----

func (e *enc) resourceMetrics(rm *mpb.ResourceMetrics) {
	s := e.open()
	if rm != nil {
		e.resource(&s, rm.Resource)
		e.list(&s, "scopeMetrics", len(rm.ScopeMetrics), func(i int) { e.scopeMetrics(rm.ScopeMetrics[i]) })
		e.str(&s, "schemaUrl", rm.SchemaUrl)
	}
	e.close(s)
}

func (e *enc) scopeMetrics(sm *mpb.ScopeMetrics) {
	s := e.open()
	if sm != nil {
		e.scope(&s, sm.Scope)
		e.list(&s, "metrics", len(sm.Metrics), func(i int) { e.metric(sm.Metrics[i]) })
		e.str(&s, "schemaUrl", sm.SchemaUrl)
	}
	e.close(s)
}

func (e *enc) metric(m *mpb.Metric) {
	s := e.open()
	if m != nil {
		e.str(&s, "name", m.Name)
		e.str(&s, "description", m.Description)
		e.str(&s, "unit", m.Unit)
		switch d := m.Data.(type) {
		case *mpb.Metric_Gauge:
			e.name(&s, "gauge")
			g := e.open()
			e.list(&g, "dataPoints", len(d.Gauge.GetDataPoints()), func(i int) { e.numberPoint(d.Gauge.DataPoints[i]) })
			e.close(g)
		case *mpb.Metric_Sum:
			e.name(&s, "sum")
			g := e.open()
			e.list(&g, "dataPoints", len(d.Sum.GetDataPoints()), func(i int) { e.numberPoint(d.Sum.DataPoints[i]) })
			e.i32(&g, "aggregationTemporality", int32(d.Sum.GetAggregationTemporality()))
			e.boolean(&g, "isMonotonic", d.Sum.GetIsMonotonic())
			e.close(g)
		case *mpb.Metric_Histogram:
			e.name(&s, "histogram")
			g := e.open()
			e.list(&g, "dataPoints", len(d.Histogram.GetDataPoints()), func(i int) { e.histogramPoint(d.Histogram.DataPoints[i]) })
			e.i32(&g, "aggregationTemporality", int32(d.Histogram.GetAggregationTemporality()))
			e.close(g)
		case *mpb.Metric_ExponentialHistogram:
			e.name(&s, "exponentialHistogram")
			g := e.open()
			e.list(&g, "dataPoints", len(d.ExponentialHistogram.GetDataPoints()), func(i int) { e.expHistogramPoint(d.ExponentialHistogram.DataPoints[i]) })
			e.i32(&g, "aggregationTemporality", int32(d.ExponentialHistogram.GetAggregationTemporality()))
			e.close(g)
		case *mpb.Metric_Summary:
			e.name(&s, "summary")
			g := e.open()
			e.list(&g, "dataPoints", len(d.Summary.GetDataPoints()), func(i int) { e.summaryPoint(d.Summary.DataPoints[i]) })
			e.close(g)
		}
		e.keyValues(&s, "metadata", m.Metadata)
	}
	e.close(s)
}

func (e *enc) numberPoint(p *mpb.NumberDataPoint) {
	s := e.open()
	if p != nil {
		e.keyValues(&s, "attributes", p.Attributes)
		e.u64(&s, "startTimeUnixNano", p.StartTimeUnixNano)
		e.u64(&s, "timeUnixNano", p.TimeUnixNano)
		switch v := p.Value.(type) {
		case *mpb.NumberDataPoint_AsDouble:
			e.name(&s, "asDouble")
			e.float(v.AsDouble)
		case *mpb.NumberDataPoint_AsInt:
			e.name(&s, "asInt")
			e.quotedInt(v.AsInt)
		}
		e.list(&s, "exemplars", len(p.Exemplars), func(i int) { e.exemplar(p.Exemplars[i]) })
		e.u32(&s, "flags", p.Flags)
	}
	e.close(s)
}

func (e *enc) exemplar(x *mpb.Exemplar) {
	s := e.open()
	if x != nil {
		e.keyValues(&s, "filteredAttributes", x.FilteredAttributes)
		e.u64(&s, "timeUnixNano", x.TimeUnixNano)
		switch v := x.Value.(type) {
		case *mpb.Exemplar_AsDouble:
			e.name(&s, "asDouble")
			e.float(v.AsDouble)
		case *mpb.Exemplar_AsInt:
			e.name(&s, "asInt")
			e.quotedInt(v.AsInt)
		}
		e.id(&s, "spanId", x.SpanId)
		e.id(&s, "traceId", x.TraceId)
	}
	e.close(s)
}

func (e *enc) optFloat(sep *byte, n string, v *float64) {
	if v != nil {
		e.name(sep, n)
		e.float(*v)
	}
}

func (e *enc) uints(sep *byte, n string, v []uint64) {
	e.list(sep, n, len(v), func(i int) { e.quotedUint(v[i]) })
}

func (e *enc) histogramPoint(p *mpb.HistogramDataPoint) {
	s := e.open()
	if p != nil {
		e.keyValues(&s, "attributes", p.Attributes)
		e.u64(&s, "startTimeUnixNano", p.StartTimeUnixNano)
		e.u64(&s, "timeUnixNano", p.TimeUnixNano)
		e.u64(&s, "count", p.Count)
		e.optFloat(&s, "sum", p.Sum)
		e.uints(&s, "bucketCounts", p.BucketCounts)
		e.list(&s, "explicitBounds", len(p.ExplicitBounds), func(i int) { e.float(p.ExplicitBounds[i]) })
		e.list(&s, "exemplars", len(p.Exemplars), func(i int) { e.exemplar(p.Exemplars[i]) })
		e.u32(&s, "flags", p.Flags)
		e.optFloat(&s, "min", p.Min)
		e.optFloat(&s, "max", p.Max)
	}
	e.close(s)
}

func (e *enc) buckets(sep *byte, n string, b *mpb.ExponentialHistogramDataPoint_Buckets) {
	if b == nil {
		return
	}
	e.name(sep, n)
	s := e.open()
	e.i32(&s, "offset", b.Offset)
	e.uints(&s, "bucketCounts", b.BucketCounts)
	e.close(s)
}

func (e *enc) expHistogramPoint(p *mpb.ExponentialHistogramDataPoint) {
	s := e.open()
	if p != nil {
		e.keyValues(&s, "attributes", p.Attributes)
		e.u64(&s, "startTimeUnixNano", p.StartTimeUnixNano)
		e.u64(&s, "timeUnixNano", p.TimeUnixNano)
		e.u64(&s, "count", p.Count)
		e.optFloat(&s, "sum", p.Sum)
		e.i32(&s, "scale", p.Scale)
		e.u64(&s, "zeroCount", p.ZeroCount)
		e.buckets(&s, "positive", p.Positive)
		e.buckets(&s, "negative", p.Negative)
		e.u32(&s, "flags", p.Flags)
		e.list(&s, "exemplars", len(p.Exemplars), func(i int) { e.exemplar(p.Exemplars[i]) })
		e.optFloat(&s, "min", p.Min)
		e.optFloat(&s, "max", p.Max)
		e.f64(&s, "zeroThreshold", p.ZeroThreshold)
	}
	e.close(s)
}

func (e *enc) summaryPoint(p *mpb.SummaryDataPoint) {
	s := e.open()
	if p != nil {
		e.keyValues(&s, "attributes", p.Attributes)
		e.u64(&s, "startTimeUnixNano", p.StartTimeUnixNano)
		e.u64(&s, "timeUnixNano", p.TimeUnixNano)
		e.u64(&s, "count", p.Count)
		e.f64(&s, "sum", p.Sum)
		e.list(&s, "quantileValues", len(p.QuantileValues), func(i int) {
			q := p.QuantileValues[i]
			qs := e.open()
			if q != nil {
				e.f64(&qs, "quantile", q.Quantile)
				e.f64(&qs, "value", q.Value)
			}
			e.close(qs)
		})
		e.u32(&s, "flags", p.Flags)
	}
	e.close(s)
}
