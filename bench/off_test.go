package bench

import (
	"context"
	"flag"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// offCall is one public method called as a host calls it, with a realistic
// argument literal, on a Telemetry with telemetry off.
type offCall struct {
	name string // Type.Method
	call func()
	// literal is call's twin: the same argument literals, written the same
	// (TestOffLiteralsMatch compares their tokens), handed by address to a
	// sink that does nothing. It is the host's cost of writing the
	// arguments, which it pays whatever ccotel does; BenchmarkOff counts
	// the rest of call as ccotel's. nil when call has no literal.
	literal func()
}

// offCalls returns a call of every public method of the handles a host keeps
// calling with telemetry off. TestOffPathCoversEveryMethod fails when a
// method is missing.
func offCalls(tb testing.TB) []offCall {
	buf := telemetry.NewBuffer(16) // flushed into the disabled handle by Start
	tel := startCcotel(tb, nil, telemetry.WithBuffer(buf))
	if tel.Enabled() {
		tb.Fatal("telemetry is on without CLAUDE_CODE_ENABLE_TELEMETRY")
	}
	ctx := context.Background()
	ctx, s := tel.StartSession(ctx)
	pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "fix the failing test"})
	tctx, run := s.StartTool(pctx, telemetry.ToolCall{Name: "Bash", UseID: "toolu_01A", Command: "go test ./..."})
	em, rec := tel.Events(), tel.Metrics()
	usage := metrics.UsageAttrs{Model: "claude-sonnet-4-5-20250929"}
	env := []string{"PATH=/usr/bin"}
	return []offCall{
		{"Telemetry.Config", func() { sinkBool = tel.Config().Enabled }, nil},
		{"Telemetry.Enabled", func() { sinkBool = tel.Enabled() }, nil},
		{"Telemetry.Events", func() { sinkEmitter = tel.Events() }, nil},
		{"Telemetry.Metrics", func() { sinkRecorder = tel.Metrics() }, nil},
		{"Telemetry.ForceFlush", func() { sinkErr = tel.ForceFlush(ctx) }, nil},
		{"Telemetry.Shutdown", func() { sinkErr = tel.Shutdown(ctx) }, nil},
		{"Telemetry.HTTPTransport", func() { sinkPtr = tel.HTTPTransport(http.DefaultTransport) }, nil},
		{"Telemetry.SubprocessEnv", func() { sinkEnv = tel.SubprocessEnv(ctx, env) }, nil},
		{"Telemetry.LoggerProvider", func() { sinkPtr = tel.LoggerProvider() }, nil},
		{"Telemetry.MeterProvider", func() { sinkPtr = tel.MeterProvider() }, nil},
		{"Telemetry.TracerProvider", func() { sinkPtr = tel.TracerProvider() }, nil},
		{"Telemetry.PrometheusAddr", func() { sinkStr = tel.PrometheusAddr() }, nil},
		{"Telemetry.Resource", func() { sinkResource = tel.Resource() }, nil},
		{"Telemetry.Stats", func() { sinkInt = len(tel.Stats().Exporters) }, nil},
		{"Telemetry.StartSession", func() { sinkCtx, sinkSession = tel.StartSession(ctx) }, nil},

		{"Session.APIResponse", func() {
			s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929",
				Usage:    pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000},
				Duration: 2100 * time.Millisecond, RequestID: "req_011CV", StopReason: "end_turn"})
		}, func() {
			sinkArg(telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929",
				Usage:    pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000},
				Duration: 2100 * time.Millisecond, RequestID: "req_011CV", StopReason: "end_turn"})
		}},
		{"Session.APIError", func() {
			s.APIError(ctx, telemetry.APIFailure{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				Duration: time.Second, Attempts: 3, RequestID: "req_011CV"})
		}, func() {
			sinkArg(telemetry.APIFailure{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				Duration: time.Second, Attempts: 3, RequestID: "req_011CV"})
		}},
		{"Session.ActiveTime", func() { s.ActiveTime(ctx, 3*time.Second, metrics.ActiveUser) }, nil},
		{"Session.Commit", func() { s.Commit(ctx) }, nil},
		{"Session.PullRequest", func() { s.PullRequest(ctx) }, nil},
		{"Session.Context", func() { sinkCtx = s.Context(ctx) }, nil},
		{"Session.ID", func() { sinkStr = s.ID() }, nil},
		{"Session.Totals", func() { sinkFloat = s.Totals().CostUSD }, nil},
		{"Session.EditDecision", func() {
			a, r := s.EditDecision(ctx, telemetry.Edit{ToolName: "Edit", FilePath: "main.go", Model: "claude-sonnet-4-5-20250929",
				OldText: "a\n", NewText: "b\n"})
			sinkInt = a + r
		}, func() {
			sinkArg(telemetry.Edit{ToolName: "Edit", FilePath: "main.go", Model: "claude-sonnet-4-5-20250929",
				OldText: "a\n", NewText: "b\n"})
		}},
		{"Session.Hooks", func() {
			s.Hooks(ctx, telemetry.HookRun{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1},
				telemetry.HookOutcome{NumSuccess: 1, Duration: 20 * time.Millisecond})
		}, func() {
			sinkArgs2(telemetry.HookRun{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1}, telemetry.HookOutcome{NumSuccess: 1, Duration: 20 * time.Millisecond})
		}},
		{"Session.StartHooks", func() {
			s.StartHooks(ctx, telemetry.HookRun{Event: "Stop", Name: "Stop", NumHooks: 1}).Complete(ctx, telemetry.HookOutcome{NumSuccess: 1})
		}, func() {
			sinkArgs2(telemetry.HookRun{Event: "Stop", Name: "Stop", NumHooks: 1}, telemetry.HookOutcome{NumSuccess: 1})
		}},
		{"RunningHooks.Complete", func() {
			s.StartHooks(ctx, telemetry.HookRun{Event: "Stop"}).Complete(ctx, telemetry.HookOutcome{})
		}, func() {
			sinkArgs2(telemetry.HookRun{Event: "Stop"}, telemetry.HookOutcome{})
		}},
		{"Session.StartPrompt", func() {
			sinkCtx, sinkPrompt = s.StartPrompt(ctx, events.UserPrompt{Prompt: "fix the failing test", MessageUUID: "8a2c"})
		}, func() {
			sinkArg(events.UserPrompt{Prompt: "fix the failing test", MessageUUID: "8a2c"})
		}},
		{"Session.StartTool", func() {
			sinkCtx, sinkToolRun = s.StartTool(pctx, telemetry.ToolCall{Name: "Bash", UseID: "toolu_01A", Command: "go test ./...",
				Input: `{"command":"go test ./..."}`, RequestID: "req_011CV"})
		}, func() {
			sinkArg(telemetry.ToolCall{Name: "Bash", UseID: "toolu_01A", Command: "go test ./...",
				Input: `{"command":"go test ./..."}`, RequestID: "req_011CV"})
		}},
		{"Prompt.End", func() { p.End(pctx) }, nil},
		{"Prompt.ID", func() { sinkStr = p.ID() }, nil},
		{"ToolRun.Decide", func() { run.Decide(tctx, metrics.DecisionAccept, metrics.SourceConfig) }, nil},
		{"ToolRun.Execute", func() { sinkCtx = run.Execute(tctx) }, nil},
		{"ToolRun.Done", func() { run.Done(tctx, telemetry.ToolOutcome{Success: true, ResultSizeBytes: 1024}) }, func() { sinkArg(telemetry.ToolOutcome{Success: true, ResultSizeBytes: 1024}) }},
		{"ToolRun.Edit", func() { run.Edit(tctx, telemetry.Edit{LinesAdded: 1}) }, func() { sinkArg(telemetry.Edit{LinesAdded: 1}) }},
		{"Buffer.Emit", func() {
			buf.Emit(ctx, func(ctx context.Context, e *events.Emitter) { e.Auth(ctx, events.Auth{Action: "login", Success: true}) })
		}, func() {
			sinkArgs2(func(ctx context.Context, e *events.Emitter) { e.Auth(ctx, events.Auth{Action: "login", Success: true}) },
				events.Auth{Action: "login", Success: true})
		}},
		{"Buffer.Len", func() { sinkInt = buf.Len() }, nil},
		{"Buffer.Dropped", func() { sinkInt = int(buf.Dropped()) }, nil},

		{"Emitter.APIError", func() {
			em.APIError(ctx, events.APIError{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				DurationMs: 1000, Attempt: 3, RequestID: "req_011CV"})
		}, func() {
			sinkArg(events.APIError{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				DurationMs: 1000, Attempt: 3, RequestID: "req_011CV"})
		}},
		{"Emitter.APIRefusal", func() {
			em.APIRefusal(ctx, events.APIRefusal{Model: "claude-sonnet-4-5-20250929", RequestID: "req_011CV", Attempt: 1})
		}, func() {
			sinkArg(events.APIRefusal{Model: "claude-sonnet-4-5-20250929", RequestID: "req_011CV", Attempt: 1})
		}},
		{"Emitter.APIRequest", func() {
			em.APIRequest(ctx, events.APIRequest{Model: "claude-sonnet-4-5-20250929", InputTokens: 1200, OutputTokens: 300,
				CacheReadTokens: 40000, CostUSD: 0.0123, DurationMs: 2100, RequestID: "req_011CV"})
		}, func() {
			sinkArg(events.APIRequest{Model: "claude-sonnet-4-5-20250929", InputTokens: 1200, OutputTokens: 300,
				CacheReadTokens: 40000, CostUSD: 0.0123, DurationMs: 2100, RequestID: "req_011CV"})
		}},
		{"Emitter.APIRequestBody", func() {
			em.APIRequestBody(ctx, events.APIRequestBody{Body: `{"model":"claude-sonnet-4-5"}`, Model: "claude-sonnet-4-5"})
		}, func() {
			sinkArg(events.APIRequestBody{Body: `{"model":"claude-sonnet-4-5"}`, Model: "claude-sonnet-4-5"})
		}},
		{"Emitter.APIResponseBody", func() {
			em.APIResponseBody(ctx, events.APIResponseBody{Body: `{"id":"msg_01"}`, Model: "claude-sonnet-4-5", RequestID: "req_011CV"})
		}, func() {
			sinkArg(events.APIResponseBody{Body: `{"id":"msg_01"}`, Model: "claude-sonnet-4-5", RequestID: "req_011CV"})
		}},
		{"Emitter.APIRetriesExhausted", func() {
			em.APIRetriesExhausted(ctx, events.APIRetriesExhausted{Model: "claude-sonnet-4-5", Error: "overloaded", StatusCode: 529,
				TotalAttempts: 11, TotalRetryDurationMs: 60000})
		}, func() {
			sinkArg(events.APIRetriesExhausted{Model: "claude-sonnet-4-5", Error: "overloaded", StatusCode: 529,
				TotalAttempts: 11, TotalRetryDurationMs: 60000})
		}},
		{"Emitter.AssistantResponse", func() {
			em.AssistantResponse(ctx, events.AssistantResponse{Response: "Done.", RequestID: "req_011CV", Model: "claude-sonnet-4-5"})
		}, func() {
			sinkArg(events.AssistantResponse{Response: "Done.", RequestID: "req_011CV", Model: "claude-sonnet-4-5"})
		}},
		{"Emitter.AtMention", func() { em.AtMention(ctx, events.AtMention{MentionType: "file", Success: true}) }, func() { sinkArg(events.AtMention{MentionType: "file", Success: true}) }},
		{"Emitter.Auth", func() { em.Auth(ctx, events.Auth{Action: "login", Success: true, AuthMethod: "oauth"}) }, func() { sinkArg(events.Auth{Action: "login", Success: true, AuthMethod: "oauth"}) }},
		{"Emitter.Compaction", func() {
			em.Compaction(ctx, events.Compaction{Trigger: "auto", Success: true, DurationMs: 9000, PreTokens: 160000, PostTokens: 12000})
		}, func() {
			sinkArg(events.Compaction{Trigger: "auto", Success: true, DurationMs: 9000, PreTokens: 160000, PostTokens: 12000})
		}},
		{"Emitter.FeedbackSurvey", func() {
			em.FeedbackSurvey(ctx, events.FeedbackSurvey{EventType: "appeared", AppearanceID: "a1", SurveyType: "session"})
		}, func() {
			sinkArg(events.FeedbackSurvey{EventType: "appeared", AppearanceID: "a1", SurveyType: "session"})
		}},
		{"Emitter.HookExecutionComplete", func() {
			em.HookExecutionComplete(ctx, events.HookExecutionComplete{HookEvent: "PreToolUse", HookName: "PreToolUse:Bash",
				NumHooks: 1, NumSuccess: 1, TotalDurationMs: 20, HookSource: "merged"})
		}, func() {
			sinkArg(events.HookExecutionComplete{HookEvent: "PreToolUse", HookName: "PreToolUse:Bash",
				NumHooks: 1, NumSuccess: 1, TotalDurationMs: 20, HookSource: "merged"})
		}},
		{"Emitter.HookExecutionStart", func() {
			em.HookExecutionStart(ctx, events.HookExecutionStart{HookEvent: "PreToolUse", HookName: "PreToolUse:Bash", NumHooks: 1,
				HookSource: "merged"})
		}, func() {
			sinkArg(events.HookExecutionStart{HookEvent: "PreToolUse", HookName: "PreToolUse:Bash", NumHooks: 1,
				HookSource: "merged"})
		}},
		{"Emitter.HookPluginMetrics", func() {
			em.HookPluginMetrics(ctx, events.HookPluginMetrics{PluginID: "p", HookEvent: "Stop",
				Metrics: []attribute.KeyValue{attribute.Int("files", 3)}})
		}, func() {
			sinkArg(events.HookPluginMetrics{PluginID: "p", HookEvent: "Stop",
				Metrics: []attribute.KeyValue{attribute.Int("files", 3)}})
		}},
		{"Emitter.HookRegistered", func() {
			em.HookRegistered(ctx, events.HookRegistered{HookEvent: "PreToolUse", HookType: "command", HookSource: "userSettings"})
		}, func() {
			sinkArg(events.HookRegistered{HookEvent: "PreToolUse", HookType: "command", HookSource: "userSettings"})
		}},
		{"Emitter.InternalError", func() { em.InternalError(ctx, events.InternalError{ErrorName: "TypeError", ErrorCode: "E1"}) }, func() { sinkArg(events.InternalError{ErrorName: "TypeError", ErrorCode: "E1"}) }},
		{"Emitter.MCPServerConnection", func() {
			em.MCPServerConnection(ctx, events.MCPServerConnection{Status: "connected", TransportType: "stdio", ServerScope: "user",
				DurationMs: 120, ServerName: "github"})
		}, func() {
			sinkArg(events.MCPServerConnection{Status: "connected", TransportType: "stdio", ServerScope: "user",
				DurationMs: 120, ServerName: "github"})
		}},
		{"Emitter.ManagedSettingsResolved", func() {
			em.ManagedSettingsResolved(ctx, events.ManagedSettingsResolved{Trigger: "startup", SourceBehavior: "first-wins",
				HelperState: "none", HelperApplied: "none"})
		}, func() {
			sinkArg(events.ManagedSettingsResolved{Trigger: "startup", SourceBehavior: "first-wins",
				HelperState: "none", HelperApplied: "none"})
		}},
		{"Emitter.PermissionModeChanged", func() {
			em.PermissionModeChanged(ctx, events.PermissionModeChanged{FromMode: "default", ToMode: "plan", Trigger: "shortcut"})
		}, func() {
			sinkArg(events.PermissionModeChanged{FromMode: "default", ToMode: "plan", Trigger: "shortcut"})
		}},
		{"Emitter.PluginInstalled", func() {
			em.PluginInstalled(ctx, events.PluginInstalled{InstallTrigger: "cli", PluginName: "code-review", PluginVersion: "1.0.0"})
		}, func() {
			sinkArg(events.PluginInstalled{InstallTrigger: "cli", PluginName: "code-review", PluginVersion: "1.0.0"})
		}},
		{"Emitter.PluginLoaded", func() {
			em.PluginLoaded(ctx, events.PluginLoaded{PluginName: "code-review", PluginVersion: "1.0.0", PluginScope: "user",
				HasHooks: true, SkillPathCount: 2})
		}, func() {
			sinkArg(events.PluginLoaded{PluginName: "code-review", PluginVersion: "1.0.0", PluginScope: "user",
				HasHooks: true, SkillPathCount: 2})
		}},
		{"Emitter.RetentionSweep", func() {
			em.RetentionSweep(ctx, events.RetentionSweep{Result: "ok", PeriodDays: 30, UsedDefault: true, TranscriptsDeleted: 4})
		}, func() {
			sinkArg(events.RetentionSweep{Result: "ok", PeriodDays: 30, UsedDefault: true, TranscriptsDeleted: 4})
		}},
		{"Emitter.SkillActivated", func() {
			em.SkillActivated(ctx, events.SkillActivated{SkillName: "pdf", InvocationTrigger: "model", SkillSource: "bundled"})
		}, func() {
			sinkArg(events.SkillActivated{SkillName: "pdf", InvocationTrigger: "model", SkillSource: "bundled"})
		}},
		{"Emitter.SubagentCompleted", func() {
			em.SubagentCompleted(ctx, events.SubagentCompleted{AgentType: "Explore", IsBuiltIn: true, TotalTokens: 12000,
				TotalToolUses: 7, DurationMs: 30000, Model: "claude-haiku-4-5"})
		}, func() {
			sinkArg(events.SubagentCompleted{AgentType: "Explore", IsBuiltIn: true, TotalTokens: 12000,
				TotalToolUses: 7, DurationMs: 30000, Model: "claude-haiku-4-5"})
		}},
		{"Emitter.Tool", func() { em.Tool(ctx, events.Tool{ToolName: "Bash", ToolHash: "h1"}) }, func() { sinkArg(events.Tool{ToolName: "Bash", ToolHash: "h1"}) }},
		{"Emitter.ToolDecision", func() {
			em.ToolDecision(ctx, events.ToolDecision{Decision: "accept", Source: "config", ToolName: "Bash", ToolUseID: "toolu_01A"})
		}, func() {
			sinkArg(events.ToolDecision{Decision: "accept", Source: "config", ToolName: "Bash", ToolUseID: "toolu_01A"})
		}},
		{"Emitter.ToolResult", func() {
			em.ToolResult(ctx, events.ToolResult{ToolName: "Bash", ToolUseID: "toolu_01A", Success: true, DurationMs: 412,
				DecisionType: "accept", DecisionSource: "config", ToolInputSizeBytes: 48, ToolResultSizeBytes: 1024,
				RequestID: "req_011CV"})
		}, func() {
			sinkArg(events.ToolResult{ToolName: "Bash", ToolUseID: "toolu_01A", Success: true, DurationMs: 412,
				DecisionType: "accept", DecisionSource: "config", ToolInputSizeBytes: 48, ToolResultSizeBytes: 1024,
				RequestID: "req_011CV"})
		}},
		{"Emitter.UserPrompt", func() { em.UserPrompt(ctx, events.UserPrompt{Prompt: "fix the failing test", MessageUUID: "8a2c"}) }, func() {
			sinkArg(events.UserPrompt{Prompt: "fix the failing test", MessageUUID: "8a2c"})
		}},

		{"Recorder.APIUsage", func() {
			rec.APIUsage(ctx, 0.0027, metrics.TokenCounts{Input: 107, Output: 45, CacheRead: 2000}, &usage)
		}, func() { sinkArg(metrics.TokenCounts{Input: 107, Output: 45, CacheRead: 2000}) }},
		{"Recorder.ActiveTime", func() { rec.ActiveTime(ctx, 1.5, metrics.ActiveCLI) }, nil},
		{"Recorder.CodeEditDecision", func() {
			rec.CodeEditDecision(ctx, metrics.EditDecision{ToolName: "Edit", Decision: metrics.DecisionAccept,
				Source: metrics.SourceConfig, Language: "Go"})
		}, func() {
			sinkArg(metrics.EditDecision{ToolName: "Edit", Decision: metrics.DecisionAccept,
				Source: metrics.SourceConfig, Language: "Go"})
		}},
		{"Recorder.Commit", func() { rec.Commit(ctx) }, nil},
		{"Recorder.Cost", func() { rec.Cost(ctx, 0.0027, &usage) }, nil},
		{"Recorder.LinesChanged", func() { rec.LinesChanged(ctx, "claude-sonnet-4-5", 12, 3) }, nil},
		{"Recorder.LinesOfCode", func() { rec.LinesOfCode(ctx, metrics.LinesAdded, "claude-sonnet-4-5", 12) }, nil},
		{"Recorder.PullRequest", func() { rec.PullRequest(ctx) }, nil},
		{"Recorder.SessionCount", func() { rec.SessionCount(ctx, metrics.StartFresh) }, nil},
		{"Recorder.Tokens", func() { rec.Tokens(ctx, 107, metrics.TokensInput, &usage) }, nil},

		{"telemetry.SessionFromContext", func() { sinkSession = telemetry.SessionFromContext(tctx) }, nil},
		{"telemetry.ToolRunFromContext", func() { sinkToolRun = telemetry.ToolRunFromContext(tctx) }, nil},
	}
}

// Results go to typed package variables so that the compiler keeps the
// calls, without boxing them (which would allocate in the test, not in
// ccotel). Pointers go to variables of their own type, not to an any:
// storing a pointer as an interface writes its type word too, and in one
// build of this file storing Telemetry.Events' result in an any cost 24 ns
// a call, against 1 in the build before (an effect of where the code and
// data landed, not of ccotel: a typed store does not show it).
var (
	sinkBool     bool
	sinkInt      int
	sinkFloat    float64
	sinkStr      string
	sinkEnv      []string
	sinkErr      error
	sinkCtx      context.Context
	sinkPtr      any // interfaces only
	sinkEmitter  *events.Emitter
	sinkRecorder *metrics.Recorder
	sinkResource *resource.Resource
	sinkSession  *telemetry.Session
	sinkPrompt   *telemetry.Prompt
	sinkToolRun  *telemetry.ToolRun
)

// handles are the types a host gets from a disabled Telemetry and keeps
// calling: every exported method of theirs is an off-path call.
var handles = []string{"Telemetry", "Session", "Prompt", "ToolRun", "RunningHooks", "Buffer", "Emitter", "Recorder"}

// publicCalls lists, from the source of the public packages, every call a
// host makes with telemetry off: each exported method of a handle, and each
// exported function or method taking a context.Context (the emit calls and
// the context helpers). Start, which builds the handle, is not one.
func publicCalls(t *testing.T) []string {
	var calls []string
	fset := token.NewFileSet()
	for _, dir := range []string{"../telemetry", "../events", "../metrics"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || !fn.Name.IsExported() {
					continue
				}
				if fn.Recv == nil {
					if takesContext(fn) && fn.Name.Name != "Start" {
						calls = append(calls, f.Name.Name+"."+fn.Name.Name)
					}
					continue
				}
				recv := fn.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				typ := recv.(*ast.Ident).Name
				if fn.Name.Name == "Format" {
					continue // fmt's hook for printing a handle, not a call a host makes
				}
				if slices.Contains(handles, typ) || takesContext(fn) {
					calls = append(calls, typ+"."+fn.Name.Name)
				}
			}
		}
	}
	return calls
}

func takesContext(fn *ast.FuncDecl) bool {
	for _, p := range fn.Type.Params.List {
		if sel, ok := p.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Context" {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "context" {
				return true
			}
		}
	}
	return false
}

func TestOffPathCoversEveryMethod(t *testing.T) {
	var have []string
	for _, c := range offCalls(t) {
		have = append(have, c.name)
	}
	calls := publicCalls(t)
	if len(calls) < 70 {
		t.Fatalf("found %d public calls in the source; the walk is broken", len(calls))
	}
	for _, name := range calls {
		if !slices.Contains(have, name) {
			t.Errorf("%s has no off-path call in offCalls", name)
		}
	}
}

// TestOffPathAllocs: with telemetry off, every public call allocates nothing,
// the argument literals included (HookPluginMetrics' slice literal stays on
// the caller's stack: the event copies the strings it keeps). One subtest
// per method.
func TestOffPathAllocs(t *testing.T) {
	for _, c := range offCalls(t) {
		t.Run(c.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, c.call); n != 0 {
				t.Errorf("%s allocates %v times per call with telemetry off, want 0", c.name, n)
			}
		})
	}
}

// The sinks take the twins' literals as the methods take them, by value,
// and do nothing: what is left of a twin is the host building its
// arguments. Generic, so that a sink's parameter is the literal's own type
// (the one extra argument, the instantiation's dictionary, makes the twin
// dearer by a register load, not cheaper). By pointer instead, the literal
// would be built in a variable whose address is taken, which the compiler
// zeroes in the function's prologue, and the twin would cost more than the
// call pays for the same literal. TestOffLiteralsMatch holds the twins to
// this shape.
//
//go:noinline
func sinkArg[T any](T) {}

//go:noinline
func sinkArgs2[T, U any](T, U) {}

// TestOffLiteralsMatch: every offCall whose call has an argument literal (a
// composite or function literal) has a twin, and the twin's literals are
// the call's, token for token, in the same order, handed to the sinks and
// nothing else; the sinks are empty and not inlined. A twin whose literal
// were smaller than its call's would credit ccotel with the difference.
func TestOffLiteralsMatch(t *testing.T) {
	const file = "off_test.go"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	sinks := map[string]bool{}
	var entries []*ast.CompositeLit
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if strings.HasPrefix(fn.Name.Name, "sink") && fn.Recv == nil {
			noinline := fn.Doc != nil && slices.ContainsFunc(fn.Doc.List, func(c *ast.Comment) bool { return c.Text == "//go:noinline" })
			if len(fn.Body.List) != 0 || !noinline {
				t.Errorf("%s must be empty and //go:noinline", fn.Name.Name)
			}
			sinks[fn.Name.Name] = true
		}
		if fn.Name.Name != "offCalls" {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			cl, ok := n.(*ast.CompositeLit)
			if !ok || len(cl.Elts) < 2 {
				return true
			}
			if _, ok := cl.Elts[0].(*ast.BasicLit); !ok {
				return true
			}
			if _, ok := cl.Elts[1].(*ast.FuncLit); !ok {
				return true
			}
			entries = append(entries, cl)
			return false
		})
	}
	tokens := func(n ast.Node) string {
		var s scanner.Scanner
		fs := token.NewFileSet()
		text := src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset]
		s.Init(fs.AddFile("", -1, len(text)), text, nil, 0)
		var out []string
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				return strings.Join(out, " ")
			}
			if tok == token.SEMICOLON && lit == "\n" {
				continue // inserted at a line break: layout, not code
			}
			out = append(out, tok.String()+lit)
		}
	}
	// literals are the outermost composite literals under n and its
	// function literals, each followed by the literals of its body: the
	// host's function that Buffer.Emit calls builds the host's event, which
	// the host writes whatever ccotel does, as it writes an argument.
	literals := func(n ast.Node) []string {
		var lits []string
		ast.Inspect(n, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.CompositeLit:
				lits = append(lits, tokens(n))
				return false
			case *ast.FuncLit:
				lits = append(lits, tokens(n))
			}
			return true
		})
		return lits
	}
	twins := 0
	for _, e := range entries {
		name := e.Elts[0].(*ast.BasicLit).Value
		want := literals(e.Elts[1].(*ast.FuncLit).Body)
		if id, ok := e.Elts[2].(*ast.Ident); ok && id.Name == "nil" {
			if len(want) > 0 {
				t.Errorf("%s passes %d argument literals and has no twin", name, len(want))
			}
			continue
		}
		twins++
		twin, ok := e.Elts[2].(*ast.FuncLit)
		if !ok {
			t.Errorf("%s: the twin is not a function literal", name)
			continue
		}
		var got []string
		for _, st := range twin.Body.List {
			call, ok := st.(*ast.ExprStmt)
			var ce *ast.CallExpr
			if ok {
				ce, ok = call.X.(*ast.CallExpr)
			}
			var fun *ast.Ident
			if ok {
				fun, ok = ce.Fun.(*ast.Ident)
			}
			if !ok || !sinks[fun.Name] {
				t.Errorf("%s: the twin does more than call a sink", name)
				continue
			}
			for _, a := range ce.Args {
				switch a.(type) {
				case *ast.CompositeLit, *ast.FuncLit:
					got = append(got, tokens(a))
				default:
					t.Errorf("%s: the twin hands a sink %s, not a literal", name, tokens(a))
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the twin's literals differ from the call's:\n twin %q\n call %q", name, got, want)
		}
	}
	if len(entries) < 70 || twins < 40 {
		t.Fatalf("found %d calls and %d twins in %s; the walk is broken", len(entries), twins, file)
	}
}

// TestOffPathInlines: every off-path call of telemetry and events (the
// exported methods and functions publicCalls lists) inlines into the host's
// call, so that its off check costs no call. It runs the compiler with -m,
// which prints "can inline" for each function under its budget: a change
// that puts one over fails here, not only in BenchmarkOff's figures.
func TestOffPathInlines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds telemetry and events with -gcflags=-m")
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("the budget counts sync/atomic's loads as the instructions amd64 and arm64 make of them")
	}
	// go test puts its own go first in PATH. GOFLAGS is cleared: with
	// -race the atomics are calls and the budget is another; the host's
	// build is the one measured.
	cmd := exec.Command("go", "build", "-gcflags=-m", "./telemetry", "./events")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	// telemetry/session.go:262:6: can inline (*Session).APIResponse with cost 73 as: ...
	re := regexp.MustCompile(`(?m)^(telemetry|events)/[^:]+:\d+:\d+: can inline (?:\(\*?(\w+)\)\.)?(\w+)`)
	inlined := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		if m[2] != "" {
			inlined[m[2]+"."+m[3]] = true // a method: Type.Method, as publicCalls names it
		} else {
			inlined[m[1]+"."+m[3]] = true // a function: pkg.Func
		}
	}
	checked := 0
	for _, name := range publicCalls(t) {
		if strings.HasPrefix(name, "Recorder.") || strings.HasPrefix(name, "metrics.") {
			continue // metrics/ is measured by BenchmarkOff; its entries are not listed here
		}
		checked++
		if !inlined[name] {
			t.Errorf("%s does not inline: its off check costs a call (go build -gcflags=-m=2 prints its cost)", name)
		}
	}
	if checked < 60 {
		t.Fatalf("checked %d calls; the walk is broken", checked)
	}
}

// offEach runs BenchmarkOff per method (one sub-benchmark each), which
// takes a second per method and run; by default it is one benchmark over all.
var offEach = flag.Bool("off.each", false, "BenchmarkOff: one sub-benchmark per public call")

// offBlock is how many calls of one function BenchmarkOff times at once:
// about 10 µs of calls, against the clock_gettime system call around them.
const offBlock = 4096

// offTime is the benchmark thread's CPU time for offBlock calls of f. It is
// not inlined, so that f stays a call through a func value, as in every
// figure.
//
//go:noinline
func offTime(f func()) time.Duration {
	t := threadCPU()
	for range offBlock {
		f()
	}
	return threadCPU() - t
}

// offTimes accumulates, per call, the CPU time of the call and of its twin,
// and of two references: an empty func (the harness) and a sink called
// with nil (the harness and a twin's call of its sink, without a literal).
type offTimes struct {
	gross, twin []time.Duration
	base, sink  time.Duration
	n           int // calls of each
}

var (
	offEmpty = func() {}
	offSink  = func() { sinkArg(struct{}{}) }
)

// round times every call and its twin once, alternating which goes first.
func (o *offTimes) round(calls []offCall) {
	if o.gross == nil {
		o.gross, o.twin = make([]time.Duration, len(calls)), make([]time.Duration, len(calls))
	}
	flip := o.n/offBlock%2 == 1
	o.base += offTime(offEmpty)
	o.sink += offTime(offSink)
	for i, c := range calls {
		if c.literal == nil {
			o.gross[i] += offTime(c.call)
			continue
		}
		if flip {
			o.twin[i] += offTime(c.literal)
		}
		o.gross[i] += offTime(c.call)
		if !flip {
			o.twin[i] += offTime(c.literal)
		}
	}
	o.n += offBlock
}

// figures are call i's nanoseconds per call: gross, as timed (the harness
// included); literal, the host building the arguments (the twin less the
// harness and the sink's call: 0 without a twin); net, what ccotel adds,
// gross less the harness and the literal.
func (o *offTimes) figures(i int) (gross, literal, net float64) {
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(o.n) }
	gross = per(o.gross[i])
	if o.twin[i] != 0 {
		literal = max(0, per(o.twin[i])-per(o.sink)) // a literal costs something or nothing
	}
	return gross, literal, gross - per(o.base) - literal
}

// BenchmarkOff is the cost of every public call with telemetry off, as a
// host calls it (a realistic argument literal); the goal is under 5 ns net
// and no allocation. Times are the benchmark thread's CPU time (threadCPU),
// not the wall clock: on the shared 2-core machine the wall clock mostly
// measures the other processes. One op calls every method and its twin
// offBlock times each.
//
// Per call (-v logs each; with -off.each each call is a sub-benchmark
// reporting them): gross, as timed; literal, the argument literal alone
// (the twin less the same harness and sink call with no literal); net,
// gross less the harness (an empty func through the same func value) and
// less the literal: what ccotel adds. Over all calls: ns/call the mean
// gross, base-ns/call the harness, net-ns/call the mean net, max-net-ns the
// largest net (named in the log) and over-5ns how many calls' net is 5 ns
// or more.
func BenchmarkOff(b *testing.B) {
	calls := offCalls(b)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if *offEach {
		for _, c := range calls {
			b.Run(c.name, func(b *testing.B) {
				runtime.LockOSThread() // a sub-benchmark is a goroutine of its own
				defer runtime.UnlockOSThread()
				b.ReportAllocs()
				var o offTimes
				for b.Loop() {
					o.round([]offCall{c})
				}
				gross, literal, net := o.figures(0)
				b.ReportMetric(gross, "cpu-ns/call")
				b.ReportMetric(literal, "literal-ns")
				b.ReportMetric(net, "net-ns")
			})
		}
		return
	}
	b.ReportAllocs()
	var o offTimes
	for b.Loop() {
		o.round(calls)
	}
	var sumGross, sumNet, maxNet float64
	worst, over := 0, 0
	for i, c := range calls {
		gross, literal, net := o.figures(i)
		sumGross += gross
		sumNet += net
		if i == 0 || net > maxNet {
			worst, maxNet = i, net
		}
		if net >= 5 {
			over++
		}
		if testing.Verbose() {
			// net+literal is the call less the harness: the bound for a call
			// whose net is negative, whose literal the compiler built for
			// less than the twin's (it may: the call needs it only when on).
			b.Logf("%-36s gross %6.2f  literal %6.2f  net %6.2f  net+literal %6.2f ns", c.name, gross, literal, net, net+literal)
		}
	}
	b.ReportMetric(sumGross/float64(len(calls)), "ns/call")
	b.ReportMetric(float64(o.base.Nanoseconds())/float64(o.n), "base-ns/call")
	b.ReportMetric(sumNet/float64(len(calls)), "net-ns/call")
	b.ReportMetric(maxNet, "max-net-ns")
	b.ReportMetric(float64(over), "over-5ns")
	b.Logf("largest net: %s", calls[worst].name)
}
