package events_test

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
)

type printer struct{}

func (printer) OnEmit(_ context.Context, r *sdklog.Record) error {
	fmt.Println(r.Body().AsString())
	r.WalkAttributes(func(a attribute.KeyValue) bool {
		switch a.Key {
		case "user.id", "session.id", "prompt.id", "anthropic.provider", "anthropic.custom_base_url", "event.timestamp":
			return true // vary per run
		}
		fmt.Printf("  %s = %s (%s)\n", a.Key, a.Value.String(), a.Value.Type())
		return true
	})
	return nil
}
func (printer) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (printer) Shutdown(context.Context) error                         { return nil }
func (printer) ForceFlush(context.Context) error                       { return nil }

// The telemetry handle owns the Emitter (tel.Events()); this is what a tool
// call looks like on the wire with no content flag set.
func Example() {
	ctx := context.Background()
	tel, err := telemetry.Start(ctx,
		telemetry.WithLoadOptions(config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}), config.WithoutManagedSettings()),
		telemetry.WithLogProcessor(printer{}))
	if err != nil {
		panic(err)
	}
	defer tel.Shutdown(ctx)
	ctx, session := tel.StartSession(ctx)
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: "run the tests"})
	tel.Events().ToolResult(ctx, events.ToolResult{ToolName: "mcp__ci__run", Success: true, DurationMs: 1200,
		ToolInput: `{"suite":"all"}`, ToolInputSizeBytes: 15, ToolResultSizeBytes: 2048, MCPServerScope: "project"})
	prompt.End(ctx)
	// Output:
	// claude_code.managed_settings_resolved
	//   terminal.type = non-interactive (STRING)
	//   event.name = managed_settings_resolved (STRING)
	//   event.sequence = 0 (INT64)
	//   managed_settings.trigger = startup (STRING)
	//   managed_settings.sources = [] (STRINGSLICE)
	//   managed_settings.source_behavior = first-wins (STRING)
	//   managed_settings.helper.state = none (STRING)
	//   managed_settings.helper.applied = none (STRING)
	// claude_code.user_prompt
	//   terminal.type = non-interactive (STRING)
	//   event.name = user_prompt (STRING)
	//   event.sequence = 1 (INT64)
	//   prompt_length = 13 (STRING)
	//   prompt = <REDACTED> (STRING)
	//   prompt_text = <REDACTED> (STRING)
	// claude_code.tool_result
	//   terminal.type = non-interactive (STRING)
	//   event.name = tool_result (STRING)
	//   event.sequence = 2 (INT64)
	//   tool_name = mcp_tool (STRING)
	//   success = true (STRING)
	//   duration_ms = 1200 (STRING)
	//   tool_input_size_bytes = 15 (STRING)
	//   tool_result_size_bytes = 2048 (STRING)
	//   mcp_server_scope = project (STRING)
}

// A nil Emitter is a valid no-op: hosts need no "telemetry on?" checks.
func ExampleEmitter_nil() {
	var e *events.Emitter
	e.APIRequest(context.Background(), events.APIRequest{Model: "claude-sonnet-4-5"})
	fmt.Println("nothing emitted")
	// Output: nothing emitted
}
