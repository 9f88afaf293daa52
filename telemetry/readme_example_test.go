package telemetry_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// readme is the README's "Use" section verbatim (TestDocExamples in
// telemetrytest keeps them the same), with the values it leaves to the
// reader as parameters.
func readme(ctx context.Context, text, reqID, id, path, content string, sent time.Time) error {
	tel, err := telemetry.Start(ctx, telemetry.WithServiceVersion("1.4.2"))
	if err != nil {
		return err // one error naming every misconfigured variable, secrets masked
	}
	defer tel.Shutdown(context.Background()) // flushes; short-lived programs must call it

	ctx, session := tel.StartSession(ctx)                                    // claude_code.session.count
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: text}) // user_prompt, interaction span
	session.APIResponse(ctx, telemetry.APIResponse{                          // api_request, cost.usage, 4 × token.usage,
		Model:    "claude-sonnet-4-5-20250929",                      // llm_request span; cost priced from the
		Usage:    pricing.Usage{InputTokens: 107, OutputTokens: 45}, // embedded table
		Duration: time.Since(sent), RequestID: reqID,
	})
	ctx, run := session.StartTool(ctx, telemetry.ToolCall{Name: "Write", UseID: id, FilePath: path})
	run.Decide(ctx, metrics.DecisionAccept, metrics.SourceConfig)                                  // tool_decision, blocked_on_user span
	session.EditDecision(ctx, telemetry.Edit{ToolName: "Write", FilePath: path, NewText: content}) // lines_of_code
	run.Done(ctx, telemetry.ToolOutcome{Success: true})                                            // tool_result, tool.execution span
	prompt.End(ctx)                                                                                // active_time.total
	return nil
}

// The README's example runs as written, configured by the environment (with
// CLAUDE_CODE_ENABLE_TELEMETRY unset, it records nothing).
func Example_readme() {
	err := readme(context.Background(), "Write hello.txt", "req_1", "toolu_1", "hello.txt", "hello\n", time.Now())
	fmt.Println(err)
	// Output: <nil>
}
