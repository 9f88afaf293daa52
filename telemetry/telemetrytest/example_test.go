package telemetrytest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// answer is the code under test: an agent step that records a model response
// and a Bash tool run.
func answer(ctx context.Context, tel *telemetry.Telemetry) {
	ctx, session := tel.StartSession(ctx)
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: "run the tests"})
	defer prompt.End(ctx)
	session.APIResponse(ctx, telemetry.APIResponse{
		Model:    "claude-sonnet-4-5-20250929",
		Usage:    pricing.Usage{InputTokens: 120, OutputTokens: 30, CacheReadTokens: 2000},
		Duration: 800 * time.Millisecond,
	})
	_, run := session.StartTool(ctx, telemetry.ToolCall{Name: "Bash", UseID: "toolu_1", Command: "go test ./..."})
	run.Decide(ctx, metrics.DecisionAccept, metrics.SourceUserTemporary)
	run.Done(ctx, telemetry.ToolOutcome{Success: true, ResultSizeBytes: 12})
}

// In a test, telemetrytest.New(t) does the same and shuts down with the test;
// the checks return errors for t.Error.
func Example() {
	kit, err := telemetrytest.Start()
	if err != nil {
		panic(err)
	}
	defer kit.Telemetry.Shutdown(context.Background())

	answer(context.Background(), kit.Telemetry)

	fmt.Println(kit.EventNames())
	fmt.Println(kit.CheckEvent("tool_decision", map[string]any{"tool_name": "Bash", "source": "user_temporary"}))
	fmt.Println(kit.CheckSum("claude_code.token.usage", 2000, attribute.String("type", "cacheRead")))
	fmt.Println(kit.CheckSum("claude_code.token.usage", 99, attribute.String("type", "output")))
	// Output:
	// [managed_settings_resolved user_prompt api_request tool_decision tool_result]
	// <nil>
	// <nil>
	// claude_code.token.usage{type="output"} = 30, want 99
}

// Events carry typed attributes. Claude Code sends some numbers and booleans
// as strings, and the kit shows them as sent.
func ExampleEvent_Attr() {
	kit, err := telemetrytest.Start(telemetrytest.WithVariable("OTEL_LOG_USER_PROMPTS", "1"))
	if err != nil {
		panic(err)
	}
	defer kit.Telemetry.Shutdown(context.Background())

	answer(context.Background(), kit.Telemetry)

	prompt := kit.Events("user_prompt")[0]
	fmt.Println(prompt.Attr("prompt").Str(), prompt.Attr("prompt_length").Str())
	req := kit.Events("api_request")[0]
	fmt.Println(req.Attr("input_tokens").Int(), req.Attr("model").Str(), req.Attr("ttft_ms").Present())
	res := kit.Events("tool_result")[0]
	fmt.Println(res.Attr("success").Str(), res.Attr("tool_result_size_bytes").Str())
	// Output:
	// run the tests 13
	// 120 claude-sonnet-4-5-20250929 false
	// true 12
}

// CheckEventOrder checks the order of the events a test cares about, and
// CheckOpen what was left open (New runs it when the test ends).
func ExampleKit_CheckOpen() {
	kit, err := telemetrytest.Start()
	if err != nil {
		panic(err)
	}
	defer kit.Telemetry.Shutdown(context.Background())

	ctx, session := kit.Telemetry.StartSession(context.Background())
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: "list the files"})
	_, run := session.StartTool(ctx, telemetry.ToolCall{Name: "bash", UseID: "toolu_1", Command: "ls"})
	fmt.Println(kit.CheckOpen())
	run.Done(ctx, telemetry.ToolOutcome{Success: true})
	prompt.End(ctx)
	fmt.Println(kit.CheckOpen())
	fmt.Println(kit.CheckEventOrder("user_prompt", "tool_result"))
	// Output:
	// left open: prompt 1 (StartPrompt without End); tool run bash toolu_1 (StartTool without Done or a rejecting Decide)
	// <nil>
	// <nil>
}

// runMyAgentStep is the code under test of the package documentation's
// example: a prompt whose model asks to write a four-line file.
func runMyAgentStep(ctx context.Context, tel *telemetry.Telemetry) {
	ctx, session := tel.StartSession(ctx)
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: "write notes.txt"})
	defer prompt.End(ctx)
	session.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929", Usage: pricing.Usage{InputTokens: 10}})
	tctx, run := session.StartTool(ctx, telemetry.ToolCall{Name: "Write", UseID: "toolu_1", FilePath: "notes.txt"})
	run.Decide(tctx, metrics.DecisionAccept, metrics.SourceConfig)
	run.Edit(tctx, telemetry.Edit{NewText: "one\ntwo\nthree\nfour"})
	run.Done(tctx, telemetry.ToolOutcome{Success: true})
}

// The package documentation's example, verbatim.
func TestWriteToolReportsLines(t *testing.T) {
	kit := telemetrytest.New(t, telemetrytest.WithVariable("OTEL_LOG_TOOL_DETAILS", "1"))
	runMyAgentStep(t.Context(), kit.Telemetry) // the code under test
	if err := kit.CheckEventNames("user_prompt", "api_request", "tool_decision", "tool_result"); err != nil {
		t.Error(err)
	}
	if got := kit.Metric("claude_code.lines_of_code.count").Sum(attribute.String("type", "added")); got != 4 {
		t.Errorf("added lines = %v, want 4", got)
	}
}
