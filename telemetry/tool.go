package telemetry

import (
	"context"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/log"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/spans"
	"github.com/ccotel/ccotel/metrics"
)

// ToolCall is one tool use the model asked for.
type ToolCall struct {
	// Name is the tool: "Bash", "Write", or "mcp__<server>__<tool>" for an
	// MCP tool (events then say "mcp_tool" unless OTEL_LOG_TOOL_DETAILS; the
	// span keeps the real name, as Claude Code's does). A host's own name
	// ("bash", "write") is sent as it is unless WithToolKindNames.
	Name string
	// Kind is the Claude Code tool this one works as, for a host whose tool
	// names differ from Claude Code's: Bash, Write, Edit, MultiEdit,
	// NotebookEdit, Read, Glob, Grep, WebFetch, WebSearch, Agent, Skill, ...
	// A Bash kind gets bash_command_class and bash_argv0 from Command, and
	// the run's Edit reports the kind as the edit metrics' tool_name, the
	// values dashboards built for Claude Code filter on. By default, it is
	// the kind WithToolKinds maps Name to, else Name.
	Kind  string
	UseID string
	// Source is tool_source: "builtin" (the default), "mcp" (the default
	// for mcp__ names) or "sdk_host_builtin_mcp".
	Source string
	// MCPServerScope is the MCP server's scope (user, project, local, dynamic).
	MCPServerScope string
	// Command is a Bash command line; FilePath the file of Read, Write or
	// Edit; SkillName and SubagentType those of Skill and Agent. They reach
	// the span's gated keys (OTEL_LOG_TOOL_DETAILS), and Command its
	// bash_command_class and bash_argv0.
	Command, FilePath, SkillName, SubagentType string
	// Input is the tool input as JSON: tool_input (OTEL_LOG_TOOL_DETAILS)
	// and tool_input_size_bytes.
	Input string
	// Parameters is tool_parameters, JSON of the notable parameters
	// (OTEL_LOG_TOOL_DETAILS).
	Parameters string
	// PermissionMode is permission_mode of tool_decision; Decide's
	// WithPermissionMode sets it when only the permission layer knows it.
	PermissionMode string
	// RequestID is the API request whose response asked for the tool.
	RequestID string
	// Start is when the model asked for the tool; by default, now.
	Start time.Time
}

// ToolRun is a tool use in progress: the claude_code.tool span and what
// follows from it.
type ToolRun struct {
	s         *Session
	call      ToolCall
	span      spans.ToolSpan
	start     time.Time
	execStart time.Time
	exec      *spans.ExecutionSpan // set by Execute
	execCtx   context.Context
	mu        sync.Mutex
	decided   bool
	rejected  bool
	done      bool
	decision  metrics.Decision
	source    metrics.DecisionSource
}

type toolRunKey struct{}

// ToolRunFromContext returns the ToolRun that ctx carries: the context
// returned by StartTool, or one derived from it. It returns nil when there is
// none (a nil *ToolRun does nothing), so a permission layer or an edit tool
// can reach the run without threading it through.
func ToolRunFromContext(ctx context.Context) *ToolRun {
	if ctx == nil {
		return nil
	}
	r, _ := ctx.Value(toolRunKey{}).(*ToolRun)
	return r
}

// enabled reports whether r records: only StartTool on a recording session
// sets s. Small, so that the methods' off path inlines into the host's call.
func (r *ToolRun) enabled() bool { return r != nil && r.s != nil }

// StartTool begins a tool use and returns a context carrying the run
// (ToolRunFromContext). Record the permission decision with Decide, then the
// outcome with Done. A tool that never asks for permission needs no Decide:
// Execute or Done record it as accepted by configuration at its start.
func (s *Session) StartTool(ctx context.Context, call ToolCall) (_ context.Context, run *ToolRun) {
	// The off path, a nil Session, inlines into the host's call: under the
	// compiler's budget only in this shape (a nil check, an assignment).
	if s != nil || ctx == nil {
		ctx, run = s.startTool(ctx, call)
	}
	return ctx, run
}

func (s *Session) startTool(ctx context.Context, call ToolCall) (context.Context, *ToolRun) {
	ctx = orBackground(ctx)
	if !s.enabled() {
		return ctx, nil // a nil *ToolRun does nothing
	}
	r := &ToolRun{s: s, call: call}
	r.call.Kind = s.t.tools.kind(call.Kind, call.Name)
	if s.t.tools.kindNames {
		r.call.Name = r.call.Kind
	}
	ctx = context.WithValue(s.Context(ctx), toolRunKey{}, r)
	if r.call.Source == "" {
		r.call.Source = "builtin"
		if strings.HasPrefix(call.Name, "mcp__") {
			r.call.Source = "mcp"
		}
	}
	r.start = call.Start
	if r.start.IsZero() {
		r.start = s.t.state.Now()
	}
	var sctx context.Context
	sctx, r.span = s.t.spans.StartTool(ctx, spans.Tool{
		Name: r.call.Name, Kind: r.call.Kind, UseID: call.UseID, Command: call.Command, FilePath: call.FilePath,
		SkillName: call.SkillName, SubagentType: call.SubagentType, Start: r.start,
	})
	_ = sctx // the tool's events are emitted in the prompt's context, as Claude Code's are
	return ctx, r
}

// DecideOption configures Decide.
type DecideOption interface{ applyDecide(*ToolCall) }

type decideOptionFunc func(*ToolCall)

func (f decideOptionFunc) applyDecide(c *ToolCall) { f(c) }

// WithPermissionMode sets permission_mode of the decision. By default, it is
// the ToolCall's PermissionMode.
func WithPermissionMode(mode string) DecideOption {
	return decideOptionFunc(func(c *ToolCall) { c.PermissionMode = mode })
}

// Decide records the permission decision: the claude_code.tool.blocked_on_user
// span and the tool_decision event inside it. A rejected tool ends here, with
// no tool_result, as in Claude Code. Only the first decision counts.
func (r *ToolRun) Decide(ctx context.Context, decision metrics.Decision, source metrics.DecisionSource, opts ...DecideOption) {
	if !r.enabled() {
		return
	}
	r.decide(ctx, decision, source, time.Time{}, opts)
}

// decide records the decision made at, by default now; the caller holds
// nothing.
func (r *ToolRun) decide(ctx context.Context, decision metrics.Decision, source metrics.DecisionSource, at time.Time, opts []DecideOption) {
	r.mu.Lock()
	if r.decided {
		r.mu.Unlock()
		return
	}
	r.decided = true
	r.rejected = decision == metrics.DecisionReject
	r.decision, r.source = decision, source
	for _, o := range opts {
		if o != nil {
			o.applyDecide(&r.call)
		}
	}
	r.mu.Unlock()

	ctx = r.s.Context(ctx)
	blocked := r.span.StartBlockedOnUser(r.start)
	now := at
	if now.IsZero() {
		now = r.s.t.state.Now()
	}
	bctx := ctx
	if r.s.t.logger.Enabled(ctx, log.EnabledParameters{}) { // else the context costs two allocations for nothing
		bctx = blocked.Context(ctx)
	}
	r.s.t.events.ToolDecision(bctx, events.ToolDecision{
		Decision: string(decision), Source: string(source), ToolName: r.call.Name, ToolUseID: r.call.UseID,
		ToolSource: r.call.Source, ToolParameters: r.call.Parameters, PermissionMode: r.call.PermissionMode,
		RequestID: r.call.RequestID,
	})
	blocked.End(spans.Blocked{Decision: string(decision), Source: string(source), Duration: now.Sub(r.start), Instant: !at.IsZero()})
	r.execStart = now
	if r.rejected {
		r.finish(spans.ToolResult{Duration: now.Sub(r.start)})
	}
}

// Execute starts the execution of an accepted tool now and returns ctx
// under it: what is recorded with that context, such as the API calls and
// events of a subagent the Agent tool runs, nests under the
// claude_code.tool.execution span, as in Claude Code. Done ends the
// execution; without Execute, Done records it afterwards. Without a prior
// decision the tool is accepted by configuration at its start, so execution
// is timed from the start. After a rejection or on a disabled Telemetry, ctx
// is returned unchanged.
func (r *ToolRun) Execute(ctx context.Context) context.Context {
	if ctx != nil && !r.enabled() {
		return ctx // the off path, inlined into the host's call
	}
	return r.execute(ctx)
}

func (r *ToolRun) execute(ctx context.Context) context.Context {
	ctx = orBackground(ctx)
	if !r.enabled() {
		return ctx
	}
	r.acceptAtStart(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rejected || r.done {
		return ctx
	}
	if r.exec == nil {
		r.execCtx, r.exec = r.span.StartExecution(r.s.Context(ctx), r.execStart)
	}
	return r.execCtx
}

// ToolOutcome is how a tool use ended.
type ToolOutcome struct {
	Success bool
	// Error is the full error message (sent with OTEL_LOG_TOOL_DETAILS);
	// ErrorType its category ("ShellError", "Error:ENOENT").
	Error, ErrorType string
	// ResultSizeBytes is the size of the tool result given to the model.
	ResultSizeBytes int
	// Output, Content and Diff are the tool.output span event's content
	// (OTEL_LOG_TOOL_CONTENT): Bash output, Read/Write content, Edit diff.
	Output, Content, Diff string
}

// acceptAtStart records the decision of a tool that never asked: accepted by
// configuration at its start (a zero-length blocked_on_user span), as
// Claude Code records a tool its rules allow.
func (r *ToolRun) acceptAtStart(ctx context.Context) {
	r.decide(ctx, metrics.DecisionAccept, metrics.SourceConfig, r.start, nil)
}

// Done records the outcome: the claude_code.tool.execution span, the
// tool_result event, and the end of the tool span. A tool with no recorded
// decision counts as accepted by configuration at its start.
func (r *ToolRun) Done(ctx context.Context, o ToolOutcome) {
	if r.enabled() { // the off path, inlined into the host's call
		r.record(ctx, o)
	}
}

func (r *ToolRun) record(ctx context.Context, o ToolOutcome) {
	ctx = orBackground(ctx)
	if !r.enabled() {
		return
	}
	r.acceptAtStart(ctx)
	r.mu.Lock()
	rejected, done := r.rejected, r.done
	r.mu.Unlock()
	if done || rejected {
		return
	}
	ctx = r.s.Context(ctx)
	now := r.s.t.state.Now()
	r.s.t.events.ToolResult(ctx, events.ToolResult{
		ToolName: r.call.Name, ToolUseID: r.call.UseID, Success: o.Success,
		DurationMs: now.Sub(r.execStart).Milliseconds(), ErrorType: o.ErrorType, Error: o.Error,
		ToolParameters: r.call.Parameters, ToolInput: r.call.Input,
		ToolInputSizeBytes: int64(len(r.call.Input)), ToolResultSizeBytes: int64(o.ResultSizeBytes),
		MCPServerScope: r.call.MCPServerScope, RequestID: r.call.RequestID,
	})
	exec := spans.Execution{Success: o.Success, Error: o.Error, ErrorCategory: o.ErrorType, Start: r.execStart, Duration: now.Sub(r.execStart)}
	res := spans.ToolResult{Execution: &exec, Duration: now.Sub(r.start)}
	r.mu.Lock()
	if x := r.exec; x != nil {
		res.Execution = nil
		x.End(exec)
	}
	r.mu.Unlock()
	if o.Output != "" || o.Content != "" || o.Diff != "" {
		fp := ""
		if o.Content != "" {
			fp = r.call.FilePath
		}
		res.Output = &spans.ToolOutput{FilePath: fp, Content: o.Content, Diff: o.Diff, Output: o.Output}
	}
	r.finish(res)
}

func (r *ToolRun) finish(res spans.ToolResult) {
	r.mu.Lock()
	if r.done {
		r.mu.Unlock()
		return
	}
	r.done = true
	r.mu.Unlock()
	r.span.End(res)
}

// Edit records the permission decision and line counts of the run's edit
// (Session.EditDecision) with what the run already knows: its tool's kind
// and file, its decision and source (accepted by configuration at its start
// when none was recorded), and the session's last model. Fields set in e win.
func (r *ToolRun) Edit(ctx context.Context, e Edit) (added, removed int) {
	if r != nil { // the off path, a nil ToolRun, inlines into the host's call
		added, removed = r.edit(ctx, e)
	}
	return added, removed
}

func (r *ToolRun) edit(ctx context.Context, e Edit) (added, removed int) {
	ctx = orBackground(ctx)
	if !r.enabled() {
		return 0, 0
	}
	r.acceptAtStart(ctx)
	r.mu.Lock()
	if e.ToolName == "" {
		e.ToolName = r.call.Kind
	}
	if e.FilePath == "" {
		e.FilePath = r.call.FilePath
	}
	if e.Decision == "" {
		e.Decision, e.Source = r.decision, r.source
	}
	r.mu.Unlock()
	return r.s.EditDecision(ctx, e)
}

// toolKinds is what WithToolKinds and WithToolKindNames set.
type toolKinds struct {
	byName    map[string]string
	kindNames bool
}

// kind is the Claude Code tool a host's tool works as: the kind given, else
// the mapped one, else its name.
func (k toolKinds) kind(given, name string) string {
	if given != "" {
		return given
	}
	if mapped, ok := k.byName[name]; ok {
		return mapped
	}
	return name
}

// WithToolKinds maps the host's tool names to the Claude Code tools they work
// as, {"bash": "Bash", "write": "Write", "edit": "Edit"}, for a host whose
// tools are named otherwise: see ToolCall.Kind for what a kind changes. The
// map is copied. By default, a tool's kind is its ToolCall.Kind, else its
// Name.
func WithToolKinds(kinds map[string]string) Option {
	byName := make(map[string]string, len(kinds))
	for name, kind := range kinds {
		byName[name] = kind
	}
	return optionFunc(func(o *options) { o.tools.byName = byName })
}

// WithToolKindNames sends a tool's kind as its tool_name on every signal (a
// host's "write" is sent as "Write"), for dashboards built for Claude Code.
// By default, tool_name is the host's ToolCall.Name.
func WithToolKindNames() Option {
	return optionFunc(func(o *options) { o.tools.kindNames = true })
}
