package events

import (
	"testing"
	"time"
)

// TestAppendTimestamp: event.timestamp is what AppendFormat writes, for
// instants across the years it writes with four digits, every fraction
// (cut, not rounded), time zones, and the years it writes otherwise.
func TestAppendTimestamp(t *testing.T) {
	times := []time.Time{fixedNow, {}, time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 0, 30, 0, 0, time.FixedZone("x", 5*3600+1800))}
	for i := range 2000 {
		times = append(times, time.Unix(int64(i)*987_654_321, int64(i)*7_777_777).In(time.Local))
	}
	for _, tm := range times {
		want := tm.UTC().AppendFormat(nil, timestampLayout)
		if got := appendTimestamp(nil, tm); string(got) != string(want) {
			t.Errorf("%v: %s, want %s", tm, got, want)
		}
	}
}
