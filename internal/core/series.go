package core

import (
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Series counts the distinct attribute sets recorded per instrument, so that
// the number the SDK folds into its otel.metric.overflow=true series can be
// told: the SDK admits the first limit-1 distinct sets of an instrument (per
// collection with delta temporality, for ever with cumulative) and folds
// every later one, and never says how many. Sets are keyed by (a hash of)
// attribute.Distinct, the SDK's own key, so equal sets of different
// sessions count once as they do there.
//
// Each reader that counts registers: a delta reader gets its own Interval
// (the sets of its collection interval), and the first cumulative reader
// turns on the sets since Start, kept once for all of them. A Series no
// reader counts with keeps nothing.
//
// Each cached attribute set carries a mark, the interval in which it was
// last counted. Recording compares it with the current interval (two atomic
// loads); only the first use of a set in an interval takes the lock. The
// interval advances at the collection of any delta reader, so after each
// collection a set is counted again, into every delta reader's sets: each
// reader's sets hold whatever was recorded since its own last collection,
// whatever the other readers' intervals.
type Series struct {
	interval atomic.Uint64 // starts at 1, so a zero mark is never current
	counting atomic.Bool   // some reader counts: Mark has something to do
	cap      int           // sets kept per instrument and map
	seed     maphash.Seed  // of the sets' hashes (distinctSet)

	mu     sync.Mutex
	deltas []*Interval
	all    map[string]*seriesCount // since Start; nil without a cumulative reader
}

// Interval is the sets one delta reader's current collection interval has
// recorded.
type Interval struct {
	s   *Series
	cur map[string]*seriesCount // cleared by Advance
}

type seriesCount struct {
	sets distinctSet
	full bool // cap reached: sets beyond it were not kept
}

// distinctSet is a set of attribute sets kept as 64-bit hashes of their
// attribute.Distinct, open-addressed in one slice filled to between 64 % and
// 80 %: about 11 bytes a set, where a map[attribute.Distinct]struct{} takes
// 25 to 37 (heap after GC). Every set of every live session is kept while it
// is counted, so these bytes are per session. Two sets whose hashes collide
// count once: among 10,000 sets the odds are about 1 in 10^11.
type distinctSet struct {
	slots []uint64 // 0 is a free slot; a hash has its low bit set
	n     int
}

// slot returns the slot holding h, or the free slot where h belongs.
func (s *distinctSet) slot(h uint64) int {
	i, _ := bits.Mul64(h, uint64(len(s.slots))) // uniform in [0, len)
	for s.slots[i] != 0 && s.slots[i] != h {
		if i++; i == uint64(len(s.slots)) {
			i = 0
		}
	}
	return int(i)
}

func (s *distinctSet) has(h uint64) bool {
	return s.n > 0 && s.slots[s.slot(h)] == h
}

// add adds h, which is not in s.
func (s *distinctSet) add(h uint64) {
	if (s.n+1)*5 > len(s.slots)*4 {
		old := s.slots
		s.slots = make([]uint64, max(8, len(old)+len(old)/4))
		for _, o := range old {
			if o != 0 {
				s.slots[s.slot(o)] = o
			}
		}
	}
	s.slots[s.slot(h)] = h
	s.n++
}

// NewSeries returns a tracker keeping at most perInstrument sets per
// instrument in each of its maps (one per delta reader, and the sets since
// Start).
func NewSeries(perInstrument int) *Series {
	s := &Series{cap: perInstrument, seed: maphash.MakeSeed()}
	s.interval.Store(1)
	return s
}

// Delta registers a delta reader and returns its interval's sets. A nil
// Series returns nil, which counts nothing.
func (s *Series) Delta() *Interval {
	if s == nil {
		return nil
	}
	iv := &Interval{s: s, cur: map[string]*seriesCount{}}
	s.mu.Lock()
	s.deltas = append(s.deltas, iv)
	s.mu.Unlock()
	s.counting.Store(true)
	return iv
}

// Cumulative registers a cumulative reader: the sets since Start are kept
// from now on.
func (s *Series) Cumulative() {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.all == nil {
		s.all = map[string]*seriesCount{}
	}
	s.mu.Unlock()
	s.counting.Store(true)
}

// Mark counts the set of opt for instrument unless seen says it was
// counted in this interval already. seen nil counts it every time (a set
// not kept in a cache). A nil Series counts nothing.
//
// Only the check inlines into the recording call; the rest is markOpt.
func (s *Series) Mark(seen *uint64, instrument string, opt []metric.AddOption) {
	if s != nil && s.counting.Load() {
		s.markOpt(seen, instrument, opt)
	}
}

func (s *Series) markOpt(seen *uint64, instrument string, opt []metric.AddOption) {
	if i := s.interval.Load(); seen == nil || atomic.LoadUint64(seen) != i {
		c := metric.NewAddConfig(opt)
		s.mark(seen, i, instrument, c.Attributes())
	}
}

// MarkSet is Mark for a set at hand (a histogram's, whose options are
// RecordOptions).
func (s *Series) MarkSet(seen *uint64, instrument string, set attribute.Set) {
	if s == nil || !s.counting.Load() {
		return
	}
	if i := s.interval.Load(); seen == nil || atomic.LoadUint64(seen) != i {
		s.mark(seen, i, instrument, set)
	}
}

func (s *Series) mark(seen *uint64, i uint64, instrument string, set attribute.Set) {
	d := maphash.Comparable(s.seed, set.Equivalent()) | 1
	s.mu.Lock()
	for _, iv := range s.deltas {
		add(iv.cur, instrument, d, s.cap)
	}
	if s.all != nil {
		add(s.all, instrument, d, s.cap)
	}
	s.mu.Unlock()
	if seen != nil {
		atomic.StoreUint64(seen, i)
	}
}

// add adds the set of hash d to instrument's sets in m.
func add(m map[string]*seriesCount, instrument string, d uint64, limit int) {
	c := m[instrument]
	if c == nil {
		c = &seriesCount{}
		m[instrument] = c
	}
	if c.sets.has(d) {
		return
	}
	if c.sets.n >= limit {
		c.full = true
		return
	}
	c.sets.add(d)
}

// Advance ends the reader's interval: it returns the distinct sets counted
// in it per instrument (and whether a count hit the cap, so is a lower
// bound), and starts the next one, in which every set is counted again on
// its next use.
func (iv *Interval) Advance() map[string]Distinct {
	if iv == nil {
		return nil
	}
	s := iv.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interval.Add(1)
	out := counts(iv.cur)
	clear(iv.cur)
	return out
}

// All returns the distinct sets counted per instrument since Start; nil
// unless a cumulative reader registered.
func (s *Series) All() map[string]Distinct {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.all == nil {
		return nil
	}
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
		out[name] = Distinct{N: c.sets.n, AtLeast: c.full}
	}
	return out
}
