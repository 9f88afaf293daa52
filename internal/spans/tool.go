package spans

import (
	"cmp"
	"context"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/redact"
)

// Tool is one tool call, known when it starts.
type Tool struct {
	// Name is tool_name: "Bash", "Write", or "mcp__<server>__<tool>" for an
	// MCP tool, which the span keeps verbatim (the log events do not).
	Name string
	// Kind is the Claude Code tool Name works as, for a host whose names
	// differ (its "bash" is Bash); by default, Name.
	Kind  string
	UseID string // tool_use_id and gen_ai.tool.call.id
	// MCPServer and MCPTool override the names parsed from
	// mcp__<server>__<tool>, for servers whose names contain "__".
	MCPServer string
	MCPTool   string
	// Command is the Bash command line. bash_command_class and bash_argv0
	// are always derived from it when Kind is Bash; full_command needs
	// OTEL_LOG_TOOL_DETAILS.
	Command string
	// BashCommandClass overrides the class from ClassifyBash.
	BashCommandClass string
	// Sent only with OTEL_LOG_TOOL_DETAILS.
	FilePath     string // file_path: Read, Write, Edit
	SkillName    string // skill_name: Skill
	SubagentType string // subagent_type: Agent, Task
	// ConversationID overrides gen_ai.conversation.id.
	ConversationID string
	// Start is when the model asked for the tool; zero means now.
	Start time.Time
}

// ToolOutput is the tool.output span event, sent only with
// OTEL_LOG_TOOL_CONTENT. Keys are sent in this order when non-empty, each
// cut at the content limit with <key>_truncated and <key>_original_length
// after it when cut; an all-empty ToolOutput sends output="".
type ToolOutput struct {
	FilePath string // file_path (Read, Write)
	Content  string // content (Read, Write)
	Diff     string // diff (Edit)
	Output   string // output (Bash)
}

// Blocked is the permission wait of a tool: claude_code.tool.blocked_on_user.
type Blocked struct {
	Decision string // "accept" or "reject"
	Source   string // as tool_decision's source: "config", "user_temporary", ...
	// Start is used by ToolResult and RecordTool; zero means the tool's start.
	Start time.Time
	// Duration is duration_ms and places the end; zero measures up to now
	// unless Instant.
	Duration time.Duration
	// Instant: the decision took no time (a tool the configuration allowed
	// at its start), so a zero Duration is zero.
	Instant bool
}

// Execution is the run of a tool body: claude_code.tool.execution.
type Execution struct {
	Success bool
	// Error is the full error message, sent only with
	// OTEL_LOG_TOOL_DETAILS; otherwise error carries ErrorCategory
	// ("ShellError", "Error:ENOENT"; "Error" when empty).
	Error         string
	ErrorCategory string
	// Start is used by ToolResult and RecordTool; zero means the tool's start.
	Start    time.Time
	Duration time.Duration
}

// ToolResult ends a tool span. Blocked and Execution, when set, record the
// child spans after the fact; leave them nil when they were started with
// StartBlockedOnUser and StartExecution.
type ToolResult struct {
	Blocked   *Blocked
	Execution *Execution
	Output    *ToolOutput
	// Duration is duration_ms, permission wait included; zero measures up
	// to now.
	Duration time.Duration
}

// ToolSpan is a started claude_code.tool span. It is a value, kept by the
// caller for the tool's life (telemetry.ToolRun holds it), so a tool span
// allocates nothing of its own; the zero ToolSpan does nothing.
type ToolSpan struct {
	t     *Tracer
	ctx   context.Context // the tool's context, parent of its children
	span  trace.Span
	start time.Time
	useID string
	conv  string
}

// StartTool starts a tool span under the span in ctx.
func (t *Tracer) StartTool(ctx context.Context, tl Tool) (context.Context, ToolSpan) {
	if t == nil {
		return ctx, ToolSpan{}
	}
	start := t.startTime(tl.Start)
	ctx, span := t.start(ctx, NameTool, start)
	s := ToolSpan{t: t, ctx: ctx, span: span, start: start, useID: tl.UseID}
	if !span.IsRecording() {
		return ctx, s
	}
	ss := t.st.Session(ctx)
	s.conv = conversation(ctx, tl.ConversationID, ss)
	server, bare, isMCP := mcpNames(tl)
	safe := tl.Name
	if isMCP {
		safe = "mcp_other"
	}
	buf := header(ss.Attributes, ss.Provider.Family, NameTool)
	kv := *buf
	kv = append(kv,
		attribute.String("tool_name", tl.Name),
		attribute.String("tool_name_safe", safe),
		attribute.String("gen_ai.operation.name", "execute_tool"),
		attribute.String("gen_ai.tool.name", bare),
	)
	if isMCP {
		kv = append(kv, attribute.String("anthropic.mcp.server.name", server))
	}
	kv = append(kv, attribute.String("gen_ai.conversation.id", s.conv))
	if t.st.Content.ToolDetails {
		for _, d := range [...]struct{ k, v string }{
			{"file_path", tl.FilePath}, {"full_command", tl.Command},
			{"skill_name", tl.SkillName}, {"subagent_type", tl.SubagentType},
		} {
			if d.v != "" {
				kv = append(kv, attribute.String(d.k, t.content(d.v)))
			}
		}
	}
	if cmp.Or(tl.Kind, tl.Name) == "Bash" {
		class, argv0 := ClassifyBash(tl.Command)
		if tl.BashCommandClass != "" {
			class = tl.BashCommandClass
		}
		kv = append(kv,
			attribute.String("bash_command_class", class),
			attribute.String("bash_argv0", argv0))
	}
	kv = append(kv,
		attribute.String("tool_use_id", tl.UseID),
		attribute.String("gen_ai.tool.call.id", tl.UseID))
	t.setPooled(span, NameTool, buf, kv)
	return ctx, s
}

// RecordTool records a finished tool call with its children in one step,
// for a host that reports after the fact.
func (t *Tracer) RecordTool(ctx context.Context, tl Tool, res ToolResult) {
	if t == nil {
		return
	}
	_, s := t.StartTool(ctx, tl)
	s.End(res)
}

// mcpNames splits mcp__<server>__<tool>. The bare tool name is
// gen_ai.tool.name; a built-in tool's is its own name.
func mcpNames(tl Tool) (server, bare string, isMCP bool) {
	rest, ok := strings.CutPrefix(tl.Name, "mcp__")
	if !ok {
		return "", tl.Name, false
	}
	server, bare, _ = strings.Cut(rest, "__")
	if tl.MCPServer != "" {
		server = tl.MCPServer
	}
	if tl.MCPTool != "" {
		bare = tl.MCPTool
	}
	return server, bare, true
}

// SpanContext identifies the span.
func (s *ToolSpan) SpanContext() trace.SpanContext {
	if s == nil || s.t == nil {
		return trace.SpanContext{}
	}
	return s.span.SpanContext()
}

// BlockedSpan is a started claude_code.tool.blocked_on_user span. It is a
// value, as the wait is ended by the code that started it, so a tool's
// permission wait allocates nothing of its own; the zero BlockedSpan does
// nothing.
type BlockedSpan struct {
	t     *Tracer
	span  trace.Span
	start time.Time
	ss    *core.Session
	conv  string
}

// Context returns ctx under the wait's span, for the tool_decision event
// emitted inside it, as in Claude Code; ctx itself when the span is not
// valid, which would hide a parent ctx holds.
func (b BlockedSpan) Context(ctx context.Context) context.Context {
	if b.t == nil || !b.span.SpanContext().IsValid() {
		return ctx
	}
	return trace.ContextWithSpan(ctx, b.span)
}

// StartBlockedOnUser starts the permission wait under the tool span. A zero
// start means now.
func (s *ToolSpan) StartBlockedOnUser(start time.Time) BlockedSpan {
	if s == nil || s.t == nil {
		return BlockedSpan{}
	}
	start = s.t.startTime(start)
	_, span := s.t.start(s.ctx, NameBlockedOnUser, start)
	return BlockedSpan{t: s.t, span: span, start: start,
		ss: s.t.st.Session(s.ctx), conv: s.conv}
}

// End ends the wait with the decision. b.Start is ignored.
func (b BlockedSpan) End(d Blocked) {
	if b.t == nil {
		return
	}
	end := b.t.endTime(b.start, d.Duration)
	if d.Instant {
		end = b.start.Add(d.Duration)
	}
	if b.span.IsRecording() {
		buf := header(b.ss.Attributes, b.ss.Provider.Family, NameBlockedOnUser)
		kv := *buf
		kv = append(kv,
			attribute.String("gen_ai.conversation.id", b.conv),
			attribute.Int64("duration_ms", ms(end.Sub(b.start))),
			attribute.String("decision", d.Decision),
			attribute.String("source", d.Source))
		b.t.setPooled(b.span, NameBlockedOnUser, buf, kv)
	}
	b.span.End(trace.WithTimestamp(end))
}

// ExecutionSpan is a started claude_code.tool.execution span.
type ExecutionSpan struct {
	t     *Tracer
	span  trace.Span
	start time.Time
	ss    *core.Session
	useID string
	conv  string
}

// StartExecution starts the tool body under the tool span. ctx supplies
// values only (the tool span is the parent whatever span ctx holds); spans
// started from the returned context, such as a subagent's model calls, nest
// under the execution. A zero start means now.
func (s *ToolSpan) StartExecution(ctx context.Context, start time.Time) (context.Context, *ExecutionSpan) {
	if s == nil || s.t == nil {
		return ctx, nil
	}
	ctx, x := s.startExecution(trace.ContextWithSpan(ctx, s.span), start)
	return ctx, &x
}

// startExecution starts the execution span under ctx, which holds the tool
// span. End calls it with the tool's own context and ends the span at once,
// so the ExecutionSpan stays a value, not an allocation.
func (s *ToolSpan) startExecution(ctx context.Context, start time.Time) (context.Context, ExecutionSpan) {
	start = s.t.startTime(start)
	ctx, span := s.t.start(ctx, NameToolExecution, start)
	return ctx, ExecutionSpan{t: s.t, span: span, start: start,
		ss: s.t.st.Session(ctx), useID: s.useID, conv: s.conv}
}

// End ends the tool body; a failure sets status ERROR. e.Start is ignored.
func (x *ExecutionSpan) End(e Execution) {
	if x == nil {
		return
	}
	t := x.t
	end := t.endTime(x.start, e.Duration)
	if x.span.IsRecording() {
		buf := header(x.ss.Attributes, x.ss.Provider.Family, NameToolExecution)
		kv := *buf
		kv = append(kv,
			attribute.String("gen_ai.conversation.id", x.conv),
			attribute.String("tool_use_id", x.useID),
			attribute.String("gen_ai.tool.call.id", x.useID),
			attribute.Int64("duration_ms", ms(end.Sub(x.start))),
			attribute.Bool("success", e.Success))
		if !e.Success {
			msg := e.ErrorCategory
			if msg == "" {
				msg = "Error"
			}
			if t.st.Content.ToolDetails && e.Error != "" {
				msg = t.content(e.Error)
			}
			kv = append(kv, attribute.String("error", msg))
			t.setPooled(x.span, NameToolExecution, buf, kv)
			t.fail(x.span, NameToolExecution, msg)
		} else {
			t.setPooled(x.span, NameToolExecution, buf, kv)
		}
	}
	x.span.End(trace.WithTimestamp(end))
}

// AddOutput adds the tool.output event now, when OTEL_LOG_TOOL_CONTENT is on.
func (s *ToolSpan) AddOutput(o ToolOutput) {
	if s == nil || s.t == nil {
		return
	}
	s.addOutput(o, s.t.now())
}

func (s *ToolSpan) addOutput(o ToolOutput, at time.Time) {
	t := s.t
	if !t.st.Content.ToolContent || !s.span.IsRecording() {
		return
	}
	kv := make([]attribute.KeyValue, 0, 4)
	add := func(k, v string) {
		cut, truncated := redact.Truncate(v, t.max())
		kv = append(kv, attribute.String(k, cut))
		if truncated {
			kv = append(kv,
				attribute.Bool(k+"_truncated", true),
				attribute.Int(k+"_original_length", redact.UTF16Len(v)))
		}
	}
	for _, f := range [...]struct{ k, v string }{
		{"file_path", o.FilePath}, {"content", o.Content}, {"diff", o.Diff}, {"output", o.Output},
	} {
		if f.v != "" {
			add(f.k, f.v)
		}
	}
	if len(kv) == 0 {
		add("output", "")
	}
	t.event(s.span, NameTool, EventToolOutput, at, kv)
}

// End ends the tool span, first recording any children and output res
// carries.
func (s *ToolSpan) End(res ToolResult) {
	if s == nil || s.t == nil {
		return
	}
	t := s.t
	end := t.endTime(s.start, res.Duration)
	if b := res.Blocked; b != nil {
		s.StartBlockedOnUser(s.childStart(b.Start)).End(*b)
	}
	if e := res.Execution; e != nil {
		_, x := s.startExecution(s.ctx, s.childStart(e.Start))
		x.End(*e)
	}
	if res.Output != nil {
		s.addOutput(*res.Output, end)
	}
	if s.span.IsRecording() {
		t.set(s.span, NameTool, []attribute.KeyValue{attribute.Int64("duration_ms", ms(end.Sub(s.start)))})
	}
	s.span.End(trace.WithTimestamp(end))
}

func (s *ToolSpan) childStart(at time.Time) time.Time {
	if at.IsZero() {
		return s.start
	}
	return at
}

// Bash command classes. Only the first three were seen in Claude Code's
// captures; "other" is ccotel's name for a command outside the table.
const (
	BashShellBuiltin = "shell_builtin"
	BashVCS          = "vcs"
	BashGitHubCLI    = "github_cli"
	BashOther        = "other"
)

var bashClasses = map[string]string{
	"gh":  BashGitHubCLI,
	"git": BashVCS, "hg": BashVCS, "svn": BashVCS, "jj": BashVCS,
}

// The builtins of POSIX sh and bash.
var shellBuiltins = strings.Fields(`. : [ alias bg bind break builtin caller cd command
	compgen complete continue declare dirs disown echo enable eval exec exit export
	false fc fg getopts hash help history jobs kill let local logout mapfile popd
	printf pushd pwd read readarray readonly return set shift shopt source suspend
	test times trap true type typeset ulimit umask unalias unset wait`)

func init() {
	for _, b := range shellBuiltins {
		bashClasses[b] = BashShellBuiltin
	}
}

// ClassifyBash returns bash_command_class and bash_argv0 of a command line:
// the first word after any VAR=value assignments, without its directory.
func ClassifyBash(command string) (class, argv0 string) {
	for w := range strings.FieldsSeq(command) { // Fields would allocate the slice of words
		if i := strings.IndexByte(w, '='); i > 0 && !strings.ContainsAny(w[:i], `/"'$`) {
			continue
		}
		argv0 = strings.Trim(w, `"'`)
		break
	}
	if i := strings.LastIndexByte(argv0, '/'); i >= 0 {
		argv0 = argv0[i+1:]
	}
	if c, ok := bashClasses[argv0]; ok {
		return c, argv0
	}
	return BashOther, argv0
}
