package spans

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Hook is one hook event's run of its matching hooks.
type Hook struct {
	Event    string // hook_event: "PreToolUse", ...
	Name     string // hook_name: "PreToolUse:Bash"
	NumHooks int    // num_hooks
	// Definitions is hook_definitions, the JSON hook configuration, sent
	// only with OTEL_LOG_TOOL_DETAILS.
	Definitions string
	// ConversationID overrides gen_ai.conversation.id.
	ConversationID string
	Start          time.Time // zero means now
}

// HookResult ends a hook span.
type HookResult struct {
	NumSuccess          int
	NumBlocking         int
	NumNonBlockingError int
	NumCancelled        int
	// Error, when non-empty, sets status ERROR with this message.
	Error    string
	Duration time.Duration // duration_ms; zero measures up to now
}

// HookSpan is a started claude_code.hook span.
type HookSpan struct {
	t     *Tracer
	span  trace.Span
	start time.Time
}

// StartHook starts a hook span under the span in ctx. Like Claude Code it
// records nothing unless detailed beta tracing is on (WithDetailed): the
// handle is then nil, which is a valid no-op.
func (t *Tracer) StartHook(ctx context.Context, h Hook) (context.Context, *HookSpan) {
	if t == nil || !t.detailed {
		return ctx, nil
	}
	start := t.startTime(h.Start)
	ctx, span := t.start(ctx, NameHook, start)
	s := &HookSpan{t: t, span: span, start: start}
	if !span.IsRecording() {
		return ctx, s
	}
	ss := t.st.Session(ctx)
	buf := header(ss.Attributes, ss.Provider.Family, NameHook)
	kv := *buf
	kv = append(kv,
		attribute.String("gen_ai.conversation.id", conversation(ctx, h.ConversationID, ss)),
		attribute.String("hook_event", h.Event),
		attribute.String("hook_name", h.Name),
		attribute.Int("num_hooks", h.NumHooks))
	if t.st.Content.ToolDetails && h.Definitions != "" {
		kv = append(kv, attribute.String("hook_definitions", t.content(h.Definitions)))
	}
	t.setPooled(span, NameHook, buf, kv)
	return ctx, s
}

// RecordHook records a finished hook run in one step.
func (t *Tracer) RecordHook(ctx context.Context, h Hook, res HookResult) {
	_, s := t.StartHook(ctx, h)
	s.End(res)
}

// End ends the hook span with its counts.
func (s *HookSpan) End(res HookResult) {
	if s == nil {
		return
	}
	end := s.t.endTime(s.start, res.Duration)
	if s.span.IsRecording() {
		s.t.set(s.span, NameHook, []attribute.KeyValue{
			attribute.Int64("duration_ms", ms(end.Sub(s.start))),
			attribute.Int("num_success", res.NumSuccess),
			attribute.Int("num_blocking", res.NumBlocking),
			attribute.Int("num_non_blocking_error", res.NumNonBlockingError),
			attribute.Int("num_cancelled", res.NumCancelled),
		})
		if res.Error != "" {
			s.t.fail(s.span, NameHook, res.Error)
		}
	}
	s.span.End(trace.WithTimestamp(end))
}
