package exporter

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// dropCounter counts what a batch processor's bounded queue discards. The
// SDK's processors drop silently when their queue is full (the endpoint is
// down or slower than the host), so ccotel counts records in (OnEmit/OnEnd)
// and records out (the exporter), and reports the difference to the error
// handler. Between flushes up to a queue's worth may still be waiting, so
// only what exceeds it is certain to be lost; after a flush the count is
// exact for every record queued before it began.
type dropCounter struct {
	what     string // "events" or "spans"
	where    string
	queueCap int64
	report   func(error)

	in, out  atomic.Int64
	mu       sync.Mutex
	reported int64
}

// check reports the drops certain so far: up to a queue's worth of what
// went in may still be waiting to be exported.
func (d *dropCounter) check() {
	in := d.in.Load()
	d.reportLost(in - d.queueCap - d.out.Load())
}

// flushed reports the drops among the in records counted before a flush
// (or shutdown) that has now returned without error: each of them was
// exported or dropped. Records emitted during the flush may still be
// queued, so they are left to a later check; without concurrent emits the
// count is exact.
func (d *dropCounter) flushed(in int64) {
	d.reportLost(in - d.out.Load())
}

// done checks after a flush or shutdown that started when in records had
// gone in and returned err.
func (d *dropCounter) done(in int64, err error) {
	if err == nil {
		d.flushed(in)
	} else {
		d.check()
	}
}

// reportLost reports the drops found since the last report.
func (d *dropCounter) reportLost(lost int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if lost <= d.reported {
		return
	}
	n := lost - d.reported
	d.reported = lost
	d.report(fmt.Errorf("ccotel: %s: %d %s dropped because the queue of %d was full (%d in all); the endpoint is down or slower than the host emits",
		d.where, n, d.what, d.queueCap, lost))
}

// countingLogProcessor counts what enters a batch log processor.
type countingLogProcessor struct {
	sdklog.Processor
	drops *dropCounter
}

// OnEmit counts a record once it is queued, so that a count taken before a
// flush covers only records the flush will find.
func (p *countingLogProcessor) OnEmit(ctx context.Context, r *sdklog.Record) error {
	err := p.Processor.OnEmit(ctx, r)
	p.drops.in.Add(1)
	return err
}

func (p *countingLogProcessor) ForceFlush(ctx context.Context) error {
	in := p.drops.in.Load()
	err := p.Processor.ForceFlush(ctx)
	p.drops.done(in, err)
	return err
}

func (p *countingLogProcessor) Shutdown(ctx context.Context) error {
	in := p.drops.in.Load()
	err := p.Processor.Shutdown(ctx)
	p.drops.done(in, err)
	return err
}

// countedLogExporter counts what leaves it.
type countedLogExporter struct {
	sdklog.Exporter
	drops *dropCounter
}

func (e *countedLogExporter) Export(ctx context.Context, records []sdklog.Record) error {
	e.drops.out.Add(int64(len(records)))
	err := e.Exporter.Export(ctx, records)
	e.drops.check()
	return err
}

// countingSpanProcessor counts what enters a batch span processor.
type countingSpanProcessor struct {
	sdktrace.SpanProcessor
	drops *dropCounter
}

// OnEnd counts a span once it is queued (see countingLogProcessor.OnEmit).
func (p *countingSpanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	p.SpanProcessor.OnEnd(s)
	if s.SpanContext().IsSampled() {
		p.drops.in.Add(1)
	}
}

func (p *countingSpanProcessor) ForceFlush(ctx context.Context) error {
	in := p.drops.in.Load()
	err := p.SpanProcessor.ForceFlush(ctx)
	p.drops.done(in, err)
	return err
}

func (p *countingSpanProcessor) Shutdown(ctx context.Context) error {
	in := p.drops.in.Load()
	err := p.SpanProcessor.Shutdown(ctx)
	p.drops.done(in, err)
	return err
}

// countedSpanExporter counts what leaves it.
type countedSpanExporter struct {
	sdktrace.SpanExporter
	drops *dropCounter
}

func (e *countedSpanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.drops.out.Add(int64(len(spans)))
	err := e.SpanExporter.ExportSpans(ctx, spans)
	e.drops.check()
	return err
}
