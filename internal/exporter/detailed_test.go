package exporter

import (
	"context"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlptest"
)

func TestDetailedBetaTracingPipeline(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{})
	cfg := config.Config{Enabled: true, Traces: config.TracesConfig{
		Detailed: true, DetailedEndpoint: rcv.HTTPEndpoint() + "/", Interval: 50 * time.Millisecond,
	}}
	p, err := Build(context.Background(), cfg, Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SpanProcessors) != 1 {
		t.Fatalf("detailed tracing needs no enhanced beta switch: %d span processors", len(p.SpanProcessors))
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p.SpanProcessors[0]))
	_, span := tp.Tracer("t").Start(context.Background(), "claude_code.hook")
	span.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := rcv.WaitForTraces(t, 5*time.Second)
	if req.Path != "/v1/traces" || req.ContentType != "application/json" {
		t.Errorf("detailed spans went to %s as %s, want /v1/traces as application/json", req.Path, req.ContentType)
	}
}
