package exporter

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// errSink collects errors from Settings.ErrorHandler.
type errSink struct {
	mu   sync.Mutex
	errs []error
}

func (e *errSink) handle(err error) { e.mu.Lock(); e.errs = append(e.errs, err); e.mu.Unlock() }
func (e *errSink) get() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

func (e *errSink) waitFor(t *testing.T, d time.Duration) []error {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if l := e.get(); len(l) > 0 {
			return l
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no error reported within %v", d)
	return nil
}

// syncBuffer is a goroutine-safe writer for console output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func otlpCfg(p config.Protocol, endpoint func(config.Signal) string, hdr func(config.Signal) []config.Header) config.Config {
	mk := func(s config.Signal) config.OTLP {
		return config.OTLP{Protocol: p, Endpoint: endpoint(s), Headers: hdr(s), Timeout: 5 * time.Second}
	}
	return config.Config{
		Enabled: true,
		Metrics: config.MetricsConfig{Exporters: []config.Exporter{config.ExporterOTLP}, OTLP: mk(config.SignalMetrics),
			Interval: time.Hour, Temporality: config.TemporalityDelta},
		Logs:   config.LogsConfig{Exporters: []config.Exporter{config.ExporterOTLP}, OTLP: mk(config.SignalLogs), Interval: time.Hour},
		Traces: config.TracesConfig{Beta: true, Exporters: []config.Exporter{config.ExporterOTLP}, OTLP: mk(config.SignalTraces), Interval: time.Hour},
	}
}

// emitAll builds providers over p, records one counter value, one log
// record outside any span and one span, then flushes and shuts them down.
func emitAll(t *testing.T, p *Pipelines) {
	t.Helper()
	ctx := context.Background()
	res := resource.NewSchemaless(attribute.String("service.name", "claude-code"), attribute.String("service.version", "9.9.9"))
	var mopts []sdkmetric.Option
	for _, r := range p.MetricReaders {
		mopts = append(mopts, sdkmetric.WithReader(r))
	}
	mp := sdkmetric.NewMeterProvider(append(mopts, sdkmetric.WithResource(res))...)
	var lopts []sdklog.LoggerProviderOption
	for _, pr := range p.LogProcessors {
		lopts = append(lopts, sdklog.WithProcessor(pr))
	}
	lp := sdklog.NewLoggerProvider(append(lopts, sdklog.WithResource(res))...)
	var topts []sdktrace.TracerProviderOption
	for _, sp := range p.SpanProcessors {
		topts = append(topts, sdktrace.WithSpanProcessor(sp))
	}
	tp := sdktrace.NewTracerProvider(append(topts, sdktrace.WithResource(res))...)

	c, err := mp.Meter("com.anthropic.claude_code", metric.WithInstrumentationVersion("9.9.9")).
		Float64Counter("claude_code.cost.usage", metric.WithUnit("USD"))
	if err != nil {
		t.Fatal(err)
	}
	c.Add(ctx, 0.25, metric.WithAttributes(attribute.String("model", "m")))

	var r otellog.Record
	r.SetTimestamp(time.Now())
	r.SetBody(attribute.StringValue("claude_code.user_prompt"))
	r.AddAttributes(attribute.String("event.name", "user_prompt"), attribute.Int64("event.sequence", 3))
	lp.Logger("com.anthropic.claude_code.events").Emit(ctx, r)

	_, span := tp.Tracer("com.anthropic.claude_code.tracing").Start(ctx, "claude_code.interaction")
	span.End()

	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for _, f := range []func(context.Context) error{mp.ForceFlush, lp.ForceFlush, tp.ForceFlush, mp.Shutdown, lp.Shutdown, tp.Shutdown} {
		if err := f(sctx); err != nil {
			t.Errorf("flush/shutdown: %v", err)
		}
	}
}
