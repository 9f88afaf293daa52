package exporter

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// zeroStartRun feeds a real SDK pipeline through ZeroStart: adds[i] is what each user adds before export i
// (missing: nothing); the provider's Shutdown is the last export. It returns each user's points in order.
func zeroStartRun(t *testing.T, temporality metricdata.Temporality, adds []map[string]float64) map[string][]metricdata.DataPoint[float64] {
	t.Helper()
	rec := &recordingExporter{temporality: temporality}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(NewZeroStart(rec, nil), sdkmetric.WithInterval(time.Hour))))
	cost, err := mp.Meter("com.anthropic.claude_code").Float64Counter("claude_code.cost.usage", metric.WithUnit("USD"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, step := range adds {
		for user, v := range step {
			cost.Add(ctx, v, metric.WithAttributes(attribute.String("user.id", user)))
		}
		time.Sleep(2 * time.Millisecond) // distinct collection times
		if err := mp.ForceFlush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := mp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	return rec.sumPoints("claude_code.cost.usage")
}

func values(pts []metricdata.DataPoint[float64]) []float64 {
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = p.Value
	}
	return out
}

func TestZeroStartCumulative(t *testing.T) {
	got := zeroStartRun(t, metricdata.CumulativeTemporality, []map[string]float64{
		{"a": 1},         // a appears: 0
		{"a": 2, "b": 5}, // a's total; b appears: 0
		{},               // both totals
	})
	// The provider's Shutdown exports once more (totals unchanged).
	if v := values(got["a"]); len(v) < 3 || v[0] != 0 || v[1] != 3 || v[len(v)-1] != 3 {
		t.Errorf("a: %v, want 0, 3, 3...", v)
	}
	if v := values(got["b"]); len(v) < 2 || v[0] != 0 || v[1] != 5 || v[len(v)-1] != 5 {
		t.Errorf("b: %v, want 0, 5...", v)
	}
}

// A cumulative series born in the last export still arrives: Shutdown sends what is held.
func TestZeroStartShutdownReleases(t *testing.T) {
	rec := &recordingExporter{temporality: metricdata.CumulativeTemporality}
	z := NewZeroStart(rec, nil)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(z, sdkmetric.WithInterval(time.Hour))))
	cost, _ := mp.Meter("m").Float64Counter("claude_code.commit.count")
	cost.Add(context.Background(), 1)
	if err := mp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := values(rec.sumPoints("claude_code.commit.count")[""]); len(v) != 2 || v[0] != 0 || v[1] != 1 {
		t.Errorf("one commit then shutdown: %v, want 0 then 1", v)
	}
}

// Delta: the zero point, then the held value added to the next point (starting where the zero ended), or on its
// own when the series has no new data. Totals are unchanged.
func TestZeroStartDelta(t *testing.T) {
	got := zeroStartRun(t, metricdata.DeltaTemporality, []map[string]float64{
		{"a": 1, "b": 4}, // both appear: zeros
		{"a": 2},         // a: 1+2 with a chained start; b: 4 injected
		{"a": 8},         // a: 8
	})
	a, b := got["a"], got["b"]
	if v := values(a); len(v) != 3 || v[0] != 0 || v[1] != 3 || v[2] != 8 {
		t.Errorf("a: %v, want 0, 3, 8", v)
	}
	if len(a) > 1 && !a[1].StartTime.Equal(a[0].Time) {
		t.Errorf("a's second point starts at %v, the zero ended at %v", a[1].StartTime, a[0].Time)
	}
	if v := values(b); len(v) != 2 || v[0] != 0 || v[1] != 4 {
		t.Errorf("b: %v, want 0, 4", v)
	}
	if len(b) > 1 && !b[1].StartTime.Equal(b[0].Time) {
		t.Errorf("b's injected point starts at %v, the zero ended at %v", b[1].StartTime, b[0].Time)
	}
}

// Up-down counters and series beyond the bound pass unchanged; the overflow is reported once.
func TestZeroStartBoundAndNonMonotonic(t *testing.T) {
	var errs errSink
	rec := &recordingExporter{temporality: metricdata.CumulativeTemporality}
	z := NewZeroStart(rec, errs.handle)
	rm := &metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{
		{Name: "updown", Data: metricdata.Sum[float64]{Temporality: metricdata.CumulativeTemporality,
			DataPoints: []metricdata.DataPoint[float64]{{Value: 7}}}},
	}}}}
	sum := metricdata.Sum[float64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true}
	for i := range MaxContiguousSeries + 2 {
		sum.DataPoints = append(sum.DataPoints, metricdata.DataPoint[float64]{Value: 1, Attributes: attribute.NewSet(attribute.Int("i", i))})
	}
	rm.ScopeMetrics[0].Metrics = append(rm.ScopeMetrics[0].Metrics, metricdata.Metrics{Name: "c", Data: sum})
	if err := z.Export(context.Background(), rm); err != nil {
		t.Fatal(err)
	}
	out := rec.exports[0].ScopeMetrics[0].Metrics
	if v := out[0].Data.(metricdata.Sum[float64]).DataPoints[0].Value; v != 7 {
		t.Errorf("up-down counter changed to %v", v)
	}
	var zeros int
	for _, p := range out[1].Data.(metricdata.Sum[float64]).DataPoints {
		if p.Value == 0 {
			zeros++
		}
	}
	if zeros != MaxContiguousSeries || len(errs.get()) != 1 {
		t.Errorf("%d zeroed (bound %d), %d reports", zeros, MaxContiguousSeries, len(errs.get()))
	}
	if sum.DataPoints[0].Value != 1 {
		t.Error("the input was modified")
	}
}
