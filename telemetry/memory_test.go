package telemetry_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// TestHugeValuesAreNotKept: what ccotel keeps of a value past the
// identifier bound (a queued record, a session's cached attribute set, its
// last model, the unknown models it reported) is a copy of the cut part,
// so a host's huge strings are freed once the host drops them. 16 distinct
// 4 MiB models, priced and unpriced, on metrics, events, spans and edits,
// leave well under one of them on the heap.
func TestHugeValuesAreNotKept(t *testing.T) {
	const size, n = 4 << 20, 16
	kit := telemetrytest.New(t)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	huge := func(i int) string { return strings.Repeat(string(rune('a'+i)), size) }

	before := heap()
	cost := 0.01
	for i := range n {
		model := huge(i)
		r := telemetry.APIResponse{Usage: pricing.Usage{InputTokens: 1}}
		r.Model = model
		if i%2 == 0 {
			r.CostUSD = &cost
		}
		s.APIResponse(ctx, r)
		s.EditDecision(ctx, telemetry.Edit{ToolName: "Write", FilePath: "a.go", NewText: "x\n"})
		kit.Telemetry.Metrics().LinesOfCode(ctx, metrics.LinesAdded, model, 1)
	}
	after := heap()
	if grown := int64(after) - int64(before); grown > size {
		t.Errorf("the heap grew by %d bytes after %d models of %d bytes: huge values are kept alive", grown, n, size)
	}
	if got := len(kit.Events("api_request")); got != n {
		t.Fatalf("%d api_request events, want %d", got, n)
	}
	runtime.KeepAlive(s)
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
