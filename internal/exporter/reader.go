package exporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// periodicReader collects and exports every interval, like the SDK's
// PeriodicReader, with two differences that matter to a host:
//
//   - every error goes to the error handler. The SDK's reader hands
//     collection errors (a tick racing Shutdown, a collection after it) to
//     the global otel.Handle, which prints them on the host's stderr.
//   - an interval with no data points sends no request, as Claude Code's
//     exporter does with delta temporality.
//
// Shutdown returns by its context's deadline even when an export hangs: it
// cancels the export in flight.
type periodicReader struct {
	*sdkmetric.ManualReader
	exporter sdkmetric.Exporter
	interval time.Duration
	timeout  time.Duration
	report   func(error)
	// fold, when set, is the tally of a delta exporter, which counts the
	// series folded in each of this reader's intervals (see Settings.Series).
	fold *tally

	ctx    context.Context // cancelled when Shutdown gives up waiting
	cancel context.CancelFunc
	stop   chan struct{}
	done   chan struct{}

	mu           sync.Mutex // one collection and export at a time
	shutdownOnce sync.Once
	shutdownErr  error
}

func newPeriodicReader(exp sdkmetric.Exporter, interval, timeout time.Duration, report func(error), fold *tally) *periodicReader {
	ctx, cancel := context.WithCancel(context.Background())
	r := &periodicReader{
		ManualReader: sdkmetric.NewManualReader(
			sdkmetric.WithTemporalitySelector(exp.Temporality),
			sdkmetric.WithAggregationSelector(exp.Aggregation)),
		exporter: exp,
		interval: interval,
		timeout:  timeout,
		report:   report,
		fold:     fold,
		ctx:      ctx,
		cancel:   cancel,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go r.run()
	return r
}

func (r *periodicReader) run() {
	defer close(r.done)
	tick := time.NewTicker(r.interval)
	defer tick.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-tick.C:
			if err := r.collectAndExport(r.ctx); err != nil {
				r.report(fmt.Errorf("ccotel: metrics: periodic collection: %w", err))
			}
		}
	}
}

// collectAndExport collects, whatever the state of ctx (collecting is
// local and quick, and a collection skipped would lose the interval's
// delta points without a count), then exports within ctx.
func (r *periodicReader) collectAndExport(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var rm metricdata.ResourceMetrics
	if err := r.ManualReader.Collect(context.WithoutCancel(ctx), &rm); err != nil {
		return err
	}
	if r.fold != nil {
		r.fold.foldInterval(r.fold.interval.Advance())
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if !hasPoints(&rm) {
		return nil
	}
	firstMeasurementStarts(&rm)
	return r.exporter.Export(ctx, &rm)
}

func hasPoints(rm *metricdata.ResourceMetrics) bool {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[float64]:
				if len(d.DataPoints) > 0 {
					return true
				}
			case metricdata.Sum[int64]:
				if len(d.DataPoints) > 0 {
					return true
				}
			case metricdata.Histogram[float64]:
				if len(d.DataPoints) > 0 {
					return true
				}
			case metricdata.Histogram[int64]:
				if len(d.DataPoints) > 0 {
					return true
				}
			default:
				return true // a kind this package does not inspect: export it
			}
		}
	}
	return false
}

// ForceFlush collects and exports now, then flushes the exporter.
func (r *periodicReader) ForceFlush(ctx context.Context) error {
	return errors.Join(r.collectAndExport(ctx), r.exporter.ForceFlush(ctx))
}

// Shutdown stops the loop, collects a last time and exports what is left,
// and shuts the exporter down, all within ctx's deadline: the last
// collection happens even when ctx has already ended, so what it holds is
// counted as failed rather than lost uncounted. It is safe to call twice.
func (r *periodicReader) Shutdown(ctx context.Context) error {
	r.shutdownOnce.Do(func() {
		close(r.stop)
		var late error
		select {
		case <-r.done:
		case <-ctx.Done():
			late = ctx.Err()
			r.cancel() // the loop is stuck in an export: abort it
			<-r.done
		}
		err := r.collectAndExport(mergeCancel(ctx, r.ctx))
		r.cancel()
		r.shutdownErr = errors.Join(late, err, r.exporter.Shutdown(ctx), r.ManualReader.Shutdown(ctx))
	})
	return r.shutdownErr
}

// mergeCancel is ctx, also cancelled when other is.
func mergeCancel(ctx, other context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	context.AfterFunc(other, cancel)
	return ctx
}
