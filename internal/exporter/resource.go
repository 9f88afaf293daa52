package exporter

import (
	"context"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// withResource is rm with its resource replaced by res; rm itself when res
// is nil. The copy is shallow: the metrics are shared, not copied.
func withResource(rm *metricdata.ResourceMetrics, res *resource.Resource) *metricdata.ResourceMetrics {
	if res == nil || rm == nil {
		return rm
	}
	out := *rm
	out.Resource = res
	return &out
}

// resourceMetricExporter exports through an exporter that takes the
// resource from the data (the console's) with Settings.Resource.
type resourceMetricExporter struct {
	sdkmetric.Exporter
	res *resource.Resource
}

func (e resourceMetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	return e.Exporter.Export(ctx, withResource(rm, e.res))
}

// resourceSpanExporter exports spans through an exporter that takes the
// resource from the span (the console's) with Settings.Resource.
type resourceSpanExporter struct {
	sdktrace.SpanExporter
	res *resource.Resource
}

func (e resourceSpanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		out[i] = withSpanResource(s, e.res)
	}
	return e.SpanExporter.ExportSpans(ctx, out)
}

// withSpanResource is s with res as its resource; s itself when res is
// nil.
func withSpanResource(s sdktrace.ReadOnlySpan, res *resource.Resource) sdktrace.ReadOnlySpan {
	if res == nil || s == nil {
		return s
	}
	return resourceSpan{ReadOnlySpan: s, res: res}
}

type resourceSpan struct {
	sdktrace.ReadOnlySpan
	res *resource.Resource
}

func (s resourceSpan) Resource() *resource.Resource { return s.res }
