package exporter

import (
	"encoding/json"
	"io"
	"sync"

	"go.opentelemetry.io/otel/exporters/stdout/stdoutlog"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The console exporters print the Go SDK's pretty JSON, not Node's
// util.inspect format Claude Code prints: the content is the same, the
// syntax is not, and nothing should parse either.

func (b *builder) consoleMetrics() (sdkmetric.Exporter, error) {
	exp, err := stdoutmetric.New(
		stdoutmetric.WithWriter(b.s.Stdout),
		stdoutmetric.WithPrettyPrint(),
		stdoutmetric.WithTemporalitySelector(temporality(b.cfg.Metrics.Temporality)))
	if err != nil || b.s.Resource == nil {
		return exp, err
	}
	return resourceMetricExporter{Exporter: exp, res: b.s.Resource}, nil
}

func (b *builder) consoleLogs() (sdklog.Exporter, error) {
	if b.s.Resource == nil {
		return stdoutlog.New(stdoutlog.WithWriter(b.s.Stdout), stdoutlog.WithPrettyPrint())
	}
	to, err := json.Marshal(b.s.Resource)
	if err != nil {
		return nil, err
	}
	w := &resourceWriter{w: b.s.Stdout, to: append([]byte(`"Resource":`), to...), indent: true}
	exp, err := stdoutlog.New(stdoutlog.WithWriter(w), stdoutlog.WithPrettyPrint())
	if err != nil {
		return nil, err
	}
	return resourceLogExporter{Exporter: exp, w: w}, nil
}

func (b *builder) consoleTraces() (sdktrace.SpanExporter, error) {
	exp, err := stdouttrace.New(stdouttrace.WithWriter(b.s.Stdout), stdouttrace.WithPrettyPrint())
	if err != nil || b.s.Resource == nil {
		return exp, err
	}
	return resourceSpanExporter{SpanExporter: exp, res: b.s.Resource}, nil
}

// lockedWriter serialises the console exporters' writes.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
