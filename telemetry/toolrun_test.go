package telemetry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// An agent whose permission check lives inside the tool body reaches the run
// from the context, a tool that never asks is accepted at its start, and
// Execute needs no prior decision.
func TestToolRunForAgents(t *testing.T) {
	kit := startTraced(t, config.Config{})
	ctx, s := kit.Telemetry.StartSession(context.Background())
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
	start := time.Now().Add(-50 * time.Millisecond)

	// ls: never asks.
	tctx, run := s.StartTool(ctx, telemetry.ToolCall{Name: "Bash", Command: "ls", Start: start})
	if telemetry.ToolRunFromContext(tctx) != run {
		t.Fatal("ToolRunFromContext does not return the run StartTool made")
	}
	if telemetry.ToolRunFromContext(ctx) != nil {
		t.Fatal("a context without a run returns one")
	}
	ectx := run.Execute(tctx)
	if ectx == tctx {
		t.Error("Execute without a decision did not start the execution")
	}
	telemetry.ToolRunFromContext(tctx).Done(ectx, telemetry.ToolOutcome{Success: true})

	// write: asks inside the tool body, which only has the context.
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Usage: pricing.Usage{InputTokens: 1}})
	wctx, _ := s.StartTool(ctx, telemetry.ToolCall{Name: "Write", FilePath: "a.py"})
	w := telemetry.ToolRunFromContext(wctx)
	w.Decide(wctx, metrics.DecisionAccept, metrics.SourceUserTemporary, telemetry.WithPermissionMode("acceptEdits"))
	added, removed := w.Edit(wctx, telemetry.Edit{LinesAdded: 3, LinesRemoved: 1})
	w.Done(wctx, telemetry.ToolOutcome{Success: true})
	p.End(ctx)

	if added != 3 || removed != 1 {
		t.Errorf("Edit with line counts returned %d, %d; want 3, 1", added, removed)
	}
	blocked := kit.Spans("claude_code.tool.blocked_on_user")
	exec := kit.Spans("claude_code.tool.execution")
	tools := kit.Spans("claude_code.tool")
	if len(blocked) != 2 || len(exec) != 2 || len(tools) != 2 {
		t.Fatalf("%d blocked_on_user, %d execution, %d tool spans; want 2 each", len(blocked), len(exec), len(tools))
	}
	if d := blocked[0].EndTime.Sub(blocked[0].StartTime); d != 0 {
		t.Errorf("a tool that never asked was blocked on the user for %v, want 0", d)
	}
	if !exec[0].StartTime.Equal(tools[0].StartTime) {
		t.Errorf("execution starts %v after the tool, want at its start", exec[0].StartTime.Sub(tools[0].StartTime))
	}
	if err := kit.CheckEvent("tool_result", map[string]any{"tool_name": "Bash"}); err != nil {
		t.Error(err)
	}
	for _, e := range kit.Events("tool_result") {
		if e.Attr("tool_name").Str() == "Bash" && e.Attr("duration_ms").Str() == "0" {
			t.Error("tool_result.duration_ms is 0: execution was not timed from the start")
		}
	}
	if err := kit.CheckEvent("tool_decision", map[string]any{"tool_name": "Write", "source": "user_temporary", "permission_mode": "acceptEdits"}); err != nil {
		t.Error(err)
	}
	// Each decision is emitted inside its wait, as Claude Code's are.
	decisions := kit.Events("tool_decision")
	if len(decisions) != len(blocked) {
		t.Fatalf("%d tool_decision events, want %d", len(decisions), len(blocked))
	}
	for i, e := range decisions {
		if sc := blocked[i].SpanContext; e.TraceID != sc.TraceID() || e.SpanID != sc.SpanID() {
			t.Errorf("tool_decision %d is in span %s/%s, want its blocked_on_user span %s/%s", i, e.TraceID, e.SpanID, sc.TraceID(), sc.SpanID())
		}
	}
	if err := kit.CheckSum("claude_code.lines_of_code.count", 3, attrModel("claude-sonnet-4-5"), attrType("added")); err != nil {
		t.Error(err)
	}
	if err := kit.CheckSum("claude_code.code_edit_tool.decision", 1, attrString("tool_name", "Write"), attrString("source", "user_temporary"), attrString("language", "Python")); err != nil {
		t.Error(err)
	}
}

func attrString(k, v string) attribute.KeyValue { return attribute.String(k, v) }
func attrModel(v string) attribute.KeyValue     { return attribute.String("model", v) }
func attrType(v string) attribute.KeyValue      { return attribute.String("type", v) }

// A hook whose run spans an API response: Claude Code sends
// hook_execution_start, api_request, hook_execution_complete.
func TestHooksAcrossAnAPIResponse(t *testing.T) {
	kit := startTraced(t, config.Config{})
	ctx, s := kit.Telemetry.StartSession(context.Background())
	hooks := s.StartHooks(ctx, telemetry.HookRun{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1})
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5"})
	hooks.Complete(ctx, telemetry.HookOutcome{NumSuccess: 1})
	hooks.Complete(ctx, telemetry.HookOutcome{NumSuccess: 1}) // only the first counts
	got := kit.EventNames("hook_execution_start", "api_request", "hook_execution_complete")
	want := []string{"hook_execution_start", "api_request", "hook_execution_complete"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("events %v, want %v", got, want)
	}
}
