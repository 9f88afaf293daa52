package telemetry

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/log"
	lognoop "go.opentelemetry.io/otel/log/noop"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/exporter"
	"github.com/ccotel/ccotel/internal/logdedup"
	"github.com/ccotel/ccotel/internal/redact"
	"github.com/ccotel/ccotel/internal/spans"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/propagation"
)

// Scope names and the tracer's scope version, as Claude Code's.
const (
	MeterName     = "com.anthropic.claude_code"
	LoggerName    = "com.anthropic.claude_code.events"
	TracerName    = "com.anthropic.claude_code.tracing"
	TracerVersion = "1.0.0"
)

// Telemetry is one running telemetry pipeline. Its methods are safe for
// concurrent use. A Telemetry whose configuration is disabled does nothing,
// at almost no cost, and holds no goroutine, socket or file.
type Telemetry struct {
	// cfg is a pointer so that a handle reached through another value's
	// fields (a Session printed with %s) shows an address, not the
	// configuration: fmt cannot call Format through unexported fields.
	cfg *config.Config
	// shown is what Config returns: a copy of cfg made at Start, so a host
	// that modifies it changes nothing the handle does.
	shown   *config.Config
	version string
	state   *core.State

	meterProvider  *sdkmetric.MeterProvider
	loggerProvider *sdklog.LoggerProvider
	// hostLoggers is what LoggerProvider returns: loggerProvider leaves out
	// the SDK's key de-duplication (the events' keys are unique, and what
	// the host or the user chooses goes through internal/logdedup), so the
	// host's records are de-duplicated by this wrapper, as the SDK would.
	hostLoggers    *logdedup.Provider
	tracerProvider *sdktrace.TracerProvider
	pipelines      *exporter.Pipelines
	resource       *resource.Resource

	metrics *metrics.Recorder
	events  *events.Emitter
	logger  log.Logger // the events' logger, asked whether to build an event's context
	tracer  trace.Tracer
	genai   *genAI // genai.go; nil unless the GenAI conventions are opted in
	spans   *spans.Tracer
	// inbound is the TRACEPARENT/TRACESTATE parent: prompts join its trace,
	// and events carry its ids even when no span is recorded.
	inbound trace.SpanContext

	prices        *pricing.Table
	tools         toolKinds
	unknownModels sync.Map // model -> struct{}: each unknown model is reported once
	unknownCount  atomic.Int64
	startOnce     sync.Once

	shutdownOnce sync.Once
	shutdownErr  error
	shutDown     atomic.Bool

	hostPipelines bool // WithMetricReader, WithLogProcessor or WithSpanProcessor
	deliveryMu    sync.Mutex
	delivered     []exporter.Count // at the last ForceFlush or Shutdown
}

// Start builds the meter, logger and (with the traces beta) tracer providers
// from the configuration: by default the environment and settings files, as
// Claude Code reads them. Configuration problems are returned as one
// *config.Error naming every variable at fault; a problem found while
// building (a certificate file that cannot be read, a Prometheus port in
// use) names its variable and wraps the os or net error, so errors.Is with
// fs.ErrNotExist or errors.As with *net.OpError tell them apart. Nothing has
// been started then. With telemetry disabled, Start returns a working no-op
// Telemetry and no error.
func Start(ctx context.Context, opts ...Option) (*Telemetry, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	cfg, err := o.loadConfig()
	if err != nil {
		return nil, err
	}
	o.applyEdits(&cfg)
	t := &Telemetry{cfg: &cfg, version: o.version(), prices: o.prices, tools: o.tools}
	shown := cfg
	t.shown = &shown
	if t.prices == nil {
		t.prices = pricing.Default()
	}
	for _, w := range cfg.Warnings { // config.Warning: mistaken variables, values the managed lock ignored, ...
		o.errorHandlerFor(cfg)(w)
	}
	extra := len(o.readers) > 0 || len(o.logProcessors) > 0 || len(o.spanProcessors) > 0
	t.hostPipelines = extra
	if !cfg.Enabled && !extra {
		o.buffer.flushTo(t)
		return t, nil
	}

	handle := o.errorHandlerFor(cfg)
	t.state = core.NewState(cfg, o.static(cfg, t.version))
	t.state.Handle = handle
	if o.redactor != nil {
		t.state.Redact = core.Redactor(o.redactor)
	}
	if o.now != nil {
		t.state.Now = o.now
	}

	// The providers merge the process environment's OTEL_RESOURCE_ATTRIBUTES
	// and OTEL_SERVICE_NAME into this resource; the exporters and Resource
	// send it as it is, so only ccotel's configuration decides.
	res := newResource(cfg, t.version)
	t.resource = res
	if cfg.Enabled {
		// Enough sets per instrument to tell the folded count exactly well
		// beyond the limit; past it, the count is a lower bound.
		t.state.Series = core.NewSeries(max(4*exporter.CardinalityLimit(cfg), 10_000))
		t.pipelines, err = exporter.Build(ctx, cfg, exporter.Settings{
			Series:       t.state.Series,
			Resource:     res,
			ErrorHandler: handle,
			Stdout:       o.stdout,
			HeadersFunc:  o.headersFunc,
			// Claude Code prints "# UNIT" lines for these families when
			// prometheus is not its only metrics exporter.
			PrometheusUnits: prometheusUnits(),
		})
		if err != nil {
			return nil, err
		}
	} else {
		t.pipelines = &exporter.Pipelines{}
	}

	if o.global {
		// Before the providers are built: building them, the SDK hands
		// what it finds wrong in the process environment (an invalid
		// OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES or
		// OTEL_GO_X_CARDINALITY_LIMIT when they are not ccotel's source) to
		// the global handler, which prints it on stderr.
		otel.SetErrorHandler(otel.ErrorHandlerFunc(handle))
	}
	// Points start at their series' first measurement, as Claude Code's.
	mopts := append([]sdkmetric.Option{sdkmetric.WithResource(res),
		// Explicit, so OTEL_GO_X_CARDINALITY_LIMIT, which the SDK reads
		// from the process environment, never overrides ccotel's setting.
		sdkmetric.WithCardinalityLimit(exporter.CardinalityLimit(cfg))}, exporter.FirstMeasurementOptions()...)
	for _, r := range append(t.pipelines.MetricReaders, o.readers...) {
		mopts = append(mopts, sdkmetric.WithReader(r))
	}
	t.meterProvider = sdkmetric.NewMeterProvider(mopts...)

	lopts := append([]sdklog.LoggerProviderOption{sdklog.WithResource(res)},
		logLimits(cfg.Logs, exportOnly(o.logProcessors))...)
	for _, p := range append(t.pipelines.LogProcessors, o.logProcessors...) {
		lopts = append(lopts, sdklog.WithProcessor(p))
	}
	t.loggerProvider = sdklog.NewLoggerProvider(lopts...)
	t.hostLoggers = logdedup.NewProvider(t.loggerProvider)

	if spans := append(t.pipelines.SpanProcessors, o.spanProcessors...); len(spans) > 0 {
		topts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res),
			sdktrace.WithSampler(sampler(cfg.Traces)), sdktrace.WithRawSpanLimits(spanLimits(cfg.Traces))}
		for _, p := range spans {
			topts = append(topts, sdktrace.WithSpanProcessor(p))
		}
		t.tracerProvider = sdktrace.NewTracerProvider(topts...)
		t.tracer = t.tracerProvider.Tracer(TracerName, trace.WithInstrumentationVersion(TracerVersion))
	}

	if sc, ok := propagation.Inbound(cfg.Traces.Traceparent, cfg.Traces.Tracestate); ok {
		t.inbound = sc
	}
	if t.tracer != nil {
		sopts := []spans.Option{spans.WithDetailed(cfg.Traces.Detailed)}
		if t.inbound.IsValid() {
			sopts = append(sopts, spans.WithRemoteParent(t.inbound))
		}
		t.spans = spans.New(t.tracer, t.state, sopts...)
	}

	meter := t.meterProvider.Meter(MeterName, metric.WithInstrumentationVersion(t.version))
	rec, err := core.NewRecorder(meter, t.state)
	if err != nil {
		_ = t.Shutdown(ctx)
		return nil, fmt.Errorf("ccotel: creating instruments: %w", err)
	}
	t.metrics = rec.(*metrics.Recorder)
	if t.genai, err = newGenAI(t.meterProvider, cfg, t.version, t.state.Series); err != nil {
		_ = t.Shutdown(ctx)
		return nil, fmt.Errorf("ccotel: creating instruments: %w", err)
	}
	t.logger = t.loggerProvider.Logger(LoggerName, log.WithInstrumentationVersion(t.version))
	t.events, _ = core.NewEmitter(t.logger, t.state, cfg.Traces.Detailed).(*events.Emitter)

	if o.global {
		otel.SetMeterProvider(t.meterProvider)
		otel.SetLoggerProvider(t.hostLoggers)
		if t.tracerProvider != nil {
			otel.SetTracerProvider(t.tracerProvider)
		}
	}
	o.buffer.flushTo(t)
	return t, nil
}

// Resource is the resource ccotel sends with every signal, from its
// configuration only (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, ...,
// settings files included). The providers' own resource also holds the
// process environment's OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME,
// which the SDK merges in by itself: a host's own reader or processor
// (WithMetricReader, ...) sees those and can use this one instead. When
// nothing is recorded it is nil, which every method of *resource.Resource
// reads as the empty resource, so the off path allocates nothing.
func (t *Telemetry) Resource() *resource.Resource {
	if !t.Enabled() {
		return nil
	}
	return t.resource
}

// Enabled reports whether anything is recorded.
func (t *Telemetry) Enabled() bool { return t != nil && t.state != nil }

// Config is the effective configuration, read-only: every call returns the
// same Config, its maps and slices included, so a caller must not modify it
// (copy it, *Config, to change a field). The handle works from a copy of its
// own, so a modification changes only what Config shows. A nil Telemetry
// returns a new zero Config on every call, so no caller can change what
// another nil handle shows. It is a pointer because the Config is over a
// kilobyte, which a return by value would copy on every call.
func (t *Telemetry) Config() *config.Config {
	if t == nil {
		return new(config.Config)
	}
	return t.shown
}

// Metrics returns the typed metric recorder; nil (a valid no-op) when disabled.
func (t *Telemetry) Metrics() *metrics.Recorder {
	if t == nil {
		return nil
	}
	return t.metrics
}

// Events returns the typed event emitter; nil (a valid no-op) when disabled.
func (t *Telemetry) Events() *events.Emitter {
	if t == nil {
		return nil
	}
	return t.events
}

// noopProviders are what a disabled handle returns. The no-op providers are
// structs holding an interface, so returning a new one boxes it: one
// allocation per call on the telemetry-off path. They are stateless, so
// sharing them is safe.
var noopProviders = struct {
	meter  metric.MeterProvider
	logger log.LoggerProvider
	tracer trace.TracerProvider
}{metricnoop.NewMeterProvider(), lognoop.NewLoggerProvider(), tracenoop.NewTracerProvider()}

// MeterProvider is the provider behind Metrics, for instruments of the host's
// own. It is a no-op provider when disabled.
func (t *Telemetry) MeterProvider() metric.MeterProvider {
	if !t.Enabled() {
		return noopProviders.meter
	}
	return t.meterProvider
}

// LoggerProvider is the provider behind Events, for records of the host's
// own; a no-op when disabled. Its records' keys are de-duplicated as the
// SDK's provider does by default. It is not an *sdklog.LoggerProvider:
// ForceFlush and Shutdown are the Telemetry's.
func (t *Telemetry) LoggerProvider() log.LoggerProvider {
	if !t.Enabled() {
		return noopProviders.logger
	}
	return t.hostLoggers
}

// TracerProvider is the beta traces provider; a no-op unless the traces beta
// is on.
func (t *Telemetry) TracerProvider() trace.TracerProvider {
	if !t.Enabled() || t.tracerProvider == nil {
		return noopProviders.tracer
	}
	return t.tracerProvider
}

// ForceFlush exports everything recorded so far, within
// CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS unless ctx ends sooner. Metrics, events
// and spans are flushed side by side, each with the whole budget. It returns
// a *DeliveryError when data was lost since the previous ForceFlush or
// Shutdown, or is still queued because the budget ran out; ErrShutdown after
// Shutdown; otherwise nil.
func (t *Telemetry) ForceFlush(ctx context.Context) error {
	if !t.Enabled() {
		return nil // checked here so that the off path inlines into the host's call
	}
	return t.forceFlush(ctx)
}

func (t *Telemetry) forceFlush(ctx context.Context) error {
	if t.shutDown.Load() {
		return ErrShutdown
	}
	ctx, cancel := withDefaultTimeout(ctx, t.cfg.FlushTimeout)
	defer cancel()
	err := t.eachProvider(
		func() error { return t.meterProvider.ForceFlush(ctx) },
		func() error { return t.loggerProvider.ForceFlush(ctx) },
		func() error { return t.tracerProvider.ForceFlush(ctx) })
	return t.deliveryError("flush", err)
}

// Shutdown flushes and stops every pipeline within
// CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS (2s) unless ctx ends sooner. Metrics,
// events and spans shut down side by side, each with the whole budget, so
// one hanging endpoint costs no other signal its last export; the last
// metric collection always happens. When the budget runs out, exports still
// in flight are cancelled and counted as failed; when Shutdown returns no
// goroutine of ccotel's is left and nothing dials again.
//
// It returns a *DeliveryError when data was lost since the previous
// ForceFlush (Stats has the totals), otherwise nil. It is safe to call more
// than once; later calls return the first call's result. Recording after
// Shutdown is a silent no-op.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	return t.shutdown(ctx)
}

func (t *Telemetry) shutdown(ctx context.Context) error {
	t.shutdownOnce.Do(func() {
		t.shutDown.Store(true)
		ctx, cancel := withDefaultTimeout(ctx, t.cfg.ShutdownTimeout)
		defer cancel()
		// At the deadline, exports still running are cancelled: the SDK's
		// batch processors run their last exports on a context of their own.
		stop := context.AfterFunc(ctx, t.pipelines.Abort)
		defer stop()
		err := t.eachProvider(
			func() error { return t.meterProvider.Shutdown(ctx) },
			func() error { return t.loggerProvider.Shutdown(ctx) },
			func() error { return t.tracerProvider.Shutdown(ctx) })
		// The providers return at the deadline even when a batch processor
		// is still in its final export, which the abort is ending now: wait
		// for that, so no goroutine outlives Shutdown and the counts are
		// final. The grace only guards against an exporter ignoring its
		// context.
		grace, cancelGrace := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		_ = t.pipelines.Wait(grace)
		cancelGrace()
		err = errors.Join(err, t.pipelines.Close(ctx))
		t.shutdownErr = t.deliveryError("shutdown", err)
	})
	return t.shutdownErr
}

// shutdownGrace is how long Shutdown waits past its deadline for exports it
// has cancelled to return.
const shutdownGrace = time.Second

// eachProvider runs the metrics, logs and traces operations side by side
// (traces only with a tracer provider) and joins their errors.
func (t *Telemetry) eachProvider(metrics, logs, traces func() error) error {
	ops := []func() error{metrics, logs}
	if t.tracerProvider != nil {
		ops = append(ops, traces)
	}
	errs := make([]error, len(ops))
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = op()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func prometheusUnits() map[string]string {
	units := map[string]string{}
	for _, d := range metrics.Definitions() {
		if d.Unit != "" {
			units[d.PrometheusNativeName] = d.Unit
		}
	}
	return units
}

// maxUnknownModels bounds the unknown models Telemetry remembers.
const maxUnknownModels = 256

// cost is the given cost, or the priced one. An unknown model costs 0 and is
// reported to the error handler once.
func (t *Telemetry) cost(model string, u pricing.Usage, given *float64) float64 {
	if given != nil {
		return *given
	}
	c, ok := t.prices.Cost(model, u)
	if !ok {
		// Bounded memory: a model is kept cut, and past maxUnknownModels
		// distinct ones the rest are reported together, once.
		model = redact.Cut(model, redact.IdentifierMax)
		if _, seen := t.unknownModels.Load(model); seen {
			return c
		}
		switch n := t.unknownCount.Add(1); {
		case n <= maxUnknownModels:
			if _, seen := t.unknownModels.LoadOrStore(model, struct{}{}); !seen {
				t.state.Error(fmt.Errorf("ccotel: %w: its cost is recorded as 0", &pricing.UnknownModelError{Model: model, Version: t.prices.Version()}))
			}
		case n == maxUnknownModels+1:
			t.state.Error(fmt.Errorf("ccotel: %w: more than %d models without a price; the others are recorded at cost 0 and not reported",
				&pricing.UnknownModelError{Model: model, Version: t.prices.Version()}, maxUnknownModels))
		}
	}
	return c
}

func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx = orBackground(ctx)
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

func (o *options) loadConfig() (config.Config, error) {
	if o.config != nil {
		return *o.config, nil
	}
	return config.Load(o.loadOptions...)
}

func (o *options) version() string {
	if o.serviceVersion != "" {
		return o.serviceVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "0.0.0"
}

func (o *options) errorHandlerFor(cfg config.Config) func(error) {
	if h := o.errorHandler; h != nil {
		return func(err error) { h(publicError(err)) }
	}
	if cfg.DiagStderr {
		return func(err error) { fmt.Fprintf(os.Stderr, "ccotel: %v\n", err) }
	}
	return func(error) {}
}

func (o *options) static(cfg config.Config, version string) core.Static {
	st := core.Static{
		UserID:        o.userID,
		AppVersion:    version,
		Entrypoint:    cmp.Or(cfg.Identity.Entrypoint, "cli"),
		Provider:      cmp.Or(cfg.Identity.Provider, "firstParty"),
		CustomBaseURL: cfg.Identity.CustomBaseURL,
		TerminalType:  cmp.Or(cfg.Identity.TerminalType, "non-interactive"),
	}
	if st.UserID == "" {
		st.UserID = core.DefaultUserID()
	}
	if cfg.Include.Repository {
		dir := o.repositoryDir
		if dir == "" {
			dir, _ = os.Getwd()
		}
		st.Repository = core.DetectRepository(dir)
	}
	return st
}

// Format prints the handle as its configuration's Format does, secrets
// masked: fmt cannot reach config.Secret's own Format through the handle's
// unexported fields, so without it %v printed tokens and passwords.
func (t *Telemetry) Format(f fmt.State, verb rune) {
	if f == nil {
		return
	}
	if t == nil {
		io.WriteString(f, "<nil>")
		return
	}
	fmt.Fprintf(f, "&telemetry.Telemetry{Enabled:%t Config:%+v}", t.Enabled(), t.shown)
}
