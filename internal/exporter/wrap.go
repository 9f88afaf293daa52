package exporter

import (
	"context"
	"fmt"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The wrappers below send Export errors to Settings.ErrorHandler and report
// success to the SDK. That loses nothing: the OTLP exporters have already
// retried (with backoff, within the export timeout) before they return, and
// neither the periodic reader nor the batch processors re-queue failed data;
// all they would do with the error is pass it to otel.Handle, which prints
// to stderr. ForceFlush and Shutdown errors still reach their caller.

type metricExporter struct {
	sdkmetric.Exporter
	report func(error)
	where  string
}

func (e *metricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	if err := e.Exporter.Export(ctx, rm); err != nil {
		e.report(fmt.Errorf("ccotel: %s: export failed: %w", e.where, err))
	}
	return nil
}

type logExporter struct {
	sdklog.Exporter
	report func(error)
	where  string
}

func (e *logExporter) Export(ctx context.Context, records []sdklog.Record) error {
	if err := e.Exporter.Export(ctx, validUTF8Records(records)); err != nil {
		e.report(fmt.Errorf("ccotel: %s: export failed: %w", e.where, err))
	}
	return nil
}

type spanExporter struct {
	sdktrace.SpanExporter
	report func(error)
	where  string
}

func (e *spanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := e.SpanExporter.ExportSpans(ctx, validUTF8Spans(spans)); err != nil {
		e.report(fmt.Errorf("ccotel: %s: export failed: %w", e.where, err))
	}
	return nil
}
