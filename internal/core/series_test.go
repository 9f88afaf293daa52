package core

import (
	"fmt"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Series counts distinct sets per instrument and interval, counts a marked set once per interval, and stops at its
// cap with the count marked as a lower bound.
func TestSeries(t *testing.T) {
	opt := func(i int) []metric.AddOption {
		return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(attribute.String("session.id", fmt.Sprint(i))))}
	}
	s := NewSeries(4)
	var seen [3]uint64
	for range 2 { // the same sets again: counted once
		for i := range seen {
			s.Mark(&seen[i], "a", opt(i))
		}
	}
	s.Mark(nil, "a", opt(0)) // uncached, an equal set: once
	s.Mark(nil, "b", opt(0))
	if got := s.Advance(); got["a"] != (Distinct{N: 3}) || got["b"] != (Distinct{N: 1}) {
		t.Fatalf("first interval: %v", got)
	}
	s.Mark(&seen[0], "a", opt(0)) // the mark is stale in the new interval
	for i := 10; i < 14; i++ {
		s.Mark(nil, "a", opt(i))
	}
	if got := s.Advance(); got["a"] != (Distinct{N: 4, AtLeast: true}) || len(got) != 1 {
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
	if nilSeries.Advance() != nil || nilSeries.All() != nil {
		t.Error("a nil Series counts")
	}
}
