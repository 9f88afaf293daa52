package config

import (
	"strings"
	"testing"
)

// TestHostileLongLists: a 1 MB list of bad entries gives one problem per
// entry, each quoting at most a bounded part of the value (it used to quote
// the whole megabyte each time: quadratic time and memory).
func TestHostileLongLists(t *testing.T) {
	long := strings.Repeat("bogus,", 1<<15) + strings.Repeat("é", 1<<19)
	_, err := Load(WithGetenv(env{"CLAUDE_CODE_ENABLE_TELEMETRY": "1", "OTEL_METRICS_EXPORTER": long, "OTEL_RESOURCE_ATTRIBUTES": long}.getenv), WithoutManagedSettings())
	cerr, ok := err.(*Error)
	if !ok || len(cerr.Problems) == 0 {
		t.Fatalf("want problems, got %v", err)
	}
	for _, p := range cerr.Problems {
		if len(p.Value) > maxProblemValue+32 || !strings.Contains(p.Value, "bytes)") {
			t.Fatalf("problem quotes %d bytes: %.80q", len(p.Value), p.Value)
		}
	}
}
