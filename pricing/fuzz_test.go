package pricing

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

// FuzzCanonical checks model-id canonicalisation: no panic; no provider
// prefix or context suffix left; a price added under any id is found again
// under that id; and a cost is finite and non-negative for non-negative
// usage.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"claude-sonnet-4-5-20250929", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-opus-4-1@20250805",
		"anthropic/claude-3-5-haiku-latest", "claude-sonnet-4[1m]", "  Claude-Opus-4  ", "", "[", "/", "claude-",
		"claude-x-v1-20250101", "\xff\xfeclaude", "a/b/c[d]/e",
		"claude-v1:0", "-v1:0", "x-v:1", "x-v1:", "x:1", "x-v12:34", "x-vv1", "@12345678", "-1234567", "x-v1-v2:3", "x-v1:2:3",
	} {
		f.Add(s, int64(1000), int64(2000))
	}
	f.Fuzz(func(t *testing.T, model string, in, out int64) {
		c := Canonical(model)
		if got, want := trimDate(trimBedrockVersion(model)), dateRE.ReplaceAllString(bedrockVersionRE.ReplaceAllString(model, ""), ""); got != want {
			t.Fatalf("the tail of %q trimmed: %q, the regular expressions give %q", model, got, want)
		}
		if strings.Contains(c, "[") || strings.Contains(c, "/") {
			t.Fatalf("Canonical(%q) = %q keeps a prefix or suffix", model, c)
		}
		if len(c) > len(model)*3+3 { // lower-casing may grow invalid bytes to U+FFFD
			t.Fatalf("Canonical(%q) = %q grew", model, c)
		}
		p := Price{Input: 3, Output: 15, CacheRead: 0.3, CacheWrite5m: 3.75, CacheWrite1h: 6}
		tb := Default().With("fuzz", map[string]Price{model: p})
		got, ok := tb.Lookup(model)
		if !ok || got != p {
			t.Fatalf("With(%q) then Lookup: %v %v", model, got, ok)
		}
		if in < 0 {
			in = -in
		}
		if out < 0 {
			out = -out
		}
		cost, ok := tb.Cost(model, Usage{InputTokens: in, OutputTokens: out})
		if !ok || math.IsNaN(cost) || math.IsInf(cost, 0) || cost < 0 {
			t.Fatalf("cost %v %v", cost, ok)
		}
		Default().Cost(model, Usage{InputTokens: in}) // the embedded table: any id, no panic
	})
}

// The expressions the tail readers replaced, the reference they must agree with.
var (
	bedrockVersionRE = regexp.MustCompile(`-v\d+(:\d+)?$`)
	dateRE           = regexp.MustCompile(`[-@]\d{8}$`)
)
