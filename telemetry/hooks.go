package telemetry

import (
	"context"
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
// tracing, the claude_code.hook span (counts as ints).
func (s *Session) Hooks(ctx context.Context, h HookRun, o HookOutcome) {
	if !s.enabled() {
		return
	}
	ctx = s.Context(ctx)
	source := h.Source
	if source == "" {
		source = "merged"
	}
	s.t.events.HookExecutionStart(ctx, events.HookExecutionStart{
		HookEvent: h.Event, HookName: h.Name, NumHooks: int64(h.NumHooks), ManagedOnly: h.ManagedOnly,
		HookSource: source, SafeMode: h.SafeMode, HookDefinitions: h.Definitions,
	})
	s.t.events.HookExecutionComplete(ctx, events.HookExecutionComplete{
		HookEvent: h.Event, HookName: h.Name, NumHooks: int64(h.NumHooks),
		NumSuccess: int64(o.NumSuccess), NumBlocking: int64(o.NumBlocking),
		NumNonBlockingError: int64(o.NumNonBlockingError), NumCancelled: int64(o.NumCancelled),
		TotalDurationMs: o.Duration.Milliseconds(), StdoutChars: int64(o.StdoutChars),
		AdditionalContextChars: int64(o.AdditionalContextChars), SystemMessageChars: int64(o.SystemMessageChars),
		InitialUserMessageChars: int64(o.InitialUserMessageChars), NumOutputsPersisted: int64(o.NumOutputsPersisted),
		ManagedOnly: h.ManagedOnly, HookSource: source, SafeMode: h.SafeMode, HookDefinitions: h.Definitions,
	})
	s.t.spans.RecordHook(ctx, spans.Hook{
		Event: h.Event, Name: h.Name, NumHooks: h.NumHooks, Definitions: h.Definitions, Start: s.start(h.Start, o.Duration),
	}, spans.HookResult{
		NumSuccess: o.NumSuccess, NumBlocking: o.NumBlocking, NumNonBlockingError: o.NumNonBlockingError,
		NumCancelled: o.NumCancelled, Error: o.Error, Duration: o.Duration,
	})
}
