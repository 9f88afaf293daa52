package exporter

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

type fakeMetricExporter struct {
	exports atomic.Int64
	points  atomic.Int64
	hang    bool
}

func (e *fakeMetricExporter) Temporality(sdkmetric.InstrumentKind) metricdata.Temporality {
	return metricdata.DeltaTemporality
}
func (e *fakeMetricExporter) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}
func (e *fakeMetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	e.exports.Add(1)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[float64]); ok {
				e.points.Add(int64(len(s.DataPoints)))
			}
		}
	}
	if e.hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}
func (e *fakeMetricExporter) ForceFlush(context.Context) error { return nil }
func (e *fakeMetricExporter) Shutdown(context.Context) error   { return nil }

// Shutdown while an export hangs must return by its deadline and must not
// hand anything to the global error handler, which prints on stderr.
func TestPeriodicReaderShutdownWhileExportHangs(t *testing.T) {
	var global []error
	var mu sync.Mutex
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { mu.Lock(); global = append(global, err); mu.Unlock() }))
	defer otel.SetErrorHandler(otel.ErrorHandlerFunc(func(error) {}))

	exp := &fakeMetricExporter{hang: true}
	var reported []error
	r := newPeriodicReader(exp, 10*time.Millisecond, time.Minute, func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() }, nil)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r))
	c, _ := mp.Meter("m").Float64Counter("c")
	c.Add(context.Background(), 1)
	// A tick starts an export, which hangs: wait for it by count (a loaded machine may run the first tick late; a
	// Shutdown before it would only meet its own final export, which it returns instead of reporting).
	for deadline := time.Now().Add(time.Minute); exp.exports.Load() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no periodic export started within a minute")
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := mp.Shutdown(ctx)
	if d := time.Since(start); d > time.Minute { // the export hangs for ever: only a Shutdown that waits on it exceeds this
		t.Fatalf("Shutdown took %v with a 200ms deadline", d)
	}
	if err == nil || !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown of a hanging export should say why: %v", err)
	}
	// Shutdown has waited for the aborted loop, which reported before it ended; the pause only gives a stray
	// global report a chance to show.
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(global) > 0 {
		t.Errorf("errors reached the global otel handler (stderr by default): %v", global)
	}
	if len(reported) == 0 {
		t.Error("the aborted periodic export was not reported to ccotel's handler")
	}
}

func TestPeriodicReaderSkipsEmptyIntervalsAndFlushes(t *testing.T) {
	exp := &fakeMetricExporter{}
	r := newPeriodicReader(exp, 20*time.Millisecond, time.Second, func(err error) { t.Errorf("reported: %v", err) }, nil)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r))
	time.Sleep(100 * time.Millisecond)
	if n := exp.exports.Load(); n != 0 {
		t.Errorf("%d exports with no data; Claude Code sends none", n)
	}
	c, _ := mp.Meter("m").Float64Counter("c")
	c.Add(context.Background(), 1)
	if err := mp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if exp.points.Load() != 1 {
		t.Errorf("ForceFlush exported %d points, want 1", exp.points.Load())
	}
	c.Add(context.Background(), 1)
	if err := mp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if exp.points.Load() != 2 {
		t.Errorf("Shutdown must export what is left: %d points in all, want 2", exp.points.Load())
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Errorf("a second Shutdown: %v", err)
	}
}
