package conformance

import (
	"fmt"
	"sort"
	"strings"
)

// Kinds of Difference that Compare reports besides field names (unit,
// temporality, kind, parent, span, trace, event.sequence, event order...).
const (
	KindMissingGroup    = "missing group"
	KindUnexpectedGroup = "unexpected group"
	KindCount           = "count"
	KindMissingRecord   = "missing record"
	KindUnexpected      = "unexpected record"
	KindMissingKey      = "missing key"
	KindUnexpectedKey   = "unexpected key"
	KindType            = "value type"
	KindValue           = "value"
	KindOrder           = "key order"
	KindUnusedAllowance = "unused allowance"
)

// Difference is one way in which got does not have the shape of want.
type Difference struct {
	Kind  string // one of the Kind constants or a field name
	Where string // the group: logs[api_request], metrics[claude_code.cost.usage], spans[...]
	Msg   string
	// Detail is the record a missing or unexpected record difference is
	// about. Allow does not look into it: a record dump mentions every key.
	Detail string
}

func (d Difference) String() string {
	if d.Detail == "" {
		return d.Where + ": " + d.Msg
	}
	return d.Where + ": " + d.Msg + ": " + d.Detail
}

// Option adjusts Compare.
type Option func(*comparer)

type allowance struct {
	match, reason string
	used          bool
}

type comparer struct {
	allow []*allowance
}

// Allow ignores the differences whose Kind equals match or whose
// "where: message" contains it. A deliberate difference must say why, so an empty reason
// panics; an allowance that matches nothing is itself reported, so stale
// exemptions do not outlive the difference they excused.
func Allow(match, reason string) Option {
	if strings.TrimSpace(reason) == "" {
		panic("conformance.Allow(" + match + "): a reason is required")
	}
	return func(c *comparer) { c.allow = append(c.allow, &allowance{match: match, reason: reason}) }
}

// Compare reports how got differs from want. Records are compared as
// multisets per group (event name, metric name, span name), never request
// by request: ccotel may batch differently from Claude Code.
func Compare(want, got *Telemetry, opts ...Option) []Difference {
	c := &comparer{}
	for _, o := range opts {
		o(c)
	}
	names := map[string]bool{}
	for n := range want.Groups {
		names[n] = true
	}
	for n := range got.Groups {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)

	var all []Difference
	for _, n := range sorted {
		all = append(all, compareGroup(n, want.Groups[n], got.Groups[n])...)
	}
	var out []Difference
	seen := map[string]bool{}
	for _, d := range all {
		if seen[d.String()] || c.allowed(d) {
			continue
		}
		seen[d.String()] = true
		out = append(out, d)
	}
	for _, a := range c.allow {
		if !a.used {
			out = append(out, Difference{Kind: KindUnusedAllowance, Where: "options",
				Msg: fmt.Sprintf("Allow(%q) matched no difference (reason given: %s)", a.match, a.reason)})
		}
	}
	return out
}

func (c *comparer) allowed(d Difference) bool {
	for _, a := range c.allow {
		if d.Kind == a.match || strings.Contains(d.Where+": "+d.Msg, a.match) {
			a.used = true
			return true
		}
	}
	return false
}

// Report formats differences for t.Errorf, grouped by where they occur.
func Report(diffs []Difference) string {
	if len(diffs) == 0 {
		return "no differences"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d difference(s) (want = capture, got = emitter):\n", len(diffs))
	last := ""
	for _, d := range diffs {
		if d.Where != last {
			fmt.Fprintf(&b, "%s:\n", d.Where)
			last = d.Where
		}
		fmt.Fprintf(&b, "    %s\n", d.Msg)
		if d.Detail != "" {
			fmt.Fprintf(&b, "        %s\n", d.Detail)
		}
	}
	return b.String()
}

func distinct(rs []Record) []Record {
	seen := map[string]bool{}
	var out []Record
	for _, r := range rs {
		if k := r.String(); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

func compareGroup(name string, w, g *Group) []Difference {
	switch {
	case w == nil:
		return []Difference{{KindUnexpectedGroup, name, fmt.Sprintf("unexpected: %d record(s)", len(g.Records)), "e.g. " + g.Records[0].String()}}
	case g == nil:
		return []Difference{{KindMissingGroup, name, fmt.Sprintf("missing: want %d record(s)", len(w.Records)), "e.g. " + w.Records[0].String()}}
	}
	wr, gr := w.Records, g.Records
	var diffs []Difference
	if w.Multiset {
		if len(wr) != len(gr) {
			diffs = append(diffs, Difference{KindCount, name, fmt.Sprintf("want %d record(s), got %d", len(wr), len(gr)), ""})
		}
	} else {
		wr, gr = distinct(wr), distinct(gr)
	}

	// Identical records pair first; the rest pair greedily with the most
	// similar counterpart so that a report says "key x: want int, got
	// string" rather than "record missing" plus "record unexpected".
	gotLeft := map[string]int{}
	for _, r := range gr {
		gotLeft[r.String()]++
	}
	matched := map[string]bool{}
	var wantLeft []Record
	for _, r := range wr {
		if k := r.String(); gotLeft[k] > 0 {
			gotLeft[k]--
			matched[k] = true
		} else {
			wantLeft = append(wantLeft, r)
		}
	}
	var gotRest []Record
	for _, r := range gr {
		if k := r.String(); gotLeft[k] > 0 {
			gotLeft[k]--
			gotRest = append(gotRest, r)
		}
	}
	for _, r := range wantLeft {
		best, bestDiffs := -1, []Difference(nil)
		for i, cand := range gotRest {
			d := diffRecord(name, r, cand, w.Ordered)
			if best < 0 || len(d) < len(bestDiffs) {
				best, bestDiffs = i, d
			}
		}
		if best < 0 {
			// Surplus copies of a shape that did match are what the count
			// difference already says.
			if !matched[r.String()] {
				diffs = append(diffs, Difference{KindMissingRecord, name, "missing record", r.String()})
			}
			continue
		}
		matched[gotRest[best].String()] = true
		gotRest = append(gotRest[:best], gotRest[best+1:]...)
		diffs = append(diffs, bestDiffs...)
	}
	for _, r := range gotRest {
		if !matched[r.String()] {
			diffs = append(diffs, Difference{KindUnexpected, name, "unexpected record", r.String()})
		}
	}
	return diffs
}

func diffRecord(where string, w, g Record, ordered bool) []Difference {
	var diffs []Difference
	for _, f := range w.Fields {
		gv, ok := g.field(f.Name)
		if !ok {
			gv = "(absent)"
		}
		if gv != f.Value {
			diffs = append(diffs, Difference{f.Name, where, fmt.Sprintf("%s: want %s, got %s", f.Name, f.Value, gv), ""})
		}
	}
	for _, f := range g.Fields {
		if _, ok := w.field(f.Name); !ok {
			diffs = append(diffs, Difference{f.Name, where, fmt.Sprintf("%s: want (absent), got %s", f.Name, f.Value), ""})
		}
	}
	diffs = append(diffs, diffAttrs(where, "standard key", w.Standard, g.Standard, ordered)...)
	diffs = append(diffs, diffAttrs(where, "key", w.Attrs, g.Attrs, ordered)...)
	return diffs
}

func diffAttrs(where, label string, want, got []Attr, ordered bool) []Difference {
	var diffs []Difference
	index := func(as []Attr) map[string]Attr {
		m := make(map[string]Attr, len(as))
		for _, a := range as {
			if _, dup := m[a.Key]; !dup {
				m[a.Key] = a
			}
		}
		return m
	}
	wm, gm := index(want), index(got)
	for _, wa := range want {
		ga, ok := gm[wa.Key]
		switch {
		case !ok:
			diffs = append(diffs, Difference{KindMissingKey, where, fmt.Sprintf("%s %q: missing (want %s)", label, wa.Key, wa.Type+valueSuffix(wa)), ""})
		case ga.Type != wa.Type:
			diffs = append(diffs, Difference{KindType, where, fmt.Sprintf("%s %q: want %s, got %s", label, wa.Key, wa.Type, ga.Type), ""})
		case ga.Value != wa.Value:
			diffs = append(diffs, Difference{KindValue, where, fmt.Sprintf("%s %q: want %s, got %s", label, wa.Key, orNone(wa.Value), orNone(ga.Value)), ""})
		}
	}
	for _, ga := range got {
		if _, ok := wm[ga.Key]; !ok {
			diffs = append(diffs, Difference{KindUnexpectedKey, where, fmt.Sprintf("%s %q: unexpected (got %s)", label, ga.Key, ga.Type+valueSuffix(ga)), ""})
		}
	}
	if ordered {
		diffs = append(diffs, diffOrder(where, label, want, got, wm, gm)...)
	}
	return diffs
}

func valueSuffix(a Attr) string {
	if a.Value == "" {
		return ""
	}
	return " " + a.Value
}

func orNone(v string) string {
	if v == "" {
		return "(not compared)"
	}
	return v
}

// diffOrder compares the order of the keys both sides have. Keys outside
// the longest common subsequence are the ones that moved; each is reported
// with its predecessor on both sides, which is how a reader fixes it.
func diffOrder(where, label string, want, got []Attr, wm, gm map[string]Attr) []Difference {
	var ws, gs []string
	for _, a := range want {
		if _, ok := gm[a.Key]; ok {
			ws = append(ws, a.Key)
		}
	}
	for _, a := range got {
		if _, ok := wm[a.Key]; ok {
			gs = append(gs, a.Key)
		}
	}
	inLCS := lcs(ws, gs)
	var diffs []Difference
	for i, k := range gs {
		if inLCS[k] {
			continue
		}
		wi := indexOf(ws, k)
		diffs = append(diffs, Difference{KindOrder, where, fmt.Sprintf("%s order: %q want after %s, got after %s",
			label, k, before(ws, wi), before(gs, i)), ""})
	}
	return diffs
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func before(xs []string, i int) string {
	if i <= 0 {
		return "(start)"
	}
	return fmt.Sprintf("%q", xs[i-1])
}

// lcs returns the keys of got that lie on a longest common subsequence.
func lcs(a, b []string) map[string]bool {
	n, m := len(a), len(b)
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	in := map[string]bool{}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case a[i] == b[j]:
			in[b[j]] = true
			i++
			j++
		case dp[i+1][j] >= dp[i][j+1]:
			i++
		default:
			j++
		}
	}
	return in
}
