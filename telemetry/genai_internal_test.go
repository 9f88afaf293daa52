package telemetry

import (
	"context"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

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
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	g, err := newGenAI(mp, config.Config{Extensions: config.Extensions{GenAISemconv: true}}, "1", nil)
	if err != nil || g == nil {
		t.Fatal(err)
	}
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
