package exporter

import (
	"bytes"
	"context"
	"encoding/json"
	"io"

	sdklog "go.opentelemetry.io/otel/sdk/log"
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

// resourceLogExporter exports records through the console exporter with
// Settings.Resource in place of theirs. An SDK log record's resource
// cannot be replaced, so the exporter writes into w, which swaps the
// resource in each encoded record.
type resourceLogExporter struct {
	sdklog.Exporter
	w *resourceWriter
}

func (e resourceLogExporter) Export(ctx context.Context, records []sdklog.Record) error {
	if len(records) > 0 {
		// One provider, one resource: the batch processor calls Export
		// once at a time.
		e.w.from = records[0].Resource()
	}
	return e.Exporter.Export(ctx, records)
}

// resourceWriter receives one JSON document per Write (json.Encoder's
// Encode) and writes it to w with the resource from replaced by to.
type resourceWriter struct {
	w      io.Writer
	to     []byte // `"Resource":` and the compact JSON of Settings.Resource
	from   *resource.Resource
	indent bool
}

func (rw *resourceWriter) Write(p []byte) (int, error) {
	from, err := json.Marshal(rw.from)
	if err != nil {
		return rw.w.Write(p)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, p); err != nil {
		return rw.w.Write(p)
	}
	out := bytes.Replace(compact.Bytes(), append([]byte(`"Resource":`), from...), rw.to, 1)
	if rw.indent {
		var b bytes.Buffer
		if err := json.Indent(&b, out, "", "\t"); err != nil {
			return rw.w.Write(p)
		}
		out = append(b.Bytes(), '\n')
	} else {
		out = append(out, '\n')
	}
	if _, err := rw.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
