package metrics

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"unsafe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/redact"
)

// UsageAttrs are the attributes of one API call's cost and token points.
// Empty fields are omitted, and so are the fields of the Attribution that
// metrics do not send. The methods take it by pointer and copy it, so the
// telemetry-off path does not pay for copying it; a nil *UsageAttrs means no
// attributes. What metrics send of it (usageKey) is the key under which a
// session keeps the sets of its cost and token points.
type UsageAttrs struct {
	Model string
	Attribution
}

// EditDecision is one permission decision on Edit, Write or NotebookEdit.
type EditDecision struct {
	ToolName string
	Decision Decision
	Source   DecisionSource
	Language string // e.g. "Python", "Plain text"; omitted when ""
}

// TokenCounts are the token counts of one API response.
type TokenCounts struct {
	Input, Output, CacheRead, CacheCreation float64
}

// Recorder records Claude Code's eight counters. Its methods never fail and
// never panic: bad input is reported to the handle's error handler and
// dropped. A nil *Recorder records nothing, so a host can keep calling it when
// telemetry is off.
type Recorder struct {
	st       *core.State
	counters [numMetrics]metric.Float64Counter
}

func init() {
	core.NewRecorder = func(meter metric.Meter, st *core.State) (any, error) { return newRecorder(meter, st) }
}

// newRecorder creates the instruments of the table on meter. The telemetry
// package calls it (through core.NewRecorder) with the meter of scope
// com.anthropic.claude_code and the handle's state; hosts get their
// Recorder from there.
func newRecorder(meter metric.Meter, st *core.State) (*Recorder, error) {
	if meter == nil || st == nil {
		return nil, errors.New("ccotel/metrics: a Recorder needs a meter and a state")
	}
	r := &Recorder{st: st}
	var errs []error
	for m := range table {
		d := &table[m]
		if d.Instrument != Float64Counter {
			errs = append(errs, fmt.Errorf("ccotel/metrics: %s: unknown instrument %q", d.Name, d.Instrument))
			continue
		}
		c, err := meter.Float64Counter(d.Name, metric.WithUnit(d.Unit), metric.WithDescription(d.Description))
		if err != nil {
			errs = append(errs, fmt.Errorf("ccotel/metrics: %s: %w", d.Name, err))
			continue
		}
		r.counters[m] = c
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// LinesOfCode adds n lines of type t changed by model. Claude Code records
// both types after every edit, zeros included; LinesChanged does that.
//
// Each exported method only checks r and calls an unexported one, so that
// the check inlines into the host's call: with telemetry off a call costs
// the host a comparison, not a call.
func (r *Recorder) LinesOfCode(ctx context.Context, t LinesType, model string, n float64) {
	if r != nil {
		r.linesOfCode(ctx, t, model, n)
	}
}

func (r *Recorder) linesOfCode(ctx context.Context, t LinesType, model string, n float64) {
	if i := linesIndex(t); i >= 0 {
		r.recordLines(ctx, model, i, n, 0)
		return
	}
	r.recordOne(ctx, MetricLinesOfCode, n, smallKey{m: MetricLinesOfCode, f: [4]string{string(t), model}})
}

// LinesChanged records one edit as Claude Code does: added, then removed,
// both even when zero.
func (r *Recorder) LinesChanged(ctx context.Context, model string, added, removed float64) {
	if r == nil {
		return
	}
	r.recordLines(ctx, model, -1, added, removed)
}

// Cost adds the cost in USD of one API call.
func (r *Recorder) Cost(ctx context.Context, usd float64, u *UsageAttrs) {
	if r != nil {
		r.cost(ctx, usd, u)
	}
}

func (r *Recorder) cost(ctx context.Context, usd float64, u *UsageAttrs) {
	ctx, e := r.usage(ctx, u, 1)
	r.add(ctx, MetricCost, usd, e.opts[0:1], &e.seen[0])
}

// Tokens adds n tokens of type t of one API call.
func (r *Recorder) Tokens(ctx context.Context, n float64, t TokenType, u *UsageAttrs) {
	if r != nil {
		r.tokens(ctx, n, t, u)
	}
}

func (r *Recorder) tokens(ctx context.Context, n float64, t TokenType, u *UsageAttrs) {
	i := tokenIndex(t)
	if i < 0 {
		k := newUsageKey(u)
		r.recordUncached(ctx, MetricTokens, n, append(k.fields(nil), field{value: string(t)}))
		return
	}
	ctx, e := r.usage(ctx, u, 1<<(i+1))
	r.add(ctx, MetricTokens, n, e.opts[i+1:i+2], &e.seen[i+1])
}

// APIUsage records one API response as Claude Code does: the cost, then the
// four token counts in the order input, output, cacheRead, cacheCreation,
// zeros included.
func (r *Recorder) APIUsage(ctx context.Context, usd float64, t TokenCounts, attrs *UsageAttrs) {
	if r != nil {
		r.apiUsage(ctx, usd, &t, attrs)
	}
}

func (r *Recorder) apiUsage(ctx context.Context, usd float64, t *TokenCounts, attrs *UsageAttrs) {
	ctx, e := r.usage(ctx, attrs, allUsage)
	r.add(ctx, MetricCost, usd, e.opts[0:1], &e.seen[0])
	r.add(ctx, MetricTokens, t.Input, e.opts[1:2], &e.seen[1])
	r.add(ctx, MetricTokens, t.Output, e.opts[2:3], &e.seen[2])
	r.add(ctx, MetricTokens, t.CacheRead, e.opts[3:4], &e.seen[3])
	r.add(ctx, MetricTokens, t.CacheCreation, e.opts[4:5], &e.seen[4])
}

// usageKey is what the cost and token points send of a UsageAttrs, so
// calls that differ only in what events carry (ids unique per call, among
// them) share one cache entry. It holds no event-only field: a session keeps
// one per attribution it used.
//
// The six names (Agent, Skill, Plugin, Marketplace, MCPServer, MCPTool) are
// kept as values and origins apart: a [6]Name pads each one-byte Origin to
// eight bytes, and the 200-byte key put every session's usage entry in the
// 352-byte size class instead of 288.
type usageKey struct {
	model, query, effort string // query is the metrics' query_source
	names                [6]string
	origins              [6]Origin
	fast                 bool
}

func (k *usageKey) name(i int) Name { return Name{Value: k.names[i], Origin: k.origins[i]} }

func newUsageKey(u *UsageAttrs) usageKey {
	if u == nil {
		return usageKey{}
	}
	// Cut as in recordOne: a longer value then never matches in place
	// (sends) and is looked up by its cut key.
	k := usageKey{model: redact.Cut(u.Model, redact.IdentifierMax), query: u.Query.metricValue(),
		effort: redact.Cut(string(u.Effort), redact.IdentifierMax), fast: u.Speed == SpeedFast}
	for i, n := range [6]Name{u.Agent, u.Skill, u.Plugin, u.Marketplace, u.MCPServer, u.MCPTool} {
		k.names[i], k.origins[i] = redact.Cut(n.Value, redact.IdentifierMax), n.Origin
	}
	return k
}

// sends reports whether u sends k, comparing in place: the hot path neither
// copies u nor derives its key. The query source, the one derived field, is
// compared last.
//
// A session most often passes the very strings its entry keeps (the entry's
// key holds the first call's strings), so the strings' headers are compared
// first, without a branch or a call per field; only when one differs are the
// contents.
func (k *usageKey) sends(u *UsageAttrs) bool {
	if u == nil {
		return *k == usageKey{}
	}
	// Three groups, so that the compiler keeps each in registers.
	if moved(k.model, u.Model)|moved(k.effort, string(u.Effort))|moved(k.names[0], u.Agent.Value) != 0 ||
		moved(k.names[1], u.Skill.Value)|moved(k.names[2], u.Plugin.Value)|moved(k.names[3], u.Marketplace.Value) != 0 ||
		moved(k.names[4], u.MCPServer.Value)|moved(k.names[5], u.MCPTool.Value)|
			uintptr(k.origins[0]^u.Agent.Origin|k.origins[1]^u.Skill.Origin|k.origins[2]^u.Plugin.Origin|
				k.origins[3]^u.Marketplace.Origin|k.origins[4]^u.MCPServer.Origin|k.origins[5]^u.MCPTool.Origin) != 0 {
		if k.model != u.Model || k.effort != string(u.Effort) || k.name(0) != u.Agent || k.name(1) != u.Skill ||
			k.name(2) != u.Plugin || k.name(3) != u.Marketplace || k.name(4) != u.MCPServer || k.name(5) != u.MCPTool {
			return false
		}
	}
	q := u.Query.metricValue()
	return k.fast == (u.Speed == SpeedFast) && (moved(k.query, q) == 0 || k.query == q)
}

// moved is zero when a and b are the same string in memory (same data, same
// length), so equal without reading them.
func moved(a, b string) uintptr {
	return uintptr(len(a)^len(b)) | (uintptr(unsafe.Pointer(unsafe.StringData(a))) ^ uintptr(unsafe.Pointer(unsafe.StringData(b))))
}

// field is one metric-specific value, in the position of its Attribute in
// the table.
type field struct {
	value  string
	origin Origin
}

func (k *usageKey) fields(dst []field) []field {
	speed := ""
	if k.fast {
		speed = string(SpeedFast)
	}
	dst = append(dst, field{value: k.model}, field{value: k.query}, field{value: speed}, field{value: k.effort})
	for i, v := range k.names {
		dst = append(dst, field{value: v, origin: k.origins[i]})
	}
	return dst
}

// The token types in TokenCounts order, which is also the order of the
// options of a usageEntry after the cost's.
var tokenTypes = [4]TokenType{TokensInput, TokensOutput, TokensCacheRead, TokensCacheCreation}

func tokenIndex(t TokenType) int {
	switch t {
	case TokensInput:
		return 0
	case TokensOutput:
		return 1
	case TokensCacheRead:
		return 2
	case TokensCacheCreation:
		return 3
	}
	return -1
}

func linesIndex(t LinesType) int {
	switch t {
	case LinesAdded:
		return 0
	case LinesRemoved:
		return 1
	}
	return -1
}

// allUsage selects the cost and the four token points of a usageEntry: bit 0
// is the cost, bit i+1 the token type tokenTypes[i].
const allUsage = 0b11111

// cache is one session's attribute sets. An entry holds the option of every
// point one emit call records for one combination (the cost and the four
// token points of an attribution, the added and removed lines of a model), so
// a call looks its combination up once whatever the number of points. Keys
// are concrete comparable structs: the compiler's hash, no boxing. Each kind
// keeps the entry it served last, so a session repeating its combination
// (the common case) neither hashes nor locks.
type cache struct {
	mu    sync.Mutex // serialises changes; reads of last are lock-free
	usage entries[usageKey, usageEntry]
	lines entries[string, linesEntry]
	one   [numMetrics]entries[smallKey, oneEntry]
}

// entries holds a session's entries of one kind. Most sessions use a single
// combination of a kind, and a map with one entry costs a whole group of
// eight slots of the key's size (1.7 KB for an attribution), so while there
// is one entry it is kept in last alone; the map is made when a second
// combination comes.
type entries[K comparable, E any] struct {
	last atomic.Pointer[E] // served last; the only entry while all is nil
	all  map[K]*E
}

// get returns the entry of k, or nil. c.mu must be held.
func (s *entries[K, E]) get(k K, key func(*E) K) *E {
	if s.all == nil {
		if e := s.last.Load(); e != nil && key(e) == k {
			return e
		}
		return nil
	}
	return s.all[k]
}

// put adds or replaces the entry of k and makes it the last served. c.mu
// must be held.
func (s *entries[K, E]) put(k K, e *E, key func(*E) K) {
	if s.all == nil {
		if l := s.last.Load(); l != nil && key(l) != k {
			s.all = map[K]*E{key(l): l}
		}
	}
	if s.all != nil {
		s.all[k] = e
	}
	s.last.Store(e)
}

func (e *usageEntry) keyOf() usageKey { return e.key }
func (e *linesEntry) keyOf() string   { return e.model }
func (e *oneEntry) keyOf() smallKey   { return e.key }

type usageEntry struct {
	key   usageKey
	built uint8               // the points of opts that are set, as in allUsage
	opts  [5]metric.AddOption // the cost's, then one per tokenTypes
	seen  [5]uint64           // per opt, the interval it was last counted in (core.Series.Mark)
}

type linesEntry struct {
	model string
	opts  [2]metric.AddOption // added, removed
	seen  [2]uint64           // see usageEntry.seen
}

// smallKey is a one-point combination: the metric and its values in the
// order of the table's attributes.
type smallKey struct {
	m Metric
	f [4]string
}

// sameValues reports whether the first n values of a and b, those of the
// metric's attributes, are equal. The entries of a slot are of one metric, so
// its key's m needs no comparison, and Commit's (no attribute) none at all.
func sameValues(a, b *[4]string, n int) bool {
	for i := range n {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type oneEntry struct {
	key  smallKey
	opt  [1]metric.AddOption
	seen uint64 // see usageEntry.seen
}

func newCache() any { return new(cache) }

// start finds the cache of the session of ctx.
func (r *Recorder) start(ctx context.Context) (context.Context, *core.Session, *cache) {
	if ctx == nil {
		ctx = context.Background()
	}
	ss := r.st.Session(ctx)
	return ctx, ss, ss.MetricsCache(newCache).(*cache)
}

// add records one point unless n is not a counter's value. seen is the
// mark of opt's set in its cache entry (nil when it is not cached).
func (r *Recorder) add(ctx context.Context, m Metric, n float64, opt []metric.AddOption, seen *uint64) {
	if !(n >= 0 && n <= math.MaxFloat64) { // NaN fails both
		r.dropped(m, n)
		return
	}
	r.st.Series.Mark(seen, table[m].Name, opt)
	r.counters[m].Add(ctx, n, opt...)
}

func (r *Recorder) dropped(m Metric, n float64) {
	r.st.Error(fmt.Errorf("ccotel/metrics: %s: dropped value %v: counters take finite values >= 0", table[m].Name, n))
}

// usage returns the entry of u's attribution with at least the points of
// mask (see allUsage) built.
func (r *Recorder) usage(ctx context.Context, u *UsageAttrs, mask uint8) (context.Context, *usageEntry) {
	// start's, inlined on the hot path.
	if ctx == nil {
		ctx = context.Background()
	}
	ss := r.st.Session(ctx)
	c := ss.MetricsCache(newCache).(*cache)
	if e := c.usage.last.Load(); e != nil && e.built&mask == mask && e.key.sends(u) {
		return ctx, e
	}
	k := newUsageKey(u)
	return ctx, c.usageEntry(r, ss, &k, mask)
}

// usageEntry returns the entry of k with at least the points of mask built,
// and makes it the last served. Entries are immutable once shared: a missing
// point is added to a copy that replaces the entry, so the hot path reads
// without a lock. Only the points a session records are built (a host
// calling Cost alone gets no token sets).
func (c *cache) usageEntry(r *Recorder, ss *core.Session, k *usageKey, mask uint8) *usageEntry {
	c.mu.Lock()
	e := c.usage.get(*k, (*usageEntry).keyOf)
	if e != nil && e.built&mask == mask {
		c.usage.last.Store(e)
		c.mu.Unlock()
		return e
	}
	c.mu.Unlock()
	// Built outside the lock: the host's redactor runs here.
	var add usageEntry
	fs := k.fields(make([]field, 0, len(table[MetricTokens].Attributes)))
	if mask&1 != 0 {
		add.opts[0] = r.build(ss, MetricCost, fs)
	}
	for i, tt := range tokenTypes {
		if mask&(1<<(i+1)) != 0 {
			add.opts[i+1] = r.build(ss, MetricTokens, append(fs, field{value: string(tt)}))
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	next := &usageEntry{key: *k}
	if old := c.usage.get(*k, (*usageEntry).keyOf); old != nil {
		// Field by field: the marks are written by recorders without c.mu.
		next.built, next.opts = old.built, old.opts
		for i := range next.seen {
			next.seen[i] = atomic.LoadUint64(&old.seen[i])
		}
	}
	for i := range next.opts {
		if bit := uint8(1) << i; mask&bit != 0 && next.built&bit == 0 {
			next.opts[i] = add.opts[i]
			next.built |= bit
		}
	}
	c.usage.put(*k, next, (*usageEntry).keyOf)
	return next
}

// recordLines records the lines of model: both types (added, then removed)
// when only is -1, else only the type of that index with value added.
func (r *Recorder) recordLines(ctx context.Context, model string, only int, added, removed float64) {
	ctx, ss, c := r.start(ctx)
	model = redact.Cut(model, redact.IdentifierMax) // as in recordOne
	e := c.lines.last.Load()
	if e == nil || e.model != model {
		e = c.linesEntry(r, ss, model)
	}
	switch only {
	case -1:
		r.add(ctx, MetricLinesOfCode, added, e.opts[0:1], &e.seen[0])
		r.add(ctx, MetricLinesOfCode, removed, e.opts[1:2], &e.seen[1])
	default:
		r.add(ctx, MetricLinesOfCode, added, e.opts[only:only+1], &e.seen[only])
	}
}

func (c *cache) linesEntry(r *Recorder, ss *core.Session, model string) *linesEntry {
	c.mu.Lock()
	e := c.lines.get(model, (*linesEntry).keyOf)
	if e != nil {
		c.lines.last.Store(e)
	}
	c.mu.Unlock()
	if e != nil {
		return e
	}
	e = &linesEntry{model: model}
	e.opts[0] = r.build(ss, MetricLinesOfCode, []field{{value: string(LinesAdded)}, {value: model}})
	e.opts[1] = r.build(ss, MetricLinesOfCode, []field{{value: string(LinesRemoved)}, {value: model}})
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.lines.get(model, (*linesEntry).keyOf); old != nil {
		e = old
	}
	c.lines.put(model, e, (*linesEntry).keyOf)
	return e
}

// recordOne records a metric of one point per call.
func (r *Recorder) recordOne(ctx context.Context, m Metric, n float64, k smallKey) {
	ctx, ss, c := r.start(ctx)
	for i := range k.f {
		// A session's entries outlive the call: keep no host string longer
		// than the bound alive through them.
		k.f[i] = redact.Cut(k.f[i], redact.IdentifierMax)
	}
	e := c.one[m].last.Load()
	if e == nil || !sameValues(&e.key.f, &k.f, len(table[m].Attributes)) {
		e = c.oneEntry(r, ss, &k)
	}
	r.add(ctx, m, n, e.opt[:], &e.seen)
}

func (c *cache) oneEntry(r *Recorder, ss *core.Session, k *smallKey) *oneEntry {
	s := &c.one[k.m]
	c.mu.Lock()
	e := s.get(*k, (*oneEntry).keyOf)
	if e != nil {
		s.last.Store(e)
	}
	c.mu.Unlock()
	if e != nil {
		return e
	}
	fs := make([]field, len(table[k.m].Attributes))
	for i := range fs {
		fs[i].value = k.f[i]
	}
	e = &oneEntry{key: *k}
	e.opt[0] = r.build(ss, k.m, fs)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := s.get(*k, (*oneEntry).keyOf); old != nil {
		e = old
	}
	s.put(*k, e, (*oneEntry).keyOf)
	return e
}

// recordUncached records a point whose values are outside the table's
// closed set (a host's own token type): sent as given, but built on every
// call rather than kept, so such values cannot grow the cache.
func (r *Recorder) recordUncached(ctx context.Context, m Metric, n float64, fs []field) {
	if ctx == nil {
		ctx = context.Background()
	}
	r.add(ctx, m, n, []metric.AddOption{r.build(r.st.Session(ctx), m, fs)}, nil)
}

// build makes the attribute set of one combination: the session's standard
// attributes, then the metric's own in table order with empty values left
// out and names redacted, then the host's redactor on every attribute. It runs
// once per session and combination.
func (r *Recorder) build(ss *core.Session, m Metric, fs []field) metric.AddOption {
	d := &table[m]
	if len(fs) != len(d.Attributes) {
		r.st.Error(fmt.Errorf("ccotel/metrics: %s: %d values for %d attributes", d.Name, len(fs), len(d.Attributes)))
		fs = fs[:min(len(fs), len(d.Attributes))]
	}
	kv := make([]attribute.KeyValue, 0, len(ss.Attributes)+len(fs))
	kv = append(kv, ss.MetricAttributes...)
	for i, f := range fs {
		a := &d.Attributes[i]
		v := f.value
		if a.Redacted && !f.origin.in(a.Verbatim) && !r.st.Content.ToolDetails && v != "" {
			v = a.Replacement
		}
		if v != "" {
			kv = append(kv, attribute.String(a.Key, v))
		}
	}
	if r.st.Redact != nil {
		out := kv[:0]
		for _, a := range kv {
			if v, ok := r.hostRedact(d.Name, a); ok {
				out = append(out, attribute.KeyValue{Key: a.Key, Value: v})
			}
		}
		kv = out
	}
	return metric.WithAttributeSet(attribute.NewSet(core.Bound(kv)...))
}

// hostRedact runs the host's redactor. A panic in it drops the attribute
// rather than the process or the point: failing closed keeps a half-written
// redactor from leaking the value it was meant to hide.
func (r *Recorder) hostRedact(name string, a attribute.KeyValue) (v attribute.Value, keep bool) {
	defer func() {
		if p := recover(); p != nil {
			r.st.Error(fmt.Errorf("ccotel/metrics: redactor panicked on %s %s: %v", name, a.Key, p))
			v, keep = attribute.Value{}, false
		}
	}()
	v, keep = r.st.Redact(name, string(a.Key), a.Value)
	return v, keep && v.Type() != attribute.EMPTY
}
