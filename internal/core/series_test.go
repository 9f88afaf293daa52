package core

import (
	"context"
	"fmt"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Series counts distinct sets per instrument and interval, counts a marked set once per interval, and stops at its
// cap with the count marked as a lower bound.
func TestSeries(t *testing.T) {
	opt := func(i int) []metric.AddOption {
		return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String("session.id", fmt.Sprint(i))))}
	}
	s := NewSeries(4)
	s.Cumulative()
	iv := s.Delta()
	var seen [3]uint64
	for range 2 { // the same sets again: counted once
		for i := range seen {
			s.Mark(&seen[i], "a", opt(i))
		}
	}
	s.Mark(nil, "a", opt(0)) // uncached, an equal set: once
	s.Mark(nil, "b", opt(0))
	if got := iv.Advance(); got["a"] != (Distinct{N: 3}) || got["b"] != (Distinct{N: 1}) {
		t.Fatalf("first interval: %v", got)
	}
	s.Mark(&seen[0], "a", opt(0)) // the mark is stale in the new interval
	for i := 10; i < 14; i++ {
		s.Mark(nil, "a", opt(i))
	}
	if got := iv.Advance(); got["a"] != (Distinct{N: 4, AtLeast: true}) || len(got) != 1 {
		t.Fatalf("second interval: %v, want a at its cap", got)
	}
	if got := s.All(); got["a"] != (Distinct{N: 4, AtLeast: true}) || got["b"] != (Distinct{N: 1}) {
		t.Fatalf("all: %v", got)
	}
	if f := (Distinct{N: 7}).Folded(5); f != 3 {
		t.Errorf("7 sets at limit 5 fold %d, want 3: the SDK admits limit-1", f)
	}
	var nilSeries *Series
	nilSeries.Mark(nil, "a", opt(0))
	if nilSeries.Delta().Advance() != nil || nilSeries.All() != nil {
		t.Error("a nil Series counts")
	}
}

// Every delta reader counts the sets of its own intervals: a second reader
// collecting at other times sees each set recorded since its own last
// collection, although the first reader's collections came between.
func TestSeriesTwoDeltaReaders(t *testing.T) {
	set := func(i int) attribute.Set { return attribute.NewSet(attribute.Int("i", i)) }
	s := NewSeries(100)
	a, b := s.Delta(), s.Delta()
	var seen uint64 // one cached set, marked once per interval
	s.MarkSet(&seen, "x", set(0))
	s.MarkSet(nil, "x", set(1))
	if got := a.Advance(); got["x"].N != 2 {
		t.Fatalf("a's first interval: %v, want 2 sets", got)
	}
	s.MarkSet(&seen, "x", set(0)) // a new interval of a: counted again, for b too
	s.MarkSet(nil, "x", set(2))
	if got := b.Advance(); got["x"].N != 3 {
		t.Fatalf("b's interval (a collected in between): %v, want 3 sets", got)
	}
	if got := a.Advance(); got["x"].N != 2 {
		t.Fatalf("a's second interval: %v, want 2 sets", got)
	}
	if s.All() != nil {
		t.Error("sets since Start kept without a cumulative reader")
	}
}

// A Series no reader counts with keeps nothing.
func TestSeriesWithoutReaders(t *testing.T) {
	s := NewSeries(100)
	s.MarkSet(nil, "x", attribute.NewSet(attribute.Int("i", 1)))
	s.Cumulative()
	if got := s.All(); len(got) != 0 {
		t.Errorf("a set recorded before any reader counted was kept: %v", got)
	}
}

// A measurement racing a collection, step by step (docs/RELIABILITY.md): its
// set is counted just before the SDK records it; when the collection and
// the close of the interval come in between, the SDK has the set in the next
// interval and ccotel in the previous one. The set is counted once, in the
// neighbouring interval; nothing else moves.
func TestSeriesRacingCollection(t *testing.T) {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader(sdkmetric.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality {
		return metricdata.DeltaTemporality
	}))
	counter, err := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("t").Float64Counter("c")
	if err != nil {
		t.Fatal(err)
	}
	s := NewSeries(100)
	iv := s.Delta()
	opt := func(i int) []metric.AddOption {
		return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.Int("i", i)))}
	}
	record := func(i int) { s.Mark(nil, "c", opt(i)); counter.Add(ctx, 1, opt(i)...) }
	collect := func() (sdk int, ours Distinct) {
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(ctx, &rm); err != nil {
			t.Fatal(err)
		}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				sdk += len(m.Data.(metricdata.Sum[float64]).DataPoints)
			}
		}
		return sdk, iv.Advance()["c"]
	}

	record(0)
	record(1)
	s.Mark(nil, "c", opt(2)) // set 2 is counted, then the collection runs ...
	sdk, ours := collect()
	if sdk != 2 || ours.N != 3 {
		t.Fatalf("interval 1: the SDK has %d sets, ccotel %d; want 2 and 3", sdk, ours.N)
	}
	counter.Add(ctx, 1, opt(2)...) // ... and the SDK records it in the next interval
	record(3)
	if sdk, ours = collect(); sdk != 2 || ours.N != 1 {
		t.Fatalf("interval 2: the SDK has %d sets, ccotel %d; want 2 and 1", sdk, ours.N)
	}
	record(4)
	if sdk, ours = collect(); sdk != 1 || ours.N != 1 {
		t.Fatalf("interval 3: the SDK has %d sets, ccotel %d; want 1 and 1: the race left nothing behind", sdk, ours.N)
	}
}

// distinctSet holds each hash once, finds every one it holds and none it
// does not, across its growths and its wrap-around, in at most 12.5 bytes a
// set.
func TestDistinctSet(t *testing.T) {
	var s distinctSet
	const n = 10_000
	hash := func(i int) uint64 { return uint64(i)*0x9E3779B97F4A7C15 | 1 }
	for i := range n {
		if s.has(hash(i)) {
			t.Fatalf("%d: held before added", i)
		}
		s.add(hash(i))
		if !s.has(hash(i)) || s.n != i+1 {
			t.Fatalf("%d: not held after added (n=%d)", i, s.n)
		}
	}
	for i := range 2 * n {
		if got := s.has(hash(i)); got != (i < n) {
			t.Fatalf("%d: held %v", i, got)
		}
	}
	if per := float64(len(s.slots)*8) / n; per > 12.5 {
		t.Errorf("%.1f bytes a set, want at most 12.5", per)
	}
	// Hashes that all start at the last slot wrap to the first ones.
	var w distinctSet
	for i := range 6 {
		w.add(^uint64(0) - uint64(2*i))
	}
	for i := range 6 {
		if !w.has(^uint64(0) - uint64(2*i)) {
			t.Errorf("wrapped hash %d lost", i)
		}
	}
}
