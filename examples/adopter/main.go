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
//
// Outside this repository, until ccotel is published, build it from a copy
// of main.go, fakeapi.go and main_test.go in a module of your own with both
// ccotel modules replaced by a checkout (CCOTEL is its path):
//
//	go mod init example.com/adopter
//	go mod edit -replace github.com/ccotel/ccotel=$CCOTEL \
//		-replace github.com/ccotel/ccotel/contrib/anthropic=$CCOTEL/contrib/anthropic
//	go get github.com/ccotel/ccotel@v0.2.0 github.com/ccotel/ccotel/contrib/anthropic@v0.2.0 \
//		github.com/anthropics/anthropic-sdk-go@v1.10.0
//	go mod tidy && go test ./... && go run .
package main

import (
	"cmp"
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
	"github.com/google/uuid"

	ccanthropic "github.com/ccotel/ccotel/contrib/anthropic"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

const model = "claude-sonnet-4-5-20250929"

// telemetryOptions name the agent's tools as Claude Code's, for dashboards
// built for Claude Code.
var telemetryOptions = []telemetry.Option{ // ccotel
	telemetry.WithToolKinds(map[string]string{"bash": "Bash", "write": "Write"}), telemetry.WithToolKindNames()} // ccotel

// framework stands for an LLM framework: it builds the Anthropic client
// itself and only takes an *http.Client from the agent.
func framework(hc *http.Client, baseURL string) anthropic.Client {
	return anthropic.NewClient(option.WithHTTPClient(hc), option.WithBaseURL(baseURL), option.WithAPIKey("sk-fake"))
}

// newAgent is an agent working in dir against the Messages API at baseURL.
func newAgent(dir, mode, baseURL string) *Agent {
	hc := &http.Client{Transport: ccanthropic.NewTransport(nil)} // ccotel
	return &Agent{Dir: dir, Mode: mode, Client: framework(hc, baseURL)}
}

// Agent runs tools in Dir; Mode is the permission mode ("acceptEdits" lets
// write run without asking; bash may only run echo). With Summarize, a local
// model sums up the answer.
type Agent struct {
	Dir, Mode string
	Client    anthropic.Client
	Summarize bool
}

// allow is the agent's permission check, called from inside a tool's body.
func (a *Agent) allow(ctx context.Context, tool, arg string) bool {
	ok := tool == "write" && a.Mode == "acceptEdits" || tool == "bash" && strings.HasPrefix(arg, "echo ")
	decision := map[bool]metrics.Decision{true: metrics.DecisionAccept, false: metrics.DecisionReject}[ok] // ccotel
	telemetry.ToolRunFromContext(ctx).Decide(ctx, decision, metrics.SourceConfig,                          // ccotel
		telemetry.WithPermissionMode(a.Mode)) // ccotel
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
	telemetry.ToolRunFromContext(ctx).Edit(ctx, telemetry.Edit{OldText: string(old), NewText: in["content"]}) // ccotel
	return "File created successfully at: " + in["file_path"], nil
}

func (a *Agent) bash(ctx context.Context, in map[string]string) (string, error) {
	if !a.allow(ctx, "bash", in["command"]) {
		return "", errDenied
	}
	return strings.TrimPrefix(in["command"], "echo ") + "\n", nil
}

// call is a tool use whose body has run.
type call struct {
	id, out string
	err     error
	run     *telemetry.ToolRun // ccotel
}

// start runs the tool body of block.
func (a *Agent) start(ctx context.Context, b anthropic.ContentBlockUnion, requestID string) *call {
	var in map[string]string
	_ = json.Unmarshal(b.Input, &in)
	ctx, run := telemetry.SessionFromContext(ctx).StartTool(ctx, telemetry.ToolCall{Name: b.Name, UseID: b.ID, // ccotel
		Command: in["command"], FilePath: in["file_path"], Input: string(b.Input), RequestID: requestID}) // ccotel
	c := &call{id: b.ID, run: run}
	tools := map[string]func(context.Context, map[string]string) (string, error){"write": a.write, "bash": a.bash}
	c.out, c.err = tools[b.Name](ctx, in)
	return c
}

// result ends the tool use and returns its result for the model.
func (c *call) result(ctx context.Context) anthropic.ContentBlockParamUnion {
	c.run.Done(ctx, telemetry.ToolOutcome{Success: c.err == nil, ResultSizeBytes: len(c.out), Output: c.out}) // ccotel
	return anthropic.NewToolResultBlock(c.id, c.out, c.err != nil)
}

// Run answers one prompt: streamed Anthropic calls and tool runs until the
// model stops. bash runs as soon as its block has streamed (it is safe to
// run while the response goes on, as Claude Code runs such tools), write
// after the response.
func (a *Agent) Run(ctx context.Context, prompt string) (string, error) {
	ctx, p := telemetry.SessionFromContext(ctx).StartPrompt(ctx, events.UserPrompt{Prompt: prompt, MessageUUID: uuid.NewString()}) // ccotel
	defer p.End(ctx)                                                                                                               // ccotel
	msgs := []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))}
	for range 10 {
		var res *http.Response
		ctx := ccanthropic.ContextWithCall(ctx, ccanthropic.Call{MessageUUID: uuid.NewString()}) // ccotel: the response's message id
		stream := a.Client.Messages.NewStreaming(ctx, anthropic.MessageNewParams{Model: model, MaxTokens: 1024, Messages: msgs},
			option.WithResponseInto(&res))
		var msg anthropic.Message
		var calls []*call
		for stream.Next() {
			ev := stream.Current()
			if err := msg.Accumulate(ev); err != nil || ev.Type == "message_stop" {
				break
			}
			if ev.Type == "content_block_stop" && msg.Content[ev.Index].Name == "bash" {
				calls = append(calls, a.start(ctx, msg.Content[ev.Index], res.Header.Get("request-id")))
			}
		}
		if err := cmp.Or(stream.Err(), stream.Close()); err != nil {
			return "", err
		}
		msgs = append(msgs, msg.ToParam())
		for _, b := range msg.Content {
			if b.Type == "tool_use" && b.Name != "bash" {
				calls = append(calls, a.start(ctx, b, res.Header.Get("request-id")))
			}
		}
		if len(calls) == 0 {
			return a.summarize(ctx, msg.Content[0].Text), nil
		}
		var results []anthropic.ContentBlockParamUnion
		for _, c := range calls {
			results = append(results, c.result(ctx))
		}
		msgs = append(msgs, anthropic.NewUserMessage(results...))
	}
	return "", errors.New("the model kept asking for tools")
}

// summarize sums text up with the local, non-Anthropic model, whose call the
// agent records itself.
func (a *Agent) summarize(ctx context.Context, text string) string {
	if !a.Summarize {
		return text
	}
	summary := strings.SplitN(text, ".", 2)[0]
	telemetry.SessionFromContext(ctx).APIResponse(ctx, telemetry.APIResponse{Model: "llama3.2", CostUSD: new(0.0), // ccotel
		Usage:       pricing.Usage{InputTokens: int64(len(text) / 4), OutputTokens: int64(len(summary) / 4)}, // ccotel
		Provider:    telemetry.Provider{Name: "ollama", BaseURL: "http://localhost:11434"},                   // ccotel
		Attribution: metrics.Attribution{Query: metrics.QueryCompact}})                                       // ccotel
	return summary
}

func main() {
	ctx := context.Background()
	tel, err := telemetry.Start(ctx, telemetryOptions...) // ccotel
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = tel.Shutdown(context.Background()) }() // ccotel
	api := httptest.NewServer(fakeAPI(script))
	defer api.Close()
	// The agent keeps the API's base URL in its own configuration.
	ctx, _ = tel.StartSession(ctx, telemetry.WithSessionProvider(telemetry.Provider{BaseURL: api.URL})) // ccotel
	dir, _ := os.MkdirTemp("", "adopter")
	defer os.RemoveAll(dir)
	a := newAgent(dir, "acceptEdits", api.URL)
	a.Summarize = true
	out, err := a.Run(ctx, "Write hello.txt, then say hello")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
}
