package telemetry_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/promtest"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// startToCollector starts a handle configured by environment variables
// exporting metrics over gRPC to c.
func startToCollector(t *testing.T, c *otelcoltest.Collector, environ []string, opts ...telemetry.Option) *telemetry.Telemetry {
	t.Helper()
	environ = append([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_ENDPOINT=" + c.GRPCEndpoint()}, environ...)
	cfg, err := config.Load(config.WithEnviron(environ), config.WithoutManagedSettings())
	if err != nil {
		t.Fatal(err)
	}
	tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{telemetry.WithConfig(cfg),
		telemetry.WithErrorHandler(func(err error) { t.Errorf("telemetry: %v", err) })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel
}

// TestGenAIReachesCollector: the histograms arrive with the conventions'
// names, units and explicit boundaries only when opted in.
func TestGenAIReachesCollector(t *testing.T) {
	c := otelcoltest.Start(t)
	for _, optIn := range []bool{false, true} {
		var environ []string
		service := "genai-off"
		if optIn {
			environ, service = []string{"OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental"}, "genai-on"
		}
		tel := startToCollector(t, c, append(environ, "OTEL_SERVICE_NAME="+service))
		ctx, s := tel.StartSession(context.Background())
		s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Duration: 2 * time.Second,
			Usage: pricing.Usage{InputTokens: 7, OutputTokens: 90, CacheReadTokens: 500}})
		s.APIError(ctx, telemetry.APIFailure{Model: "claude-sonnet-4-5", StatusCode: 429, Duration: time.Second})
		if err := tel.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	byService := func(reqs []*collectormetrics.ExportMetricsServiceRequest, service, name string) []otelcoltest.Metric {
		var out []otelcoltest.Metric
		for _, m := range otelcoltest.FlattenMetrics(reqs, name) {
			if otelcoltest.Attrs(m.Resource.GetAttributes())["service.name"] == service {
				out = append(out, m)
			}
		}
		return out
	}
	reqs := c.WaitForMetrics(t, func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
		return len(byService(reqs, "genai-off", "claude_code.cost.usage")) > 0 && len(byService(reqs, "genai-on", "gen_ai.client.operation.duration")) > 0
	}, 30*time.Second)
	if n := len(byService(reqs, "genai-off", "gen_ai.client.token.usage")) + len(byService(reqs, "genai-off", "gen_ai.client.operation.duration")); n != 0 {
		t.Fatalf("gen_ai metrics reached the Collector without the opt-in (%d)", n)
	}
	if len(byService(reqs, "genai-on", "claude_code.token.usage")) == 0 {
		t.Fatal("claude_code.token.usage missing next to the gen_ai histograms")
	}
	for name, want := range map[string]struct {
		unit   string
		bounds []float64
		sum    float64
	}{
		// The GenAI semantic conventions' bucket boundaries.
		"gen_ai.client.token.usage": {"{token}", []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
			4194304, 16777216, 67108864}, 507 + 90},
		"gen_ai.client.operation.duration": {"s", []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
			10.24, 20.48, 40.96, 81.92}, 3},
	} {
		ms := byService(reqs, "genai-on", name)
		if len(ms) == 0 {
			t.Fatalf("%s did not reach the Collector", name)
		}
		var sum float64
		for _, m := range ms {
			if m.Metric.GetUnit() != want.unit || m.Scope.GetName() != telemetry.GenAIMeterName {
				t.Errorf("%s: unit %q scope %q", name, m.Metric.GetUnit(), m.Scope.GetName())
			}
			h := m.Metric.GetHistogram()
			if h == nil {
				t.Fatalf("%s is not a histogram: %v", name, m.Metric)
			}
			for _, p := range h.GetDataPoints() {
				if !slices.Equal(p.GetExplicitBounds(), want.bounds) {
					t.Errorf("%s bounds %v", name, p.GetExplicitBounds())
				}
				sum += p.GetSum()
			}
		}
		if math.Abs(sum-want.sum) > 1e-9 {
			t.Errorf("%s: sum %v, want %v", name, sum, want.sum)
		}
	}
}

// TestDeltaContiguousPrometheusTotal is the monitoring guide's pipeline for
// real (delta temporality, the Collector's prometheus exporter with
// [memory_limiter, batch], send_timestamps, metric_expiration 180m, scraped
// by Prometheus) with two users whose activity has gaps of several export
// intervals. Without CCOTEL_DELTA_CONTIGUOUS the guide's query under-reports;
// with it, it reports the true total.
func TestDeltaContiguousPrometheusTotal(t *testing.T) {
	const interval = 300 * time.Millisecond
	const want = 1.08
	for _, contiguous := range []bool{false, true} {
		name := map[bool]string{false: "guide", true: "contiguous"}[contiguous]
		t.Run(name, func(t *testing.T) {
			c := otelcoltest.Start(t, otelcoltest.WithPrometheus(otelcoltest.GuideProcessors))
			p := promtest.Start(t, []string{c.PrometheusAddr()}, promtest.WithScrapeInterval(250*time.Millisecond))
			environ := []string{"OTEL_METRIC_EXPORT_INTERVAL=" + "300"}
			if contiguous {
				environ = append(environ, "CCOTEL_DELTA_CONTIGUOUS=1")
			}
			user := func(id string) (context.Context, *telemetry.Session) {
				tel := startToCollector(t, c, environ, telemetry.WithUserID(id))
				return tel.StartSession(context.Background())
			}
			actx, alice := user("alice")
			bctx, bob := user("bob")
			cost := func(s *telemetry.Session, ctx context.Context, usd float64) {
				s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", CostUSD: &usd})
			}
			gap := func() { time.Sleep(4 * interval) } // several intervals without data
			cost(alice, actx, 0.25)
			gap()
			cost(bob, bctx, 0.33)
			gap()
			cost(alice, actx, 0.20)
			gap()
			cost(bob, bctx, 0.30)
			gap()
			gap()
			q := "sum(claude_code_cost_usage_USD_total)"
			if contiguous {
				v := p.WaitForQuery(t, q, func(v promtest.Vector) bool { return len(v) == 1 && math.Abs(v[0].Value-want) < 1e-9 }, 30*time.Second)
				t.Logf("%s with CCOTEL_DELTA_CONTIGUOUS: %v (true total %v)", q, v[0].Value, want)
				return
			}
			// Without the option each user's total is replaced by their
			// latest delta: alice 0.20 + bob 0.30.
			v := p.WaitForQuery(t, q, func(v promtest.Vector) bool { return len(v) == 1 && math.Abs(v[0].Value-0.5) < 1e-9 }, 30*time.Second)
			t.Logf("%s with the guide's pipeline: %v (true total %v)", q, v[0].Value, want)
		})
	}
}

// TestConsecutiveIntervalsThroughGuidePipeline is the monitoring guide's
// pipeline fed by one user active in four consecutive export intervals
// (each ForceFlush ends one). Claude Code's points start at the first
// measurement of their interval, so no two touch and the Collector's
// prometheus exporter replaces the total each time: the guide's query shows
// the last delta, as it would for Claude Code. (The Go SDK's own starts
// chained such points, which made ccotel's data look healthier than Claude
// Code's.) CCOTEL_DELTA_CONTIGUOUS restores the true total.
func TestConsecutiveIntervalsThroughGuidePipeline(t *testing.T) {
	const truth = 1.08
	for _, tc := range []struct {
		name       string
		environ    []string
		want       float64
		contiguous bool
	}{
		{"claude-code-starts", nil, 0.30, false},
		{"contiguous", []string{"CCOTEL_DELTA_CONTIGUOUS=1"}, truth, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := otelcoltest.Start(t, otelcoltest.WithPrometheus(otelcoltest.GuideProcessors))
			p := promtest.Start(t, []string{c.PrometheusAddr()}, promtest.WithScrapeInterval(250*time.Millisecond))
			// The periodic reader never fires on its own: each flush is one interval.
			tel := startToCollector(t, c, append([]string{"OTEL_METRIC_EXPORT_INTERVAL=3600000"}, tc.environ...),
				telemetry.WithUserID("alice"))
			ctx, s := tel.StartSession(context.Background())
			for _, usd := range []float64{0.25, 0.33, 0.20, 0.30} {
				s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", CostUSD: &usd})
				if err := tel.ForceFlush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			q := "sum(claude_code_cost_usage_USD_total)"
			v := p.WaitForQuery(t, q, func(v promtest.Vector) bool { return len(v) == 1 && math.Abs(v[0].Value-tc.want) < 1e-9 }, 60*time.Second)
			t.Logf("%s, %s: %v (true total %v, %.0f%%)", q, tc.name, v[0].Value, truth, 100*v[0].Value/truth)
		})
	}
}
