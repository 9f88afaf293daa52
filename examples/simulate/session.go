package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// simSession is one simulated session in progress.
type simSession struct {
	u       *user
	s       *telemetry.Session
	ctx     context.Context
	mode    string
	model   string
	context int64 // tokens in the conversation so far
	all     bool  // emit every rare event once
	gitDone bool  // the coverage session's commit and pull request
}

func (u *user) session(sp sessionPlan, all bool) {
	startType := metrics.StartType(u.pick(map[string]float64{string(metrics.StartFresh): 0.75, string(metrics.StartResume): 0.12,
		string(metrics.StartContinue): 0.1, string(metrics.StartAgentsView): 0.03}))
	ctx, s := u.tel.StartSession(u.ctx, telemetry.WithStartType(startType))
	ss := &simSession{u: u, s: s, ctx: ctx, all: all, model: u.pick(u.models),
		mode: u.pick(map[string]float64{"default": 0.6, "acceptEdits": 0.3, "plan": 0.05, "bypassPermissions": 0.05})}
	if u.first {
		ss.startup()
	}
	for i := range sp.prompts {
		ss.prompt(i)
		u.bar.add()
		u.clk.advance(u.ctx, u.ms(45_000, 1)) // the user reads and thinks
	}
	if all || u.chance(0.05) {
		u.ev.Auth(ctx, events.Auth{Action: "logout", Success: true, AuthMethod: "oauth"})
	}
}

// startup is what a process emits when it starts: plugins, hooks, MCP
// servers, the retention sweep.
func (ss *simSession) startup() {
	u, ctx := ss.u, ss.ctx
	for _, name := range []string{"cc-plugin-agents-md", "cc-plugin-privacy", "cc-plugin-plugin-authoring"} {
		u.ev.PluginLoaded(ctx, events.PluginLoaded{PluginName: name, MarketplaceName: "builtin", PluginScope: "default-bundle",
			EnabledVia: "default-enable", PluginIDHash: u.hex(16), HasHooks: true})
	}
	if ss.all || u.chance(0.3) {
		u.ev.PluginLoaded(ctx, events.PluginLoaded{PluginName: "acme-lint", MarketplaceName: "acme-tools", PluginVersion: "1.4.0",
			PluginScope: "user-local", EnabledVia: "user-install", PluginIDHash: u.hex(16), HasHooks: true, HasMCP: true, SkillPathCount: 2})
		u.ev.HookRegistered(ctx, events.HookRegistered{HookEvent: "PostToolUse", HookType: "command", HookSource: "pluginHook",
			HookMatcher: "Edit|Write", PluginName: "acme-lint", PluginIDHash: u.hex(16)})
	}
	if ss.all || u.chance(0.5) {
		u.ev.HookRegistered(ctx, events.HookRegistered{HookEvent: "PreToolUse", HookType: "command", HookSource: "projectSettings", HookMatcher: "Bash"})
	}
	status := "connected"
	if u.chance(0.1) {
		status = "failed"
	}
	u.ev.MCPServerConnection(ctx, events.MCPServerConnection{Status: status, TransportType: "stdio", ServerScope: "project",
		DurationMs: int64(u.lognormal(400, 0.6)), ServerName: "github"})
	if ss.all || u.chance(0.2) {
		u.ev.RetentionSweep(ctx, events.RetentionSweep{Result: "complete", PeriodDays: 30, UsedDefault: true,
			TranscriptsDeleted: int64(u.rng.IntN(20)), SessionFilesDeleted: int64(u.rng.IntN(5)), FilesRetainedFresh: int64(u.rng.IntN(200))})
	}
	if ss.all || u.chance(0.05) {
		u.ev.Auth(ctx, events.Auth{Action: "login", Success: true, AuthMethod: "oauth"})
		u.ev.PluginInstalled(ctx, events.PluginInstalled{InstallTrigger: "cli", PluginName: "acme-lint", PluginVersion: "1.4.0", MarketplaceName: "acme-tools"})
	}
	if ss.all || u.chance(0.02) {
		u.ev.InternalError(ctx, events.InternalError{ErrorName: "TypeError", ErrorCode: "ERR_INVALID_ARG_TYPE"})
	}
}

var prompts = []string{
	"Fix the failing test in the parser",
	"Add pagination to the users endpoint",
	"Why is this query slow? @src/db/query.go",
	"Refactor the config loader to return one error per variable",
	"Write a README section about deployment",
	"Review my last commit and open a PR",
}

// prompt simulates one user prompt: the model calls, tools and edits of an
// interaction.
func (ss *simSession) prompt(i int) {
	u := ss.u
	text := prompts[u.rng.IntN(len(prompts))]
	var mentions []telemetry.PromptOption
	if strings.Contains(text, "@") || (ss.all && i == 0) {
		mentions = append(mentions, telemetry.WithAtMentions(events.AtMention{
			MentionType: u.pick(map[string]float64{"file": 0.8, "directory": 0.15, "agent": 0.05}), Success: true}))
	}
	typing := u.ms(20_000, 0.7)
	u.clk.advance(u.ctx, typing)
	ctx, p := ss.s.StartPrompt(ss.ctx, events.UserPrompt{Prompt: text, MessageUUID: uuidFrom(u.rng)}, mentions...)
	ss.s.ActiveTime(ctx, typing, metrics.ActiveUser)
	if ss.all && i == 0 || u.chance(0.05) {
		from := ss.mode
		ss.mode = map[string]string{"default": "acceptEdits", "acceptEdits": "plan", "plan": "default", "bypassPermissions": "default"}[from]
		u.ev.PermissionModeChanged(ctx, events.PermissionModeChanged{FromMode: from, ToMode: ss.mode, Trigger: "shift_tab"})
	}
	if ss.all && i == 0 || u.chance(0.1) {
		u.ev.SkillActivated(ctx, events.SkillActivated{SkillName: "pdf", InvocationTrigger: "claude-proactive", SkillSource: "bundled"})
	}
	ss.hooks(ctx, "UserPromptSubmit", "UserPromptSubmit")
	ss.context += int64(len(text)/4) + 300

	turns := 1 + u.rng.IntN(6)
	for turn := 0; turn < turns; turn++ {
		last := turn == turns-1
		reqID := ss.call(ctx, metrics.QueryNonInteractive, ss.model, !last, ss.all && i == 0 && turn == 0)
		if reqID == "" {
			break // the request failed for good
		}
		if last {
			break
		}
		for range 1 + u.rng.IntN(3) {
			ss.tool(ctx, reqID, ss.all && i == 0)
		}
	}
	if ss.context > 150_000 || ss.all && i == 1 {
		ss.compact(ctx)
	}
	if ss.all && i == 0 || u.chance(0.03) {
		if u.cfg.FeedbackSurveyForOTel {
			id := uuidFrom(u.rng)
			u.ev.FeedbackSurvey(ctx, events.FeedbackSurvey{EventType: "appeared", AppearanceID: id, SurveyType: "session"})
			u.ev.FeedbackSurvey(ctx, events.FeedbackSurvey{EventType: "responded", AppearanceID: id, SurveyType: "session", Response: u.pick(map[string]float64{"good": 0.6, "fine": 0.3, "bad": 0.1})})
		}
	}
	p.End(ctx)
}

// call simulates one Messages API call, with retries and failures; it
// returns the request id, or "" when the call failed.
func (ss *simSession) call(ctx context.Context, q metrics.QuerySource, model string, toolUse, force bool) string {
	u := ss.u
	reqID := u.id("req_")
	if u.cfg.Content.RawAPIBodies.Enabled {
		bodyID := uuidFrom(u.rng)
		u.ev.APIRequestBody(ctx, events.APIRequestBody{Body: jsonString(map[string]any{"model": model, "max_tokens": 32000, "stream": true,
			"messages": []any{map[string]any{"role": "user", "content": "…"}}}), Model: model, QuerySource: string(q), RequestBodyID: bodyID})
		defer u.ev.APIResponseBody(ctx, events.APIResponseBody{Body: jsonString(map[string]any{"id": "msg_" + u.hex(24), "role": "assistant",
			"stop_reason": "end_turn"}), Model: model, QuerySource: string(q), RequestID: reqID, RequestBodyID: bodyID, MessageID: "msg_" + u.hex(24)})
	}
	if u.cfg.Traces.Detailed && (force || u.chance(0.02)) {
		for _, t := range []string{"Bash", "Edit", "Read"} {
			u.ev.Tool(ctx, events.Tool{ToolName: t, ToolHash: u.hex(12), Tool: jsonString(map[string]any{"name": t, "input_schema": map[string]any{"type": "object"}})})
		}
	}
	attempts := 1
	for force || u.chance(0.06) { // overloaded or rate limited: retried
		force = false
		attempts++
		status := 529
		if u.chance(0.3) {
			status = 429
		}
		wait := u.ms(1500, 0.5)
		u.clk.advance(u.ctx, wait)
		if attempts == 4 || u.chance(0.15) {
			ss.s.APIError(ctx, telemetry.APIFailure{Model: model, Error: "Overloaded", StatusCode: status, Duration: u.ms(900, 0.4),
				TotalDuration: wait * time.Duration(attempts), Attempts: attempts, RetriesExhausted: true, RequestID: reqID, Attribution: metrics.Attribution{Query: q}})
			return ""
		}
	}
	if u.chance(0.005) || (ss.all && q == metrics.QueryNonInteractive && ss.context < 1000) {
		u.ev.APIRefusal(ctx, events.APIRefusal{Model: model, RequestID: u.id("req_"), Attribution: metrics.Attribution{Query: q, Speed: metrics.SpeedNormal},
			Attempt: 1, HasCategory: true, HasExplanation: true, Category: "cyber"})
	}
	input := int64(u.lognormal(180, 1))
	cacheRead := ss.context
	cacheWrite := int64(u.lognormal(1200, 0.8))
	output := int64(u.lognormal(350, 0.9))
	if toolUse {
		output = int64(u.lognormal(120, 0.7))
	}
	d := time.Duration(float64(output)*u.lognormal(18, 0.3))*time.Millisecond + u.ms(700, 0.4)
	ttft := u.ms(900, 0.5)
	u.clk.advance(u.ctx, d)
	text := ""
	if !toolUse || u.chance(0.4) {
		text = strings.Repeat("Done. ", int(1+output/50))
	}
	fast := u.chance(0.05)
	speed := metrics.Speed("")
	if fast {
		speed = metrics.SpeedFast
	}
	effort := metrics.Effort("")
	if strings.Contains(model, "opus") {
		effort = metrics.Effort(u.pick(map[string]float64{"medium": 0.3, "high": 0.6, "max": 0.1}))
	}
	ss.s.APIResponse(ctx, telemetry.APIResponse{
		Model: model, Usage: pricing.Usage{InputTokens: input, OutputTokens: output, CacheReadTokens: cacheRead, CacheCreationTokens: cacheWrite,
			CacheCreation5mTokens: cacheWrite},
		Duration: d, TTFT: ttft, Attempts: attempts, StopReason: map[bool]string{true: "tool_use", false: "end_turn"}[toolUse],
		RequestID: reqID, Attribution: metrics.Attribution{Speed: speed, Effort: effort, Query: q}, Text: text, MessageUUID: uuidFrom(u.rng),
	})
	ss.context += input + cacheWrite + output
	return reqID
}

// hooks simulates the hooks of one hook event, sometimes.
func (ss *simSession) hooks(ctx context.Context, event, name string) {
	u := ss.u
	if !ss.all && !u.chance(0.25) {
		return
	}
	n := int64(1 + u.rng.IntN(2))
	u.ev.HookExecutionStart(ctx, events.HookExecutionStart{HookEvent: event, HookName: name, NumHooks: n, HookSource: "merged"})
	d := u.ms(120, 0.8)
	u.clk.advance(u.ctx, d)
	blocking := int64(0)
	if u.chance(0.05) {
		blocking = 1
	}
	u.ev.HookExecutionComplete(ctx, events.HookExecutionComplete{HookEvent: event, HookName: name, NumHooks: n, NumSuccess: n - blocking,
		NumBlocking: blocking, TotalDurationMs: d.Milliseconds(), StdoutChars: int64(u.rng.IntN(400)), HookSource: "merged"})
	if ss.all || u.chance(0.2) {
		u.ev.HookPluginMetrics(ctx, events.HookPluginMetrics{PluginID: "acme-lint@acme-tools", HookEvent: event,
			Metrics: []attribute.KeyValue{attribute.Int64("files_checked", int64(u.rng.IntN(30))), attribute.Bool("cache_hit", u.chance(0.5))}})
	}
}

// tool simulates one tool use asked for by request reqID.
func (ss *simSession) tool(ctx context.Context, reqID string, all bool) {
	u := ss.u
	name := u.pick(map[string]float64{"Read": 0.3, "Edit": 0.2, "Write": 0.06, "Bash": 0.25, "Grep": 0.08,
		"mcp__github__create_issue": 0.04, "Agent": 0.04, "Skill": 0.03})
	if all {
		// The first prompt of the coverage session uses the rare ones.
		name = []string{"Edit", "Bash", "mcp__github__create_issue", "Agent"}[u.rng.IntN(4)]
	}
	call := telemetry.ToolCall{Name: name, UseID: "toolu_" + u.hex(24), PermissionMode: ss.mode, RequestID: reqID}
	input := map[string]any{}
	command := ""
	switch name {
	case "Read", "Edit", "Write":
		call.FilePath = []string{"src/server.go", "src/db/query.go", "README.md", "web/app.tsx", "scripts/deploy.py"}[u.rng.IntN(5)]
		input["file_path"] = call.FilePath
	case "Bash":
		command = u.pick(map[string]float64{"go test ./...": 0.4, "git status": 0.2, "git commit -m \"Fix\"": 0.15, "gh pr create --fill": 0.05, "npm run build": 0.2})
		call.Command, input["command"] = command, command
	case "Agent":
		call.SubagentType, input["subagent_type"] = "general-purpose", "general-purpose"
	case "Skill":
		call.SkillName, input["skill"] = "pdf", "pdf"
	case "mcp__github__create_issue":
		call.MCPServerScope, input["title"] = "project", "Flaky test"
	}
	call.Input = jsonString(input)
	if strings.HasPrefix(name, "mcp__") || name == "Bash" {
		ss.hooks(ctx, "PreToolUse", "PreToolUse:"+name)
	}
	ctx, run := ss.s.StartTool(ctx, call)
	// Decisions: reads and configured commands are allowed by rules, edits
	// by acceptEdits, the rest asked of the user.
	decision, source := metrics.DecisionAccept, metrics.SourceConfig
	switch {
	case name == "Read" || name == "Grep" || ss.mode == "bypassPermissions":
	case (name == "Edit" || name == "Write") && ss.mode == "acceptEdits":
	default:
		u.clk.advance(u.ctx, u.ms(4000, 1))
		switch r := u.rng.Float64(); {
		case r < 0.08:
			decision, source = metrics.DecisionReject, metrics.SourceUserReject
		case r < 0.1:
			source = metrics.SourceHook
		case r < 0.3:
			source = metrics.SourceUserPermanent
		default:
			source = metrics.SourceUserTemporary
		}
	}
	run.Decide(ctx, decision, source)
	isEdit := name == "Edit" || name == "Write"
	if decision == metrics.DecisionReject {
		if isEdit {
			ss.s.EditDecision(ctx, telemetry.Edit{ToolName: name, FilePath: call.FilePath, Decision: decision, Source: source, Model: ss.model})
		}
		return
	}
	exec := map[string]float64{"Read": 40, "Grep": 120, "Edit": 60, "Write": 50, "Bash": 3000, "Agent": 30_000, "Skill": 800, "mcp__github__create_issue": 900}[name]
	u.clk.advance(u.ctx, u.ms(exec, 0.9))
	ok := u.chance(0.95)
	out := telemetry.ToolOutcome{Success: ok, ResultSizeBytes: int(u.lognormal(1500, 1.2))}
	if !ok {
		out.Error, out.ErrorType = "Command failed with exit code 1", "ShellError"
		if name != "Bash" {
			out.Error, out.ErrorType = "ENOENT: no such file or directory", "Error:ENOENT"
		}
	}
	if name == "Agent" && ok {
		ss.subagent(ctx)
	}
	run.Done(ctx, out)
	if !ok {
		return
	}
	switch {
	case isEdit:
		old, nw := ss.texts(name)
		ss.s.EditDecision(ctx, telemetry.Edit{ToolName: name, FilePath: call.FilePath, Decision: decision, Source: source, Model: ss.model, OldText: old, NewText: nw})
	case strings.HasPrefix(command, "git commit"):
		ss.s.Commit(ctx)
	case strings.HasPrefix(command, "gh pr create"):
		ss.s.PullRequest(ctx)
	}
	if all && !ss.gitDone {
		ss.gitDone = true
		ss.s.Commit(ctx)
		ss.s.PullRequest(ctx)
	}
	if strings.HasPrefix(name, "mcp__") || name == "Bash" {
		ss.hooks(ctx, "PostToolUse", "PostToolUse:"+name)
	}
}

// texts returns a file's content before and after an edit: a few lines
// replaced and added, or a new file.
func (ss *simSession) texts(tool string) (string, string) {
	u := ss.u
	var old, nw []string
	if tool == "Edit" {
		for i := range 5 + u.rng.IntN(40) {
			old = append(old, fmt.Sprintf("line %d", i))
		}
		nw = append(nw, old...)
		for range 1 + u.rng.IntN(4) {
			nw[u.rng.IntN(len(nw))] = "changed " + u.hex(6)
		}
		for range u.rng.IntN(12) {
			nw = append(nw, "added "+u.hex(6))
		}
		return strings.Join(old, "\n") + "\n", strings.Join(nw, "\n") + "\n"
	}
	for range 5 + int(u.lognormal(30, 0.8)) {
		nw = append(nw, "new "+u.hex(6))
	}
	return "", strings.Join(nw, "\n") + "\n"
}

// subagent simulates a built-in subagent: its own API calls and its end.
func (ss *simSession) subagent(ctx context.Context) {
	u := ss.u
	agentID := u.hex(17)
	agent := metrics.Name{Value: "general-purpose", Origin: metrics.OriginBuiltIn}
	start := u.clk.Now()
	calls := 1 + u.rng.IntN(4)
	for range calls {
		ss.s.APIResponse(ctx, telemetry.APIResponse{
			Model: auxModel, Usage: pricing.Usage{InputTokens: int64(u.lognormal(2000, 0.6)), OutputTokens: int64(u.lognormal(300, 0.6)),
				CacheReadTokens: int64(u.lognormal(8000, 0.5))},
			Duration: u.ms(2500, 0.5), Attempts: 1, RequestID: u.id("req_"), StopReason: "end_turn",
			Attribution: metrics.Attribution{Agent: agent, AgentID: agentID},
		})
	}
	u.ev.SubagentCompleted(ctx, events.SubagentCompleted{AgentType: "general-purpose", AgentSource: "built-in", IsBuiltIn: true,
		TotalTokens: int64(u.lognormal(3000, 0.5)), TotalToolUses: int64(calls), DurationMs: u.clk.Now().Sub(start).Milliseconds(),
		Model: auxModel, FinalModel: auxModel, AgentID: agentID})
}

// compact simulates an automatic compaction of a long conversation.
func (ss *simSession) compact(ctx context.Context) {
	u := ss.u
	pre := ss.context
	start := u.clk.Now()
	ss.call(ctx, metrics.QueryCompact, auxModel, false, false)
	ss.context = int64(u.lognormal(12_000, 0.3))
	u.ev.Compaction(ctx, events.Compaction{Trigger: "auto", Success: true, DurationMs: u.clk.Now().Sub(start).Milliseconds(),
		PreTokens: pre, PostTokens: ss.context})
}
