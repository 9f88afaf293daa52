package exporter

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/exemplar"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// startPipeline is ccotel's metric path: FirstMeasurementOptions on the
// provider, this package's periodic reader (whose interval never fires:
// flush is one export interval) and, when contiguous, the opt-in wrapper.
func startPipeline(t *testing.T, temporality metricdata.Temporality, contiguous bool) (*recordingExporter, metric.Float64Counter, metric.Float64Histogram, func()) {
	t.Helper()
	rec := &recordingExporter{temporality: temporality}
	var exp sdkmetric.Exporter = rec
	if contiguous {
		exp = NewContiguous(rec, time.Hour, nil)
	}
	r := newPeriodicReader(exp, time.Hour, 10*time.Second, func(err error) { t.Error(err) }, nil)
	mp := sdkmetric.NewMeterProvider(append(FirstMeasurementOptions(), sdkmetric.WithReader(r))...)
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	meter := mp.Meter("com.anthropic.claude_code")
	cost, err := meter.Float64Counter("claude_code.cost.usage")
	if err != nil {
		t.Fatal(err)
	}
	hist, err := meter.Float64Histogram("gen_ai.client.operation.duration", metric.WithExplicitBucketBoundaries(0.5, 1))
	if err != nil {
		t.Fatal(err)
	}
	flush := func() {
		if err := r.ForceFlush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return rec, cost, hist, flush
}

// measure adds to the counter and returns a window that holds the
// measurement's time.
func measure(c metric.Float64Counter, v float64) (before, after time.Time) {
	before = time.Now()
	c.Add(context.Background(), v, metric.WithAttributes(attribute.String("user.id", "u")))
	return before, time.Now()
}

func within(t *testing.T, what string, at, before, after time.Time) {
	t.Helper()
	if at.Before(before) || at.After(after) {
		t.Errorf("%s = %v, want the first measurement's time, in [%v, %v]", what, at.Format(time.StampNano),
			before.Format(time.StampNano), after.Format(time.StampNano))
	}
}

// TestStartAtFirstMeasurement: a delta point starts at the first
// measurement of its interval, so consecutive points never touch, and a
// cumulative series starts at its first measurement, as OpenTelemetry JS
// does for Claude Code. The exemplar that carries the time is not exported.
func TestStartAtFirstMeasurement(t *testing.T) {
	t.Run("delta", func(t *testing.T) {
		rec, cost, hist, flush := startPipeline(t, metricdata.DeltaTemporality, false)
		flush() // an interval with no data: the next one starts later
		b1, a1 := measure(cost, 1)
		measure(cost, 2)
		hb := time.Now()
		hist.Record(context.Background(), 0.7)
		ha := time.Now()
		flush()
		b2, a2 := measure(cost, 4)
		flush()
		pts := rec.sumPoints("claude_code.cost.usage")["u"]
		if len(pts) != 2 {
			t.Fatalf("%d points, want 2", len(pts))
		}
		within(t, "first point's start", pts[0].StartTime, b1, a1)
		within(t, "second point's start", pts[1].StartTime, b2, a2)
		if !pts[1].StartTime.After(pts[0].Time) {
			t.Errorf("consecutive points touch: %v then %v", pts[0].Time, pts[1].StartTime)
		}
		if pts[0].Value != 3 || pts[1].Value != 4 {
			t.Errorf("values %v, %v; want 3, 4", pts[0].Value, pts[1].Value)
		}
		for _, rm := range rec.exports {
			for _, m := range rm.ScopeMetrics[0].Metrics {
				switch d := m.Data.(type) {
				case metricdata.Sum[float64]:
					for _, p := range d.DataPoints {
						if len(p.Exemplars) > 0 {
							t.Errorf("%s exports an exemplar", m.Name)
						}
					}
				case metricdata.Histogram[float64]:
					within(t, "histogram start", d.DataPoints[0].StartTime, hb, ha)
					if len(d.DataPoints[0].Exemplars) > 0 {
						t.Errorf("%s exports an exemplar", m.Name)
					}
				}
			}
		}
	})
	t.Run("cumulative", func(t *testing.T) {
		rec, cost, _, flush := startPipeline(t, metricdata.CumulativeTemporality, false)
		flush()
		b1, a1 := measure(cost, 1)
		flush()
		measure(cost, 2)
		flush()
		pts := rec.sumPoints("claude_code.cost.usage")["u"]
		if len(pts) != 2 {
			t.Fatalf("%d points, want 2", len(pts))
		}
		for i, p := range pts {
			within(t, "cumulative start", p.StartTime, b1, a1)
			if i == 1 && p.Value != 3 {
				t.Errorf("total %v, want 3", p.Value)
			}
		}
	})
	t.Run("CCOTEL_DELTA_CONTIGUOUS", func(t *testing.T) {
		rec, cost, _, flush := startPipeline(t, metricdata.DeltaTemporality, true)
		b1, a1 := measure(cost, 1)
		flush()
		measure(cost, 2)
		flush()
		pts := rec.sumPoints("claude_code.cost.usage")["u"]
		if len(pts) != 2 {
			t.Fatalf("%d points, want 2", len(pts))
		}
		within(t, "first point's start", pts[0].StartTime, b1, a1)
		if !chained(pts) {
			t.Errorf("the opt-in keeps a series contiguous: %v then %v", pts[0].Time, pts[1].StartTime)
		}
	})
}

// BenchmarkFirstMeasurement is the cost the start-time reservoir adds to
// one measurement: a counter Add with it and without it (the exemplar
// filter off, as before).
func BenchmarkFirstMeasurement(b *testing.B) {
	set := attribute.NewSet(attribute.String("user.id", "u"), attribute.String("type", "input"))
	for _, bc := range []struct {
		name string
		opts []sdkmetric.Option
	}{
		{"without", []sdkmetric.Option{sdkmetric.WithExemplarFilter(exemplar.AlwaysOffFilter)}},
		{"with", FirstMeasurementOptions()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			mp := sdkmetric.NewMeterProvider(append(bc.opts, sdkmetric.WithReader(sdkmetric.NewManualReader(
				sdkmetric.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality { return metricdata.DeltaTemporality }))))...)
			defer func() { _ = mp.Shutdown(context.Background()) }()
			c, _ := mp.Meter("m").Float64Counter("c")
			ctx, opt := context.Background(), metric.WithAttributeSet(set)
			b.ReportAllocs()
			for b.Loop() {
				c.Add(ctx, 1, opt)
			}
		})
	}
}
