package otelcoltest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/exporter"
	"github.com/ccotel/ccotel/internal/otelcoltest"
)

const waitTimeout = 20 * time.Second

type exporters struct {
	metric sdkmetric.Exporter
	log    sdklog.Exporter
	span   sdktrace.SpanExporter
}

func newExporters(t *testing.T, _ context.Context, c *otelcoltest.Collector, protocol string) exporters {
	t.Helper()
	endpoint := func(path string) config.OTLP {
		if protocol == "grpc" {
			return config.OTLP{Protocol: config.ProtocolGRPC, Endpoint: c.GRPCEndpoint()}
		}
		return config.OTLP{Protocol: config.Protocol(protocol), Endpoint: c.HTTPEndpoint() + path}
	}
	var cfg config.Config
	cfg.Metrics.OTLP, cfg.Logs.OTLP, cfg.Traces.OTLP = endpoint("/v1/metrics"), endpoint("/v1/logs"), endpoint("/v1/traces")
	var (
		e   exporters
		err error
	)
	if e.metric, e.log, e.span, err = exporter.OTLPExporters(cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestSmoke sends a counter, a log record and a span with ccotel's OTLP exporters (driven by the OTel Go SDK) over gRPC and
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
	e := newExporters(t, ctx, c, "grpc")
	defer e.log.Shutdown(ctx)
	defer e.span.Shutdown(ctx)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(e.metric, sdkmetric.WithInterval(time.Hour))))
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
