package bench

import (
	"context"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

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
		{"Telemetry.Config", func() { sinkBool = tel.Config().Enabled }},
		{"Telemetry.Enabled", func() { sinkBool = tel.Enabled() }},
		{"Telemetry.Events", func() { sinkPtr = tel.Events() }},
		{"Telemetry.Metrics", func() { sinkPtr = tel.Metrics() }},
		{"Telemetry.ForceFlush", func() { sinkErr = tel.ForceFlush(ctx) }},
		{"Telemetry.Shutdown", func() { sinkErr = tel.Shutdown(ctx) }},
		{"Telemetry.HTTPTransport", func() { sinkPtr = tel.HTTPTransport(http.DefaultTransport) }},
		{"Telemetry.SubprocessEnv", func() { sinkEnv = tel.SubprocessEnv(ctx, env) }},
		{"Telemetry.LoggerProvider", func() { sinkPtr = tel.LoggerProvider() }},
		{"Telemetry.MeterProvider", func() { sinkPtr = tel.MeterProvider() }},
		{"Telemetry.TracerProvider", func() { sinkPtr = tel.TracerProvider() }},
		{"Telemetry.PrometheusAddr", func() { sinkStr = tel.PrometheusAddr() }},
		{"Telemetry.Resource", func() { sinkPtr = tel.Resource() }},
		{"Telemetry.Stats", func() { sinkInt = len(tel.Stats().Exporters) }},
		{"Telemetry.StartSession", func() { sinkCtx, sinkPtr = tel.StartSession(ctx) }},

		{"Session.APIResponse", func() {
			s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929",
				Usage:    pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000},
				Duration: 2100 * time.Millisecond, RequestID: "req_011CV", StopReason: "end_turn"})
		}},
		{"Session.APIError", func() {
			s.APIError(ctx, telemetry.APIFailure{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				Duration: time.Second, Attempts: 3, RequestID: "req_011CV"})
		}},
		{"Session.ActiveTime", func() { s.ActiveTime(ctx, 3*time.Second, metrics.ActiveUser) }},
		{"Session.Commit", func() { s.Commit(ctx) }},
		{"Session.PullRequest", func() { s.PullRequest(ctx) }},
		{"Session.Context", func() { sinkCtx = s.Context(ctx) }},
		{"Session.ID", func() { sinkStr = s.ID() }},
		{"Session.Totals", func() { sinkFloat = s.Totals().CostUSD }},
		{"Session.EditDecision", func() {
			a, r := s.EditDecision(ctx, telemetry.Edit{ToolName: "Edit", FilePath: "main.go", Model: "claude-sonnet-4-5-20250929",
				OldText: "a\n", NewText: "b\n"})
			sinkInt = a + r
		}},
		{"Session.Hooks", func() {
			s.Hooks(ctx, telemetry.HookRun{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1},
				telemetry.HookOutcome{NumSuccess: 1, Duration: 20 * time.Millisecond})
		}},
		{"Session.StartHooks", func() {
			s.StartHooks(ctx, telemetry.HookRun{Event: "Stop", Name: "Stop", NumHooks: 1}).Complete(ctx, telemetry.HookOutcome{NumSuccess: 1})
		}},
		{"RunningHooks.Complete", func() {
			s.StartHooks(ctx, telemetry.HookRun{Event: "Stop"}).Complete(ctx, telemetry.HookOutcome{})
		}},
		{"Session.StartPrompt", func() {
			sinkCtx, sinkPtr = s.StartPrompt(ctx, events.UserPrompt{Prompt: "fix the failing test", MessageUUID: "8a2c"})
		}},
		{"Session.StartTool", func() {
			sinkCtx, sinkPtr = s.StartTool(pctx, telemetry.ToolCall{Name: "Bash", UseID: "toolu_01A", Command: "go test ./...",
				Input: `{"command":"go test ./..."}`, RequestID: "req_011CV"})
		}},
		{"Prompt.End", func() { p.End(pctx) }},
		{"Prompt.ID", func() { sinkStr = p.ID() }},
		{"ToolRun.Decide", func() { run.Decide(tctx, metrics.DecisionAccept, metrics.SourceConfig) }},
		{"ToolRun.Execute", func() { sinkCtx = run.Execute(tctx) }},
		{"ToolRun.Done", func() { run.Done(tctx, telemetry.ToolOutcome{Success: true, ResultSizeBytes: 1024}) }},
		{"ToolRun.Edit", func() { run.Edit(tctx, telemetry.Edit{LinesAdded: 1}) }},
		{"Buffer.Emit", func() {
			buf.Emit(ctx, func(ctx context.Context, e *events.Emitter) { e.Auth(ctx, events.Auth{Action: "login", Success: true}) })
		}},
		{"Buffer.Len", func() { sinkInt = buf.Len() }},
		{"Buffer.Dropped", func() { sinkInt = int(buf.Dropped()) }},

		{"Emitter.APIError", func() {
			em.APIError(ctx, events.APIError{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				DurationMs: 1000, Attempt: 3, RequestID: "req_011CV"})
		}},
		{"Emitter.APIRefusal", func() {
			em.APIRefusal(ctx, events.APIRefusal{Model: "claude-sonnet-4-5-20250929", RequestID: "req_011CV", Attempt: 1})
		}},
		{"Emitter.APIRequest", func() {
			em.APIRequest(ctx, events.APIRequest{Model: "claude-sonnet-4-5-20250929", InputTokens: 1200, OutputTokens: 300,
				CacheReadTokens: 40000, CostUSD: 0.0123, DurationMs: 2100, RequestID: "req_011CV"})
		}},
		{"Emitter.APIRequestBody", func() {
			em.APIRequestBody(ctx, events.APIRequestBody{Body: `{"model":"claude-sonnet-4-5"}`, Model: "claude-sonnet-4-5"})
		}},
		{"Emitter.APIResponseBody", func() {
			em.APIResponseBody(ctx, events.APIResponseBody{Body: `{"id":"msg_01"}`, Model: "claude-sonnet-4-5", RequestID: "req_011CV"})
		}},
		{"Emitter.APIRetriesExhausted", func() {
			em.APIRetriesExhausted(ctx, events.APIRetriesExhausted{Model: "claude-sonnet-4-5", Error: "overloaded", StatusCode: 529,
				TotalAttempts: 11, TotalRetryDurationMs: 60000})
		}},
		{"Emitter.AssistantResponse", func() {
			em.AssistantResponse(ctx, events.AssistantResponse{Response: "Done.", RequestID: "req_011CV", Model: "claude-sonnet-4-5"})
		}},
		{"Emitter.AtMention", func() { em.AtMention(ctx, events.AtMention{MentionType: "file", Success: true}) }},
		{"Emitter.Auth", func() { em.Auth(ctx, events.Auth{Action: "login", Success: true, AuthMethod: "oauth"}) }},
		{"Emitter.Compaction", func() {
			em.Compaction(ctx, events.Compaction{Trigger: "auto", Success: true, DurationMs: 9000, PreTokens: 160000, PostTokens: 12000})
		}},
		{"Emitter.FeedbackSurvey", func() {
			em.FeedbackSurvey(ctx, events.FeedbackSurvey{EventType: "appeared", AppearanceID: "a1", SurveyType: "session"})
		}},
		{"Emitter.HookExecutionComplete", func() {
			em.HookExecutionComplete(ctx, events.HookExecutionComplete{HookEvent: "PreToolUse", HookName: "PreToolUse:Bash",
				NumHooks: 1, NumSuccess: 1, TotalDurationMs: 20, HookSource: "merged"})
		}},
		{"Emitter.HookExecutionStart", func() {
			em.HookExecutionStart(ctx, events.HookExecutionStart{HookEvent: "PreToolUse", HookName: "PreToolUse:Bash", NumHooks: 1,
				HookSource: "merged"})
		}},
		{"Emitter.HookPluginMetrics", func() {
			em.HookPluginMetrics(ctx, events.HookPluginMetrics{PluginID: "p", HookEvent: "Stop",
				Metrics: []attribute.KeyValue{attribute.Int("files", 3)}})
		}},
		{"Emitter.HookRegistered", func() {
			em.HookRegistered(ctx, events.HookRegistered{HookEvent: "PreToolUse", HookType: "command", HookSource: "userSettings"})
		}},
		{"Emitter.InternalError", func() { em.InternalError(ctx, events.InternalError{ErrorName: "TypeError", ErrorCode: "E1"}) }},
		{"Emitter.MCPServerConnection", func() {
			em.MCPServerConnection(ctx, events.MCPServerConnection{Status: "connected", TransportType: "stdio", ServerScope: "user",
				DurationMs: 120, ServerName: "github"})
		}},
		{"Emitter.ManagedSettingsResolved", func() {
			em.ManagedSettingsResolved(ctx, events.ManagedSettingsResolved{Trigger: "startup", SourceBehavior: "first-wins",
				HelperState: "none", HelperApplied: "none"})
		}},
		{"Emitter.PermissionModeChanged", func() {
			em.PermissionModeChanged(ctx, events.PermissionModeChanged{FromMode: "default", ToMode: "plan", Trigger: "shortcut"})
		}},
		{"Emitter.PluginInstalled", func() {
			em.PluginInstalled(ctx, events.PluginInstalled{InstallTrigger: "cli", PluginName: "code-review", PluginVersion: "1.0.0"})
		}},
		{"Emitter.PluginLoaded", func() {
			em.PluginLoaded(ctx, events.PluginLoaded{PluginName: "code-review", PluginVersion: "1.0.0", PluginScope: "user",
				HasHooks: true, SkillPathCount: 2})
		}},
		{"Emitter.RetentionSweep", func() {
			em.RetentionSweep(ctx, events.RetentionSweep{Result: "ok", PeriodDays: 30, UsedDefault: true, TranscriptsDeleted: 4})
		}},
		{"Emitter.SkillActivated", func() {
			em.SkillActivated(ctx, events.SkillActivated{SkillName: "pdf", InvocationTrigger: "model", SkillSource: "bundled"})
		}},
		{"Emitter.SubagentCompleted", func() {
			em.SubagentCompleted(ctx, events.SubagentCompleted{AgentType: "Explore", IsBuiltIn: true, TotalTokens: 12000,
				TotalToolUses: 7, DurationMs: 30000, Model: "claude-haiku-4-5"})
		}},
		{"Emitter.Tool", func() { em.Tool(ctx, events.Tool{ToolName: "Bash", ToolHash: "h1"}) }},
		{"Emitter.ToolDecision", func() {
			em.ToolDecision(ctx, events.ToolDecision{Decision: "accept", Source: "config", ToolName: "Bash", ToolUseID: "toolu_01A"})
		}},
		{"Emitter.ToolResult", func() { em.ToolResult(ctx, toolResult) }},
		{"Emitter.UserPrompt", func() { em.UserPrompt(ctx, events.UserPrompt{Prompt: "fix the failing test", MessageUUID: "8a2c"}) }},

		{"Recorder.APIUsage", func() {
			rec.APIUsage(ctx, 0.0027, metrics.TokenCounts{Input: 107, Output: 45, CacheRead: 2000}, &usage)
		}},
		{"Recorder.ActiveTime", func() { rec.ActiveTime(ctx, 1.5, metrics.ActiveCLI) }},
		{"Recorder.CodeEditDecision", func() {
			rec.CodeEditDecision(ctx, metrics.EditDecision{ToolName: "Edit", Decision: metrics.DecisionAccept,
				Source: metrics.SourceConfig, Language: "Go"})
		}},
		{"Recorder.Commit", func() { rec.Commit(ctx) }},
		{"Recorder.Cost", func() { rec.Cost(ctx, 0.0027, &usage) }},
		{"Recorder.LinesChanged", func() { rec.LinesChanged(ctx, "claude-sonnet-4-5", 12, 3) }},
		{"Recorder.LinesOfCode", func() { rec.LinesOfCode(ctx, metrics.LinesAdded, "claude-sonnet-4-5", 12) }},
		{"Recorder.PullRequest", func() { rec.PullRequest(ctx) }},
		{"Recorder.SessionCount", func() { rec.SessionCount(ctx, metrics.StartFresh) }},
		{"Recorder.Tokens", func() { rec.Tokens(ctx, 107, metrics.TokensInput, &usage) }},

		{"telemetry.SessionFromContext", func() { sinkPtr = telemetry.SessionFromContext(tctx) }},
		{"telemetry.ToolRunFromContext", func() { sinkPtr = telemetry.ToolRunFromContext(tctx) }},
	}
}

// Results go to typed package variables so that the compiler keeps the
// calls, without boxing them (which would allocate in the test, not in
// ccotel).
var (
	sinkBool  bool
	sinkInt   int
	sinkFloat float64
	sinkStr   string
	sinkEnv   []string
	sinkErr   error
	sinkCtx   context.Context
	sinkPtr   any // pointers and interfaces only: storing them does not allocate
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

// offEach runs BenchmarkOff per method (one sub-benchmark each), which
// takes a second per method and run; by default it is one benchmark over all.
var offEach = flag.Bool("off.each", false, "BenchmarkOff: one sub-benchmark per public call")

// offBlock is how many calls of one method BenchmarkOff times at once: about
// 10 µs of calls, against the clock_gettime system call around them.
const offBlock = 4096

// BenchmarkOff is the cost of every public call with telemetry off, as a
// host calls it (a realistic argument literal); the goal is under 5 ns and
// no allocation. Times are the benchmark thread's CPU time (threadCPU), not
// the wall clock: on the shared 2-core machine the wall clock mostly
// measures the other processes. One op calls every method offBlock times:
// ns/call is the mean over the methods, max-ns/call the slowest method's
// (named in the log; -v logs every method's). Both include the call
// through a func value that the harness makes; base-ns/call is that alone
// (an empty func). With -off.each each method is a sub-benchmark of its
// own, whose ns/op is the wall clock's and cpu-ns/op the thread's.
func BenchmarkOff(b *testing.B) {
	calls := offCalls(b)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if *offEach {
		for _, c := range calls {
			b.Run(c.name, cpuPerCall(c.call))
		}
		return
	}
	// The last entry is an empty call through the same func value: what the
	// harness itself costs (base-ns/call).
	calls = append(calls, offCall{"(empty call)", func() {}})
	per := make([]time.Duration, len(calls))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i, c := range calls {
			t := threadCPU()
			for range offBlock {
				c.call()
			}
			per[i] += threadCPU() - t
		}
		n += offBlock
	}
	base := per[len(per)-1]
	calls, per = calls[:len(calls)-1], per[:len(per)-1]
	var total time.Duration
	slowest := 0
	for i, d := range per {
		total += d
		if d > per[slowest] {
			slowest = i
		}
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(n*len(calls)), "ns/call")
	b.ReportMetric(float64(per[slowest].Nanoseconds())/float64(n), "max-ns/call")
	b.ReportMetric(float64(base.Nanoseconds())/float64(n), "base-ns/call")
	b.Logf("slowest: %s", calls[slowest].name)
	if testing.Verbose() {
		for i, c := range calls {
			b.Logf("%s %.2f ns/call", c.name, float64(per[i].Nanoseconds())/float64(n))
		}
	}
}

// The sinks take the literal's address and do nothing: what is left is the
// host building the argument.
//
//go:noinline
func sinkAPIResponse(*telemetry.APIResponse) {}

//go:noinline
func sinkAPIFailure(*telemetry.APIFailure) {}

//go:noinline
func sinkToolCall(*telemetry.ToolCall) {}

//go:noinline
func sinkAPIRefusal(*events.APIRefusal) {}

//go:noinline
func sinkHookPluginMetrics(*events.HookPluginMetrics) {}

// BenchmarkOffLiteral is the floor of the off-path calls with the largest
// arguments: the same literals as offCalls' (APIResponse is 624 bytes,
// APIFailure 520, the events that embed metrics.Attribution over 320),
// built and handed to a function that does nothing, timed as BenchmarkOff
// times a call. A call that costs no more than its literal costs nothing of
// its own; the rest is the host writing the argument.
func BenchmarkOffLiteral(b *testing.B) {
	for _, c := range []offCall{
		{"Session.APIResponse", func() {
			sinkAPIResponse(&telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929",
				Usage:    pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000},
				Duration: 2100 * time.Millisecond, RequestID: "req_011CV", StopReason: "end_turn"})
		}},
		{"Session.APIError", func() {
			sinkAPIFailure(&telemetry.APIFailure{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				Duration: time.Second, Attempts: 3, RequestID: "req_011CV"})
		}},
		{"Session.StartTool", func() {
			sinkToolCall(&telemetry.ToolCall{Name: "Bash", UseID: "toolu_01A", Command: "go test ./...",
				Input: `{"command":"go test ./..."}`, RequestID: "req_011CV"})
		}},
		{"Emitter.APIRefusal", func() {
			sinkAPIRefusal(&events.APIRefusal{Model: "claude-sonnet-4-5-20250929", RequestID: "req_011CV", Attempt: 1})
		}},
		{"Emitter.HookPluginMetrics", func() {
			sinkHookPluginMetrics(&events.HookPluginMetrics{PluginID: "p", HookEvent: "Stop",
				Metrics: []attribute.KeyValue{attribute.Int("files", 3)}})
		}},
		{"(empty call)", func() {}},
	} {
		b.Run(c.name, cpuPerCall(c.call))
	}
}

// cpuPerCall is a benchmark of call alone, reporting the thread's CPU time per
// call (cpu-ns/op) beside the wall clock's ns/op.
func cpuPerCall(call func()) func(*testing.B) {
	return func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		b.ReportAllocs()
		n, start := 0, threadCPU()
		for b.Loop() {
			call()
			n++
		}
		b.ReportMetric(float64(threadCPU()-start)/float64(n), "cpu-ns/op")
	}
}
