package spans

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/redact"
)

// Interaction is one user prompt, the root of its trace.
type Interaction struct {
	// Prompt is the user's text. It is sent as <REDACTED> unless
	// OTEL_LOG_USER_PROMPTS is on; its UTF-16 length is always sent.
	Prompt string
	// Sequence is interaction.sequence. Zero takes the prompt's sequence from
	// ctx (core.PromptFromContext), else the session's next one.
	Sequence int64
	// QueuedSends is queued_sends: messages the user queued while busy.
	QueuedSends int
	// ConversationID overrides gen_ai.conversation.id (the session id, or
	// the agent id inside ContextWithAgent).
	ConversationID string
	// Parent overrides the Tracer's inbound parent for this prompt only.
	Parent trace.SpanContext
	// ParentSource overrides parent.source: "env" when a parent is used,
	// else "none".
	ParentSource string
	// Start is when the prompt was submitted; zero means now.
	Start time.Time
}

// InteractionSpan is a started claude_code.interaction span.
type InteractionSpan struct {
	t     *Tracer
	span  trace.Span
	start time.Time
}

// StartInteraction starts the root span of a prompt. Unlike the other spans
// it ignores any span already in ctx: Claude Code starts a new trace per
// prompt, parented only to the inbound TRACEPARENT. Spans started from the
// returned context nest under it.
func (t *Tracer) StartInteraction(ctx context.Context, in Interaction) (context.Context, *InteractionSpan) {
	if t == nil {
		return ctx, nil
	}
	start := t.startTime(in.Start)
	parent, source := t.parent, "none"
	if in.Parent.IsValid() {
		parent = in.Parent
	}
	opts := []trace.SpanStartOption{trace.WithNewRoot()}
	if parent.IsValid() {
		// A remote parent in ctx replaces WithNewRoot: the interaction joins
		// the caller's trace instead of starting one.
		ctx = trace.ContextWithRemoteSpanContext(ctx, parent)
		opts = opts[:0]
		source = "env"
	}
	if in.ParentSource != "" {
		source = in.ParentSource
	}
	ss := t.st.Session(ctx)
	seq := in.Sequence
	if seq == 0 {
		if p := core.PromptFromContext(ctx); p != nil && p.Sequence > 0 {
			seq = p.Sequence
		} else {
			// Taken even for a span the sampler drops, so the next prompt's
			// number does not depend on sampling.
			seq = ss.NextInteraction()
		}
	}
	ctx, span := t.start(ctx, NameInteraction, start, opts...)
	if !span.IsRecording() {
		return ctx, &InteractionSpan{t: t, span: span, start: start}
	}
	prompt := redact.Literal
	if t.st.Content.UserPrompts {
		prompt = t.content(in.Prompt)
	}
	buf := header(ss.EarlyAttributes, ss.Provider.Family, NameInteraction)
	kv := *buf
	kv = append(kv,
		attribute.String("gen_ai.operation.name", "invoke_agent"),
		attribute.String("gen_ai.conversation.id", conversation(ctx, in.ConversationID, ss)),
		attribute.String("user_prompt", prompt),
		attribute.Int("user_prompt_length", redact.UTF16Len(in.Prompt)),
		attribute.Int64("interaction.sequence", seq),
		attribute.String("parent.source", source),
		attribute.Int("queued_sends", in.QueuedSends),
	)
	t.setPooled(span, NameInteraction, buf, kv)
	return ctx, &InteractionSpan{t: t, span: span, start: start}
}

// SpanContext identifies the span, for log records and propagation.
func (s *InteractionSpan) SpanContext() trace.SpanContext {
	if s == nil {
		return trace.SpanContext{}
	}
	return s.span.SpanContext()
}

// End ends the span now with interaction.duration_ms.
func (s *InteractionSpan) End() { s.EndAfter(0) }

// EndAfter ends the span d after its start, for a host reporting after the
// fact; d <= 0 means now.
func (s *InteractionSpan) EndAfter(d time.Duration) {
	if s == nil {
		return
	}
	end := s.t.endTime(s.start, d)
	if s.span.IsRecording() {
		s.t.set(s.span, NameInteraction, []attribute.KeyValue{
			attribute.Int64("interaction.duration_ms", ms(end.Sub(s.start))),
		})
	}
	s.span.End(trace.WithTimestamp(end))
}
