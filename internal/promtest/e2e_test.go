package promtest_test

import (
	"context"
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/exporter"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/promtest"
)

const waitTimeout = 30 * time.Second

func near(want float64) func(promtest.Vector) bool {
	return func(v promtest.Vector) bool { return len(v) == 1 && math.Abs(v[0].Value-want) < 1e-9 }
}

// costMeter sends claude_code.cost.usage (unit USD) to the Collector over gRPC with the given temporality;
// flush exports what was added so far.
func costMeter(t *testing.T, c *otelcoltest.Collector, temporality metricdata.Temporality) (add func(user string, usd float64), flush func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	var cfg config.Config
	cfg.Metrics.OTLP = config.OTLP{Protocol: config.ProtocolGRPC, Endpoint: c.GRPCEndpoint()}
	cfg.Logs.OTLP, cfg.Traces.OTLP = cfg.Metrics.OTLP, cfg.Metrics.OTLP
	cfg.Metrics.Temporality = config.TemporalityDelta // a counter: delta
	if temporality == metricdata.CumulativeTemporality {
		cfg.Metrics.Temporality = config.TemporalityCumulative
	}
	exp, logs, spans, err := exporter.OTLPExporters(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = logs.Shutdown(context.Background()); _ = spans.Shutdown(context.Background()) })
	mp := sdkmetric.NewMeterProvider(
		sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", "claude-code"))),
		sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp, sdkmetric.WithInterval(time.Hour))))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	cost, err := mp.Meter("com.anthropic.claude_code").Float64Counter("claude_code.cost.usage", metric.WithUnit("USD"))
	if err != nil {
		t.Fatal(err)
	}
	add = func(user string, usd float64) {
		cost.Add(ctx, usd, metric.WithAttributes(attribute.String("user.id", user)))
	}
	flush = func() {
		if err := mp.ForceFlush(ctx); err != nil {
			t.Fatalf("flush: %v", err)
		}
	}
	return add, flush
}

// TestCostUsageThroughCollectorToPrometheus runs the monitoring guide's path for real: OTLP to the otelcol-prom
// Collector, its prometheus exporter scraped by Debian's Prometheus, PromQL on the result.
func TestCostUsageThroughCollectorToPrometheus(t *testing.T) {
	t.Parallel()
	c := otelcoltest.Start(t, otelcoltest.WithPrometheus(otelcoltest.GuideProcessors))
	p := promtest.Start(t, []string{c.PrometheusAddr()})

	add, flush := costMeter(t, c, metricdata.CumulativeTemporality)
	add("alice", 0.25)
	add("alice", 0.5)
	add("bob", 0.33)
	flush()

	p.WaitForQuery(t, "sum(claude_code_cost_usage_USD_total)", near(1.08), waitTimeout)
	v := p.Query(t, `claude_code_cost_usage_USD_total{user_id="alice"}`)
	if len(v) != 1 || math.Abs(v[0].Value-0.75) > 1e-9 {
		t.Fatalf("alice's cost: want one series of 0.75, got:\n%s", v)
	}
	if got := v[0].Metric["exported_job"]; got != "claude-code" {
		t.Errorf("exported_job = %q, want claude-code; series:\n%s", got, v)
	}
	if got := v[0].Metric["job"]; got != "otelcol" {
		t.Errorf("job = %q, want the scrape job otelcol; series:\n%s", got, v)
	}
	if got := v[0].Metric["otel_scope_name"]; got != "com.anthropic.claude_code" {
		t.Errorf("otel_scope_name = %q; series:\n%s", got, v)
	}

	// A later export is seen by later scrapes.
	add("bob", 1)
	flush()
	p.WaitForQuery(t, "sum(claude_code_cost_usage_USD_total)", near(2.08), waitTimeout)
}

// TestDeltaToCumulative checks the WithPrometheus processors choice: with the deltatocumulative processor, delta
// exports add up in Prometheus.
func TestDeltaToCumulative(t *testing.T) {
	t.Parallel()
	c := otelcoltest.Start(t, otelcoltest.WithPrometheus(otelcoltest.DeltaToCumulativeProcessors))
	p := promtest.Start(t, []string{c.PrometheusAddr()})

	add, flush := costMeter(t, c, metricdata.DeltaTemporality)
	add("alice", 0.5)
	flush()
	p.WaitForQuery(t, "sum(claude_code_cost_usage_USD_total)", near(0.5), waitTimeout)
	add("alice", 0.25)
	flush()
	p.WaitForQuery(t, "sum(claude_code_cost_usage_USD_total)", near(0.75), waitTimeout)
	if !c.Running() {
		t.Fatal("Collector exited")
	}
}
