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

// TestDetailedSpansOncePerReceiver: with detailed beta tracing and the OTLP
// traces exporter both on, no receiver gets a span twice, whether the two
// endpoints are one receiver (as in Claude Code's captures) or two.
func TestDetailedSpansOncePerReceiver(t *testing.T) {
	for _, tc := range []struct {
		name     string
		same     bool
		protocol config.Protocol
	}{
		{"one receiver, http/json", true, config.ProtocolHTTPJSON},
		{"one receiver, http/protobuf", true, config.ProtocolHTTPProtobuf},
		{"two receivers", false, config.ProtocolHTTPJSON},
		{"two receivers, grpc", false, config.ProtocolGRPC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			main := otlptest.Start(t, otlptest.Options{})
			beta := main
			if !tc.same {
				beta = otlptest.Start(t, otlptest.Options{})
			}
			endpoint := main.HTTPURL(otlptest.Traces)
			if tc.protocol == config.ProtocolGRPC {
				endpoint = main.GRPCEndpoint()
			}
			cfg := config.Config{Enabled: true, Traces: config.TracesConfig{
				Beta: true, Exporters: []config.Exporter{config.ExporterOTLP}, Interval: 50 * time.Millisecond,
				OTLP:     config.OTLP{Protocol: tc.protocol, Endpoint: endpoint, Insecure: true, Timeout: 5 * time.Second},
				Detailed: true, DetailedEndpoint: beta.HTTPEndpoint(),
			}}
			p, err := Build(context.Background(), cfg, Settings{})
			if err != nil {
				t.Fatal(err)
			}
			var opts []sdktrace.TracerProviderOption
			for _, sp := range p.SpanProcessors {
				opts = append(opts, sdktrace.WithSpanProcessor(sp))
			}
			tp := sdktrace.NewTracerProvider(opts...)
			for range 3 {
				_, span := tp.Tracer("t").Start(context.Background(), "claude_code.llm_request")
				span.End()
			}
			if err := tp.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := p.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			rcvs := []*otlptest.Receiver{main}
			if !tc.same {
				rcvs = append(rcvs, beta)
			}
			for i, r := range rcvs {
				n := 0
				for _, q := range r.Requests() {
					for _, rs := range q.Traces.GetResourceSpans() {
						for _, ss := range rs.GetScopeSpans() {
							n += len(ss.GetSpans())
						}
					}
				}
				if n != 3 {
					t.Errorf("receiver %d got %d spans, want each of the 3 once", i, n)
				}
			}
		})
	}
}
