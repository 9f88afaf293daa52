package exporter

import (
	"context"
	"errors"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The wrappers below count every export in their tally, send Export errors
// to Settings.ErrorHandler and report success to the SDK. That loses
// nothing: the OTLP exporters have already retried (with backoff, within
// the export timeout) before they return, and neither the periodic reader
// nor the batch processors re-queue failed data; all they would do with the
// error is pass it to otel.Handle, which prints to stderr. ForceFlush and
// Shutdown errors still reach their caller.
//
// Every export also ends when the pipelines are aborted (Pipelines.Abort,
// at the shutdown deadline): the SDK's batch processors export what is left
// at shutdown with context.Background and their own 30 s timeout, which
// would keep a goroutine dialling long after Shutdown returned.

// lifecycle is what every wrapper shares: the abort context and a channel
// closed when the wrapped exporter has been shut down, which is the last
// thing a batch processor or reader does.
type lifecycle struct {
	stop     context.Context
	closed   chan struct{}
	shutOnce sync.Once
}

func (p *Pipelines) lifecycle() *lifecycle {
	l := &lifecycle{stop: p.stop, closed: make(chan struct{})}
	p.closed = append(p.closed, l.closed)
	return l
}

// exportContext is ctx, also cancelled on abort.
func (l *lifecycle) exportContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(l.stop, cancel)
	return ctx, func() { stop(); cancel() }
}

// aborted is the error for an export attempted after abort: the inner
// exporter is not called, so nothing dials.
func (l *lifecycle) aborted() error {
	if l.stop.Err() != nil {
		return errAborted
	}
	return nil
}

var errAborted = errors.New("shutdown deadline passed before the export")

// export runs one export of n items (overflow of them in overflow series)
// unless the pipelines are aborted, ending it on abort, and counts it in t.
func (l *lifecycle) export(ctx context.Context, t *tally, n, overflow int, inner func(context.Context) error) {
	err := l.aborted()
	if err == nil {
		ctx, cancel := l.exportContext(ctx)
		err = inner(ctx)
		cancel()
	}
	t.settle(n, overflow, err)
}

func (l *lifecycle) shutdown(ctx context.Context, inner func(context.Context) error) error {
	err := inner(ctx)
	l.shutOnce.Do(func() { close(l.closed) })
	return err
}

type metricExporter struct {
	sdkmetric.Exporter
	*lifecycle
	tally *tally
	limit int // the cardinality limit, for the overflow report
}

func (e *metricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	n, overflow := e.points(rm)
	e.export(ctx, e.tally, n, overflow, func(ctx context.Context) error { return e.Exporter.Export(ctx, rm) })
	return nil
}

// points counts the data points of rm and those of overflow series, and
// reports each instrument found in overflow.
func (e *metricExporter) points(rm *metricdata.ResourceMetrics) (n, overflow int) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			total, over := overflowCount(m.Data)
			n += total
			overflow += over
			if over > 0 {
				e.tally.overflowed(m.Name, e.limit)
			}
		}
	}
	return n, overflow
}

var overflowAttr = attribute.Bool("otel.metric.overflow", true)

func isOverflow(s attribute.Set) bool {
	v, ok := s.Value(overflowAttr.Key)
	return ok && v == overflowAttr.Value
}

// overflowCount counts the points of one metric and those of its overflow
// series.
func overflowCount(data metricdata.Aggregation) (n, overflow int) {
	switch d := data.(type) {
	case metricdata.Sum[int64]:
		return countPoints(d.DataPoints, func(p metricdata.DataPoint[int64]) attribute.Set { return p.Attributes })
	case metricdata.Sum[float64]:
		return countPoints(d.DataPoints, func(p metricdata.DataPoint[float64]) attribute.Set { return p.Attributes })
	case metricdata.Gauge[int64]:
		return countPoints(d.DataPoints, func(p metricdata.DataPoint[int64]) attribute.Set { return p.Attributes })
	case metricdata.Gauge[float64]:
		return countPoints(d.DataPoints, func(p metricdata.DataPoint[float64]) attribute.Set { return p.Attributes })
	case metricdata.Histogram[int64]:
		return countPoints(d.DataPoints, func(p metricdata.HistogramDataPoint[int64]) attribute.Set { return p.Attributes })
	case metricdata.Histogram[float64]:
		return countPoints(d.DataPoints, func(p metricdata.HistogramDataPoint[float64]) attribute.Set { return p.Attributes })
	case metricdata.ExponentialHistogram[int64]:
		return countPoints(d.DataPoints, func(p metricdata.ExponentialHistogramDataPoint[int64]) attribute.Set { return p.Attributes })
	case metricdata.ExponentialHistogram[float64]:
		return countPoints(d.DataPoints, func(p metricdata.ExponentialHistogramDataPoint[float64]) attribute.Set { return p.Attributes })
	case metricdata.Summary:
		return countPoints(d.DataPoints, func(p metricdata.SummaryDataPoint) attribute.Set { return p.Attributes })
	}
	return 0, 0
}

func countPoints[P any](points []P, attrs func(P) attribute.Set) (n, overflow int) {
	for _, p := range points {
		if isOverflow(attrs(p)) {
			overflow++
		}
	}
	return len(points), overflow
}

func (e *metricExporter) Shutdown(ctx context.Context) error {
	return e.shutdown(ctx, e.Exporter.Shutdown)
}

type logExporter struct {
	sdklog.Exporter
	*lifecycle
	tally *tally
}

func (e *logExporter) Export(ctx context.Context, records []sdklog.Record) error {
	if len(records) == 0 {
		return nil
	}
	e.export(ctx, e.tally, len(records), 0, func(ctx context.Context) error {
		return e.Exporter.Export(ctx, validUTF8Records(records))
	})
	e.tally.check()
	return nil
}

// Shutdown shuts the exporter down and settles the count: the batch
// processor calls it last, after its final exports.
func (e *logExporter) Shutdown(ctx context.Context) error {
	err := e.shutdown(ctx, e.Exporter.Shutdown)
	e.tally.shutDown()
	return err
}

type spanExporter struct {
	sdktrace.SpanExporter
	*lifecycle
	tally *tally
}

func (e *spanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	e.export(ctx, e.tally, len(spans), 0, func(ctx context.Context) error {
		return e.SpanExporter.ExportSpans(ctx, validUTF8Spans(spans))
	})
	e.tally.check()
	return nil
}

// Shutdown: see logExporter.Shutdown.
func (e *spanExporter) Shutdown(ctx context.Context) error {
	err := e.shutdown(ctx, e.SpanExporter.Shutdown)
	e.tally.shutDown()
	return err
}
