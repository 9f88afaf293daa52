package telemetry_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	cpb "go.opentelemetry.io/proto/otlp/common/v1"
	mpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tpb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// One value with invalid UTF-8 must not cost the batch it travels in: every
// signal arrives, with U+FFFD in its place.
func TestInvalidUTF8ReachesTheWire(t *testing.T) {
	rcv := otlptest.Start(t, otlptest.Options{})
	tel, err := telemetry.Start(context.Background(), env(
		"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1",
		"OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp", "OTEL_TRACES_EXPORTER=otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT="+rcv.HTTPEndpoint(),
		"OTEL_RESOURCE_ATTRIBUTES=team=a%FFb"),
		telemetry.WithErrorHandler(func(err error) { t.Errorf("export error: %v", err) }))
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := tel.StartSession(context.Background())
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "p"})
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude\xff-model", Usage: pricing.Usage{InputTokens: 1}, CostUSD: new(0.5)})
	_, run := s.StartTool(ctx, telemetry.ToolCall{Name: "Bash", Command: "printf '\xfe'"})
	run.Done(ctx, telemetry.ToolOutcome{Success: false, Error: "bad \xc3", ErrorType: "ShellError"})
	p.End(ctx)
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	rcv.WaitForMetrics(t, 5*time.Second)
	rcv.WaitForLogs(t, 5*time.Second)
	rcv.WaitForTraces(t, 5*time.Second)
	for _, r := range rcv.Requests() {
		if r.Err != nil {
			t.Errorf("%s request refused: %v", r.Signal, r.Err)
		}
	}
}

// A map or slice holding invalid UTF-8 at any depth, keys included, from
// the host's redactor on a metric and span attribute, from the host's own
// instruments and from its own spans, is repaired as a plain string is: the
// export succeeds on every protocol, nothing is lost, and two ccotel
// attributions that become equal after repair are one series.
func TestNestedInvalidUTF8ReachesTheWire(t *testing.T) {
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		t.Run(protocol, func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			endpoint := rcv.Endpoint(protocol)
			tel, err := telemetry.Start(context.Background(), env(
				"CLAUDE_CODE_ENABLE_TELEMETRY=1", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1",
				"OTEL_METRICS_EXPORTER=otlp", "OTEL_TRACES_EXPORTER=otlp",
				"OTEL_EXPORTER_OTLP_PROTOCOL="+protocol, "OTEL_EXPORTER_OTLP_ENDPOINT="+endpoint),
				telemetry.WithRedactor(func(_, key string, v attribute.Value) (attribute.Value, bool) {
					if key != "model" {
						return v, true
					}
					// "m\xff" and "m\xfe" give keys "k\xff" and "k\xfe": both "k\uFFFD".
					s := v.AsString()
					return attribute.MapValue(attribute.String("k"+s[len(s)-1:], "v\xfe"),
						attribute.Slice("maps", attribute.MapValue(attribute.StringSlice("s\xff", []string{"a\xc3"})))), true
				}),
				telemetry.WithErrorHandler(func(err error) { t.Errorf("export error: %v", err) }))
			if err != nil {
				t.Fatal(err)
			}
			ctx, s := tel.StartSession(context.Background())
			ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "p"})
			s.APIResponse(ctx, telemetry.APIResponse{Model: "m\xff", Usage: pricing.Usage{InputTokens: 1}, CostUSD: new(0.5)})
			s.APIResponse(ctx, telemetry.APIResponse{Model: "m\xfe", Usage: pricing.Usage{InputTokens: 1}, CostUSD: new(0.5)})
			p.End(ctx)

			c, err := tel.MeterProvider().Meter("host\xff").Int64Counter("host.count", metric.WithDescription("d\xff"))
			if err != nil {
				t.Fatal(err)
			}
			c.Add(ctx, 1, metric.WithAttributes(attribute.Map("m", attribute.String("k\xff", "v\xfe")), attribute.StringSlice("s", []string{"\xff"})))
			_, sp := tel.TracerProvider().Tracer("tracer\xff").Start(ctx, "host\xff",
				trace.WithAttributes(attribute.Slice("maps", attribute.MapValue(attribute.String("k\xff", "v")))),
				trace.WithLinks(trace.Link{SpanContext: trace.SpanContextFromContext(ctx), Attributes: []attribute.KeyValue{attribute.Map("m", attribute.String("k\xff", "v"))}}))
			sp.AddEvent("event\xff", trace.WithAttributes(attribute.Map("m", attribute.String("k\xff", "v"))))
			sp.SetStatus(codes.Error, "status\xff")
			sp.End()

			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, e := range tel.Stats().Exporters {
				if e.Exported == 0 || e.Dropped != 0 || e.Failed != 0 {
					t.Errorf("%s: exported %d, dropped %d, failed %d", e.Signal, e.Exported, e.Dropped, e.Failed)
				}
			}
			var points []*mpb.NumberDataPoint
			var host *mpb.NumberDataPoint
			var spans []*tpb.Span
			for _, r := range rcv.Requests() {
				if r.Err != nil {
					t.Errorf("%s request refused: %v", r.Signal, r.Err)
				}
				for _, rm := range r.Metrics.GetResourceMetrics() {
					for _, sm := range rm.GetScopeMetrics() {
						for _, m := range sm.GetMetrics() {
							switch m.GetName() {
							case "claude_code.token.usage":
								for _, dp := range m.GetSum().GetDataPoints() {
									if attr(dp.GetAttributes(), "type").GetStringValue() == "input" {
										points = append(points, dp)
									}
								}
							case "host.count":
								if sm.GetScope().GetName() != "host\uFFFD" || m.GetDescription() != "d\uFFFD" {
									t.Errorf("host scope %q, description %q", sm.GetScope().GetName(), m.GetDescription())
								}
								host = m.GetSum().GetDataPoints()[0]
							}
						}
					}
				}
				for _, rs := range r.Traces.GetResourceSpans() {
					for _, ss := range rs.GetScopeSpans() {
						spans = append(spans, ss.GetSpans()...)
					}
				}
			}
			if len(points) != 1 || points[0].GetAsDouble() != 2 {
				t.Fatalf("input token points: %v, want one of 2 (two models that repair to one)", points)
			}
			model := attr(points[0].GetAttributes(), "model").GetKvlistValue().GetValues()
			if len(model) != 2 || model[0].GetKey() != "k\uFFFD" || model[0].GetValue().GetStringValue() != "v\uFFFD" ||
				model[1].GetValue().GetArrayValue().GetValues()[0].GetKvlistValue().GetValues()[0].GetKey() != "s\uFFFD" {
				t.Errorf("model: %v", model)
			}
			if host == nil || attr(attr(host.GetAttributes(), "m").GetKvlistValue().GetValues(), "k\uFFFD").GetStringValue() != "v\uFFFD" ||
				attr(host.GetAttributes(), "s").GetArrayValue().GetValues()[0].GetStringValue() != "\uFFFD" {
				t.Errorf("host point: %v", host)
			}
			var llm, hs *tpb.Span
			for _, sp := range spans {
				switch sp.GetName() {
				case "claude_code.llm_request":
					llm = sp
				case "host\uFFFD":
					hs = sp
				}
			}
			if llm == nil || attr(attr(llm.GetAttributes(), "model").GetKvlistValue().GetValues(), "k\uFFFD") == nil {
				t.Errorf("llm_request span: %v", llm)
			}
			if hs == nil || hs.GetStatus().GetMessage() != "status\uFFFD" || hs.GetEvents()[0].GetName() != "event\uFFFD" ||
				attr(attr(hs.GetEvents()[0].GetAttributes(), "m").GetKvlistValue().GetValues(), "k\uFFFD") == nil ||
				attr(attr(hs.GetLinks()[0].GetAttributes(), "m").GetKvlistValue().GetValues(), "k\uFFFD") == nil ||
				attr(attr(hs.GetAttributes(), "maps").GetArrayValue().GetValues()[0].GetKvlistValue().GetValues(), "k\uFFFD") == nil {
				t.Errorf("host span: %v", hs)
			}
		})
	}
}

func attr(kvs []*cpb.KeyValue, key string) *cpb.AnyValue {
	for _, kv := range kvs {
		if kv.GetKey() == key {
			return kv.GetValue()
		}
	}
	return nil
}
