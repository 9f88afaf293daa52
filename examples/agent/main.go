// Agent is a small but real coding agent with ccotel telemetry: a user
// prompt goes to the Anthropic Messages API (streamed, with plain net/http
// and encoding/json), the model asks for tools, the agent runs them in a
// temporary git repository (Write a file, Edit it, git commit, and a
// simulated gh pr create), sends the results back and prints the model's
// final answer. It reports what Claude Code reports for the same actions:
// the session, the prompt, each API request with the token usage the API
// returned and its cost, each tool's permission decision and result, the
// lines each edit changed (counted from the file's real content), the
// commit and the pull request.
//
//	go run ./examples/agent
//
// By default the model is a scripted fake Messages API that the example
// serves itself on a loopback port, so it needs no key and no network. With
// ANTHROPIC_API_KEY set (and ANTHROPIC_BASE_URL, for a gateway) it talks to
// the real API instead; -model picks the model.
//
// With no telemetry variables set it prints the events and metrics to the
// console. Configure it like Claude Code to send them elsewhere:
//
//	CLAUDE_CODE_ENABLE_TELEMETRY=1 OTEL_METRICS_EXPORTER=otlp OTEL_LOGS_EXPORTER=otlp \
//	OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 \
//	go run ./examples/agent
//
// For the same actions it emits the events Claude Code 2.1.332 emits, in
// the same order (see main_test.go, which compares it with the captures
// write_acceptedits, bash_allowed and new_git_commit), except the three
// plugin_loaded events of Claude Code's built-in plugins: this agent loads
// no plugins.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/telemetry"
)

func main() {
	model := flag.String("model", "claude-sonnet-4-5-20250929", "the model")
	prompt := flag.String("prompt", "Add a README to this repository, mention the license in it, commit it and open a pull request.", "the user prompt")
	mode := flag.String("permission-mode", "acceptEdits", "acceptEdits lets Write and Edit run; default denies them")
	flag.Parse()
	if err := run(context.Background(), options{Model: *model, Prompt: *prompt, PermissionMode: *mode, Log: os.Stderr}); err != nil {
		fmt.Fprintln(os.Stderr, "agent:", err)
		os.Exit(1)
	}
}

type options struct {
	Model, Prompt, PermissionMode string
	// Plan is the fake model's script; nil is defaultPlan.
	Plan []step
	// Telemetry replaces the options Start is called with (tests).
	Telemetry []telemetry.Option
	// Tel, when set, is used instead of starting a handle, and not shut
	// down (tests with telemetrytest).
	Tel *telemetry.Telemetry
	Log io.Writer
}

// defaultPlan is what the fake model does with any prompt.
var defaultPlan = []step{
	{Text: "I'll create the README.", Tool: "Write", Input: map[string]any{
		"file_path": "README.md", "content": "# agent-demo\n\nA repository an agent works in.\n"}},
	{Tool: "Edit", Input: map[string]any{
		"file_path": "README.md", "old_string": "A repository an agent works in.\n",
		"new_string": "A repository an agent works in.\n\n## License\n\nMIT\n"}},
	{Tool: "Bash", Input: map[string]any{"command": `git add README.md`, "description": "Stage the README"}},
	{Tool: "Bash", Input: map[string]any{"command": `git commit -m "Add README"`, "description": "Commit the README"}},
	{Tool: "Bash", Input: map[string]any{"command": `gh pr create --title "Add README" --body "Adds a README."`, "description": "Open a pull request"}},
}

const defaultFinal = "I added README.md with a license section, committed it and opened a pull request."

func run(ctx context.Context, o options) (err error) {
	topts := o.Telemetry
	if topts == nil {
		topts = []telemetry.Option{telemetry.WithServiceVersion("0.1.0")}
		if _, set := os.LookupEnv("CLAUDE_CODE_ENABLE_TELEMETRY"); !set {
			// Nothing configured: show the telemetry on the console.
			topts = append(topts, telemetry.WithLoadOptions(
				config.WithVariable("CLAUDE_CODE_ENABLE_TELEMETRY", "1"),
				config.WithVariable("OTEL_METRICS_EXPORTER", "console"),
				config.WithVariable("OTEL_LOGS_EXPORTER", "console"),
			))
		}
	}

	baseURL, key := os.Getenv("ANTHROPIC_BASE_URL"), os.Getenv("ANTHROPIC_API_KEY")
	if key == "" || o.Plan != nil {
		plan := o.Plan
		if plan == nil {
			plan = defaultPlan
		}
		api, err := startFakeAPI(plan, defaultFinal)
		if err != nil {
			return err
		}
		defer api.Close()
		baseURL, key = api.URL(), "sk-ant-fake"
		// The fake API is a custom base URL, as a gateway would be.
		topts = append([]telemetry.Option{telemetry.WithCustomBaseURL(true)}, topts...)
	} else if baseURL == "" {
		baseURL = "https://api.anthropic.com"
	}

	dir, err := os.MkdirTemp("", "ccotel-agent-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if out, err := exec.CommandContext(ctx, "git", "init", "-q", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("git init: %v: %s", err, out)
	}

	tel := o.Tel
	if tel == nil {
		if tel, err = telemetry.Start(ctx, topts...); err != nil {
			return err // names every misconfigured variable
		}
		// Shutdown flushes everything; a short-lived program must call it.
		// Lost telemetry (a *telemetry.DeliveryError) fails the run.
		defer func() {
			lost := tel.Shutdown(context.Background())
			if o.Log != nil {
				s := tel.Stats()
				fmt.Fprintf(o.Log, "agent: telemetry: %d delivered, %d lost\n", s.Exported(), s.Lost())
			}
			if err == nil {
				err = lost
			}
		}()
	}

	ctx, session := tel.StartSession(ctx)
	agent := &Agent{
		BaseURL: baseURL, APIKey: key, Model: o.Model, Dir: dir, PermissionMode: o.PermissionMode,
		HTTP: &http.Client{Timeout: 5 * time.Minute}, Log: o.Log,
	}
	answer, err := agent.Run(ctx, session, o.Prompt)
	if err != nil {
		return err
	}
	if o.Log != nil {
		t := session.Totals()
		fmt.Fprintf(o.Log, "agent: %s\nagent: session %s: %d API requests, $%.6f, %d input, %d output, %d cache read, %d cache write tokens, +%d -%d lines, %d commit(s), %d pull request(s)\n",
			answer, session.ID(), t.APIRequests, t.CostUSD, t.InputTokens, t.OutputTokens, t.CacheReadTokens, t.CacheCreationTokens,
			t.LinesAdded, t.LinesRemoved, t.Commits, t.PullRequests)
	}
	return nil
}
