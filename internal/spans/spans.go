package spans

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/redact"
)

// Span names, as Claude Code 2.1.330 sends them.
const (
	NameInteraction    = "claude_code.interaction"
	NameLLMRequest     = "claude_code.llm_request"
	NameTool           = "claude_code.tool"
	NameBlockedOnUser  = "claude_code.tool.blocked_on_user"
	NameToolExecution  = "claude_code.tool.execution"
	NameHook           = "claude_code.hook"
	EventAttempt       = "gen_ai.request.attempt"
	EventToolOutput    = "tool.output"
	defaultQuerySource = "sdk"
)

// Tracer builds Claude Code's spans. A nil *Tracer is valid: every method is
// a no-op that allocates nothing, which is what a host gets while the traces
// beta is off.
type Tracer struct {
	tracer   trace.Tracer
	st       *core.State
	detailed bool
	parent   trace.SpanContext
}

// Option configures a Tracer.
type Option interface{ apply(*Tracer) }

type optionFunc func(*Tracer)

func (f optionFunc) apply(t *Tracer) { f(t) }

// WithDetailed turns on detailed beta tracing (ENABLE_BETA_TRACING_DETAILED
// with BETA_TRACING_ENDPOINT): the claude_code.hook span and the extra
// llm_request keys. By default, if this option is not used, both are left
// out, as in Claude Code.
func WithDetailed(on bool) Option { return optionFunc(func(t *Tracer) { t.detailed = on }) }

// WithRemoteParent makes every interaction span a child of sc, the inbound
// TRACEPARENT/TRACESTATE, with parent.source=env. By default, if this option
// is not used (or sc is invalid), each interaction starts a new trace.
func WithRemoteParent(sc trace.SpanContext) Option {
	return optionFunc(func(t *Tracer) {
		if sc.IsValid() {
			t.parent = sc
		}
	})
}

// New returns a Tracer that starts its spans on tracer. It returns nil, the
// no-op Tracer, when tracer or st is nil.
func New(tracer trace.Tracer, st *core.State, opts ...Option) *Tracer {
	if tracer == nil || st == nil {
		return nil
	}
	t := &Tracer{tracer: tracer, st: st}
	for _, o := range opts {
		o.apply(t)
	}
	return t
}

// Detailed reports whether detailed beta tracing is on.
func (t *Tracer) Detailed() bool { return t != nil && t.detailed }

type agentKey struct{}

// ContextWithAgent marks ctx as running inside the subagent agentID: spans
// started from it carry the agent id as gen_ai.conversation.id, and
// llm_request spans add agent_id and default to llm_request.context=tool.
func ContextWithAgent(ctx context.Context, agentID string) context.Context {
	return context.WithValue(ctx, agentKey{}, agentID)
}

// AgentFromContext returns the subagent id set by ContextWithAgent, or "".
func AgentFromContext(ctx context.Context) string {
	id, _ := ctx.Value(agentKey{}).(string)
	return id
}

// conversation is gen_ai.conversation.id: the session id whatever the
// session.id toggle says (v_no_session_id still has it), or the agent id
// inside a subagent.
func conversation(ctx context.Context, explicit string, ss *core.Session) string {
	if explicit != "" {
		return explicit
	}
	if id := AgentFromContext(ctx); id != "" {
		return id
	}
	return ss.ID
}

func (t *Tracer) now() time.Time {
	if t.st.Now != nil {
		return t.st.Now()
	}
	return time.Now()
}

func (t *Tracer) startTime(start time.Time) time.Time {
	if start.IsZero() {
		return t.now()
	}
	return start
}

// endTime is start+d for a host reporting after the fact, else now.
func (t *Tracer) endTime(start time.Time, d time.Duration) time.Time {
	if d > 0 {
		return start.Add(d)
	}
	if now := t.now(); now.After(start) {
		return now
	}
	return start
}

// kvBufs holds the buffers span attributes are built in. The SDK's
// SetAttributes copies what it is given, so a buffer is free again once
// setPooled returns: a span's attributes cost no allocation of their own.
var kvBufs = sync.Pool{New: func() any {
	kv := make([]attribute.KeyValue, 0, 32)
	return &kv
}}

// header returns a pooled buffer (see setPooled) holding the attributes
// every span starts with: the standard ones, gen_ai.provider.name (the model
// family) and span.type.
func header(std []attribute.KeyValue, family, spanName string) *[]attribute.KeyValue {
	p := kvBufs.Get().(*[]attribute.KeyValue)
	kv := append((*p)[:0], std...)
	*p = append(kv,
		attribute.String("gen_ai.provider.name", family),
		attribute.String("span.type", spanName[len("claude_code."):]))
	return p
}

// setPooled sets kv, appended to the buffer p that header returned, on span
// as set does, and returns the buffer to the pool.
func (t *Tracer) setPooled(span trace.Span, name string, p *[]attribute.KeyValue, kv []attribute.KeyValue) {
	t.set(span, name, kv)
	// Not cleared (a clear of pointers costs as much as the copy while the GC
	// runs): the next header overwrites the values it held, and the pool
	// drops an idle buffer at the second GC, so what it keeps alive is a
	// few strings for a short while.
	if cap(kv) <= 128 { // do not keep a buffer a freak span grew
		*p = kv[:0]
		kvBufs.Put(p)
	}
}

// set sets kv (a slice this package owns) on span through attrs.
func (t *Tracer) set(span trace.Span, name string, kv []attribute.KeyValue) {
	span.SetAttributes(t.attrs(name, kv)...)
}

// attrs runs the host redactor over kv and bounds what it keeps: content
// at the content limit, every other value at redact.IdentifierMax. Every
// attribute of a span or span event passes here. kv is rewritten in place,
// and only where a value changes: a write of an attribute, which holds
// pointers, costs a write barrier while the GC runs.
func (t *Tracer) attrs(name string, kv []attribute.KeyValue) []attribute.KeyValue {
	if t.st.Redact == nil {
		for i := range kv {
			if v, cut := t.bound(name, string(kv[i].Key), kv[i].Value); cut {
				kv[i].Value = v
			}
		}
		return kv
	}
	out := kv[:0]
	for _, a := range kv {
		v, keep := t.st.Redact(name, string(a.Key), a.Value)
		if !keep {
			continue
		}
		a.Value, _ = t.bound(name, string(a.Key), v)
		out = append(out, a)
	}
	return out
}

// bound bounds the value of key on the span name, and reports whether it
// cut it.
func (t *Tracer) bound(name, key string, v attribute.Value) (attribute.Value, bool) {
	switch v.Type() { // most values fit both limits: no need to look at the key
	case attribute.BOOL, attribute.INT64, attribute.FLOAT64:
		return v, false
	case attribute.STRING:
		if len(v.AsString()) <= min(redact.IdentifierMax, t.max()) {
			return v, false
		}
	}
	if contentKey(name, key) && v.Type() == attribute.STRING {
		if s := v.AsString(); len(s) > t.max() { // bytes >= UTF-16 units: shorter fits
			return attribute.StringValue(t.content(s)), true
		}
		return v, false
	}
	return redact.Bound(v, redact.IdentifierMax)
}

// contentKey reports the keys that carry content, cut at the content limit
// (t.content) rather than bounded as identifiers: prompts, hook
// definitions, the tool details and tool.output bodies, a tool's full error,
// and the tools list of detailed tracing, which is long with many MCP tools.
func contentKey(span, key string) bool {
	switch key {
	case "user_prompt", "hook_definitions", "file_path", "full_command", "skill_name", "subagent_type",
		"content", "diff", "output", "tools":
		return true
	case "error":
		return span == NameToolExecution
	}
	return false
}

func (t *Tracer) event(span trace.Span, spanName, event string, at time.Time, kv []attribute.KeyValue) {
	span.AddEvent(event, trace.WithTimestamp(at), trace.WithAttributes(t.attrs(spanName, kv)...))
}

// start starts span name at start. Claude Code's spans are all of kind
// INTERNAL, which is what a span started without trace.WithSpanKind is: not
// passing it saves an allocation a span.
func (t *Tracer) start(ctx context.Context, name string, start time.Time, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	opts = append(opts, trace.WithTimestamp(start))
	return t.tracer.Start(ctx, name, opts...)
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

// fail sets the error status of the span name, its description bounded as
// the span's error attribute is.
func (t *Tracer) fail(span trace.Span, name, msg string) {
	v, _ := t.bound(name, "error", attribute.StringValue(msg))
	span.SetStatus(codes.Error, v.AsString())
}

// content cuts s at the content limit, as every content-bearing attribute is.
func (t *Tracer) content(s string) string {
	v, _ := redact.Truncate(s, t.max())
	return v
}

func (t *Tracer) max() int {
	if m := t.st.Content.MaxLength; m > 0 {
		return m
	}
	return redact.DefaultMaxLength
}
