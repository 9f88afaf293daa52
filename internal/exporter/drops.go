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
// only what exceeds it is certain to be lost; after a flush the queue is
// empty and the count is exact.
type dropCounter struct {
	what     string // "events" or "spans"
	where    string
	queueCap int64
	report   func(error)

	in, out  atomic.Int64
	mu       sync.Mutex
	reported int64
}

// check reports the drops found since the last report. exact is true when
// the queue is known to be empty.
func (d *dropCounter) check(exact bool) {
	lost := d.in.Load() - d.out.Load()
	if !exact {
		lost -= d.queueCap
	}
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

func (p *countingLogProcessor) OnEmit(ctx context.Context, r *sdklog.Record) error {
	p.drops.in.Add(1)
	return p.Processor.OnEmit(ctx, r)
}

func (p *countingLogProcessor) ForceFlush(ctx context.Context) error {
	err := p.Processor.ForceFlush(ctx)
	p.drops.check(err == nil)
	return err
}

func (p *countingLogProcessor) Shutdown(ctx context.Context) error {
	err := p.Processor.Shutdown(ctx)
	p.drops.check(err == nil)
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
	e.drops.check(false)
	return err
}

// countingSpanProcessor counts what enters a batch span processor.
type countingSpanProcessor struct {
	sdktrace.SpanProcessor
	drops *dropCounter
}

func (p *countingSpanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	if s.SpanContext().IsSampled() {
		p.drops.in.Add(1)
	}
	p.SpanProcessor.OnEnd(s)
}

func (p *countingSpanProcessor) ForceFlush(ctx context.Context) error {
	err := p.SpanProcessor.ForceFlush(ctx)
	p.drops.check(err == nil)
	return err
}

func (p *countingSpanProcessor) Shutdown(ctx context.Context) error {
	err := p.SpanProcessor.Shutdown(ctx)
	p.drops.check(err == nil)
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
	e.drops.check(false)
	return err
}
