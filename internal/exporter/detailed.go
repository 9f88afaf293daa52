package exporter

import (
	"context"
	"strings"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ccotel/ccotel/config"
)

// detailed adds Claude Code's detailed beta tracing pipeline
// (ENABLE_BETA_TRACING_DETAILED with BETA_TRACING_ENDPOINT): spans sent over
// OTLP/HTTP with JSON, the encoding of the JavaScript exporter Claude Code
// uses for it, to ${BETA_TRACING_ENDPOINT}/v1/traces. It is separate from the
// OTEL_TRACES_EXPORTER pipeline and needs neither it nor the enhanced beta
// switch. The endpoint gets no OTEL_* headers or certificates, as in Claude
// Code; an https endpoint is verified against the system roots.
func (b *builder) detailed(ctx context.Context) error {
	t := b.cfg.Traces
	if !t.Detailed || t.DetailedEndpoint == "" {
		return nil
	}
	endpoint := strings.TrimRight(t.DetailedEndpoint, "/") + "/v1/traces"
	sub := *b
	sub.dynamic = nil
	sub.cfg.Traces.OTLP = config.OTLP{
		Protocol: config.ProtocolHTTPJSON,
		Endpoint: endpoint,
		Insecure: strings.HasPrefix(endpoint, "http://"),
		Timeout:  10 * time.Second,
	}
	exp, err := sub.otlpTraces(ctx)
	if err != nil {
		return err
	}
	b.p.SpanProcessors = append(b.p.SpanProcessors, sdktrace.NewBatchSpanProcessor(
		&spanExporter{SpanExporter: exp, report: b.report, where: "detailed beta traces (http/json " + redactURL(endpoint) + ")"},
		sdktrace.WithBatchTimeout(orDefault(t.Interval, 5*time.Second)),
		sdktrace.WithExportTimeout(exportTimeout),
		sdktrace.WithMaxQueueSize(maxQueueSize),
		sdktrace.WithMaxExportBatchSize(maxBatchSize)))
	return nil
}
