package telemetrytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/telemetry"
)

// Kit is a started Telemetry and what it recorded. Its methods are safe for
// concurrent use. A nil *Kit recorded nothing: its methods return empty
// results (Collect an error) and its checks report what is missing.
type Kit struct {
	// Telemetry is the handle to give the code under test.
	Telemetry *telemetry.Telemetry

	reader *reader
	logs   *logExporter
	spans  *spanExporter
	open   *openSpans

	mu   sync.Mutex
	errs []error
}

// errNilKit is Collect's error on a nil *Kit. Every method of a nil *Kit is
// safe: it has recorded nothing, so the checks report what is missing.
var errNilKit = errors.New("telemetrytest: nil *Kit")

// Option configures New and Start.
type Option interface{ apply(*settings) }

type optionFunc func(*settings)

func (f optionFunc) apply(s *settings) { f(s) }

type settings struct {
	vars    [][2]string
	cfg     *config.Config
	options []telemetry.Option
}

// WithVariable sets one configuration variable, as if it were in the
// environment: a content flag ("OTEL_LOG_USER_PROMPTS", "1"), a cardinality
// toggle ("OTEL_METRICS_INCLUDE_SESSION_ID", "false"), an identity
// ("CLAUDE_CODE_USER_EMAIL", ...). Ignored with WithConfig.
//
// By default, the kit's environment holds CLAUDE_CODE_ENABLE_TELEMETRY=1
// only: the process environment and every settings file are ignored.
func WithVariable(name, value string) Option {
	return optionFunc(func(s *settings) { s.vars = append(s.vars, [2]string{name, value}) })
}

// WithConfig uses cfg as the whole configuration instead of loading one.
// The kit records even when cfg.Enabled is false.
//
// By default, the configuration is loaded from CLAUDE_CODE_ENABLE_TELEMETRY=1
// and the variables of WithVariable.
func WithConfig(cfg config.Config) Option {
	return optionFunc(func(s *settings) { s.cfg = &cfg })
}

// WithTelemetryOptions passes options to telemetry.Start after the kit's own,
// for example telemetry.WithClock, telemetry.WithUserID or
// telemetry.WithRedactor. A WithErrorHandler given here replaces the kit's,
// and Errors then stays empty.
//
// By default, the kit passes only its own reader, processors and error
// handler.
func WithTelemetryOptions(opts ...telemetry.Option) Option {
	return optionFunc(func(s *settings) { s.options = append(s.options, opts...) })
}

// New starts a Kit for the test and shuts it down when the test ends, after
// failing the test when a prompt, tool run or hook is left open (CheckOpen).
// A configuration error fails the test at once.
func New(t testing.TB, opts ...Option) *Kit {
	t.Helper()
	k, err := Start(opts...)
	if err != nil {
		t.Fatalf("telemetrytest: %v", err)
	}
	t.Cleanup(func() {
		if err := k.CheckOpen(); err != nil {
			t.Errorf("telemetrytest: %v", err)
		}
		if err := k.Telemetry.Shutdown(context.Background()); err != nil {
			t.Errorf("telemetrytest: shutdown: %v", err)
		}
	})
	return k
}

// Start starts a Kit outside a test (examples, benchmarks' setup, a
// TestMain); the caller shuts it down with k.Telemetry.Shutdown.
func Start(opts ...Option) (*Kit, error) {
	var s settings
	for _, o := range opts {
		if o != nil {
			o.apply(&s)
		}
	}
	k := &Kit{
		reader: &reader{ManualReader: sdkmetric.NewManualReader()},
		logs:   &logExporter{},
		spans:  &spanExporter{},
		open:   &openSpans{},
	}
	topts := []telemetry.Option{
		telemetry.WithMetricReader(k.reader),
		telemetry.WithLogProcessor(sdklog.NewSimpleProcessor(k.logs)),
		telemetry.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(k.spans)),
		telemetry.WithSpanProcessor(k.open),
		telemetry.WithErrorHandler(k.addError),
	}
	if s.cfg != nil {
		topts = append(topts, telemetry.WithConfig(*s.cfg))
	} else {
		environ := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}
		for _, v := range s.vars {
			environ = append(environ, v[0]+"="+v[1])
		}
		topts = append(topts, telemetry.WithLoadOptions(config.WithEnviron(environ), config.WithoutManagedSettings()))
	}
	tel, err := telemetry.Start(context.Background(), append(topts, s.options...)...)
	if err != nil {
		return nil, err
	}
	k.Telemetry = tel
	return k, nil
}

func (k *Kit) addError(err error) {
	if k == nil {
		return
	}
	k.mu.Lock()
	k.errs = append(k.errs, err)
	k.mu.Unlock()
}

// Errors returns the problems ccotel reported to its error handler so far
// (an unknown model price, a dropped metric value...), in order.
func (k *Kit) Errors() []error {
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.errs)
}

// ---- events

// Event is one emitted event (an OpenTelemetry log record).
type Event struct {
	// Name is the short name, "api_request"; Body the full one,
	// "claude_code.api_request".
	Name, Body string
	Time       time.Time
	// TraceID and SpanID are the span the event was emitted in; invalid
	// outside a prompt.
	TraceID trace.TraceID
	SpanID  trace.SpanID
	// Attrs are the attributes in wire order: the standard ones first.
	Attrs []attribute.KeyValue
}

// Attr returns the attribute with key; a Value that is not Present when
// the event has none.
func (e Event) Attr(key string) Value {
	for _, kv := range e.Attrs {
		if string(kv.Key) == key {
			return Value{Value: kv.Value, present: true}
		}
	}
	return Value{}
}

// Keys returns the attribute keys in wire order.
func (e Event) Keys() []string {
	keys := make([]string, len(e.Attrs))
	for i, kv := range e.Attrs {
		keys[i] = string(kv.Key)
	}
	return keys
}

// String is the name and attributes, for failure messages.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(e.Name)
	b.WriteString(" {")
	for i, kv := range e.Attrs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%s", kv.Key, formatValue(kv.Value))
	}
	b.WriteString("}")
	return b.String()
}

// Value is an attribute value with typed accessors. Each accessor returns the
// zero value when the attribute is absent or of another type; Type tells
// which it is. Claude Code sends many numbers and booleans as strings
// ("true", "42"): Str reads them as sent.
type Value struct {
	attribute.Value
	present bool
}

// Present reports whether the attribute was sent.
func (v Value) Present() bool { return v.present }

// Str is a string value.
func (v Value) Str() string {
	if v.Type() != attribute.STRING {
		return ""
	}
	return v.AsString()
}

// Int is an int value.
func (v Value) Int() int64 {
	if v.Type() != attribute.INT64 {
		return 0
	}
	return v.AsInt64()
}

// Float is a double value.
func (v Value) Float() float64 {
	if v.Type() != attribute.FLOAT64 {
		return 0
	}
	return v.AsFloat64()
}

// Bool is a bool value.
func (v Value) Bool() bool {
	if v.Type() != attribute.BOOL {
		return false
	}
	return v.AsBool()
}

// Strings is a string array value.
func (v Value) Strings() []string {
	if v.Type() != attribute.STRINGSLICE {
		return nil
	}
	return v.AsStringSlice()
}

// Events returns the events emitted so far, in emission order; with names,
// only the events of those short names.
func (k *Kit) Events(names ...string) []Event {
	if k == nil {
		return nil
	}
	all := k.logs.events()
	if len(names) == 0 {
		return all
	}
	var out []Event
	for _, e := range all {
		if slices.Contains(names, e.Name) {
			out = append(out, e)
		}
	}
	return out
}

// EventNames returns the short names of the events emitted so far, in order;
// with names, only those.
func (k *Kit) EventNames(names ...string) []string {
	evs := k.Events(names...)
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Name
	}
	return out
}

// ---- metrics

// Point is one metric data point.
type Point struct {
	Value       float64
	Attrs       attribute.Set
	Start, Time time.Time
}

// Attr is the point's attribute with key ("" when absent or not a string:
// metric attributes are strings, except a few standard booleans).
func (p Point) Attr(key string) string {
	v, ok := p.Attrs.Value(attribute.Key(key))
	if !ok || v.Type() != attribute.STRING {
		return ""
	}
	return v.AsString()
}

// Matches reports whether the point carries every one of filters.
func (p Point) Matches(filters ...attribute.KeyValue) bool {
	for _, f := range filters {
		v, ok := p.Attrs.Value(f.Key)
		if !ok || v != f.Value {
			return false
		}
	}
	return true
}

// Metric is what one metric recorded so far, cumulated since the start.
type Metric struct {
	Name, Unit, Description string
	// Found is false when nothing was recorded under the name.
	Found bool
	// Monotonic and Float say the metric is a monotonic sum of float64
	// values, as every claude_code.* counter is.
	Monotonic, Float bool
	Points           []Point
}

// Sum adds the values of the points that carry every one of filters.
func (m Metric) Sum(filters ...attribute.KeyValue) float64 {
	var total float64
	for _, p := range m.Points {
		if p.Matches(filters...) {
			total += p.Value
		}
	}
	return total
}

// Collect returns the raw metric data recorded so far. After the Telemetry
// was shut down it returns what was recorded until then.
func (k *Kit) Collect() (metricdata.ResourceMetrics, error) {
	if k == nil {
		return metricdata.ResourceMetrics{}, errNilKit
	}
	rm, err := k.reader.collect(context.Background())
	// ccotel's resource, as its exporters send it; the provider's also
	// holds the shell's OTEL_RESOURCE_ATTRIBUTES.
	rm.Resource = k.Telemetry.Resource()
	return rm, err
}

// Metrics returns every metric recorded so far, sorted by name. A collection
// error is reported through Errors and yields what could be read.
func (k *Kit) Metrics() []Metric {
	if k == nil {
		return nil
	}
	rm, err := k.Collect()
	if err != nil {
		k.addError(fmt.Errorf("telemetrytest: collecting metrics: %w", err))
	}
	var out []Metric
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out = append(out, toMetric(m))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Metric returns the metric named name, e.g. "claude_code.token.usage".
func (k *Kit) Metric(name string) Metric {
	for _, m := range k.Metrics() {
		if m.Name == name {
			return m
		}
	}
	return Metric{Name: name}
}

// Points returns the points of the metric named name that carry every one
// of filters.
func (k *Kit) Points(name string, filters ...attribute.KeyValue) []Point {
	var out []Point
	for _, p := range k.Metric(name).Points {
		if p.Matches(filters...) {
			out = append(out, p)
		}
	}
	return out
}

func toMetric(m metricdata.Metrics) Metric {
	out := Metric{Name: m.Name, Unit: m.Unit, Description: m.Description, Found: true}
	switch d := m.Data.(type) {
	case metricdata.Sum[float64]:
		out.Monotonic, out.Float = d.IsMonotonic, true
		for _, dp := range d.DataPoints {
			out.Points = append(out.Points, Point{Value: dp.Value, Attrs: dp.Attributes, Start: dp.StartTime, Time: dp.Time})
		}
	case metricdata.Sum[int64]:
		out.Monotonic = d.IsMonotonic
		for _, dp := range d.DataPoints {
			out.Points = append(out.Points, Point{Value: float64(dp.Value), Attrs: dp.Attributes, Start: dp.StartTime, Time: dp.Time})
		}
	case metricdata.Gauge[float64]:
		out.Float = true
		for _, dp := range d.DataPoints {
			out.Points = append(out.Points, Point{Value: dp.Value, Attrs: dp.Attributes, Start: dp.StartTime, Time: dp.Time})
		}
	case metricdata.Gauge[int64]:
		for _, dp := range d.DataPoints {
			out.Points = append(out.Points, Point{Value: float64(dp.Value), Attrs: dp.Attributes, Start: dp.StartTime, Time: dp.Time})
		}
	}
	return out
}

// ---- spans

// Spans returns the ended spans so far, in the order they ended; with names,
// only those ("claude_code.tool", ...).
func (k *Kit) Spans(names ...string) tracetest.SpanStubs {
	if k == nil {
		return nil
	}
	all := k.spans.get()
	for i := range all {
		all[i].Resource = k.Telemetry.Resource() // as Collect's
	}
	if len(names) == 0 {
		return all
	}
	var out tracetest.SpanStubs
	for _, s := range all {
		if slices.Contains(names, s.Name) {
			out = append(out, s)
		}
	}
	return out
}

// ---- checks, in the style of client_golang's testutil: they return an
// error describing the difference, and the test decides how to fail.

// CheckEventNames compares the names of the emitted events with want, in
// order. The startup event managed_settings_resolved, which the first
// session of a Telemetry emits by itself, is compared only when want lists
// it. Use CheckEventOrder to check a subsequence.
func (k *Kit) CheckEventNames(want ...string) error {
	got := k.EventNames()
	if !slices.Contains(want, startupEvent) {
		got = slices.DeleteFunc(got, func(name string) bool { return name == startupEvent })
	}
	if slices.Equal(got, want) {
		return nil
	}
	return fmt.Errorf("events differ:\n got: %s\nwant: %s", strings.Join(got, " "), strings.Join(want, " "))
}

// startupEvent is emitted by the first session of a Telemetry, whatever the
// code under test does.
const startupEvent = "managed_settings_resolved"

// CheckEventOrder succeeds when the events named in want were emitted in
// that order, whatever other events came before, between or after them:
// CheckEventOrder("api_request", "tool_decision", "tool_result") holds for a
// turn that also emitted hook or MCP events.
func (k *Kit) CheckEventOrder(want ...string) error {
	got := k.EventNames()
	i := 0
	for _, name := range got {
		if i < len(want) && name == want[i] {
			i++
		}
	}
	if i == len(want) {
		return nil
	}
	return fmt.Errorf("events are not in order: no %s after [%s]\n got: %s",
		want[i], strings.Join(want[:i], " "), strings.Join(got, " "))
}

// CheckEvent succeeds when at least one event named name carries every
// attribute of want with an equal value. Values are compared with their wire
// type: a Go string matches a string attribute, int or int64 an int, float64
// a double, bool a bool, []string a string array.
func (k *Kit) CheckEvent(name string, want map[string]any) error {
	evs := k.Events(name)
	if len(evs) == 0 {
		return fmt.Errorf("no %s event among %v", name, k.EventNames())
	}
	keys := make([]string, 0, len(want))
	for key := range want {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	var closest string
	best := -1
	for _, e := range evs {
		var diffs []string
		for _, key := range keys {
			if d := diffValue(key, e.Attr(key), want[key]); d != "" {
				diffs = append(diffs, d)
			}
		}
		if len(diffs) == 0 {
			return nil
		}
		if best < 0 || len(diffs) < best {
			best, closest = len(diffs), strings.Join(diffs, "; ")
		}
	}
	return fmt.Errorf("no %s event (of %d) matches: closest differs in %s", name, len(evs), closest)
}

// CheckSum compares the sum of the points of metric name that carry every
// one of filters with want.
func (k *Kit) CheckSum(name string, want float64, filters ...attribute.KeyValue) error {
	m := k.Metric(name)
	if !m.Found {
		return fmt.Errorf("metric %s was not recorded", name)
	}
	if got := m.Sum(filters...); got != want {
		return fmt.Errorf("%s%s = %v, want %v", name, formatFilters(filters), got, want)
	}
	return nil
}

func diffValue(key string, got Value, want any) string {
	if !got.Present() {
		return fmt.Sprintf("%s absent, want %v", key, want)
	}
	var w attribute.Value
	switch v := want.(type) {
	case string:
		w = attribute.StringValue(v)
	case int:
		w = attribute.Int64Value(int64(v))
	case int64:
		w = attribute.Int64Value(v)
	case float64:
		w = attribute.Float64Value(v)
	case bool:
		w = attribute.BoolValue(v)
	case []string:
		w = attribute.StringSliceValue(v)
	default:
		return fmt.Sprintf("%s: unsupported want type %T", key, want)
	}
	if got.Value != w {
		return fmt.Sprintf("%s = %s, want %s", key, formatValue(got.Value), formatValue(w))
	}
	return ""
}

func formatValue(v attribute.Value) string {
	switch v.Type() {
	case attribute.STRING:
		return fmt.Sprintf("%q", v.AsString())
	case attribute.STRINGSLICE:
		return fmt.Sprintf("%q", v.AsStringSlice())
	default:
		return fmt.Sprintf("%s(%s)", v.String(), strings.ToLower(v.Type().String()))
	}
}

func formatFilters(filters []attribute.KeyValue) string {
	if len(filters) == 0 {
		return ""
	}
	parts := make([]string, len(filters))
	for i, f := range filters {
		parts[i] = fmt.Sprintf("%s=%s", f.Key, formatValue(f.Value))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// ---- in-memory pipelines

// reader is a manual reader that keeps the last collection when its
// provider shuts down, so tests can read metrics after the code under test
// called Shutdown.
type reader struct {
	*sdkmetric.ManualReader
	mu   sync.Mutex
	last *metricdata.ResourceMetrics
}

func (r *reader) Shutdown(ctx context.Context) error {
	var rm metricdata.ResourceMetrics
	if err := r.ManualReader.Collect(ctx, &rm); err == nil {
		r.mu.Lock()
		r.last = &rm
		r.mu.Unlock()
	}
	return r.ManualReader.Shutdown(ctx)
}

func (r *reader) collect(ctx context.Context) (metricdata.ResourceMetrics, error) {
	var rm metricdata.ResourceMetrics
	err := r.ManualReader.Collect(ctx, &rm)
	if errors.Is(err, sdkmetric.ErrReaderShutdown) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.last != nil {
			return *r.last, nil
		}
		return metricdata.ResourceMetrics{}, nil
	}
	return rm, err
}

type logExporter struct {
	mu  sync.Mutex
	evs []Event
}

func (e *logExporter) Export(_ context.Context, records []sdklog.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range records {
		r := &records[i]
		ev := Event{Time: r.Timestamp(), TraceID: r.TraceID(), SpanID: r.SpanID()}
		if b := r.Body(); b.Type() == attribute.STRING {
			ev.Body = b.AsString()
		}
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			ev.Attrs = append(ev.Attrs, kv)
			return true
		})
		ev.Name = ev.Attr("event.name").Str()
		if ev.Name == "" {
			ev.Name = strings.TrimPrefix(ev.Body, "claude_code.")
		}
		e.evs = append(e.evs, ev)
	}
	return nil
}

func (e *logExporter) events() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.evs)
}

func (*logExporter) Shutdown(context.Context) error   { return nil }
func (*logExporter) ForceFlush(context.Context) error { return nil }

type spanExporter struct {
	mu sync.Mutex
	ss tracetest.SpanStubs
}

func (e *spanExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ss = append(e.ss, tracetest.SpanStubsFromReadOnlySpans(spans)...)
	return nil
}

func (*spanExporter) Shutdown(context.Context) error { return nil }

func (e *spanExporter) get() tracetest.SpanStubs {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.ss)
}
