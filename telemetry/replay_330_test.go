package telemetry_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// TestReplay330 replays every scenario of shared/conformance/claude-code-2.1.330
// with the 2.1.332 replays: the two versions share every scenario, and
// ccotel emits 2.1.332, so a 2.1.330 capture must hold apart from the keys
// 2.1.332 added to the llm_request span (added332).
func TestReplay330(t *testing.T) { runReplays(t, "2.1.330", replays332, added332) }

func TestReplay330Complete(t *testing.T) { checkEveryScenarioReplayed(t, "2.1.330", replays332) }

// added332 is what Claude Code 2.1.332 added to 2.1.330's telemetry
// (observed-claude-code-2.1.332.md): five keys at the end of a successful
// llm_request span and gen_ai.operation.name on every one. Nothing else
// changed on the wire.
var added332 = func() []groupAllowance {
	const (
		why   = "new llm_request span key in 2.1.332 (observed-claude-code-2.1.332.md)"
		group = "spans[claude_code.llm_request]"
	)
	out := []groupAllowance{{group, group + `: key "gen_ai.operation.name": unexpected`, why}}
	for _, k := range []string{"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens",
		"gen_ai.usage.cache_write.input_tokens", "gen_ai.response.model"} {
		// Only successful calls carry them: a scenario whose only call
		// failed (err400, err500_retries2) must not need the allowance.
		out = append(out, groupAllowance{"logs[api_request]", group + `: key "` + k + `": unexpected`, why + ", on successful calls"})
	}
	return out
}()

func replayBash(r *replayer) { r.bashTurn("Run echo. SCN:bash", bashEcho(), nil) }

func replayWrite(r *replayer) { r.writeTurn("acceptEdits", metrics.DecisionAccept, nil) }

// replayWriteSweep is the write scenario run with DELAYFINAL=6 and a
// Prometheus exporter: the final answer came late enough for the
// background transcript retention sweep to run first, and for the last
// scrape to be taken before it.
func replayWriteSweep(r *replayer, prom ...promAllowance) {
	r.writeTurn("acceptEdits", metrics.DecisionAccept, func(ctx context.Context) {
		r.tel.Events().RetentionSweep(ctx, events.RetentionSweep{
			Result: "complete", PeriodDays: 30, UsedDefault: true, FilesRetainedFresh: 4,
		})
		r.promScrape(prom...)
		// The final answer came 6 s later, after a 1 s export interval
		// had ended: its cost and tokens are a second point of their
		// series.
		if err := r.tel.ForceFlush(ctx); err != nil {
			r.t.Fatal(err)
		}
	})
}

func replayGitCommit(r *replayer) {
	tl := bashEcho()
	tl.call.Command = `git add -A && git commit -m "mock commit"`
	tl.call.Input = `{"command":"git add -A && git commit -m \"mock commit\"","description":"Commit"}`
	tl.out = telemetry.ToolOutcome{Success: true, ResultSizeBytes: 90}
	r.bashTurn("Commit the changes. SCN:gitcommit", tl, r.s.Commit)
}

func replayPullRequest(r *replayer) {
	tl := bashEcho()
	tl.call.Command = `gh pr create --title "Mock PR" --body "mock"`
	tl.call.Input = `{"command":"gh pr create --title \"Mock PR\" --body \"mock\"","description":"Open PR"}`
	tl.out = telemetry.ToolOutcome{Success: true, ResultSizeBytes: 39}
	r.bashTurn("Open a PR. SCN:ghpr", tl, r.s.PullRequest)
}

// replayMultiPrompt is two prompts on stream-json stdin: the plugins load
// during the first prompt and the retention sweep runs during the second.
func replayMultiPrompt(r *replayer) {
	r.started = true
	ctx, p := r.prompt("Say hello. SCN:text p1")
	r.respond(ctx, call{in: 107, out: 35, stop: "end_turn", text: mockHello})
	loadBuiltinPlugins(ctx, r.tel)
	p.End(ctx)
	ctx, p = r.prompt("Say hello again please. SCN:text p2")
	r.respond(ctx, call{in: 121, out: 35, stop: "end_turn", text: mockHello})
	p.End(ctx)
	r.tel.Events().RetentionSweep(outsideSpan(ctx), events.RetentionSweep{
		Result: "complete", PeriodDays: 30, UsedDefault: true, FilesRetainedFresh: 4,
	})
}

func replayWriteEdit(r *replayer) {
	ctx, p := r.prompt("Create then edit the file. SCN:writeedit path=" + helloPath)
	id := r.respond(ctx, call{in: 107, out: 45, stop: "tool_use", text: "I'll create the file."})
	write := writeHello("acceptEdits")
	run := r.startTool(ctx, id, write)
	r.s.EditDecision(ctx, telemetry.Edit{ToolName: "Write", FilePath: helloPath, Decision: metrics.DecisionAccept,
		Source: metrics.SourceConfig, Model: replayModel, NewText: helloContent})
	run.Done(ctx, write.out)

	id = r.respond(ctx, call{in: 121, out: 35, stop: "tool_use"})
	edit := tool{
		call: telemetry.ToolCall{Name: "Edit", FilePath: helloPath, PermissionMode: "acceptEdits",
			Input: `{"file_path":"` + helloPath + `","old_string":"hello world","new_string":"hello\nedited world"}`},
		out: telemetry.ToolOutcome{Success: true, ResultSizeBytes: 154, Diff: "-hello world\n+hello\n+edited world\n"},
	}
	run = r.startTool(ctx, id, edit)
	r.s.EditDecision(ctx, telemetry.Edit{ToolName: "Edit", FilePath: helloPath, Decision: metrics.DecisionAccept,
		Source: metrics.SourceConfig, Model: replayModel, OldText: helloContent, NewText: strings.Replace(helloContent, "hello world\n", "hello\nedited world\n", 1)})
	run.Done(ctx, edit.out)
	r.respond(ctx, call{in: 135, out: 35, stop: "end_turn", text: mockDone})
	p.End(ctx)
}

// replayHooks has a PreToolUse and a PostToolUse command hook from the
// project settings around the Bash tool.
func replayHooks(r *replayer) {
	ev := r.tel.Events()
	for _, e := range []string{"PreToolUse", "PostToolUse"} {
		ev.HookRegistered(r.ctx, events.HookRegistered{HookEvent: e, HookType: "command", HookSource: "projectSettings"})
	}
	ctx, p := r.prompt("Run echo. SCN:hook")
	hook := func(e string, ms int64, between func()) {
		ev.HookExecutionStart(ctx, events.HookExecutionStart{HookEvent: e, HookName: e + ":Bash", NumHooks: 1, HookSource: "merged"})
		if between != nil {
			between()
		}
		ev.HookExecutionComplete(ctx, events.HookExecutionComplete{HookEvent: e, HookName: e + ":Bash", NumHooks: 1,
			NumSuccess: 1, TotalDurationMs: ms, HookSource: "merged"})
	}
	id := r.requestID()
	hook("PreToolUse", 17, func() { r.respond(ctx, call{in: 107, out: 35, stop: "tool_use", id: id}) })
	tl := bashEcho()
	run := r.startTool(ctx, id, tl)
	run.Done(ctx, tl.out)
	hook("PostToolUse", 3, nil)
	r.respond(ctx, call{in: 121, out: 35, stop: "end_turn", text: mockDone})
	p.End(ctx)
}

// replayMCP calls the echo tool of a stdio MCP server given with
// --mcp-config; the follow-up request carries the MCP tool's result.
func replayMCP(r *replayer) {
	ev := r.tel.Events()
	r.startup(r.ctx)
	conn := events.MCPServerConnection{Status: "connected", TransportType: "stdio", ServerScope: "dynamic", DurationMs: 49}
	ev.MCPServerConnection(r.ctx, conn)
	ctx, p := r.prompt("Use the mcp tool. SCN:mcp")
	id := r.requestID()
	tl := tool{
		call: telemetry.ToolCall{Name: "mcp__mocksrv__echo", MCPServerScope: "dynamic", Input: `{"text":"hi"}`},
		out:  telemetry.ToolOutcome{Success: true, ResultSizeBytes: 35},
	}
	run := r.startTool(ctx, id, tl)
	r.respond(ctx, call{in: 107, out: 35, stop: "tool_use", id: id})
	run.Done(ctx, tl.out)
	r.respond(ctx, call{in: 121, out: 35, stop: "end_turn", text: mockDone, mcp: true})
	p.End(ctx)
	// The disconnection at exit still carries the last prompt.id, but no
	// span: Claude Code emits it outside the interaction.
	conn.Status, conn.DurationMs = "disconnected", 230
	ev.MCPServerConnection(outsideSpan(ctx), conn)
}

// replaySubagent delegates to the built-in general-purpose agent, which
// runs in the background: its request and subagent_completed come after
// the main answer, and its result arrives as a second prompt.
func replaySubagent(r *replayer) {
	// The Agent tool's result and the task notification quote the
	// subagent's run; 2.1.330's were one character longer than 2.1.332's.
	notice := 0
	if r.version == "2.1.330" {
		notice = 1
	}
	ctx, p := r.prompt("Delegate this. SCN:agent")
	id := r.requestID()
	tl := tool{
		call: telemetry.ToolCall{Name: "Agent", SubagentType: "general-purpose",
			Input: `{"description":"Mock task","prompt":"Do the mock task.","subagent_type":"general-purpose"}`},
		out: telemetry.ToolOutcome{Success: true, ResultSizeBytes: 1083 + notice},
	}
	run := r.startTool(ctx, id, tl)
	actx := run.Execute(ctx)
	run.Done(ctx, tl.out)
	r.respond(ctx, call{in: 107, out: 35, stop: "tool_use", id: id})
	r.respond(ctx, call{in: 121, out: 35, stop: "end_turn", text: mockDone})
	agentID := r.id("a", 16)
	r.respond(actx, call{in: 107, out: 35, stop: "end_turn", text: mockHello,
		agent: metrics.Name{Value: "general-purpose", Origin: metrics.OriginBuiltIn}, agentID: agentID})
	r.tel.Events().SubagentCompleted(actx, events.SubagentCompleted{
		AgentType: "general-purpose", AgentSource: "built-in", IsBuiltIn: true, IsAsync: true,
		TotalTokens: 2442, DurationMs: 114, Model: replayModel, FinalModel: replayModel, AgentID: agentID,
	})
	p.End(ctx)
	ctx, p = r.prompt("<task-notification>" + strings.Repeat("x", 697+notice) + "</task-notification>")
	r.respond(ctx, call{in: 135, out: 35, stop: "end_turn", text: mockDone})
	p.End(ctx)
}

// replayErr400 is a request the API refused with 400. Claude Code 2.1.330
// and later answer a 400 by re-sending with fewer beta headers, twice (a
// fallback, not a retry: attempt stays 1, X-Stainless-Retry-Count 0), and
// the span shows each send as an attempt event; 2.1.197 sent once.
func replayErr400(r *replayer) {
	ctx, p := r.prompt("Hi. SCN:err400")
	sends := 3
	if r.version == "2.1.197" {
		sends = 1
	}
	start := time.Now().Add(-150 * time.Millisecond)
	var times []time.Time
	for i := range sends {
		times = append(times, start.Add(time.Duration(i)*50*time.Millisecond))
	}
	r.s.APIError(ctx, telemetry.APIFailure{
		Model: replayModel, Error: "mock: invalid request", StatusCode: 400, Start: start,
		Duration: 50e6, TotalDuration: 150e6, Attempts: 1, AttemptTimes: times, RequestID: r.requestID(),
	})
	p.End(ctx)
}

func replayErr500(r *replayer) {
	ctx, p := r.prompt("Hi. SCN:err500")
	r.s.APIError(ctx, telemetry.APIFailure{
		Model: replayModel, Error: "Internal server error (mock)", StatusCode: 500,
		Duration: 7e6, TotalDuration: 1663e6, Attempts: 3, RetriesExhausted: true, RequestID: r.requestID(),
	})
	p.End(ctx)
}

// replayRawBodies logs the request and response JSON with
// OTEL_LOG_RAW_API_BODIES: the request body (tools and system prompt
// included) is longer than the 60 KiB limit and is truncated.
func replayRawBodies(r *replayer) {
	ctx, p := r.prompt("Say hello. SCN:text")
	ev := r.tel.Events()
	bodyID := r.uuid()
	ev.APIRequestBody(ctx, events.APIRequestBody{
		Body:  `{"model":"` + replayModel + `","system":"` + strings.Repeat("s", 87000) + `","messages":[]}`,
		Model: replayModel, QuerySource: "sdk", RequestBodyID: bodyID,
	})
	text := mockHello
	id := r.respond(ctx, call{in: 107, out: 35, stop: "end_turn", text: text})
	msgID := r.id("msg_mock_", 20)
	ev.APIResponseBody(ctx, events.APIResponseBody{
		Body: `{"id":"` + msgID + `","type":"message","role":"assistant","model":"` + replayModel +
			`","content":[{"type":"text","text":"` + text + `"}],"stop_reason":"end_turn"}`,
		Model: replayModel, QuerySource: "sdk", RequestID: id, RequestBodyID: bodyID, MessageID: msgID, MessageUUID: r.uuid(),
	})
	p.End(ctx)
}

// repositoryOptions runs in a git checkout whose origin is the capture's.
func repositoryOptions(t *testing.T) []telemetry.Option {
	return []telemetry.Option{telemetry.WithRepositoryDir(gitRepo(t, "https://github.com/acme/widgets.git"))}
}

// gitRepo makes a checkout whose .git/config names origin, as the
// capture's working directory did.
func gitRepo(t *testing.T, origin string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = " + origin + "\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
	if err := os.WriteFile(filepath.Join(dir, ".git", "config"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// resourceOrder allows the resource of every signal to list key after
// prev: the Go SDK keeps resource attributes in an attribute.Set, sorted by
// key, where Claude Code keeps insertion order (docs/COMPATIBILITY.md,
// "Resource attribute order").
func resourceOrder(key, prev string) []conformance.Option {
	var out []conformance.Option
	for _, sig := range []string{"logs", "metrics", "traces"} {
		out = append(out, conformance.Allow(
			"resource["+sig+"]: key order: \""+key+"\" want after "+prev,
			"the OpenTelemetry Go SDK sorts resource attributes by key; Claude Code sends them in insertion order"))
	}
	return out
}
