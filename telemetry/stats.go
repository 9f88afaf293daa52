package telemetry

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/exporter"
)

// Stats is a snapshot of what ccotel has delivered and lost since Start, per
// exporter. Every event, span and metric data point handed to an exporter's
// pipeline is counted once: exported, dropped, failed, or still queued.
//
// Metrics are counted in data points: one per attribute set of an
// instrument per collection (each export interval, ForceFlush and Shutdown),
// so the same series counts once per export. A Prometheus exporter counts
// the samples it serves, once per scrape.
type Stats struct {
	// Exporters holds one entry per configured exporter: metrics, then
	// events (logs), then spans (traces), each in the order of its
	// OTEL_*_EXPORTER list.
	Exporters []ExporterStats
}

// ExporterStats is the delivery accounting of one exporter.
type ExporterStats struct {
	Signal   string // "metrics", "logs" or "traces"
	Exporter string // "otlp", "console" or "prometheus"
	// Endpoint is where the exporter sends (the OTLP URL or gRPC address,
	// with credentials and query masked), or the address Prometheus serves
	// on; "" for console.
	Endpoint string
	// Unit is what is counted: "data points", "events" or "spans".
	Unit string
	// Exported were delivered: accepted by the endpoint, written to the
	// console writer, or served to a Prometheus scrape.
	Exported int64
	// Dropped never reached the exporter: the batch queue was full, or
	// (metrics) the instrument had more attribute sets in one collection
	// than the cardinality limit and the point was folded into the
	// otel.metric.overflow=true series, which keeps the values but not the
	// attributes that dashboards group by.
	Dropped int64
	// Failed reached the exporter and were lost: rejected by the endpoint,
	// unreachable after retries, or cut off when the shutdown budget ran out.
	Failed int64
	// Queued are accepted and not yet exported. 0 after Shutdown.
	Queued int64
	// FoldedSeries (metrics) counts the series, that is attribute sets,
	// the cardinality limit folded into otel.metric.overflow=true, summed
	// over ccotel's instruments (the claude_code.* metrics and the GenAI
	// histograms): with delta temporality per collection of this exporter
	// (a session's set folded in three collections counts three times),
	// with cumulative for the life of the handle. The SDK folds every
	// distinct set of an instrument after its first limit-1, so this is
	// distinct sets minus (limit-1), counted on ccotel's side. It is exact
	// when no measurement races a collection (one that does may be counted
	// in the neighbouring collection; docs/RELIABILITY.md), except:
	// instruments of the host (MeterProvider) are not counted (their
	// overflow points are, in Dropped, and reported); and past 4 times the
	// limit (10,000 at least) of distinct sets per instrument the count
	// stops growing (FoldedSeriesAtLeast).
	FoldedSeries int64
	// FoldedSeriesAtLeast says FoldedSeries is a lower bound.
	FoldedSeriesAtLeast bool
}

// Lost is Dropped plus Failed.
func (s ExporterStats) Lost() int64 { return s.Dropped + s.Failed }

// Exported is the sum of Exported over every exporter.
func (s Stats) Exported() int64 {
	var n int64
	for _, e := range s.Exporters {
		n += e.Exported
	}
	return n
}

// Lost is the sum of Dropped and Failed over every exporter.
func (s Stats) Lost() int64 {
	var n int64
	for _, e := range s.Exporters {
		n += e.Lost()
	}
	return n
}

// Stats returns what has been delivered and lost so far. It is exact after
// Shutdown; before, events or spans dropped by a full queue are counted once
// certain, which a ForceFlush makes them. A disabled Telemetry returns zero
// Stats.
func (t *Telemetry) Stats() Stats {
	if !t.Enabled() {
		return Stats{}
	}
	return t.stats()
}

func (t *Telemetry) stats() Stats {
	cs := t.pipelines.Counts()
	s := Stats{Exporters: make([]ExporterStats, 0, len(cs))}
	for _, c := range cs {
		s.Exporters = append(s.Exporters, exporterStats(c))
	}
	return s
}

func exporterStats(c exporter.Count) ExporterStats {
	return ExporterStats{
		Signal: string(c.Signal), Exporter: string(c.Exporter), Endpoint: c.Endpoint, Unit: c.Unit,
		Exported: c.Exported, Dropped: c.Dropped, Failed: c.Failed, Queued: c.Queued,
		FoldedSeries: c.Folded, FoldedSeriesAtLeast: c.FoldedAtLeast,
	}
}

// ErrShutdown is returned by ForceFlush after Shutdown.
var ErrShutdown = errors.New("ccotel: telemetry is shut down")

// DeliveryError is the error of Shutdown and ForceFlush when data was lost,
// or (ForceFlush only) is still queued when the flush had to give up. It
// names each exporter concerned and counts what happened to its data since
// the previous ForceFlush or Shutdown returned; Telemetry.Stats has the
// totals. The same outage gives the same DeliveryError over grpc,
// http/protobuf and http/json (only the endpoints and causes differ).
type DeliveryError struct {
	// Op is "shutdown" or "flush".
	Op string
	// Exporters holds, for each exporter that lost data (or, for a flush,
	// still has some queued), the counts since the previous ForceFlush or
	// Shutdown.
	Exporters []ExporterStats
	// Err joins the causes: each exporter's last export error and, when the
	// budget ran out, the context's error. It may be nil.
	Err error

	// causes[i] is Exporters[i]'s last export error and opErr the
	// operation's own, for Error to name each cause once, where it belongs.
	causes []error
	opErr  error
}

// Error reads, once each: the operation, then per exporter its signal,
// exporter, masked endpoint, counts and last cause, then the operation's own
// cause (a budget that ran out).
func (e *DeliveryError) Error() string {
	if e == nil {
		return "ccotel: <nil DeliveryError>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ccotel: %s: telemetry lost:", e.Op)
	for i, x := range e.Exporters {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s %s exporter", x.Signal, x.Exporter)
		if x.Endpoint != "" {
			fmt.Fprintf(&b, " (%s)", x.Endpoint)
		}
		fmt.Fprintf(&b, ": %d %s exported, %d dropped, %d failed", x.Exported, x.Unit, x.Dropped, x.Failed)
		if x.Queued > 0 {
			fmt.Fprintf(&b, ", %d still queued", x.Queued)
		}
		if i < len(e.causes) && e.causes[i] != nil {
			fmt.Fprintf(&b, ": %v", cause(e.causes[i]))
		}
	}
	op := e.opErr
	if len(e.causes) == 0 { // built by hand
		op = e.Err
	}
	if msgs := opCauses(op); len(msgs) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(msgs, "; "))
	}
	return b.String()
}

// opCauses lists the distinct messages of err's joined errors, leaving out
// export errors, which the exporters' entries name already (a provider's
// Shutdown returns its reader's last export error too).
func opCauses(err error) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(error)
	walk = func(err error) {
		var (
			ee  *exporter.ExportError
			pee *ExportError
		)
		switch j, ok := err.(interface{ Unwrap() []error }); {
		case ok:
			for _, e := range j.Unwrap() {
				walk(e)
			}
		case err == nil, errors.As(err, &ee), errors.As(err, &pee):
		case !seen[err.Error()]:
			seen[err.Error()] = true
			out = append(out, err.Error())
		}
	}
	walk(err)
	return out
}

// cause is err without what the DeliveryError already says: of an
// *ExportError, its exporter, endpoint and counts.
func cause(err error) string {
	var ee *ExportError
	if errors.As(err, &ee) && ee.Err != nil {
		return ee.Err.Error()
	}
	return err.Error()
}

func (e *DeliveryError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// deliveryError compares the counts now with those at the previous flush
// or shutdown and returns a *DeliveryError when anything was lost (or, for
// a flush that did not finish, is still queued), else nil. opErr is the
// flush's or shutdown's own error: once every record is accounted for, a
// deadline that ran out while nothing was lost is no error.
func (t *Telemetry) deliveryError(op string, opErr error) error {
	t.deliveryMu.Lock()
	defer t.deliveryMu.Unlock()
	now := t.pipelines.Counts()
	var (
		lost   []ExporterStats
		causes []error
	)
	for i, c := range now {
		var prev exporter.Count
		if i < len(t.delivered) {
			prev = t.delivered[i]
		}
		d := exporterStats(c)
		d.Exported -= prev.Exported
		d.Dropped -= prev.Dropped
		d.Failed -= prev.Failed
		if d.Lost() > 0 || d.Queued > 0 && opErr != nil {
			lost = append(lost, d)
			causes = append(causes, publicError(c.Err)) // nil too: causes[i] is lost[i]'s
		}
	}
	t.delivered = now
	if len(lost) == 0 {
		if t.hostPipelines {
			return opErr // from the host's own readers or processors, perhaps
		}
		return nil
	}
	return &DeliveryError{Op: op, Exporters: lost, Err: errors.Join(append([]error{opErr}, causes...)...), causes: causes, opErr: opErr}
}

// WithCardinalityLimit sets how many attribute sets each instrument keeps
// per collection; measurements of further sets are folded into one series
// with the attribute otel.metric.overflow=true, counted as dropped in Stats
// (the folded sets in ExporterStats.FoldedSeries) and reported once per
// instrument to the error handler. n <= 0 is ignored.
// By default, CCOTEL_METRICS_CARDINALITY_LIMIT, or 2000; the SDK's own
// OTEL_GO_X_CARDINALITY_LIMIT is never read.
func WithCardinalityLimit(n int) Option {
	return withVariables("WithCardinalityLimit", func(c *config.Config, _ *options) {
		if n > 0 {
			c.Metrics.CardinalityLimit = n
		}
	}, "CCOTEL_METRICS_CARDINALITY_LIMIT")
}

// WithQueueSize sets how many events and how many spans may wait for export;
// beyond it they are dropped and counted in Stats. Export batches are cut to
// at most n. n <= 0 is ignored. By default, OTEL_BLRP_MAX_QUEUE_SIZE and
// OTEL_BSP_MAX_QUEUE_SIZE, or 2048.
func WithQueueSize(n int) Option {
	return withVariables("WithQueueSize", func(c *config.Config, _ *options) {
		if n > 0 {
			for _, b := range []*config.Batch{&c.Logs.Batch, &c.Traces.Batch} {
				b.MaxQueueSize = n
				b.MaxExportBatchSize = min(b.MaxExportBatchSize, n)
			}
		}
	}, "OTEL_BLRP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
}
