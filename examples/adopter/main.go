// Command adopter is a small coding agent written as agents outside this
// repository are, instrumented with ccotel from the README and godoc alone:
// its permission check lives inside each tool's body, its tools are named
// bash and write, it has two providers (the Anthropic SDK, which a framework
// builds and only lets it give an *http.Client, and a local model), and it
// has no helper package of its own. The lines marked "ccotel" are all of its
// telemetry code.
//
// It talks to a built-in fake Messages API on loopback and prints its
// telemetry to the console unless the usual OTEL_* variables say otherwise.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	ccanthropic "github.com/ccotel/ccotel/contrib/anthropic"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

const model = "claude-sonnet-5-5"

// framework stands for an LLM framework: it builds the Anthropic client
// itself and only takes an *http.Client from the agent.
func framework(hc *http.Client, baseURL string) anthropic.Client {
	return anthropic.NewClient(option.WithHTTPClient(hc), option.WithBaseURL(baseURL), option.WithAPIKey("sk-fake"))
}

// Agent runs tools in Dir; Mode is the permission mode ("acceptEdits" lets
// write run without asking; bash may only run echo).
type Agent struct {
	Dir, Mode string
	Client    anthropic.Client
}

// allow is the agent's permission check, called from inside a tool's body.
func (a *Agent) allow(ctx context.Context, tool, arg string) bool {
	ok := tool == "write" && a.Mode == "acceptEdits" || tool == "bash" && strings.HasPrefix(arg, "echo ")
	decision := map[bool]metrics.Decision{true: metrics.DecisionAccept, false: metrics.DecisionReject}[ok] // ccotel
	telemetry.ToolRunFromContext(ctx).Decide(ctx, decision, metrics.SourceConfig)                          // ccotel
	return ok
}

var errDenied = errors.New("permission denied")

func (a *Agent) write(ctx context.Context, in map[string]string) (string, error) {
	if !a.allow(ctx, "write", in["file_path"]) {
		return "", errDenied
	}
	path := filepath.Join(a.Dir, filepath.Base(in["file_path"]))
	old, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(in["content"]), 0o644); err != nil {
		return "", err
	}
	s := telemetry.SessionFromContext(ctx)                                                         // ccotel
	s.EditDecision(ctx, telemetry.Edit{ToolName: "Write", FilePath: in["file_path"], Model: model, // ccotel
		Decision: metrics.DecisionAccept, Source: metrics.SourceConfig, OldText: string(old), NewText: in["content"]}) // ccotel
	return "File created successfully at: " + in["file_path"], nil
}

func (a *Agent) bash(ctx context.Context, in map[string]string) (string, error) {
	if !a.allow(ctx, "bash", in["command"]) {
		return "", errDenied
	}
	return strings.TrimPrefix(in["command"], "echo ") + "\n", nil
}

// Run answers one prompt: Anthropic calls and tool runs until the model
// stops, then a one-line summary from the local model.
func (a *Agent) Run(ctx context.Context, prompt string) (string, error) {
	ctx, p := telemetry.SessionFromContext(ctx).StartPrompt(ctx, events.UserPrompt{Prompt: prompt}) // ccotel
	defer p.End(ctx)                                                                                // ccotel
	tools := map[string]func(context.Context, map[string]string) (string, error){"write": a.write, "bash": a.bash}
	msgs := []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))}
	for range 10 {
		var res *http.Response
		msg, err := a.Client.Messages.New(ctx, anthropic.MessageNewParams{Model: model, MaxTokens: 1024, Messages: msgs},
			option.WithResponseInto(&res))
		if err != nil {
			return "", err
		}
		msgs = append(msgs, msg.ToParam())
		var results []anthropic.ContentBlockParamUnion
		for _, b := range msg.Content {
			if b.Type != "tool_use" {
				continue
			}
			var in map[string]string
			_ = json.Unmarshal(b.Input, &in)
			tctx, run := telemetry.SessionFromContext(ctx).StartTool(ctx, telemetry.ToolCall{ // ccotel
				Name: map[string]string{"bash": "Bash", "write": "Write"}[b.Name], UseID: b.ID, // ccotel
				Command: in["command"], FilePath: in["file_path"], Input: string(b.Input), // ccotel
				PermissionMode: a.Mode, RequestID: res.Header.Get("request-id")}) // ccotel
			out, err := tools[b.Name](tctx, in)
			if !errors.Is(err, errDenied) {
				run.Done(ctx, telemetry.ToolOutcome{Success: err == nil, ResultSizeBytes: len(out), Output: out}) // ccotel
			}
			results = append(results, anthropic.NewToolResultBlock(b.ID, out, err != nil))
		}
		if len(results) == 0 {
			return a.summarize(ctx, msg.Content[0].Text), nil
		}
		msgs = append(msgs, anthropic.NewUserMessage(results...))
	}
	return "", errors.New("the model kept asking for tools")
}

// summarize is the local, non-Anthropic model; the agent records its call
// itself.
func (a *Agent) summarize(ctx context.Context, text string) string {
	summary := strings.SplitN(text, ".", 2)[0]
	telemetry.SessionFromContext(ctx).APIResponse(ctx, telemetry.APIResponse{Model: "local-summarizer", // ccotel
		Usage:       pricing.Usage{InputTokens: int64(len(text) / 4), OutputTokens: int64(len(summary) / 4)}, // ccotel
		Attribution: metrics.Attribution{Query: metrics.QueryCompact}})                                       // ccotel
	return summary
}

func main() {
	ctx := context.Background()
	tel, err := telemetry.Start(ctx) // ccotel
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = tel.Shutdown(context.Background()) }() // ccotel
	ctx, _ = tel.StartSession(ctx)                            // ccotel
	api := httptest.NewServer(fakeAPI())
	defer api.Close()
	dir, _ := os.MkdirTemp("", "adopter")
	defer os.RemoveAll(dir)
	a := &Agent{Dir: dir, Mode: "acceptEdits",
		Client: framework(&http.Client{Transport: ccanthropic.NewTransport(nil)}, api.URL)} // ccotel
	out, err := a.Run(ctx, "Write hello.txt, then say hello")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
}
