package pricing_test

import (
	"fmt"

	"github.com/ccotel/ccotel/pricing"
)

// The cost of a usage is computed as Claude Code computes it, float noise
// included: the captured cost_usd of this request was 0.0027209999999999995.
func ExampleTable_Cost() {
	usd, ok := pricing.Default().Cost("claude-sonnet-4-5-20250929", pricing.Usage{
		InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000, CacheCreationTokens: 300,
	})
	fmt.Println(usd, ok, pricing.Micros(usd))
	// Output: 0.0027209999999999995 true 2721
}

// Prices the table lacks, or negotiated ones, are added with With; the
// result is passed to telemetry.WithPrices.
func ExampleTable_With() {
	t := pricing.Default().With("acme-2026-11", map[string]pricing.Price{
		"claude-sonnet-4-5": {Input: 2.4, Output: 12, CacheRead: 0.24, CacheWrite5m: 3, CacheWrite1h: 4.8},
	})
	usd, _ := t.Cost("claude-sonnet-4-5-20250929", pricing.Usage{InputTokens: 1_000_000})
	fmt.Println(t.Version(), usd)
	// Output: acme-2026-11 2.4
}
