package conformance

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ccotel/ccotel/internal/otlptest"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// AppVersionVar stands for the application's version in a Shape.
const AppVersionVar = "$APP_VERSION"

// Attr is an attribute as compared: its key, its OTLP value type and, as
// the value rules allow, its value (a quoted literal, a <class>, or empty).
type Attr struct {
	Key, Type, Value string
}

func (a Attr) String() string {
	if a.Value == "" {
		return a.Key + ":" + a.Type
	}
	return a.Key + ":" + a.Type + "=" + a.Value
}

// Field is a named property of a record other than its attributes (unit,
// temporality, span kind, parent span...).
type Field struct {
	Name, Value string
}

// Record is one normalised data point, log record, span or envelope.
type Record struct {
	Fields []Field
	// Standard is the leading block of standard attributes of a log record
	// or span; empty for metric points, whose attributes are a set.
	Standard []Attr
	// Attrs are the remaining attributes: in emission order for log records
	// and spans, sorted by key for metric points.
	Attrs []Attr
}

func (r Record) field(name string) (string, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

func (r Record) String() string {
	var b strings.Builder
	for i, f := range r.Fields {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%s", f.Name, f.Value)
	}
	if len(r.Standard) > 0 {
		fmt.Fprintf(&b, " standard=%v", r.Standard)
	}
	if len(r.Attrs) > 0 {
		fmt.Fprintf(&b, " attrs=%v", r.Attrs)
	}
	return strings.TrimSpace(b.String())
}

// Group holds the records compared against each other: all api_request log
// records, all points of claude_code.token.usage, all llm_request spans.
type Group struct {
	Name string
	// Multiset counts duplicates (two api_request events must stay two).
	// Metric points and envelopes are sets instead: how many exports carry
	// a series depends on timing and batching, not on the emitter.
	Multiset bool
	// Ordered compares attribute order (logs, spans, resources). Metric
	// attributes are sorted by the Go SDK, so their order cannot be compared.
	Ordered bool
	Records []Record
}

// Telemetry is the normalised description of a set of OTLP requests.
type Telemetry struct {
	AppVersion string // the value replaced by $APP_VERSION
	Groups     map[string]*Group
}

// GroupNames returns the group names in a stable order.
func (t *Telemetry) GroupNames() []string {
	names := make([]string, 0, len(t.Groups))
	for n := range t.Groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// String prints every group, for debugging a failing comparison.
func (t *Telemetry) String() string {
	var b strings.Builder
	for _, n := range t.GroupNames() {
		g := t.Groups[n]
		fmt.Fprintf(&b, "%s (%d)\n", n, len(g.Records))
		for _, r := range g.Records {
			fmt.Fprintf(&b, "  %s\n", r)
		}
	}
	return b.String()
}

// ShapeOption adjusts Shape.
type ShapeOption func(*shaper)

// WithAppVersion sets the version that stands for $APP_VERSION. By default
// it is the service.version of the first resource.
func WithAppVersion(v string) ShapeOption { return func(s *shaper) { s.appVersion = v } }

// WithValueRule overrides the value rule of one attribute key, for a replay
// that has a reason to compare more or less of a value.
func WithValueRule(key string, r ValueRule) ShapeOption {
	return func(s *shaper) { s.rules[key] = r }
}

type shaper struct {
	appVersion string
	rules      map[string]ValueRule
	t          *Telemetry
	series     map[string]*series // by group and shaped attributes, in first-seen order
	order      []string
}

// series gathers the points of one metric series across requests.
type series struct {
	group  string
	fields []Field
	attrs  []Attr
	values bool // compare the total
	delta  bool
	points []point
}

type point struct {
	start, end uint64
	value      float64
}

// Shape normalises requests into a Telemetry: what consumers depend on is
// kept, what legitimately varies between runs is dropped or classed (see
// ResourceRules, AttributeRules and doc.go).
func Shape(reqs []Request, opts ...ShapeOption) (*Telemetry, error) {
	s := &shaper{rules: map[string]ValueRule{}, t: &Telemetry{Groups: map[string]*Group{}}, series: map[string]*series{}}
	for k, v := range AttributeRules {
		s.rules[k] = v
	}
	s.appVersion = detectAppVersion(reqs)
	for _, o := range opts {
		o(s)
	}
	s.t.AppVersion = s.appVersion

	spanNames := map[string]string{} // span id (hex) -> name, over all requests
	for _, r := range reqs {
		if r.Traces == nil {
			continue
		}
		for _, rs := range r.Traces.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					spanNames[hex.EncodeToString(sp.SpanId)] = sp.Name
				}
			}
		}
	}

	var seq seqTracker
	for i, r := range reqs {
		var err error
		switch {
		case r.Metrics != nil:
			err = s.metrics(r)
		case r.Logs != nil:
			err = s.logs(r, spanNames, &seq)
		case r.Traces != nil:
			err = s.traces(r, spanNames)
		default:
			err = fmt.Errorf("request %d (%s) has no body", i, r.Signal)
		}
		if err != nil {
			return nil, fmt.Errorf("conformance: %s: %w", requestName(i, r), err)
		}
	}
	s.seriesRecords()
	s.firstStarts()
	if seq.n > 0 {
		s.add("logs.sequence", false, false, Record{Fields: []Field{
			{"event.sequence", seq.verdict()},
			{"event order", strings.Join(seq.order(), ", ")},
		}})
	}
	return s.t, nil
}

func requestName(i int, r Request) string {
	if r.File != "" {
		return r.File
	}
	return fmt.Sprintf("request %d (%s)", i, r.Signal)
}

func detectAppVersion(reqs []Request) string {
	for _, r := range reqs {
		var res *resourcepb.Resource
		switch {
		case r.Metrics != nil && len(r.Metrics.ResourceMetrics) > 0:
			res = r.Metrics.ResourceMetrics[0].Resource
		case r.Logs != nil && len(r.Logs.ResourceLogs) > 0:
			res = r.Logs.ResourceLogs[0].Resource
		case r.Traces != nil && len(r.Traces.ResourceSpans) > 0:
			res = r.Traces.ResourceSpans[0].Resource
		}
		for _, kv := range res.GetAttributes() {
			if kv.Key == "service.version" {
				return kv.Value.GetStringValue()
			}
		}
	}
	return ""
}

func (s *shaper) add(group string, multiset, ordered bool, r Record) {
	g := s.t.Groups[group]
	if g == nil {
		g = &Group{Name: group, Multiset: multiset, Ordered: ordered}
		s.t.Groups[group] = g
	}
	g.Records = append(g.Records, r)
}

// envelope records how many resources and scopes a request carries and
// shapes each resource and scope. Claude Code sends one of each per request.
func (s *shaper) envelope(sig Signal, res []*resourcepb.Resource, scopes []*commonpb.InstrumentationScope) map[string]ValueRule {
	s.add("envelope["+string(sig)+"]", false, false, Record{Fields: []Field{
		{"resources", strconv.Itoa(len(res))},
		{"scopes", strconv.Itoa(len(scopes))},
	}})
	copied := map[string]ValueRule{}
	for _, r := range res {
		var attrs []Attr
		for _, kv := range r.GetAttributes() {
			rule, ok := ResourceRules[kv.Key]
			if !ok {
				rule = Keep
			}
			copied[kv.Key] = rule
			attrs = append(attrs, s.attr(kv, rule))
		}
		s.add("resource["+string(sig)+"]", false, true, Record{Attrs: attrs})
	}
	for _, sc := range scopes {
		s.add("scope["+string(sig)+"]", false, false, Record{Fields: []Field{
			{"name", strconv.Quote(sc.GetName())},
			{"version", s.version(sc.GetVersion())},
		}})
	}
	return copied
}

func (s *shaper) version(v string) string {
	if s.appVersion != "" && v == s.appVersion {
		return AppVersionVar
	}
	return strconv.Quote(v)
}

// rule picks the value rule of a record attribute: the explicit table, then
// the resource attribute it copies, then the default for its type.
func (s *shaper) rule(key string, copied map[string]ValueRule, v *commonpb.AnyValue) ValueRule {
	if r, ok := s.rules[key]; ok {
		return r
	}
	if r, ok := copied[key]; ok {
		return r
	}
	switch v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return Class
	case *commonpb.AnyValue_BoolValue:
		return Keep
	}
	return TypeOnly
}

func (s *shaper) attrs(kvs []*commonpb.KeyValue, copied map[string]ValueRule) []Attr {
	out := make([]Attr, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, s.attr(kv, s.rule(kv.Key, copied, kv.Value)))
	}
	return out
}

func (s *shaper) attr(kv *commonpb.KeyValue, rule ValueRule) Attr {
	typ, val := s.value(kv.Value, rule)
	return Attr{Key: kv.Key, Type: typ, Value: val}
}

func (s *shaper) value(v *commonpb.AnyValue, rule ValueRule) (typ, val string) {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		str := x.StringValue
		switch rule {
		case Keep:
			return "string", strconv.Quote(str)
		case TypeOnly:
			return "string", ""
		case AppVersion:
			return "string", s.version(str)
		case Redacted:
			if str == "<REDACTED>" {
				return "string", strconv.Quote(str)
			}
		case GoArch:
			if goArchs[str] {
				return "string", "<goarch>"
			}
			return "string", strconv.Quote(str)
		}
		return "string", classify(str)
	case *commonpb.AnyValue_BoolValue:
		if rule == TypeOnly {
			return "bool", ""
		}
		return "bool", strconv.FormatBool(x.BoolValue)
	case *commonpb.AnyValue_IntValue:
		if rule == Keep {
			return "int", strconv.FormatInt(x.IntValue, 10)
		}
		return "int", ""
	case *commonpb.AnyValue_DoubleValue:
		if rule == Keep {
			return "double", strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
		}
		return "double", ""
	case *commonpb.AnyValue_ArrayValue:
		// Element types are always kept (an array of strings is not an
		// array of ints); element values only under Keep.
		parts := []string{}
		seen := map[string]bool{}
		for _, e := range x.ArrayValue.GetValues() {
			et, ev := s.value(e, rule)
			p := et
			if rule == Keep && ev != "" {
				p = ev
			}
			if rule != Keep && seen[p] {
				continue
			}
			seen[p] = true
			parts = append(parts, p)
		}
		return "array", "[" + strings.Join(parts, ",") + "]"
	case *commonpb.AnyValue_KvlistValue:
		keys := []string{}
		for _, kv := range x.KvlistValue.GetValues() {
			keys = append(keys, kv.Key)
		}
		return "kvlist", "{" + strings.Join(keys, ",") + "}"
	case *commonpb.AnyValue_BytesValue:
		return "bytes", ""
	}
	return "empty", ""
}

// splitStandard cuts the leading standard block (standard keys and copies of
// resource attributes) from a record's own attributes.
func splitStandard(attrs []Attr, copied map[string]ValueRule) (std, own []Attr) {
	i := 0
	for i < len(attrs) {
		if _, res := copied[attrs[i].Key]; !res && !isStandardKey(attrs[i].Key) {
			break
		}
		i++
	}
	return attrs[:i], attrs[i:]
}

func (s *shaper) metrics(r Request) error {
	var res []*resourcepb.Resource
	var scopes []*commonpb.InstrumentationScope
	for _, rm := range r.Metrics.ResourceMetrics {
		res = append(res, rm.Resource)
		for _, sm := range rm.ScopeMetrics {
			scopes = append(scopes, sm.Scope)
		}
	}
	copied := s.envelope(otlptest.Metrics, res, scopes)
	for _, rm := range r.Metrics.ResourceMetrics {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if err := s.metric(m, copied); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (s *shaper) metric(m *metricspb.Metric, copied map[string]ValueRule) error {
	fields := []Field{
		{"description", strconv.Quote(m.Description)},
		{"unit", strconv.Quote(m.Unit)},
	}
	type raw struct {
		attrs []*commonpb.KeyValue
		typ   string
		point
	}
	var points []raw
	delta := false
	switch d := m.Data.(type) {
	case *metricspb.Metric_Sum:
		fields = append(fields, Field{"kind", "sum"},
			Field{"monotonic", strconv.FormatBool(d.Sum.IsMonotonic)},
			Field{"temporality", temporality(d.Sum.AggregationTemporality)})
		delta = d.Sum.AggregationTemporality == metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA
		for _, p := range d.Sum.DataPoints {
			points = append(points, raw{p.Attributes, numberType(p), point{p.StartTimeUnixNano, p.TimeUnixNano, numberValue(p)}})
		}
	case *metricspb.Metric_Gauge:
		fields = append(fields, Field{"kind", "gauge"})
		for _, p := range d.Gauge.DataPoints {
			points = append(points, raw{p.Attributes, numberType(p), point{p.StartTimeUnixNano, p.TimeUnixNano, numberValue(p)}})
		}
	case *metricspb.Metric_Histogram:
		fields = append(fields, Field{"kind", "histogram"},
			Field{"temporality", temporality(d.Histogram.AggregationTemporality)})
		delta = d.Histogram.AggregationTemporality == metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA
		for _, p := range d.Histogram.DataPoints {
			points = append(points, raw{p.Attributes, "histogram", point{p.StartTimeUnixNano, p.TimeUnixNano, p.GetSum()}})
		}
	case *metricspb.Metric_ExponentialHistogram:
		fields = append(fields, Field{"kind", "exponential_histogram"},
			Field{"temporality", temporality(d.ExponentialHistogram.AggregationTemporality)})
		for _, p := range d.ExponentialHistogram.DataPoints {
			points = append(points, raw{p.Attributes, "exponential_histogram", point{p.StartTimeUnixNano, p.TimeUnixNano, p.GetSum()}})
		}
	case *metricspb.Metric_Summary:
		fields = append(fields, Field{"kind", "summary"})
		for _, p := range d.Summary.DataPoints {
			points = append(points, raw{p.Attributes, "summary", point{p.StartTimeUnixNano, p.TimeUnixNano, p.GetSum()}})
		}
	default:
		return fmt.Errorf("metric %s has no data", m.Name)
	}
	group := "metrics[" + m.Name + "]"
	for _, p := range points {
		attrs := s.attrs(p.attrs, copied)
		sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].Key < attrs[j].Key })
		f := append(append([]Field(nil), fields...), Field{"value", p.typ})
		key := group + " " + Record{Fields: f, Attrs: attrs}.String()
		sr := s.series[key]
		if sr == nil {
			sr = &series{group: group, fields: f, attrs: attrs, values: !MeasuredMetrics[m.Name], delta: delta}
			s.series[key] = sr
			s.order = append(s.order, key)
		}
		sr.points = append(sr.points, p.point)
	}
	if len(points) == 0 {
		s.add(group, false, false, Record{Fields: fields})
	}
	return nil
}

// MeasuredMetrics are the metrics whose values come from a clock: their
// totals are not compared, their points and start times are.
var MeasuredMetrics = map[string]bool{"claude_code.active_time.total": true}

// seriesRecords adds one record per metric series: its points' shape, how
// many points it had, its total (the sum of a delta series, the last value
// of a cumulative one) and whether its start times follow Claude Code's
// rules (startRule).
func (s *shaper) seriesRecords() {
	for _, key := range s.order {
		sr := s.series[key]
		sort.SliceStable(sr.points, func(i, j int) bool { return sr.points[i].end < sr.points[j].end })
		f := append(append([]Field(nil), sr.fields...), Field{"points", strconv.Itoa(len(sr.points))})
		if sr.values {
			total := sr.points[len(sr.points)-1].value
			if sr.delta {
				total = 0
				for _, p := range sr.points {
					total += p.value
				}
			}
			// 12 significant digits: a sum of the same values in another
			// order may differ in the last bits.
			f = append(f, Field{"total", strconv.FormatFloat(total, 'g', 12, 64)})
		}
		f = append(f, Field{"start", startRule(sr)})
		s.add(sr.group, false, false, Record{Fields: f, Attrs: sr.attrs})
	}
}

// startRule describes a series' start times as Claude Code (OpenTelemetry
// JS) sets them: a delta point starts at the first measurement of its
// interval, so consecutive points never touch ("apart"); a cumulative
// series keeps the start of its first measurement ("one start").
func startRule(sr *series) string {
	if len(sr.points) < 2 {
		return "-"
	}
	first := sr.points[0].start
	ok := true
	for i := 1; i < len(sr.points); i++ {
		p, prev := sr.points[i], sr.points[i-1]
		if sr.delta && p.start <= prev.end || !sr.delta && p.start != first {
			ok = false
		}
	}
	switch {
	case sr.delta && ok:
		return "apart"
	case sr.delta:
		return "touching"
	case ok:
		return "one start"
	}
	return "restarted"
}

// firstStarts says whether the series start at their own first
// measurements, as Claude Code's do, or all at one instant, as the Go SDK's
// first collection starts every series at the reader's creation.
func (s *shaper) firstStarts() {
	distinct := map[uint64]bool{}
	for _, sr := range s.series {
		distinct[sr.points[0].start] = true
	}
	if len(s.series) < 2 {
		return
	}
	v := "per series"
	if len(distinct) == 1 {
		v = "one for all series"
	}
	s.add("metrics.start", false, false, Record{Fields: []Field{{"first starts", v}}})
}

func numberValue(p *metricspb.NumberDataPoint) float64 {
	switch v := p.Value.(type) {
	case *metricspb.NumberDataPoint_AsDouble:
		return v.AsDouble
	case *metricspb.NumberDataPoint_AsInt:
		return float64(v.AsInt)
	}
	return 0
}

func numberType(p *metricspb.NumberDataPoint) string {
	switch p.Value.(type) {
	case *metricspb.NumberDataPoint_AsDouble:
		return "double"
	case *metricspb.NumberDataPoint_AsInt:
		return "int"
	}
	return "none"
}

func temporality(t metricspb.AggregationTemporality) string {
	switch t {
	case metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA:
		return "delta"
	case metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE:
		return "cumulative"
	}
	return "unspecified"
}

func (s *shaper) logs(r Request, spanNames map[string]string, seq *seqTracker) error {
	var res []*resourcepb.Resource
	var scopes []*commonpb.InstrumentationScope
	for _, rl := range r.Logs.ResourceLogs {
		res = append(res, rl.Resource)
		for _, sl := range rl.ScopeLogs {
			scopes = append(scopes, sl.Scope)
		}
	}
	copied := s.envelope(otlptest.Logs, res, scopes)
	seq.startRequest()
	for _, rl := range r.Logs.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			for _, lr := range sl.LogRecords {
				s.logRecord(lr, copied, spanNames, seq)
			}
		}
	}
	return nil
}

func (s *shaper) logRecord(lr *logspb.LogRecord, copied map[string]ValueRule, spanNames map[string]string, seq *seqTracker) {
	name := ""
	for _, kv := range lr.Attributes {
		switch kv.Key {
		case "event.name":
			name = kv.Value.GetStringValue()
		case "event.sequence":
			if iv, ok := kv.Value.GetValue().(*commonpb.AnyValue_IntValue); ok {
				seq.add(iv.IntValue, name)
			} else {
				seq.bad(name)
			}
		}
	}
	if name == "" {
		name = lr.Body.GetStringValue()
	}
	bodyType, body := s.value(lr.Body, Keep)
	trace := "none"
	switch {
	case len(lr.TraceId) > 0 && len(lr.SpanId) > 0:
		trace = "traceId+spanId"
	case len(lr.TraceId) > 0:
		trace = "traceId only"
	case len(lr.SpanId) > 0:
		trace = "spanId only"
	}
	fields := []Field{
		{"body", bodyType + "=" + body},
		{"eventName", strconv.Quote(lr.EventName)},
		{"severity", fmt.Sprintf("%d/%q", lr.SeverityNumber, lr.SeverityText)},
		{"trace", trace},
		{"flags", strconv.FormatUint(uint64(lr.Flags), 10)},
		{"span", spanName(lr.SpanId, spanNames)},
	}
	std, own := splitStandard(s.attrs(lr.Attributes, copied), copied)
	s.add("logs["+name+"]", true, true, Record{Fields: fields, Standard: std, Attrs: own})
}

// spanName names the span a log record or span refers to. Records are
// matched across requests because a span may be exported later than the
// records emitted inside it.
func spanName(id []byte, names map[string]string) string {
	if len(id) == 0 {
		return "(none)"
	}
	if n, ok := names[hex.EncodeToString(id)]; ok {
		return n
	}
	return "(not exported)"
}

func (s *shaper) traces(r Request, spanNames map[string]string) error {
	var res []*resourcepb.Resource
	var scopes []*commonpb.InstrumentationScope
	for _, rs := range r.Traces.ResourceSpans {
		res = append(res, rs.Resource)
		for _, ss := range rs.ScopeSpans {
			scopes = append(scopes, ss.Scope)
		}
	}
	copied := s.envelope(otlptest.Traces, res, scopes)
	for _, rs := range r.Traces.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				s.span(sp, copied, spanNames)
			}
		}
	}
	return nil
}

func (s *shaper) span(sp *tracepb.Span, copied map[string]ValueRule, spanNames map[string]string) {
	parent := "(root)"
	if len(sp.ParentSpanId) > 0 {
		parent = spanName(sp.ParentSpanId, spanNames)
	}
	msg := "absent"
	if sp.Status.GetMessage() != "" {
		msg = "present"
	}
	var events []string
	for _, e := range sp.Events {
		events = append(events, fmt.Sprintf("%s%v", e.Name, s.attrs(e.Attributes, copied)))
	}
	fields := []Field{
		{"kind", sp.Kind.String()},
		{"parent", parent},
		{"status", sp.Status.GetCode().String()},
		{"status.message", msg},
		{"flags", strconv.FormatUint(uint64(sp.Flags), 10)},
		{"events", "[" + strings.Join(events, " ") + "]"},
		{"links", strconv.Itoa(len(sp.Links))},
	}
	std, own := splitStandard(s.attrs(sp.Attributes, copied), copied)
	s.add("spans["+sp.Name+"]", true, true, Record{Fields: fields, Standard: std, Attrs: own})
}

// seqTracker checks event.sequence: Claude Code numbers the events of a
// session from 0, one by one, in emission order, which is also the order
// of records within an export request.
type seqTracker struct {
	n        int
	problems []string
	byValue  map[int64]string
	inReq    int64 // previous sequence in the current request, -1 at its start
}

func (q *seqTracker) startRequest() { q.inReq = -1 }

func (q *seqTracker) add(v int64, name string) {
	if q.byValue == nil {
		q.byValue = map[int64]string{}
	}
	q.n++
	if _, dup := q.byValue[v]; dup {
		q.problems = append(q.problems, fmt.Sprintf("%d repeated (%s)", v, name))
	}
	q.byValue[v] = name
	if q.inReq >= 0 && v != q.inReq+1 {
		q.problems = append(q.problems, fmt.Sprintf("%d follows %d in one request (%s)", v, q.inReq, name))
	}
	q.inReq = v
}

func (q *seqTracker) bad(name string) {
	q.n++
	q.problems = append(q.problems, fmt.Sprintf("%s: missing or not an int", name))
}

func (q *seqTracker) verdict() string {
	for i := int64(0); i < int64(len(q.byValue)); i++ {
		if _, ok := q.byValue[i]; !ok {
			q.problems = append(q.problems, fmt.Sprintf("%d missing", i))
			break
		}
	}
	if len(q.problems) == 0 {
		return "0-based, +1 per event"
	}
	return strings.Join(q.problems, "; ")
}

// order lists event names by event.sequence: the emission order.
func (q *seqTracker) order() []string {
	vs := make([]int64, 0, len(q.byValue))
	for v := range q.byValue {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = q.byValue[v]
	}
	return names
}
