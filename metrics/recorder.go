package metrics

import (
	"context"
	"errors"
	"fmt"
	"math"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/ccotel/ccotel/internal/core"
)

// Name is the name of an agent, skill, plugin, marketplace, MCP server or MCP
// tool. Names the user configured can identify private projects, so Claude
// Code replaces them on metrics unless OTEL_LOG_TOOL_DETAILS is on: a custom
// agent.name and MCP names become "custom", a third-party skill.name or
// plugin.name becomes "third-party", and an unofficial marketplace.name is
// left out. The zero Name is "no name": the attribute is omitted.
type Name struct {
	Value string
	// Official is true for what ships with the host or comes from an official
	// marketplace (the built-in "general-purpose" agent, a bundled skill, an
	// Anthropic-published plugin): such names are always sent as they are.
	Official bool
}

// Official returns a Name that is always sent verbatim.
func Official(name string) Name { return Name{Value: name, Official: true} }

// Custom returns a user-defined or third-party Name: it is redacted unless
// OTEL_LOG_TOOL_DETAILS is on.
func Custom(name string) Name { return Name{Value: name} }

// UsageAttrs are the attributes of one API call's cost and token points.
// Empty fields are omitted. The methods take it by pointer and copy it, so
// the telemetry-off path does not pay for copying 200 bytes; a nil
// *UsageAttrs means no attributes. It is comparable: the Recorder caches one
// attribute set per distinct value.
type UsageAttrs struct {
	Model       string
	QuerySource QuerySource
	Speed       Speed // sent only when SpeedFast
	Effort      Effort

	AgentName       Name // subagent calls
	SkillName       Name
	PluginName      Name
	MarketplaceName Name
	MCPServerName   Name // the call after an MCP tool result
	MCPToolName     Name
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

// New creates the instruments of the table on meter. The telemetry package
// calls it with the meter of scope com.anthropic.claude_code and the handle's
// state; hosts get their Recorder from there.
func New(meter metric.Meter, st *core.State) (*Recorder, error) {
	if meter == nil || st == nil {
		return nil, errors.New("ccotel/metrics: New needs a meter and a state")
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

// SessionCount records a session start (claude_code.session.count += 1).
func (r *Recorder) SessionCount(ctx context.Context, t StartType) {
	if r == nil {
		return
	}
	record(r, ctx, MetricSessionCount, 1, startKey{t})
}

// LinesOfCode adds n lines of type t changed by model. Claude Code records
// both types after every edit, zeros included; LinesChanged does that.
func (r *Recorder) LinesOfCode(ctx context.Context, t LinesType, model string, n float64) {
	if r == nil {
		return
	}
	record(r, ctx, MetricLinesOfCode, n, linesKey{t, model})
}

// LinesChanged records one edit as Claude Code does: added, then removed,
// both even when zero.
func (r *Recorder) LinesChanged(ctx context.Context, model string, added, removed float64) {
	if r == nil {
		return
	}
	record(r, ctx, MetricLinesOfCode, added, linesKey{LinesAdded, model})
	record(r, ctx, MetricLinesOfCode, removed, linesKey{LinesRemoved, model})
}

// PullRequest records a created pull or merge request.
func (r *Recorder) PullRequest(ctx context.Context) {
	if r == nil {
		return
	}
	record(r, ctx, MetricPullRequest, 1, countKey{MetricPullRequest})
}

// Commit records a created git commit.
func (r *Recorder) Commit(ctx context.Context) {
	if r == nil {
		return
	}
	record(r, ctx, MetricCommit, 1, countKey{MetricCommit})
}

// Cost adds the cost in USD of one API call.
func (r *Recorder) Cost(ctx context.Context, usd float64, u *UsageAttrs) {
	if r == nil {
		return
	}
	record(r, ctx, MetricCost, usd, costKey{deref(u)})
}

// Tokens adds n tokens of type t of one API call.
func (r *Recorder) Tokens(ctx context.Context, n float64, t TokenType, u *UsageAttrs) {
	if r == nil {
		return
	}
	record(r, ctx, MetricTokens, n, tokenKey{t, deref(u)})
}

// APIUsage records one API response as Claude Code does: the cost, then the
// four token counts in the order input, output, cacheRead, cacheCreation,
// zeros included.
func (r *Recorder) APIUsage(ctx context.Context, usd float64, t TokenCounts, attrs *UsageAttrs) {
	if r == nil {
		return
	}
	u := deref(attrs)
	record(r, ctx, MetricCost, usd, costKey{u})
	record(r, ctx, MetricTokens, t.Input, tokenKey{TokensInput, u})
	record(r, ctx, MetricTokens, t.Output, tokenKey{TokensOutput, u})
	record(r, ctx, MetricTokens, t.CacheRead, tokenKey{TokensCacheRead, u})
	record(r, ctx, MetricTokens, t.CacheCreation, tokenKey{TokensCacheCreation, u})
}

func deref(u *UsageAttrs) UsageAttrs {
	if u == nil {
		return UsageAttrs{}
	}
	return *u
}

// CodeEditDecision records one permission decision on a code-editing tool.
func (r *Recorder) CodeEditDecision(ctx context.Context, d EditDecision) {
	if r == nil {
		return
	}
	record(r, ctx, MetricCodeEditDecision, 1, editKey{d})
}

// ActiveTime adds seconds of active time of type t.
func (r *Recorder) ActiveTime(ctx context.Context, seconds float64, t ActiveType) {
	if r == nil {
		return
	}
	record(r, ctx, MetricActiveTime, seconds, activeKey{t})
}

// field is one metric-specific value, in the position of its Attribute in
// the table.
type field struct {
	value    string
	official bool
}

// key is a cache key of Session.Cache. Each metric has its own unexported key
// type, so keys of different metrics (or of other users of the cache) never
// collide, and a key holds exactly what determines the attribute set.
type key interface {
	comparable
	fields() []field
}

type startKey struct{ t StartType }

func (k startKey) fields() []field { return []field{{value: string(k.t)}} }

type linesKey struct {
	t     LinesType
	model string
}

func (k linesKey) fields() []field { return []field{{value: string(k.t)}, {value: k.model}} }

// countKey serves the counters without attributes of their own.
type countKey struct{ m Metric }

func (countKey) fields() []field { return nil }

type costKey struct{ u UsageAttrs }

func (k costKey) fields() []field { return k.u.fields(nil) }

type tokenKey struct {
	t TokenType
	u UsageAttrs
}

func (k tokenKey) fields() []field { return append(k.u.fields(nil), field{value: string(k.t)}) }

type editKey struct{ d EditDecision }

func (k editKey) fields() []field {
	return []field{{value: string(k.d.Decision)}, {value: string(k.d.Source)}, {value: k.d.ToolName}, {value: k.d.Language}}
}

type activeKey struct{ t ActiveType }

func (k activeKey) fields() []field { return []field{{value: string(k.t)}} }

func (u UsageAttrs) fields(dst []field) []field {
	speed := ""
	if u.Speed == SpeedFast {
		speed = string(u.Speed)
	}
	name := func(n Name) field { return field{value: n.Value, official: n.Official} }
	return append(dst,
		field{value: u.Model}, field{value: string(u.QuerySource)}, field{value: speed}, field{value: string(u.Effort)},
		name(u.AgentName), name(u.SkillName), name(u.PluginName), name(u.MarketplaceName),
		name(u.MCPServerName), name(u.MCPToolName))
}

// entry is what the cache holds: the option slice itself, because passing a
// cached slice to Add is what makes a repeated emit allocation-free.
type entry struct{ opts []metric.AddOption }

func record[K key](r *Recorder, ctx context.Context, m Metric, n float64, k K) {
	if ctx == nil {
		ctx = context.Background()
	}
	if n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		r.st.Error(fmt.Errorf("ccotel/metrics: %s: dropped value %v: counters take finite values >= 0", table[m].Name, n))
		return
	}
	ss := r.st.Session(ctx)
	var e *entry
	if v, ok := ss.Cache.Load(k); ok {
		e = v.(*entry)
	} else {
		// Only this conversion of k escapes; the one in Load stays on the
		// stack, which keeps a hit free of allocations.
		v, _ := ss.Cache.LoadOrStore(k, r.build(ss, m, k.fields()))
		e = v.(*entry)
	}
	r.counters[m].Add(ctx, n, e.opts...)
}

// build makes the attribute set of one combination: the session's standard
// attributes, then the metric's own in table order with empty values left
// out and names redacted, then the host's redactor on every attribute. It runs
// once per session and combination.
func (r *Recorder) build(ss *core.Session, m Metric, fs []field) *entry {
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
		if a.Redacted && !f.official && !r.st.Content.ToolDetails && v != "" {
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
	set := attribute.NewSet(core.ValidUTF8(kv)...)
	return &entry{opts: []metric.AddOption{metric.WithAttributeSet(set)}}
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
	return v, keep && v.Type() != attribute.INVALID
}
