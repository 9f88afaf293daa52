package telemetry

import (
	"context"
	"fmt"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/pricing"
)

func TestGenAIOffCreatesNothingAndCostsNothing(t *testing.T) {
	g, err := newGenAI(sdkmetric.NewMeterProvider(), config.Config{}, "1", nil)
	if err != nil || g != nil {
		t.Fatalf("off: %v, %v; want no recorder", g, err)
	}
	ctx := context.Background()
	u := pricing.Usage{InputTokens: 10, OutputTokens: 5}
	if n := testing.AllocsPerRun(100, func() {
		g.response(ctx, "anthropic", "claude-sonnet-4-5", u, time.Second)
		g.failure(ctx, "anthropic", "claude-sonnet-4-5", 529, time.Second)
	}); n != 0 {
		t.Fatalf("off path: %v allocs per call, want 0", n)
	}
}

func TestGenAIRepeatedCombinationsDoNotAllocate(t *testing.T) {
	g, _ := testGenAI(t)
	ctx := context.Background()
	u := pricing.Usage{InputTokens: 10, OutputTokens: 5, CacheReadTokens: 100}
	record := func() {
		g.response(ctx, "anthropic", "claude-sonnet-4-5", u, 1500*time.Millisecond)
		g.failure(ctx, "anthropic", "claude-sonnet-4-5", 529, time.Second)
		g.failure(ctx, "anthropic", "claude-sonnet-4-5", 0, time.Second)
	}
	record()
	if n := testing.AllocsPerRun(200, record); n != 0 {
		t.Fatalf("on path, repeated combinations: %v allocs, want 0", n)
	}
}

func BenchmarkGenAIResponse(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	g, _ := newGenAI(mp, config.Config{Extensions: config.Extensions{GenAISemconv: true}}, "1", nil)
	ctx := context.Background()
	u := pricing.Usage{InputTokens: 10, OutputTokens: 5}
	b.ReportAllocs()
	for b.Loop() {
		g.response(ctx, "anthropic", "claude-sonnet-4-5", u, time.Second)
	}
}

// TestGenAICacheBounded: a host reporting endless model names gets every call recorded, and the cache of attribute
// sets stops at maxGenAIEntries.
func TestGenAICacheBounded(t *testing.T) {
	g, reader := testGenAI(t)
	ctx := context.Background()
	const models = 2 * maxGenAIEntries
	for i := range models {
		g.response(ctx, "anthropic", fmt.Sprint("model-", i), pricing.Usage{InputTokens: 1, OutputTokens: 1}, time.Second)
	}
	n := 0
	g.cache.Range(func(any, any) bool { n++; return true })
	if n != maxGenAIEntries {
		t.Errorf("cache holds %d entries, want the bound %d", n, maxGenAIEntries)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	var tokens float64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok && m.Name == GenAITokenUsage {
				for _, p := range h.DataPoints {
					tokens += p.Sum
				}
			}
		}
	}
	if tokens != 2*models {
		t.Errorf("recorded %v tokens, want %d (every call, cached or not)", tokens, 2*models)
	}
}

// TestGenAIInvalidUTF8OneSeries: a model name with invalid UTF-8 is
// repaired when its attribute set is built, so two names that differ only
// in their invalid bytes are one series, not two points with the same
// attributes in one export.
func TestGenAIInvalidUTF8OneSeries(t *testing.T) {
	g, reader := testGenAI(t)
	ctx := context.Background()
	g.response(ctx, "anthropic", "m\xfe", pricing.Usage{InputTokens: 1}, time.Second)
	g.response(ctx, "anthropic", "m\xff", pricing.Usage{InputTokens: 1}, time.Second)
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != GenAIOperationDuration {
				continue
			}
			pts := m.Data.(metricdata.Histogram[float64]).DataPoints
			if v, _ := pts[0].Attributes.Value("gen_ai.request.model"); len(pts) != 1 || pts[0].Count != 2 || v.AsString() != "m\uFFFD" {
				t.Errorf("%d points, first %v", len(pts), pts[0])
			}
			return
		}
	}
	t.Fatal("no duration histogram")
}

// testGenAI is the GenAI extension on a meter provider of its own, with the
// reader that collects it.
func testGenAI(t *testing.T) (*genAI, *sdkmetric.ManualReader) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	g, err := newGenAI(mp, config.Config{Extensions: config.Extensions{GenAISemconv: true}}, "1", nil)
	if err != nil || g == nil {
		t.Fatal(err)
	}
	return g, reader
}
