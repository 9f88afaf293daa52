package exporter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/headers"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Defaults for a Config built by hand with zero values; config.Load fills
// them from OTEL_BLRP_*, OTEL_BSP_*, OTEL_METRIC_EXPORT_TIMEOUT and
// CCOTEL_METRICS_CARDINALITY_LIMIT. They are the OTel JS defaults Claude
// Code runs with, and the Go SDK's cardinality limit. The SDK never reads
// these variables itself: every value is passed explicitly.
const (
	defaultExportTimeout    = 30 * time.Second
	defaultMaxQueueSize     = 2048
	defaultMaxBatchSize     = 512
	defaultCardinalityLimit = 2000
)

// CardinalityLimit is the limit of attribute sets per instrument and
// collection cfg asks for. telemetry passes it to the MeterProvider, which
// then ignores OTEL_GO_X_CARDINALITY_LIMIT.
func CardinalityLimit(cfg config.Config) int {
	if cfg.Metrics.CardinalityLimit > 0 {
		return cfg.Metrics.CardinalityLimit
	}
	return defaultCardinalityLimit
}

// batch is b with zero values replaced by the defaults.
func batch(b config.Batch) config.Batch {
	if b.MaxQueueSize <= 0 {
		b.MaxQueueSize = defaultMaxQueueSize
	}
	if b.MaxExportBatchSize <= 0 {
		b.MaxExportBatchSize = min(defaultMaxBatchSize, b.MaxQueueSize)
	}
	b.ExportTimeout = orDefault(b.ExportTimeout, defaultExportTimeout)
	return b
}

// Settings are the Go-side knobs that do not come from the environment.
type Settings struct {
	// ErrorHandler receives every export and background error (export
	// failures, headers helper failures, Prometheus scrape errors), with the
	// signal and endpoint but never header values. nil drops them. Nothing
	// is ever passed to otel.Handle or written to stderr.
	ErrorHandler func(error)
	// Stdout is where console exporters write; nil means os.Stdout.
	Stdout io.Writer
	// HeadersFunc supplies dynamic headers for every OTLP export (HTTP and
	// gRPC). When set it replaces cfg.HeadersHelper. Its result overrides
	// static headers of the same name; an error is reported and the export
	// proceeds with the static headers.
	HeadersFunc func(context.Context) (map[string]string, error)
	// HeadersHelperTimeout bounds one run of cfg.HeadersHelper; 0 means 10s.
	HeadersHelperTimeout time.Duration
	// RetryMaxElapsed bounds the OTLP exporters' internal retries of one
	// export; 0 keeps the SDK default (1 minute), a negative value disables
	// retries.
	RetryMaxElapsed time.Duration
	// Resource is what every exporter sends as the resource: ccotel's own,
	// from its configuration. The SDK's providers merge the process
	// environment's OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME into
	// theirs (resource.Environment()), which must not reach the wire when
	// ccotel's configuration comes from elsewhere. nil keeps the providers'.
	Resource *resource.Resource
	// PrometheusUnits maps Prometheus family names to units. When prometheus
	// is not the only metrics exporter, /metrics carries a "# UNIT" line
	// for each, as Claude Code's does; when it is the only one, none.
	PrometheusUnits map[string]string
	// Series counts the distinct attribute sets the metrics record, from
	// which Count.Folded is derived; nil counts no folded series.
	Series *core.Series
}

// Pipelines are the SDK components built from a Config. The readers and
// processors belong to whoever registers them with the providers, and are
// shut down by the providers' Shutdown; Abort ends the exports still in
// flight when the shutdown budget has run out, Wait waits for the pipelines
// to have stopped, and Close stops what Build started besides them.
type Pipelines struct {
	MetricReaders  []sdkmetric.Reader
	LogProcessors  []sdklog.Processor
	SpanProcessors []sdktrace.SpanProcessor

	promAddr  string
	closers   []func(context.Context) error
	closeOnce sync.Once
	closeErr  error

	stop   context.Context // cancelled by Abort
	abort  context.CancelFunc
	closed []chan struct{} // one per exporter, closed once it is shut down
	counts []*tally
}

func newPipelines() *Pipelines {
	p := &Pipelines{}
	p.stop, p.abort = context.WithCancel(context.Background())
	return p
}

// PrometheusAddr is the address the Prometheus /metrics server listens on,
// or "" when there is none. Useful when the configured port is 0.
func (p *Pipelines) PrometheusAddr() string { return p.promAddr }

// Counts is the delivery accounting of every exporter, metrics first, then
// logs, then traces, in the configured order.
func (p *Pipelines) Counts() []Count {
	if p == nil {
		return nil
	}
	out := make([]Count, 0, len(p.counts))
	for _, t := range p.counts {
		out = append(out, t.count())
	}
	return out
}

// Abort cancels every export in flight and fails every later one without
// dialling. Call it when the shutdown budget has run out, so the batch
// processors' final exports, which the SDK runs without the shutdown
// context, end now.
func (p *Pipelines) Abort() {
	if p != nil && p.abort != nil {
		p.abort()
	}
}

// Wait waits until every exporter of the pipelines has been shut down
// (the last step of a batch processor's or reader's Shutdown, after its
// final exports) or ctx ends.
func (p *Pipelines) Wait(ctx context.Context) error {
	if p == nil {
		return nil
	}
	for _, c := range p.closed {
		select {
		case <-c:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Close stops the Prometheus servers and the headers helper and closes
// idle HTTP connections. It does not shut down the readers and processors
// (the providers do); call it after the providers' Shutdown. Safe to call
// more than once.
func (p *Pipelines) Close(ctx context.Context) error {
	p.closeOnce.Do(func() {
		var errs []error
		for i := len(p.closers) - 1; i >= 0; i-- {
			errs = append(errs, p.closers[i](ctx))
		}
		p.Abort()
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}

// shutdownAll undoes a partial Build.
func (p *Pipelines) shutdownAll(ctx context.Context) {
	p.Abort()
	for _, r := range p.MetricReaders {
		_ = r.Shutdown(ctx)
	}
	for _, lp := range p.LogProcessors {
		_ = lp.Shutdown(ctx)
	}
	for _, sp := range p.SpanProcessors {
		_ = sp.Shutdown(ctx)
	}
	_ = p.Close(ctx)
}

// builder carries what every exporter of one Build shares.
type builder struct {
	ctx     context.Context // Start's: bounds decrypting a client key
	cfg     config.Config
	s       Settings
	report  func(error)
	dynamic func(context.Context) map[string]string // nil without a helper or HeadersFunc
	p       *Pipelines
}

// Build creates one metric reader per metrics exporter, one batch log
// processor per logs exporter and, with cfg.Traces.Beta, one batch span
// processor per traces exporter. It returns an error only for problems
// found while building (unreadable certificates, a busy Prometheus port,
// a malformed endpoint); the error names the variable and never contains a
// header value. With cfg.Enabled false it returns empty Pipelines.
func Build(ctx context.Context, cfg config.Config, s Settings) (*Pipelines, error) {
	b := &builder{ctx: ctx, cfg: cfg, s: s, p: newPipelines()}
	b.report = func(err error) {
		if s.ErrorHandler != nil && err != nil {
			s.ErrorHandler(err)
		}
	}
	if b.s.Stdout == nil {
		b.s.Stdout = os.Stdout
	}
	// The console exporters of the three signals export side by side (and
	// at Shutdown all at once) into one writer: each record is one Write,
	// and the lock keeps records whole and a bytes.Buffer race-free.
	b.s.Stdout = &lockedWriter{w: b.s.Stdout}
	if !cfg.Enabled {
		return b.p, nil
	}
	b.setupDynamicHeaders()
	if err := b.build(ctx); err != nil {
		b.p.shutdownAll(ctx)
		return nil, err
	}
	return b.p, nil
}

func (b *builder) setupDynamicHeaders() {
	switch {
	case b.s.HeadersFunc != nil:
		f := b.s.HeadersFunc
		b.dynamic = func(ctx context.Context) map[string]string {
			m, err := f(ctx)
			if err != nil {
				b.report(fmt.Errorf("ccotel: dynamic headers: %w", err))
				return nil
			}
			return m
		}
	case b.cfg.HeadersHelper != "" && b.usesOTLP():
		h := headers.Start(b.cfg.HeadersHelper.Reveal(), b.cfg.HeadersHelperDebounce, b.s.HeadersHelperTimeout, b.report)
		b.p.closers = append(b.p.closers, func(context.Context) error { h.Close(); return nil })
		b.dynamic = h.Headers
	}
}

func (b *builder) usesOTLP() bool {
	has := func(es []config.Exporter) bool {
		for _, e := range es {
			if e == config.ExporterOTLP {
				return true
			}
		}
		return false
	}
	return has(b.cfg.Metrics.Exporters) || has(b.cfg.Logs.Exporters) || (b.cfg.Traces.Beta && has(b.cfg.Traces.Exporters))
}

func (b *builder) build(ctx context.Context) error {
	m := b.cfg.Metrics
	for _, e := range m.Exporters {
		var (
			exp sdkmetric.Exporter
			err error
		)
		switch e {
		case config.ExporterOTLP:
			exp, err = b.otlpMetrics(ctx)
			if ttl := b.cfg.Extensions.DeltaContiguous; err == nil && ttl > 0 && m.Temporality != config.TemporalityCumulative {
				exp = NewContiguous(exp, ttl, b.report)
			}
			if err == nil && b.cfg.Extensions.MetricsZeroStart {
				exp = NewZeroStart(exp, b.report)
			}
		case config.ExporterConsole:
			exp, err = b.consoleMetrics()
		case config.ExporterPrometheus:
			var r sdkmetric.Reader
			if r, err = b.prometheus(); err == nil {
				b.p.MetricReaders = append(b.p.MetricReaders, r)
			}
		default:
			err = fmt.Errorf("OTEL_METRICS_EXPORTER: unknown exporter %q", e)
		}
		if err != nil {
			return err
		}
		if exp != nil {
			t := b.tally(config.SignalMetrics, e, m.OTLP, "data points", 0)
			var fold *tally
			if b.foldSeries(t, exp.Temporality(sdkmetric.InstrumentKindCounter) == metricdata.CumulativeTemporality) {
				fold = t
			}
			exp = &metricExporter{Exporter: exp, lifecycle: b.p.lifecycle(), tally: t, limit: CardinalityLimit(b.cfg)}
			b.p.MetricReaders = append(b.p.MetricReaders,
				newPeriodicReader(exp, orDefault(m.Interval, 60*time.Second), orDefault(m.ExportTimeout, defaultExportTimeout), b.report, fold))
		}
	}

	l := b.cfg.Logs
	for _, e := range l.Exporters {
		var (
			exp sdklog.Exporter
			err error
		)
		switch e {
		case config.ExporterOTLP:
			exp, err = b.otlpLogs(ctx)
		case config.ExporterConsole:
			exp, err = b.consoleLogs()
		default:
			err = fmt.Errorf("OTEL_LOGS_EXPORTER: unsupported exporter %q", e)
		}
		if err != nil {
			return err
		}
		q := batch(l.Batch)
		t := b.tally(config.SignalLogs, e, l.OTLP, "events", q.MaxQueueSize)
		exp = &logExporter{Exporter: exp, lifecycle: b.p.lifecycle(), tally: t}
		b.p.LogProcessors = append(b.p.LogProcessors, &countingLogProcessor{tally: t, Processor: sdklog.NewBatchProcessor(exp,
			sdklog.WithExportInterval(orDefault(l.Interval, 5*time.Second)),
			sdklog.WithExportTimeout(q.ExportTimeout),
			sdklog.WithMaxQueueSize(q.MaxQueueSize),
			sdklog.WithExportMaxBatchSize(q.MaxExportBatchSize))})
	}

	if err := b.detailed(ctx); err != nil {
		return err
	}
	t := b.cfg.Traces
	if !t.Beta {
		return nil
	}
	for _, e := range t.Exporters {
		var (
			exp sdktrace.SpanExporter
			err error
		)
		switch e {
		case config.ExporterOTLP:
			if b.detailedReaches(t.OTLP.Endpoint) {
				continue
			}
			exp, err = b.otlpTraces(ctx)
		case config.ExporterConsole:
			exp, err = b.consoleTraces()
		default:
			err = fmt.Errorf("OTEL_TRACES_EXPORTER: unsupported exporter %q", e)
		}
		if err != nil {
			return err
		}
		b.spanPipeline(exp, e, t.OTLP)
	}
	return nil
}

// tally creates and registers the accounting of one exporter.
// foldSeries sets up t's count of folded series from Settings.Series. A
// cumulative exporter reads the sets since Start; a delta exporter gets the
// sets of its own reader's intervals, whatever the other readers' intervals.
// It reports whether t's reader must advance its intervals.
func (b *builder) foldSeries(t *tally, cumulative bool) (delta bool) {
	if b.s.Series == nil {
		return false
	}
	t.limit = CardinalityLimit(b.cfg)
	if cumulative {
		t.series, t.cumulative = b.s.Series, true
		b.s.Series.Cumulative()
		return false
	}
	t.interval = b.s.Series.Delta()
	return true
}

func (b *builder) tally(sig config.Signal, e config.Exporter, o config.OTLP, unit string, queueCap int) *tally {
	endpoint := ""
	if e == config.ExporterOTLP {
		endpoint = config.MaskURL(o.Endpoint)
	}
	t := newTally(sig, e, endpoint, where(sig, e, o), unit, queueCap, b.report)
	b.p.counts = append(b.p.counts, t)
	return t
}

// spanPipeline adds a batch span processor exporting to exp, counted as
// exporter e sending to o.
func (b *builder) spanPipeline(exp sdktrace.SpanExporter, e config.Exporter, o config.OTLP) {
	q := batch(b.cfg.Traces.Batch)
	t := b.tally(config.SignalTraces, e, o, "spans", q.MaxQueueSize)
	exp = &spanExporter{SpanExporter: exp, lifecycle: b.p.lifecycle(), tally: t}
	b.p.SpanProcessors = append(b.p.SpanProcessors, &countingSpanProcessor{tally: t, SpanProcessor: sdktrace.NewBatchSpanProcessor(exp,
		sdktrace.WithBatchTimeout(orDefault(b.cfg.Traces.Interval, 5*time.Second)),
		sdktrace.WithExportTimeout(q.ExportTimeout),
		sdktrace.WithMaxQueueSize(q.MaxQueueSize),
		sdktrace.WithMaxExportBatchSize(q.MaxExportBatchSize))})
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// temporality maps the configured preference the way OTel JS does for
// Claude Code: delta for counters and histograms, cumulative for up-down
// counters and gauges.
func temporality(t config.Temporality) sdkmetric.TemporalitySelector {
	if t == config.TemporalityCumulative {
		return sdkmetric.DefaultTemporalitySelector
	}
	return func(k sdkmetric.InstrumentKind) metricdata.Temporality {
		switch k {
		case sdkmetric.InstrumentKindCounter, sdkmetric.InstrumentKindObservableCounter, sdkmetric.InstrumentKindHistogram:
			return metricdata.DeltaTemporality
		}
		return metricdata.CumulativeTemporality
	}
}

// where describes an exporter for error messages: signal, exporter,
// protocol and endpoint masked.
func where(sig config.Signal, e config.Exporter, o config.OTLP) string {
	if e != config.ExporterOTLP {
		return fmt.Sprintf("%s %s exporter", sig, e)
	}
	return fmt.Sprintf("%s otlp exporter (%s %s)", sig, o.Protocol, config.MaskURL(o.Endpoint))
}

// signalPrefix is "METRICS_" for config.SignalMetrics.
func signalPrefix(sig config.Signal) string { return strings.ToUpper(string(sig)) + "_" }
