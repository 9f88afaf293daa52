package telemetry_test

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// With CLAUDE_CODE_ENABLE_TELEMETRY unset, Start returns a working handle
// that records nothing, so a host can call it unconditionally.
func ExampleStart() {
	tel, err := telemetry.Start(context.Background(),
		telemetry.WithLoadOptions(config.WithEnviron(nil), config.WithoutManagedSettings()))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tel.Shutdown(context.Background())
	ctx, session := tel.StartSession(context.Background())
	session.Commit(ctx) // a no-op, at the cost of a nil check
	fmt.Println("enabled:", tel.Enabled())
	// Output: enabled: false
}

// A configuration problem is one error naming every variable at fault.
func ExampleStart_misconfigured() {
	_, err := telemetry.Start(context.Background(), telemetry.WithLoadOptions(config.WithoutManagedSettings(),
		config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp,statsd"})))
	fmt.Println(err != nil)
	// Output: true
}

// One API response gives what Claude Code records for it: the api_request
// event, the cost (priced from the embedded table) and four token points.
func ExampleSession_APIResponse() {
	kit, _ := telemetrytest.Start()
	defer kit.Telemetry.Shutdown(context.Background())

	ctx, session := kit.Telemetry.StartSession(context.Background())
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: "Say hello."})
	session.APIResponse(ctx, telemetry.APIResponse{
		Model: "claude-sonnet-4-5-20250929",
		Usage: pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000, CacheCreationTokens: 300},
	})
	prompt.End(ctx)

	fmt.Println(kit.EventNames())
	fmt.Println(kit.Events("api_request")[0].Attr("cost_usd").Float())
	fmt.Println(kit.Metric("claude_code.token.usage").Sum(attribute.String("type", "cacheRead")))
	// Output:
	// [managed_settings_resolved user_prompt api_request]
	// 0.0027209999999999995
	// 2000
}

// A tool use: the permission decision, then the outcome; an edit tool also
// reports the lines it changed.
func ExampleSession_StartTool() {
	kit, _ := telemetrytest.Start()
	defer kit.Telemetry.Shutdown(context.Background())

	ctx, session := kit.Telemetry.StartSession(context.Background())
	ctx, run := session.StartTool(ctx, telemetry.ToolCall{Name: "Write", UseID: "toolu_1", FilePath: "notes.txt"})
	run.Decide(ctx, metrics.DecisionAccept, metrics.SourceConfig)
	added, removed := session.EditDecision(ctx, telemetry.Edit{ToolName: "Write", FilePath: "notes.txt", NewText: "hello\nworld\n"})
	run.Done(ctx, telemetry.ToolOutcome{Success: true})

	fmt.Println(kit.EventNames("tool_decision", "tool_result"), added, removed)
	fmt.Println(kit.Events("tool_result")[0].Attr("success").Str())
	// Output:
	// [tool_decision tool_result] 3 0
	// true
}

// The host's redactor has the last word on every attribute, after ccotel's
// own privacy rules.
func ExampleWithRedactor() {
	kit, _ := telemetrytest.Start(telemetrytest.WithTelemetryOptions(telemetry.WithRedactor(
		func(name, key string, v attribute.Value) (attribute.Value, bool) {
			if key == "model" {
				return attribute.StringValue("internal-model"), true
			}
			return v, true
		})))
	defer kit.Telemetry.Shutdown(context.Background())
	ctx, session := kit.Telemetry.StartSession(context.Background())
	session.APIResponse(ctx, telemetry.APIResponse{Model: "ft:claude-secret-project"})
	fmt.Println(kit.Events("api_request")[0].Attr("model").Str())
	// Output: internal-model
}
