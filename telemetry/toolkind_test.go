package telemetry_test

import (
	"context"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// A host whose tools are named bash and write gets what Claude Code's Bash
// and Write get: bash classification and the edit metrics' tool_name, and
// with WithToolKindNames Claude Code's tool_name on every signal.
func TestToolKinds(t *testing.T) {
	kinds := telemetry.WithToolKinds(map[string]string{"bash": "Bash", "write": "Write"})
	for _, c := range []struct {
		name      string
		opts      []telemetry.Option
		kind      string // ToolCall.Kind of the bash call
		bashName  string // tool_name wanted on the bash tool's signals
		writeName string
	}{
		{"mapped", []telemetry.Option{kinds}, "", "bash", "write"},
		{"mapped and renamed", []telemetry.Option{kinds, telemetry.WithToolKindNames()}, "", "Bash", "Write"},
		{"per call", []telemetry.Option{telemetry.WithToolKinds(map[string]string{"write": "Write"})}, "Bash", "bash", "write"},
	} {
		t.Run(c.name, func(t *testing.T) {
			kit := telemetrytest.New(t, telemetrytest.WithConfig(config.Config{Enabled: true}), telemetrytest.WithTelemetryOptions(c.opts...))
			ctx, s := kit.Telemetry.StartSession(context.Background())
			ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
			_, run := s.StartTool(ctx, telemetry.ToolCall{Name: "bash", Kind: c.kind, Command: "git status"})
			run.Done(ctx, telemetry.ToolOutcome{Success: true})
			_, run = s.StartTool(ctx, telemetry.ToolCall{Name: "write", FilePath: "a.py"})
			run.Edit(ctx, telemetry.Edit{NewText: "x\n"})
			run.Done(ctx, telemetry.ToolOutcome{Success: true})
			s.EditDecision(ctx, telemetry.Edit{ToolName: "write", FilePath: "b.py", NewText: "y\n"})
			p.End(ctx)

			tools := kit.Spans("claude_code.tool")
			if len(tools) != 2 {
				t.Fatalf("%d tool spans, want 2", len(tools))
			}
			got := map[string]string{}
			for _, kv := range tools[0].Attributes {
				got[string(kv.Key)] = kv.Value.AsString()
			}
			if got["tool_name"] != c.bashName || got["bash_command_class"] != "vcs" || got["bash_argv0"] != "git" {
				t.Errorf("bash span: tool_name %q, bash_command_class %q, bash_argv0 %q; want %q, vcs, git",
					got["tool_name"], got["bash_command_class"], got["bash_argv0"], c.bashName)
			}
			for _, kv := range tools[1].Attributes {
				if kv.Key == "bash_command_class" {
					t.Error("the write span has bash_command_class")
				}
			}
			for _, e := range []struct{ event, name string }{
				{"tool_result", c.bashName}, {"tool_decision", c.bashName},
			} {
				if err := kit.CheckEvent(e.event, map[string]any{"tool_name": e.name}); err != nil {
					t.Error(err)
				}
			}
			if err := kit.CheckEvent("tool_result", map[string]any{"tool_name": c.writeName}); err != nil {
				t.Error(err)
			}
			if err := kit.CheckSum("claude_code.code_edit_tool.decision", 2, attrString("tool_name", "Write")); err != nil {
				t.Error(err)
			}
		})
	}
}
