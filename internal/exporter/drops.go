package exporter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Count is one exporter's delivery accounting since Build, the data of
// telemetry.ExporterStats (which documents each field). Every record, span
// or data point handed to the exporter's pipeline ends in exactly one of
// Exported, Dropped and Failed, or is still Queued.
type Count struct {
	Signal                            config.Signal
	Exporter                          config.Exporter
	Endpoint                          string // masked
	Unit                              string // "events", "spans" or "data points"
	Exported, Dropped, Failed, Queued int64
	// Folded is the number of series (attribute sets) folded into overflow
	// series (see telemetry.ExporterStats.FoldedSeries); FoldedAtLeast says
	// it is a lower bound.
	Folded        int64
	FoldedAtLeast bool
	Err           error // the last export error, nil if none
}

// tally counts what one exporter does with what its pipeline is given. The
// SDK's batch processors drop silently when their queue is full (the
// endpoint is down or slower than the host), so for events and spans it
// counts what goes in (OnEmit/OnEnd) and what comes out (exported or
// failed), and reports the difference to the error handler. Between
// flushes up to a queue's worth may still be waiting, so only what exceeds
// it is certain to be lost; after a flush the count is exact for every
// record queued before it began, and after shutdown it is exact.
type tally struct {
	signal   config.Signal
	exporter config.Exporter
	endpoint string
	where    string // for error messages
	unit     string
	queueCap int64 // 0 for metrics: they are not queued
	report   func(error)

	in, exported, failed, overflow atomic.Int64

	mu        sync.Mutex
	dropped   int64 // queue drops found so far, all reported
	lastErr   error
	final     bool
	overflows map[string]bool // instruments whose overflow was reported

	// Folded series (metrics): with delta temporality the exporter's reader
	// adds each of its intervals' count to folded; with cumulative, count
	// reads them from series' all-time counts.
	series        *core.Series   // cumulative
	interval      *core.Interval // delta
	limit         int
	cumulative    bool
	folded        int64
	foldedAtLeast bool
}

func newTally(sig config.Signal, e config.Exporter, endpoint, where, unit string, queueCap int, report func(error)) *tally {
	return &tally{signal: sig, exporter: e, endpoint: endpoint, where: where, unit: unit, queueCap: int64(queueCap), report: report}
}

// out is everything the exporter has settled.
func (d *tally) out() int64 { return d.exported.Load() + d.failed.Load() }

// check reports the drops certain so far: up to a queue's worth of what
// went in may still be waiting to be exported.
func (d *tally) check() {
	d.reportLost(d.in.Load() - d.queueCap - d.out())
}

// flushed reports the drops among the in records counted before a flush
// (or shutdown) that has now returned without error: each of them was
// exported, failed or dropped. Records emitted during the flush may still
// be queued, so they are left to a later check; without concurrent emits
// the count is exact.
func (d *tally) flushed(in int64) {
	d.reportLost(in - d.out())
}

// done checks after a flush that started when in records had gone in and
// returned err.
func (d *tally) done(in int64, err error) {
	if err == nil {
		d.flushed(in)
	} else {
		d.check()
	}
}

// shutDown settles the count once the pipeline has stopped: whatever went
// in and was neither exported nor failed was dropped.
func (d *tally) shutDown() {
	d.reportLost(d.in.Load() - d.out())
	d.mu.Lock()
	d.final = true
	d.mu.Unlock()
}

// reportLost reports the drops found since the last report.
func (d *tally) reportLost(lost int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if lost <= d.dropped || d.final {
		return
	}
	n := lost - d.dropped
	d.dropped = lost
	d.report(lostf("ccotel: %s: %d %s dropped because the queue of %d was full (%d in all); the endpoint is down or slower than the host emits",
		d.where, n, d.unit, d.queueCap, lost))
}

// settle counts an export of n items that returned err: nil means all
// were delivered, an *ExportError that its Rejected items failed and the
// rest were delivered, any other error that all failed. overflow of the n
// are data points of an overflow series; they count as dropped unless the
// export failed. It reports err.
func (d *tally) settle(n, overflow int, err error) {
	failed := 0
	if err != nil {
		failed = n
		var ee *ExportError
		isExport := errors.As(err, &ee)
		if isExport && ee.Rejected >= 0 && ee.Rejected < n {
			failed = ee.Rejected
		}
		d.mu.Lock()
		d.lastErr = err
		d.mu.Unlock()
		if !isExport {
			// An *ExportError names the exporter and endpoint itself.
			err = lostf("ccotel: %s: export failed: %w", d.where, err)
		}
		d.report(err)
	}
	overflow = min(overflow, n-failed)
	d.failed.Add(int64(failed))
	d.overflow.Add(int64(overflow))
	d.exported.Add(int64(n - failed - overflow))
}

// overflowed reports, once per instrument, that the cardinality limit
// folded some of its attribute sets into the overflow series.
func (d *tally) overflowed(instrument string, limit int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.overflows[instrument] {
		return // before counting: this runs for every overflow point
	}
	folded := ""
	if d.cumulative {
		if n := d.series.All()[instrument]; n.Folded(limit) > 0 {
			folded = foldedText(n, limit)
		}
	}
	d.reportOverflow(instrument, limit, folded)
}

// foldInterval counts the series folded in the interval that counts (from
// core.Interval.Advance) describes, and reports each instrument found
// folding once. It is called by the exporter's delta reader after each
// collection.
func (d *tally) foldInterval(counts map[string]core.Distinct) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for name, n := range counts {
		f := n.Folded(d.limit)
		if f == 0 {
			continue
		}
		d.folded += int64(f)
		d.foldedAtLeast = d.foldedAtLeast || n.AtLeast
		d.reportOverflow(name, d.limit, foldedText(n, d.limit))
	}
}

func foldedText(n core.Distinct, limit int) string {
	atLeast := ""
	if n.AtLeast {
		atLeast = "at least "
	}
	return fmt.Sprintf(" (%s%d series folded of %s%d)", atLeast, n.Folded(limit), atLeast, n.N)
}

// reportOverflow reports instrument's overflow unless it was reported
// already. d.mu must be held.
func (d *tally) reportOverflow(instrument string, limit int, folded string) {
	if d.overflows[instrument] {
		return
	}
	if d.overflows == nil {
		d.overflows = map[string]bool{}
	}
	d.overflows[instrument] = true
	d.report(lostf("ccotel: %s: %s has more than %d attribute sets in one collection; the rest are folded into its otel.metric.overflow=true series and lose their attributes%s (CCOTEL_METRICS_CARDINALITY_LIMIT)",
		d.where, instrument, limit, folded))
}

func (d *tally) count() Count {
	d.mu.Lock()
	dropped, lastErr := d.dropped, d.lastErr
	folded, atLeast := d.folded, d.foldedAtLeast
	d.mu.Unlock()
	if d.cumulative {
		for _, n := range d.series.All() {
			folded += int64(n.Folded(d.limit))
			atLeast = atLeast || n.AtLeast
		}
	}
	c := Count{
		Signal: d.signal, Exporter: d.exporter, Endpoint: d.endpoint, Unit: d.unit,
		Exported: d.exported.Load(), Failed: d.failed.Load(), Dropped: dropped + d.overflow.Load(), Err: lastErr,
		Folded: folded, FoldedAtLeast: atLeast && folded > 0,
	}
	if d.queueCap > 0 {
		c.Queued = max(0, d.in.Load()-c.Exported-c.Failed-dropped)
	}
	return c
}

// countingLogProcessor counts what enters a batch log processor.
type countingLogProcessor struct {
	sdklog.Processor
	tally *tally
}

// OnEmit counts a record once it is queued, so that a count taken before a
// flush covers only records the flush will find.
func (p *countingLogProcessor) OnEmit(ctx context.Context, r *sdklog.Record) error {
	err := p.Processor.OnEmit(ctx, r)
	p.tally.in.Add(1)
	return err
}

func (p *countingLogProcessor) ForceFlush(ctx context.Context) error {
	in := p.tally.in.Load()
	err := p.Processor.ForceFlush(ctx)
	p.tally.done(in, err)
	return err
}

// countingSpanProcessor counts what enters a batch span processor.
type countingSpanProcessor struct {
	sdktrace.SpanProcessor
	tally *tally
}

// OnEnd counts a span once it is queued (see countingLogProcessor.OnEmit).
func (p *countingSpanProcessor) OnEnd(s sdktrace.ReadOnlySpan) {
	p.SpanProcessor.OnEnd(s)
	if s.SpanContext().IsSampled() {
		p.tally.in.Add(1)
	}
}

func (p *countingSpanProcessor) ForceFlush(ctx context.Context) error {
	in := p.tally.in.Load()
	err := p.SpanProcessor.ForceFlush(ctx)
	p.tally.done(in, err)
	return err
}
