package otelcoltest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"

	"github.com/ccotel/ccotel/internal/otelcoltest"
)

const waitTimeout = 20 * time.Second

type exporters struct {
	metric sdkmetric.Exporter
	log    sdklog.Exporter
	span   sdktrace.SpanExporter
}

func newExporters(t *testing.T, ctx context.Context, c *otelcoltest.Collector, protocol string) exporters {
	t.Helper()
	var (
		e   exporters
		err error
	)
	switch protocol {
	case "grpc":
		if e.metric, err = otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpointURL(c.GRPCEndpoint())); err != nil {
			t.Fatal(err)
		}
		if e.log, err = otlploggrpc.New(ctx, otlploggrpc.WithEndpointURL(c.GRPCEndpoint())); err != nil {
			t.Fatal(err)
		}
		if e.span, err = otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(c.GRPCEndpoint())); err != nil {
			t.Fatal(err)
		}
	case "http/protobuf":
		if e.metric, err = otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/metrics")); err != nil {
			t.Fatal(err)
		}
		if e.log, err = otlploghttp.New(ctx, otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs")); err != nil {
			t.Fatal(err)
		}
		if e.span, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/traces")); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown protocol %q", protocol)
	}
	return e
}

// TestSmoke sends a counter, a log record and a span with the OTel Go SDK's OTLP exporters over gRPC and
// http/protobuf to a real Collector and finds them in its file-exporter output.
func TestSmoke(t *testing.T) {
	for _, protocol := range []string{"grpc", "http/protobuf"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			c := otelcoltest.Start(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			e := newExporters(t, ctx, c, protocol)
			res := resource.NewSchemaless(attribute.String("service.name", "ccotel-smoke"))

			tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithSyncer(e.span))
			spanCtx, span := tp.Tracer("smoke").Start(ctx, "smoke-span")
			traceID, spanID := span.SpanContext().TraceID(), span.SpanContext().SpanID()

			lp := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewSimpleProcessor(e.log)))
			var rec otellog.Record
			rec.SetEventName("ccotel.smoke")
			rec.SetBody(attribute.StringValue("hello " + protocol))
			rec.AddAttributes(attribute.String("protocol", protocol))
			lp.Logger("smoke").Emit(spanCtx, rec)
			span.End()

			mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res),
				sdkmetric.WithReader(sdkmetric.NewPeriodicReader(e.metric, sdkmetric.WithInterval(time.Hour))))
			counter, err := mp.Meter("smoke").Int64Counter("ccotel.smoke.requests")
			if err != nil {
				t.Fatal(err)
			}
			counter.Add(ctx, 3)
			counter.Add(ctx, 4)

			for _, shutdown := range []func(context.Context) error{mp.Shutdown, lp.Shutdown, tp.Shutdown} {
				if err := shutdown(ctx); err != nil {
					t.Fatalf("shutdown: %v", err)
				}
			}

			c.WaitForMetrics(t, func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
				ms := otelcoltest.FlattenMetrics(reqs, "ccotel.smoke.requests")
				return len(ms) == 1 && otelcoltest.SumValue(ms[0].Metric, nil) == 7 &&
					otelcoltest.Attrs(ms[0].Resource.GetAttributes())["service.name"] == "ccotel-smoke"
			}, waitTimeout)

			c.WaitForLogs(t, func(reqs []*collectorlogs.ExportLogsServiceRequest) bool {
				recs := otelcoltest.FlattenLogs(reqs)
				if len(recs) != 1 {
					return false
				}
				r := recs[0].Record
				return r.GetEventName() == "ccotel.smoke" &&
					otelcoltest.AnyValueString(r.GetBody()) == "hello "+protocol &&
					otelcoltest.Attrs(r.GetAttributes())["protocol"] == protocol &&
					string(r.GetTraceId()) == string(traceID[:]) &&
					string(r.GetSpanId()) == string(spanID[:])
			}, waitTimeout)

			c.WaitForTraces(t, func(reqs []*collectortrace.ExportTraceServiceRequest) bool {
				spans := otelcoltest.FlattenSpans(reqs)
				return len(spans) == 1 && spans[0].Span.GetName() == "smoke-span" &&
					string(spans[0].Span.GetTraceId()) == string(traceID[:]) &&
					string(spans[0].Span.GetSpanId()) == string(spanID[:])
			}, waitTimeout)
		})
	}
}

func sendCount(t *testing.T, c *otelcoltest.Collector, name string, n int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	exp, err := otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpointURL(c.GRPCEndpoint()))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(time.Hour))))
	counter, err := mp.Meter("smoke").Int64Counter(name)
	if err != nil {
		t.Fatal(err)
	}
	counter.Add(ctx, n)
	if err := mp.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

func hasCount(name string, n float64) func([]*collectormetrics.ExportMetricsServiceRequest) bool {
	return func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
		ms := otelcoltest.FlattenMetrics(reqs, name)
		return len(ms) == 1 && otelcoltest.SumValue(ms[0].Metric, nil) == n
	}
}

// TestRestart checks that Stop/Kill/Restart keep the endpoints and that the readers return what every run of the
// Collector received.
func TestRestart(t *testing.T) {
	t.Parallel()
	c := otelcoltest.Start(t)
	grpcEndpoint, httpEndpoint := c.GRPCEndpoint(), c.HTTPEndpoint()

	sendCount(t, c, "ccotel.before", 1)
	c.WaitForMetrics(t, hasCount("ccotel.before", 1), waitTimeout)

	c.Kill(t)
	if c.Running() {
		t.Fatal("Running() after Kill")
	}
	c.Restart(t)
	if !c.Running() {
		t.Fatal("not Running() after Restart")
	}
	if c.GRPCEndpoint() != grpcEndpoint || c.HTTPEndpoint() != httpEndpoint {
		t.Fatalf("endpoints changed across restart: %s %s -> %s %s", grpcEndpoint, httpEndpoint, c.GRPCEndpoint(), c.HTTPEndpoint())
	}
	sendCount(t, c, "ccotel.after", 2)
	reqs := c.WaitForMetrics(t, hasCount("ccotel.after", 2), waitTimeout)
	if !hasCount("ccotel.before", 1)(reqs) {
		t.Fatalf("the first run's metric is missing after the restart: %v", reqs)
	}

	c.Stop(t)
	if c.Running() {
		t.Fatal("Running() after Stop")
	}
	c.Restart(t)
	sendCount(t, c, "ccotel.third", 3)
	c.WaitForMetrics(t, hasCount("ccotel.third", 3), waitTimeout)
}

// TestStartWithPrometheusExporter checks the otelcol-prom variant's exporter endpoint serves what it received.
func TestStartWithPrometheusExporter(t *testing.T) {
	t.Parallel()
	c := otelcoltest.Start(t, otelcoltest.WithPrometheus(otelcoltest.GuideProcessors))
	if c.PrometheusAddr() == "" || c.PrometheusURL() != "http://"+c.PrometheusAddr()+"/metrics" {
		t.Fatalf("PrometheusAddr %q PrometheusURL %q", c.PrometheusAddr(), c.PrometheusURL())
	}
	sendCount(t, c, "ccotel.prom.smoke", 5)
	c.WaitForMetrics(t, hasCount("ccotel.prom.smoke", 5), waitTimeout)
	deadline := time.Now().Add(waitTimeout)
	for {
		body := c.Scrape(t)
		if strings.Contains(body, "\nccotel_prom_smoke_total{") && strings.Contains(body, "} 5 ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ccotel_prom_smoke_total 5 not exposed at %s:\n%s", c.PrometheusURL(), body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
