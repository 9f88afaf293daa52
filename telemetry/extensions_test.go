package telemetry_test

import (
	"context"
	"regexp"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
)

// logSink is a log processor keeping every record.
type logSink struct {
	mu      sync.Mutex
	records []sdklog.Record
}

func (s *logSink) OnEmit(_ context.Context, r *sdklog.Record) error {
	s.mu.Lock()
	s.records = append(s.records, r.Clone())
	s.mu.Unlock()
	return nil
}
func (s *logSink) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (s *logSink) Shutdown(context.Context) error                         { return nil }
func (s *logSink) ForceFlush(context.Context) error                       { return nil }

// Export makes a logSink an exporter too: telemetry.WithLogProcessor(
// sdklog.NewSimpleProcessor(sink)) captures records as ccotel's own
// exporters get them, with the SDK's key de-duplication left out.
func (s *logSink) Export(_ context.Context, recs []sdklog.Record) error {
	s.mu.Lock()
	for _, r := range recs {
		s.records = append(s.records, r.Clone())
	}
	s.mu.Unlock()
	return nil
}

func (s *logSink) all() []sdklog.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sdklog.Record(nil), s.records...)
}

func recordAttr(r sdklog.Record, key string) (string, bool) {
	var out string
	var found bool
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		if string(kv.Key) == key {
			out, found = kv.Value.String(), true
			return false
		}
		return true
	})
	return out, found
}

// extKit starts an enabled handle with a manual reader and a log sink; the
// configuration comes from env, as a host's would.
func extKit(t *testing.T, environ []string, opts ...telemetry.Option) (*telemetry.Telemetry, *sdkmetric.ManualReader, *logSink) {
	t.Helper()
	reader, sink := sdkmetric.NewManualReader(), &logSink{}
	cfg, err := config.Load(config.WithEnviron(append([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}, environ...)), config.WithoutManagedSettings())
	if err != nil {
		t.Fatal(err)
	}
	tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{
		telemetry.WithConfig(cfg), telemetry.WithMetricReader(reader), telemetry.WithLogProcessor(sink),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel, reader, sink
}

func collect(t *testing.T, r *sdkmetric.ManualReader) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestServiceInstanceID(t *testing.T) {
	instance := func(t *testing.T, environ []string, opts ...telemetry.Option) (string, bool) {
		_, reader, _ := extKit(t, environ, opts...)
		v, ok := collect(t, reader).Resource.Set().Value("service.instance.id")
		return v.AsString(), ok
	}
	if v, ok := instance(t, nil); ok {
		t.Fatalf("service.instance.id = %q by default; Claude Code sends none", v)
	}
	a, ok := instance(t, nil, telemetry.WithServiceInstanceID())
	if !ok || !uuidV4.MatchString(a) {
		t.Fatalf("WithServiceInstanceID: %q, %v; want a UUIDv4", a, ok)
	}
	b, _ := instance(t, []string{"CCOTEL_SERVICE_INSTANCE_ID=1"})
	if b != a {
		t.Fatalf("two handles of one process: %q and %q; want one id per process", a, b)
	}
	if c, _ := instance(t, []string{"CCOTEL_SERVICE_INSTANCE_ID=1", "OTEL_RESOURCE_ATTRIBUTES=service.instance.id=pod-7"}); c != "pod-7" {
		t.Fatalf("OTEL_RESOURCE_ATTRIBUTES must win: %q", c)
	}
}

// sessionIDs reports whether the cost point and the api_request event carry
// session.id.
func sessionIDs(t *testing.T, environ []string, opts ...telemetry.Option) (onMetric, onEvent bool) {
	t.Helper()
	tel, reader, sink := extKit(t, environ, opts...)
	ctx, s := tel.StartSession(context.Background())
	usd := 0.1
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", CostUSD: &usd})
	var seenMetric bool
	for _, sm := range collect(t, reader).ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "claude_code.cost.usage" {
				continue
			}
			seenMetric = true
			for _, p := range m.Data.(metricdata.Sum[float64]).DataPoints {
				_, onMetric = p.Attributes.Value("session.id")
			}
		}
	}
	var seenEvent bool
	for _, r := range sink.all() {
		if r.Body().AsString() == "claude_code.api_request" {
			seenEvent = true
			_, onEvent = recordAttr(r, "session.id")
		}
	}
	if !seenMetric || !seenEvent {
		t.Fatalf("cost point seen: %v, api_request seen: %v", seenMetric, seenEvent)
	}
	return onMetric, onEvent
}

func TestSessionIDPerSignal(t *testing.T) {
	cases := []struct {
		name          string
		environ       []string
		opts          []telemetry.Option
		metric, event bool
	}{
		{"default", nil, nil, true, true},
		{"shared off", []string{"OTEL_METRICS_INCLUDE_SESSION_ID=false"}, nil, false, false},
		{"metrics off (#70210)", []string{"CCOTEL_METRICS_INCLUDE_SESSION_ID=false"}, nil, false, true},
		{"events back on", []string{"OTEL_METRICS_INCLUDE_SESSION_ID=false", "CCOTEL_EVENTS_INCLUDE_SESSION_ID=true"}, nil, false, true},
		{"events off", []string{"CCOTEL_EVENTS_INCLUDE_SESSION_ID=0"}, nil, true, false},
		{"option beats variable", []string{"CCOTEL_METRICS_INCLUDE_SESSION_ID=false"}, []telemetry.Option{telemetry.WithSessionIDOn(config.SignalMetrics, true)}, true, true},
		{"option alone", nil, []telemetry.Option{telemetry.WithSessionIDOn(config.SignalLogs, false)}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, e := sessionIDs(t, c.environ, c.opts...)
			if m != c.metric || e != c.event {
				t.Fatalf("session.id on metric %v, on event %v; want %v, %v", m, e, c.metric, c.event)
			}
		})
	}
}

func TestBufferBeforeStart(t *testing.T) {
	buf := telemetry.NewBuffer(2)
	before := time.Now().Truncate(time.Millisecond)
	for _, text := range []string{"first", "second", "dropped"} {
		buf.Emit(context.Background(), func(ctx context.Context, e *events.Emitter) {
			e.UserPrompt(ctx, events.UserPrompt{Prompt: text})
		})
	}
	if buf.Len() != 2 || buf.Dropped() != 1 {
		t.Fatalf("Len %d Dropped %d, want 2 and 1", buf.Len(), buf.Dropped())
	}
	time.Sleep(20 * time.Millisecond) // Start happens later than the emits
	var mu sync.Mutex
	var errs []error
	tel, _, sink := extKit(t, nil, telemetry.WithBuffer(buf), telemetry.WithErrorHandler(func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}))
	started := time.Now().Truncate(time.Millisecond)
	recs := sink.all()
	if len(recs) != 2 {
		t.Fatalf("%d records flushed, want 2", len(recs))
	}
	for i, r := range recs {
		if r.Body().AsString() != "claude_code.user_prompt" {
			t.Fatalf("record %d: %s", i, r.Body().AsString())
		}
		if ts := r.Timestamp(); ts.Before(before) || !ts.Before(started) {
			t.Errorf("record %d timestamp %v: want the time it was buffered (%v .. %v)", i, ts, before, started)
		}
		if seq, _ := recordAttr(r, "event.sequence"); seq != []string{"0", "1"}[i] {
			t.Errorf("record %d: event.sequence %s; buffered events keep their order", i, seq)
		}
	}
	mu.Lock()
	if len(errs) != 1 || !regexp.MustCompile(`1 events .*dropped.*holds 2`).MatchString(errs[0].Error()) {
		t.Errorf("drops not reported once to the error handler: %v", errs)
	}
	mu.Unlock()
	// After the flush, Emit goes straight to the handle.
	buf.Emit(context.Background(), func(ctx context.Context, e *events.Emitter) { e.UserPrompt(ctx, events.UserPrompt{Prompt: "late"}) })
	if n := len(sink.all()); n != 3 || buf.Len() != 0 {
		t.Fatalf("after flush: %d records, %d pending", n, buf.Len())
	}
	_ = tel
}

func TestBufferDiscardedWhenDisabled(t *testing.T) {
	buf := telemetry.NewBuffer(0)
	called := 0
	buf.Emit(context.Background(), func(ctx context.Context, e *events.Emitter) {
		called++
		e.UserPrompt(ctx, events.UserPrompt{Prompt: "x"}) // a nil emitter is a no-op
	})
	tel, err := telemetry.Start(context.Background(), telemetry.WithConfig(config.Config{}), telemetry.WithBuffer(buf))
	if err != nil {
		t.Fatal(err)
	}
	if tel.Enabled() || buf.Len() != 0 || called != 1 {
		t.Fatalf("enabled %v, pending %d, called %d", tel.Enabled(), buf.Len(), called)
	}
	var nilBuf *telemetry.Buffer
	nilBuf.Emit(context.Background(), func(context.Context, *events.Emitter) { t.Fatal("nil buffer emitted") })
}
