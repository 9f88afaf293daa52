package telemetry

import (
	"context"
	"sync"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/spans"
)

// HookRun is the run of the hooks matching one hook event, such as
// PreToolUse for the Bash tool.
type HookRun struct {
	Event    string // hook_event: "PreToolUse", "PostToolUse", ...
	Name     string // hook_name: "PreToolUse:Bash"
	NumHooks int
	// Source is hook_source: "policySettings" when only managed hooks ran,
	// else "merged" (the default).
	Source      string
	ManagedOnly bool
	SafeMode    bool
	// Definitions is the JSON of the hooks (hook_definitions, only with
	// OTEL_LOG_TOOL_DETAILS in detailed beta tracing).
	Definitions string
	Start       time.Time // by default, Duration before now
}

// HookOutcome is how the hooks of a HookRun ended.
type HookOutcome struct {
	NumSuccess, NumBlocking, NumNonBlockingError, NumCancelled int
	Duration                                                   time.Duration
	StdoutChars, AdditionalContextChars, SystemMessageChars    int
	InitialUserMessageChars, NumOutputsPersisted               int
	// Error, when not empty, marks the hook span failed.
	Error string
}

// Hooks records a finished hook run as Claude Code does: hook_execution_start
// and hook_execution_complete (counts as strings) and, in detailed beta
// tracing, the claude_code.hook span (counts as ints). It is StartHooks and
// Complete in one call, for hooks whose run nothing else overlapped.
func (s *Session) Hooks(ctx context.Context, h HookRun, o HookOutcome) {
	if s.enabled() { // the off path, inlined into the host's call
		s.hooks(ctx, h, o)
	}
}

func (s *Session) hooks(ctx context.Context, h HookRun, o HookOutcome) {
	h.Start = s.start(h.Start, o.Duration)
	s.StartHooks(ctx, h).Complete(ctx, o)
}

// RunningHooks are hooks started with StartHooks and not yet complete.
type RunningHooks struct {
	s      *Session
	h      HookRun
	source string
	once   sync.Once
}

// StartHooks records hook_execution_start now and returns the running hooks;
// Complete records hook_execution_complete and the claude_code.hook span from
// the start. What happens in between, such as an API response, is recorded
// between them, in the order Claude Code sends it. A nil *RunningHooks does
// nothing.
func (s *Session) StartHooks(ctx context.Context, h HookRun) *RunningHooks {
	if !s.enabled() {
		return nil // the off path, inlined into the host's call
	}
	return s.startHooks(ctx, h)
}

func (s *Session) startHooks(ctx context.Context, h HookRun) *RunningHooks {
	ctx = orBackground(ctx)
	if !s.enabled() {
		return nil
	}
	ctx = s.Context(ctx)
	if h.Start.IsZero() {
		h.Start = s.t.state.Now()
	}
	r := &RunningHooks{s: s, h: h, source: h.Source}
	if r.source == "" {
		r.source = "merged"
	}
	s.t.events.HookExecutionStart(ctx, events.HookExecutionStart{
		HookEvent: h.Event, HookName: h.Name, NumHooks: int64(h.NumHooks), ManagedOnly: h.ManagedOnly,
		HookSource: r.source, SafeMode: h.SafeMode, HookDefinitions: h.Definitions,
	})
	return r
}

// Complete records how the hooks ended. o.Duration is, by default, the time
// since StartHooks. Only the first call counts.
func (r *RunningHooks) Complete(ctx context.Context, o HookOutcome) {
	if r != nil && r.s.enabled() { // the off path, inlined into the host's call
		r.completeOnce(ctx, o)
	}
}

func (r *RunningHooks) completeOnce(ctx context.Context, o HookOutcome) {
	ctx = orBackground(ctx)
	if r == nil || !r.s.enabled() {
		return
	}
	r.once.Do(func() { r.complete(r.s.Context(ctx), o) })
}

func (r *RunningHooks) complete(ctx context.Context, o HookOutcome) {
	s, h := r.s, r.h
	if o.Duration == 0 {
		o.Duration = s.t.state.Now().Sub(h.Start)
	}
	s.t.events.HookExecutionComplete(ctx, events.HookExecutionComplete{
		HookEvent: h.Event, HookName: h.Name, NumHooks: int64(h.NumHooks),
		NumSuccess: int64(o.NumSuccess), NumBlocking: int64(o.NumBlocking),
		NumNonBlockingError: int64(o.NumNonBlockingError), NumCancelled: int64(o.NumCancelled),
		TotalDurationMs: o.Duration.Milliseconds(), StdoutChars: int64(o.StdoutChars),
		AdditionalContextChars: int64(o.AdditionalContextChars), SystemMessageChars: int64(o.SystemMessageChars),
		InitialUserMessageChars: int64(o.InitialUserMessageChars), NumOutputsPersisted: int64(o.NumOutputsPersisted),
		ManagedOnly: h.ManagedOnly, HookSource: r.source, SafeMode: h.SafeMode, HookDefinitions: h.Definitions,
	})
	s.t.spans.RecordHook(ctx, spans.Hook{
		Event: h.Event, Name: h.Name, NumHooks: h.NumHooks, Definitions: h.Definitions, Start: h.Start,
	}, spans.HookResult{
		NumSuccess: o.NumSuccess, NumBlocking: o.NumBlocking, NumNonBlockingError: o.NumNonBlockingError,
		NumCancelled: o.NumCancelled, Error: o.Error, Duration: o.Duration,
	})
}
