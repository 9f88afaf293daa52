package exporter

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// recordingExporter keeps every export; its temporality is delta for
// counters and histograms, as Claude Code's default.
type recordingExporter struct {
	temporality metricdata.Temporality
	mu          sync.Mutex
	exports     []*metricdata.ResourceMetrics
}

func (r *recordingExporter) Temporality(sdkmetric.InstrumentKind) metricdata.Temporality {
	return r.temporality
}

func (r *recordingExporter) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}

func (r *recordingExporter) Export(_ context.Context, rm *metricdata.ResourceMetrics) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	// The SDK reuses rm after Export returns: keep a copy.
	cp := &metricdata.ResourceMetrics{Resource: rm.Resource}
	for _, sm := range rm.ScopeMetrics {
		c := metricdata.ScopeMetrics{Scope: sm.Scope}
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[float64]:
				d.DataPoints = append([]metricdata.DataPoint[float64](nil), d.DataPoints...)
				m.Data = d
			case metricdata.Histogram[float64]:
				d.DataPoints = append([]metricdata.HistogramDataPoint[float64](nil), d.DataPoints...)
				m.Data = d
			}
			c.Metrics = append(c.Metrics, m)
		}
		cp.ScopeMetrics = append(cp.ScopeMetrics, c)
	}
	r.exports = append(r.exports, cp)
	return nil
}
func (r *recordingExporter) ForceFlush(context.Context) error { return nil }
func (r *recordingExporter) Shutdown(context.Context) error   { return nil }

// sumPoints returns the points of a float sum per user.id, in export order.
func (r *recordingExporter) sumPoints(name string) map[string][]metricdata.DataPoint[float64] {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][]metricdata.DataPoint[float64]{}
	for _, rm := range r.exports {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if s, ok := m.Data.(metricdata.Sum[float64]); ok && m.Name == name {
					for _, p := range s.DataPoints {
						u, _ := p.Attributes.Value("user.id")
						out[u.AsString()] = append(out[u.AsString()], p)
					}
				}
			}
		}
	}
	return out
}

type costPipeline struct {
	rec    *recordingExporter
	mp     *sdkmetric.MeterProvider
	cost   metric.Float64Counter
	hist   metric.Float64Histogram
	tick   func()
	wapper *Contiguous
}

// newCostPipeline runs a real periodic reader whose interval never fires:
// tick (ForceFlush) is one export interval.
func newCostPipeline(t *testing.T, ttl time.Duration, temporality metricdata.Temporality, wrap bool) *costPipeline {
	t.Helper()
	p := &costPipeline{rec: &recordingExporter{temporality: temporality}}
	var exp sdkmetric.Exporter = p.rec
	if wrap {
		p.wapper = NewContiguous(p.rec, ttl, nil)
		exp = p.wapper
	}
	p.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(time.Hour))))
	t.Cleanup(func() { _ = p.mp.Shutdown(context.Background()) })
	meter := p.mp.Meter("com.anthropic.claude_code")
	var err error
	if p.cost, err = meter.Float64Counter("claude_code.cost.usage", metric.WithUnit("USD")); err != nil {
		t.Fatal(err)
	}
	if p.hist, err = meter.Float64Histogram("gen_ai.client.operation.duration", metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(0.5, 1, 2)); err != nil {
		t.Fatal(err)
	}
	p.tick = func() {
		time.Sleep(2 * time.Millisecond) // distinct collection times
		if err := p.mp.ForceFlush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p *costPipeline) add(user string, usd float64) {
	p.cost.Add(context.Background(), usd, metric.WithAttributes(attribute.String("user.id", user)))
}

// chained reports whether each point starts where the previous one ended.
func chained(pts []metricdata.DataPoint[float64]) bool {
	for i := 1; i < len(pts); i++ {
		if !pts[i].StartTime.Equal(pts[i-1].Time) {
			return false
		}
	}
	return true
}

func total(pts []metricdata.DataPoint[float64]) float64 {
	var s float64
	for _, p := range pts {
		s += p.Value
	}
	return s
}

// TestContiguousChainsAndFills runs the pitfall through a real SDK reader:
// alice is absent from an export, then active again.
func TestContiguousChainsAndFills(t *testing.T) {
	for _, wrap := range []bool{false, true} {
		t.Run(fmt.Sprintf("wrapped=%v", wrap), func(t *testing.T) {
			p := newCostPipeline(t, time.Hour, metricdata.DeltaTemporality, wrap)
			p.add("alice", 0.25)
			p.add("bob", 0.33)
			p.tick()
			p.tick() // nobody active
			p.add("alice", 0.5)
			p.tick()
			pts := p.rec.sumPoints("claude_code.cost.usage")
			alice, bob := pts["alice"], pts["bob"]
			if !wrap {
				// The SDK's behaviour the wrapper exists for: alice's second
				// point starts at a collection nobody exported.
				if len(alice) != 2 || chained(alice) || len(bob) != 1 {
					t.Fatalf("unwrapped: want 2 unchained alice points and 1 bob point, got alice=%v bob=%v", alice, bob)
				}
				return
			}
			if len(alice) != 3 || len(bob) != 3 {
				t.Fatalf("want 3 points per user (real, zero, real/zero), got alice=%d bob=%d", len(alice), len(bob))
			}
			if alice[1].Value != 0 || bob[1].Value != 0 || bob[2].Value != 0 {
				t.Fatalf("filled points must be zero: alice=%v bob=%v", alice, bob)
			}
			if !chained(alice) || !chained(bob) {
				t.Fatalf("points not chained:\nalice=%v\nbob=%v", alice, bob)
			}
			if math.Abs(total(alice)-0.75) > 1e-12 || math.Abs(total(bob)-0.33) > 1e-12 {
				t.Fatalf("totals alice=%v bob=%v, want 0.75 and 0.33", total(alice), total(bob))
			}
			for _, pt := range append(alice, bob...) {
				if !pt.StartTime.Before(pt.Time) {
					t.Fatalf("point with an empty window: %+v", pt)
				}
			}
			// The zero points of one export share that export's time.
			if !alice[1].Time.Equal(bob[1].Time) {
				t.Errorf("zero points of one export at different times: %v %v", alice[1].Time, bob[1].Time)
			}
		})
	}
}

func TestContiguousHistogram(t *testing.T) {
	p := newCostPipeline(t, time.Hour, metricdata.DeltaTemporality, true)
	p.hist.Record(context.Background(), 1.5)
	p.tick()
	p.tick()
	var got []metricdata.HistogramDataPoint[float64]
	for _, rm := range p.rec.exports {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if h, ok := m.Data.(metricdata.Histogram[float64]); ok {
					if h.Temporality != metricdata.DeltaTemporality {
						t.Fatalf("temporality %v", h.Temporality)
					}
					if m.Unit != "s" {
						t.Errorf("injected metric lost its unit: %q", m.Unit)
					}
					got = append(got, h.DataPoints...)
				}
			}
		}
	}
	if len(got) != 2 {
		t.Fatalf("want a real and a zero histogram point, got %d", len(got))
	}
	z := got[1]
	if z.Count != 0 || z.Sum != 0 || len(z.Bounds) != 3 || len(z.BucketCounts) != 4 || !z.StartTime.Equal(got[0].Time) {
		t.Fatalf("zero point %+v after %+v", z, got[0])
	}
	if _, ok := z.Min.Value(); ok {
		t.Error("zero point has a min")
	}
}

// The TTL is far longer than a loaded machine's pause between two ticks, and then passes on the wrapper's clock
// (an export without points is timed by it), not on the wall clock: a 30 ms TTL forgot the series between two
// ticks of a machine under load.
func TestContiguousForgetsAfterTTL(t *testing.T) {
	const ttl = time.Minute
	p := newCostPipeline(t, ttl, metricdata.DeltaTemporality, true)
	p.add("alice", 1)
	p.tick()
	p.tick()
	if n := len(p.rec.sumPoints("claude_code.cost.usage")["alice"]); n != 2 {
		t.Fatalf("within the TTL: %d points, want 2", n)
	}
	p.wapper.now = func() time.Time { return time.Now().Add(2 * ttl) }
	p.tick()
	if n := len(p.rec.sumPoints("claude_code.cost.usage")["alice"]); n != 2 {
		t.Fatalf("after the TTL a zero point was still exported (%d points)", n)
	}
	if n := p.wapper.Series(); n != 0 {
		t.Fatalf("series remembered after the TTL: %d", n)
	}
}

func TestContiguousLeavesCumulativeAlone(t *testing.T) {
	p := newCostPipeline(t, time.Hour, metricdata.CumulativeTemporality, true)
	p.add("alice", 1)
	p.tick()
	p.tick()
	pts := p.rec.sumPoints("claude_code.cost.usage")["alice"]
	if len(pts) != 2 || pts[1].Value != 1 || !pts[0].StartTime.Equal(pts[1].StartTime) {
		t.Fatalf("cumulative points changed: %v", pts)
	}
	if p.wapper.Series() != 0 {
		t.Fatal("cumulative series remembered")
	}
}

// TestContiguousDoesNotModifyInput checks that the reader's data (reused by
// the SDK) is left as it was, and that memory is bounded.
func TestContiguousDoesNotModifyInputAndIsBounded(t *testing.T) {
	rec := &recordingExporter{temporality: metricdata.DeltaTemporality}
	var reported []error
	c := NewContiguous(rec, time.Hour, func(err error) { reported = append(reported, err) })
	t0 := time.Unix(1000, 0)
	pts := make([]metricdata.DataPoint[float64], MaxContiguousSeries+5)
	for i := range pts {
		pts[i] = metricdata.DataPoint[float64]{Attributes: attribute.NewSet(attribute.Int("i", i)), StartTime: t0, Time: t0.Add(time.Second), Value: 1}
	}
	rm := func(start, end time.Time, pts []metricdata.DataPoint[float64]) *metricdata.ResourceMetrics {
		for i := range pts {
			pts[i].StartTime, pts[i].Time = start, end
		}
		return &metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{{
			Name: "m", Data: metricdata.Sum[float64]{Temporality: metricdata.DeltaTemporality, IsMonotonic: true, DataPoints: pts},
		}}}}}
	}
	if err := c.Export(context.Background(), rm(t0, t0.Add(time.Second), pts)); err != nil {
		t.Fatal(err)
	}
	if c.Series() != MaxContiguousSeries || len(reported) != 1 || !strings.Contains(reported[0].Error(), "more than") {
		t.Fatalf("series=%d reported=%v", c.Series(), reported)
	}
	// Second export: one series comes back after a gap the SDK opened.
	in := rm(t0.Add(2*time.Second), t0.Add(3*time.Second), pts[:1])
	if err := c.Export(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if got := in.ScopeMetrics[0].Metrics[0].Data.(metricdata.Sum[float64]).DataPoints[0].StartTime; !got.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("input modified: StartTime %v", got)
	}
	last := rec.exports[1].ScopeMetrics[0].Metrics[0].Data.(metricdata.Sum[float64]).DataPoints
	if len(last) != MaxContiguousSeries {
		t.Fatalf("second export: %d points, want the real one and %d zeros", len(last), MaxContiguousSeries-1)
	}
	if !last[0].StartTime.Equal(t0.Add(time.Second)) || last[0].Value != 1 {
		t.Fatalf("real point not chained: %+v", last[0])
	}
	if len(reported) != 1 {
		t.Fatalf("overflow reported more than once: %v", reported)
	}
}
