package pricing

import (
	"strings"
	"testing"
)

// The captured Claude Code 2.1.197 and 2.1.330 runs priced these usages.
func TestCostReproducesCaptures(t *testing.T) {
	for _, tc := range []struct {
		usage  Usage
		want   float64
		micros int64
	}{
		{Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000, CacheCreationTokens: 300}, 0.0027209999999999995, 2721},
		{Usage{InputTokens: 107, OutputTokens: 35, CacheReadTokens: 2000, CacheCreationTokens: 300}, 0.0025709999999999995, 2571},
	} {
		got, ok := Default().Cost("claude-sonnet-4-5-20250929", tc.usage)
		if !ok || got != tc.want {
			t.Errorf("Cost(%+v) = %v, %v; want %v exactly", tc.usage, got, ok, tc.want)
		}
		if m := Micros(got); m != tc.micros {
			t.Errorf("Micros = %d, want %d", m, tc.micros)
		}
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"claude-sonnet-4-5-20250929":                   "claude-sonnet-4-5",
		"claude-opus-4-7[1m]":                          "claude-opus-4-7",
		"us.anthropic.claude-sonnet-4-5-20250929-v1:0": "claude-sonnet-4-5",
		"claude-sonnet-4-5@20250929":                   "claude-sonnet-4-5",
		"anthropic/claude-haiku-4-5":                   "claude-haiku-4-5",
		"Claude-3-5-Haiku-Latest":                      "claude-3-5-haiku",
	} {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnknownModelCostsNothing(t *testing.T) {
	if c, ok := Default().Cost("gpt-5", Usage{InputTokens: 1000}); ok || c != 0 {
		t.Errorf("unknown model: %v %v", c, ok)
	}
}

func TestLongContextAndCacheSplit(t *testing.T) {
	long := Usage{InputTokens: 150_000, CacheReadTokens: 60_000, OutputTokens: 1_000_000}
	c, _ := Default().Cost("claude-sonnet-4-5", long)
	want := 0.15*6 + 1*22.5 + 0.06*0.6
	if diff := c - want; diff > 1e-9 || diff < -1e-9 {
		t.Errorf("long context cost %v, want %v", c, want)
	}
	split := Usage{CacheCreationTokens: 2_000_000, CacheCreation5mTokens: 1_000_000, CacheCreation1hTokens: 1_000_000}
	if c, _ := Default().Cost("claude-haiku-4-5", split); c != 1.25+2 {
		t.Errorf("split cache writes cost %v, want 3.25", c)
	}
}

func TestWithOverrides(t *testing.T) {
	tb := Default().With("custom", map[string]Price{"my-model-20250101": {Input: 1}})
	if c, ok := tb.Cost("my-model", Usage{InputTokens: 1_000_000}); !ok || c != 1 {
		t.Errorf("override: %v %v", c, ok)
	}
	if _, ok := Default().Lookup("my-model"); ok {
		t.Error("With must not modify the receiver")
	}
	if tb.Version() != "custom" || Default().Version() == "" {
		t.Error("versions")
	}
}

func TestEveryEmbeddedModelIsPriced(t *testing.T) {
	for name, p := range Default().models {
		if p.Input <= 0 || p.Output <= 0 || p.CacheRead <= 0 || p.CacheWrite5m <= 0 || p.CacheWrite1h <= 0 {
			t.Errorf("%s has a zero rate: %+v", name, p)
		}
		if Canonical(name) != name {
			t.Errorf("embedded key %q is not canonical", name)
		}
	}
}

func BenchmarkCost(b *testing.B) {
	u := Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000, CacheCreationTokens: 300}
	for b.Loop() {
		Default().Cost("claude-sonnet-4-5-20250929", u)
	}
}

// BenchmarkLookupHugeModel: an unknown 10 MB model id costs a linear scan, not a regular expression's (about a
// second before).
func BenchmarkLookupHugeModel(b *testing.B) {
	model := strings.Repeat("a", 10<<20)
	for b.Loop() {
		Default().Lookup(model)
	}
}
