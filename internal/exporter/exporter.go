package exporter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/headers"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Batch and timeout values the SDK would otherwise read from OTEL_BLRP_*,
// OTEL_BSP_* and OTEL_METRIC_EXPORT_TIMEOUT. They are the OTel JS defaults
// Claude Code runs with.
const (
	exportTimeout = 30 * time.Second
	maxQueueSize  = 2048
	maxBatchSize  = 512
)

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
	// PrometheusUnits maps Prometheus family names to units. When prometheus
	// is not the only metrics exporter, /metrics carries a "# UNIT" line
	// for each, as Claude Code's does; when it is the only one, none.
	PrometheusUnits map[string]string
}

// Pipelines are the SDK components built from a Config. The readers and
// processors belong to whoever registers them with the providers, and are
// shut down by the providers' Shutdown; Close stops what Build started
// besides them.
type Pipelines struct {
	MetricReaders  []sdkmetric.Reader
	LogProcessors  []sdklog.Processor
	SpanProcessors []sdktrace.SpanProcessor

	promAddr  string
	closers   []func(context.Context) error
	closeOnce sync.Once
	closeErr  error
}

// PrometheusAddr is the address the Prometheus /metrics server listens on,
// or "" when there is none. Useful when the configured port is 0.
func (p *Pipelines) PrometheusAddr() string { return p.promAddr }

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
		p.closeErr = errors.Join(errs...)
	})
	return p.closeErr
}

// shutdownAll undoes a partial Build.
func (p *Pipelines) shutdownAll(ctx context.Context) {
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
	b := &builder{cfg: cfg, s: s, p: &Pipelines{}}
	b.report = func(err error) {
		if s.ErrorHandler != nil && err != nil {
			s.ErrorHandler(err)
		}
	}
	if b.s.Stdout == nil {
		b.s.Stdout = os.Stdout
	}
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
			exp = &metricExporter{Exporter: exp, report: b.report, where: where(config.SignalMetrics, e, m.OTLP)}
			b.p.MetricReaders = append(b.p.MetricReaders,
				newPeriodicReader(exp, orDefault(m.Interval, 60*time.Second), exportTimeout, b.report))
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
		drops := &dropCounter{what: "events", where: where(config.SignalLogs, e, l.OTLP), queueCap: maxQueueSize, report: b.report}
		exp = &countedLogExporter{Exporter: &logExporter{Exporter: exp, report: b.report, where: drops.where}, drops: drops}
		b.p.LogProcessors = append(b.p.LogProcessors, &countingLogProcessor{drops: drops, Processor: sdklog.NewBatchProcessor(exp,
			sdklog.WithExportInterval(orDefault(l.Interval, 5*time.Second)),
			sdklog.WithExportTimeout(exportTimeout),
			sdklog.WithMaxQueueSize(maxQueueSize),
			sdklog.WithExportMaxBatchSize(maxBatchSize))})
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
		drops := &dropCounter{what: "spans", where: where(config.SignalTraces, e, t.OTLP), queueCap: maxQueueSize, report: b.report}
		exp = &countedSpanExporter{SpanExporter: &spanExporter{SpanExporter: exp, report: b.report, where: drops.where}, drops: drops}
		b.p.SpanProcessors = append(b.p.SpanProcessors, &countingSpanProcessor{drops: drops, SpanProcessor: sdktrace.NewBatchSpanProcessor(exp,
			sdktrace.WithBatchTimeout(orDefault(t.Interval, 5*time.Second)),
			sdktrace.WithExportTimeout(exportTimeout),
			sdktrace.WithMaxQueueSize(maxQueueSize),
			sdktrace.WithMaxExportBatchSize(maxBatchSize))})
	}
	return nil
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
// protocol and endpoint with any userinfo redacted.
func where(sig config.Signal, e config.Exporter, o config.OTLP) string {
	if e != config.ExporterOTLP {
		return fmt.Sprintf("%s %s exporter", sig, e)
	}
	return fmt.Sprintf("%s otlp exporter (%s %s)", sig, o.Protocol, redactURL(o.Endpoint))
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	u.RawQuery = ""
	u.Fragment = ""
	return u.Redacted()
}

// signalPrefix is "METRICS_" for config.SignalMetrics.
func signalPrefix(sig config.Signal) string { return strings.ToUpper(string(sig)) + "_" }
