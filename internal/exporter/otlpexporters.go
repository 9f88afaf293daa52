package exporter

import (
	"context"
	"errors"

	"github.com/ccotel/ccotel/config"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
)

// otlpMetricExporter is the OTLP sdkmetric.Exporter on an otlpClient.
type otlpMetricExporter struct {
	c           *otlpClient
	temporality sdkmetric.TemporalitySelector
	res         *resource.Resource // Settings.Resource
}

func (e *otlpMetricExporter) Temporality(k sdkmetric.InstrumentKind) metricdata.Temporality {
	return e.temporality(k)
}

func (e *otlpMetricExporter) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}

// Export sends rm in one request. A metric the transform cannot express
// (an aggregation or temporality OTLP lacks) is left out and counted as
// rejected with the rest.
func (e *otlpMetricExporter) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	if rm == nil {
		return nil
	}
	req, points, bad, terr := metricsRequest(withResource(rm, e.res))
	err := e.c.export(ctx, req, &colmetricpb.ExportMetricsServiceResponse{}, points-bad)
	if bad == 0 {
		return err
	}
	rejected, cause := bad, terr
	var ee *ExportError
	if errors.As(err, &ee) {
		rejected += ee.Rejected
		cause = errors.Join(ee.Err, terr)
	}
	return e.c.fail(points, rejected, cause)
}

func (e *otlpMetricExporter) ForceFlush(ctx context.Context) error { return ctx.Err() }

// Shutdown aborts an export in flight, retries included, and closes the
// connection; later exports fail at once.
func (e *otlpMetricExporter) Shutdown(context.Context) error { e.c.close(); return nil }

// otlpLogExporter is the OTLP sdklog.Exporter on an otlpClient.
type otlpLogExporter struct {
	c   *otlpClient
	res *resource.Resource // Settings.Resource
}

func (e *otlpLogExporter) Export(ctx context.Context, records []sdklog.Record) error {
	return e.c.export(ctx, logsRequest(records, e.res), &collogspb.ExportLogsServiceResponse{}, len(records))
}

func (e *otlpLogExporter) ForceFlush(ctx context.Context) error { return ctx.Err() }

// Shutdown aborts an export in flight, retries included, and closes the
// connection; later exports fail at once.
func (e *otlpLogExporter) Shutdown(context.Context) error { e.c.close(); return nil }

// otlpSpanExporter is the OTLP sdktrace.SpanExporter on an otlpClient.
type otlpSpanExporter struct {
	c   *otlpClient
	res *resource.Resource // Settings.Resource
}

func (e *otlpSpanExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	req, n := tracesRequest(spans, e.res)
	return e.c.export(ctx, req, &coltracepb.ExportTraceServiceResponse{}, n)
}

// Shutdown aborts an export in flight, retries included, and closes the
// connection; later exports fail at once.
func (e *otlpSpanExporter) Shutdown(context.Context) error { e.c.close(); return nil }

// OTLPExporters builds ccotel's OTLP exporters for cfg's metrics, logs and
// traces OTLP settings, for tests and tools that drive the SDK themselves
// (the Collector and Prometheus harnesses). Nothing else is built; the
// caller shuts the exporters down.
func OTLPExporters(cfg config.Config) (sdkmetric.Exporter, sdklog.Exporter, sdktrace.SpanExporter, error) {
	b := &builder{cfg: cfg, p: &Pipelines{}}
	m, err := b.otlpMetrics(context.Background())
	if err != nil {
		return nil, nil, nil, err
	}
	l, err := b.otlpLogs(context.Background())
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := b.otlpTraces(context.Background())
	if err != nil {
		return nil, nil, nil, err
	}
	return m, l, s, nil
}
