// Quickstart is the smallest complete ccotel integration: a session, a prompt,
// an API response, a tool run and an edit, with the telemetry Claude Code
// would send for them.
//
//	go run ./examples/quickstart
//
// With no telemetry variables set it prints to the console. Configure it like
// Claude Code to send elsewhere, for example:
//
//	CLAUDE_CODE_ENABLE_TELEMETRY=1 OTEL_METRICS_EXPORTER=otlp OTEL_LOGS_EXPORTER=otlp \
//	OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 \
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run writes console telemetry to console (when nothing else is configured).
func run(console io.Writer) (err error) {
	ctx := context.Background()
	opts := []telemetry.Option{telemetry.WithServiceVersion("0.1.0"), telemetry.WithConsoleWriter(console)}
	if _, set := os.LookupEnv("CLAUDE_CODE_ENABLE_TELEMETRY"); !set {
		// Nothing configured: show the telemetry on the console.
		opts = append(opts, telemetry.WithLoadOptions(
			config.WithVariable("CLAUDE_CODE_ENABLE_TELEMETRY", "1"),
			config.WithVariable("OTEL_METRICS_EXPORTER", "console"),
			config.WithVariable("OTEL_LOGS_EXPORTER", "console"),
		))
	}
	tel, err := telemetry.Start(ctx, opts...)
	if err != nil {
		return err // names every misconfigured variable
	}
	// Shutdown flushes everything; a short-lived program must call it. It
	// returns a *telemetry.DeliveryError naming each exporter that lost data
	// (an endpoint down, refusing or too slow); Stats has the totals. A lost
	// record makes the program fail.
	defer func() {
		lost := tel.Shutdown(context.Background())
		s := tel.Stats()
		fmt.Fprintf(os.Stderr, "quickstart: telemetry: %d delivered, %d lost\n", s.Exported(), s.Lost())
		if err == nil {
			err = lost
		}
	}()

	ctx, session := tel.StartSession(ctx)
	ctx, prompt := session.StartPrompt(ctx, events.UserPrompt{Prompt: "Write a README for this project"})

	// The model answered with a tool call: record the response and its cost.
	session.APIResponse(ctx, telemetry.APIResponse{
		Model:     "claude-sonnet-4-5-20250929",
		Usage:     pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000, CacheCreationTokens: 300},
		Duration:  1200 * time.Millisecond,
		TTFT:      400 * time.Millisecond,
		RequestID: "req_011CExample",
	})

	// The agent ran the Write tool: permission, the edit, the result.
	content := "# Example\n\nA small project.\n"
	ctx, tool := session.StartTool(ctx, telemetry.ToolCall{
		Name: "Write", UseID: "toolu_01Example", FilePath: "README.md",
		Input:          `{"file_path":"README.md","content":"# Example\n\nA small project.\n"}`,
		PermissionMode: "acceptEdits", RequestID: "req_011CExample",
	})
	tool.Decide(ctx, metrics.DecisionAccept, metrics.SourceConfig)
	added, removed := session.EditDecision(ctx, telemetry.Edit{
		ToolName: "Write", FilePath: "README.md", Model: "claude-sonnet-4-5-20250929", NewText: content,
	})
	tool.Done(ctx, telemetry.ToolOutcome{Success: true, ResultSizeBytes: 140})
	prompt.End(ctx)

	t := session.Totals()
	fmt.Fprintf(os.Stderr, "quickstart: session %s: %d API request, $%.6f, %d input and %d output tokens, +%d -%d lines\n",
		session.ID(), t.APIRequests, t.CostUSD, t.InputTokens, t.OutputTokens, added, removed)
	return nil
}
