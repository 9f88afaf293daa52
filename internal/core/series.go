package core

import (
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Series counts the distinct attribute sets recorded per instrument, so that
// the number the SDK folds into its otel.metric.overflow=true series can be
// told: the SDK admits the first limit-1 distinct sets of an instrument (per
// collection with delta temporality, for ever with cumulative) and folds
// every later one, and never says how many. Sets are keyed by
// attribute.Distinct, the SDK's own key, so equal sets of different
// sessions count once as they do there.
//
// Each cached attribute set carries a mark, the interval in which it was
// last counted. Recording compares it with the current interval (two atomic
// loads); only the first use of a set in an interval takes the lock.
type Series struct {
	interval atomic.Uint64 // starts at 1, so a zero mark is never current
	cap      int           // sets kept per instrument and map

	mu  sync.Mutex
	cur map[string]*seriesCount // this interval's, cleared by Advance
	all map[string]*seriesCount // since Start
}

type seriesCount struct {
	sets map[attribute.Distinct]struct{}
	full bool // cap reached: sets beyond it were not kept
}

// NewSeries returns a tracker keeping at most perInstrument sets per
// instrument in each of its two maps (this interval's and all).
func NewSeries(perInstrument int) *Series {
	s := &Series{cap: perInstrument, cur: map[string]*seriesCount{}, all: map[string]*seriesCount{}}
	s.interval.Store(1)
	return s
}

// Mark counts the set of opt for instrument unless seen says it was
// counted in this interval already. seen nil counts it every time (a set
// not kept in a cache). A nil Series counts nothing.
func (s *Series) Mark(seen *uint64, instrument string, opt []metric.AddOption) {
	if s == nil {
		return
	}
	if i := s.interval.Load(); seen == nil || atomic.LoadUint64(seen) != i {
		s.mark(seen, i, instrument, opt)
	}
}

func (s *Series) mark(seen *uint64, i uint64, instrument string, opt []metric.AddOption) {
	c := metric.NewAddConfig(opt)
	set := c.Attributes()
	d := set.Equivalent()
	s.mu.Lock()
	add(s.cur, instrument, d, s.cap)
	add(s.all, instrument, d, s.cap)
	s.mu.Unlock()
	if seen != nil {
		atomic.StoreUint64(seen, i)
	}
}

func add(m map[string]*seriesCount, instrument string, d attribute.Distinct, limit int) {
	c := m[instrument]
	if c == nil {
		c = &seriesCount{sets: map[attribute.Distinct]struct{}{}}
		m[instrument] = c
	}
	if _, ok := c.sets[d]; ok {
		return
	}
	if len(c.sets) >= limit {
		c.full = true
		return
	}
	c.sets[d] = struct{}{}
}

// Advance ends the interval: it returns the distinct sets counted in it per
// instrument (and whether a count hit the cap, so is a lower bound), and
// starts the next one.
func (s *Series) Advance() map[string]Distinct {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interval.Add(1)
	out := counts(s.cur)
	clear(s.cur)
	return out
}

// All returns the distinct sets counted per instrument since Start.
func (s *Series) All() map[string]Distinct {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return counts(s.all)
}

// Distinct is a count of distinct attribute sets. AtLeast says the cap was
// reached, so there may be more.
type Distinct struct {
	N       int
	AtLeast bool
}

// Folded is how many of d the SDK folds into overflow at limit.
func (d Distinct) Folded(limit int) int {
	if limit <= 0 {
		return 0
	}
	return max(0, d.N-(limit-1))
}

func counts(m map[string]*seriesCount) map[string]Distinct {
	out := make(map[string]Distinct, len(m))
	for name, c := range m {
		out[name] = Distinct{N: len(c.sets), AtLeast: c.full}
	}
	return out
}
