package spans

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/redact"
)

// TestPromptTree drives the bash_allowed scenario live and compares the tree
// with the 2.1.330 capture.
func TestPromptTree(t *testing.T) {
	r := newRig(t, defaultCfg())
	ctx, in := r.tr.StartInteraction(r.ctx, Interaction{Prompt: "Run echo hi please"})
	r.advance(147 * time.Millisecond)
	lctx, llm := r.tr.StartLLMRequest(ctx, LLMRequest{Model: "claude-sonnet-4-5-20250929"})
	if lctx == ctx {
		t.Error("StartLLMRequest must return the span's context")
	}
	r.advance(8 * time.Millisecond)
	llm.AddAttempt(1)
	r.advance(64 * time.Millisecond)
	llm.End(LLMResult{InputTokens: 107, OutputTokens: 35, CacheReadTokens: 2000, CacheCreationTokens: 300,
		RequestID: "req_1", TTFT: 19 * time.Millisecond, FirstContent: 20 * time.Millisecond, StopReason: "tool_use"})
	tctx, tool := r.tr.StartTool(ctx, Tool{Name: "Bash", UseID: "toolu_1", Command: "echo hi"})
	b := tool.StartBlockedOnUser(time.Time{})
	r.advance(19 * time.Millisecond)
	b.End(Blocked{Decision: "accept", Source: "config"})
	_, ex := tool.StartExecution(tctx, time.Time{})
	r.advance(44 * time.Millisecond)
	ex.End(Execution{Success: true})
	tool.End(ToolResult{})
	r.advance(30 * time.Millisecond)
	in.End()

	m := r.byName()
	if len(m) != 5 {
		t.Fatalf("%d spans", len(m))
	}
	root, l, tl, bl, x := m[NameInteraction], m[NameLLMRequest], m[NameTool], m[NameBlockedOnUser], m[NameToolExecution]
	if root.Parent().IsValid() {
		t.Error("the interaction is a root")
	}
	for _, c := range []struct{ child, parent string }{
		{NameLLMRequest, NameInteraction}, {NameTool, NameInteraction},
		{NameBlockedOnUser, NameTool}, {NameToolExecution, NameTool},
	} {
		if m[c.child].Parent().SpanID() != m[c.parent].SpanContext().SpanID() ||
			m[c.child].SpanContext().TraceID() != root.SpanContext().TraceID() {
			t.Errorf("%s is not a child of %s", c.child, c.parent)
		}
	}
	for _, s := range m {
		if s.SpanKind() != trace.SpanKindInternal || s.Status().Code != codes.Unset {
			t.Errorf("%s: kind %v status %v", s.Name(), s.SpanKind(), s.Status())
		}
	}
	checkKeys(t, root, "gen_ai.provider.name:s", "span.type:s", "gen_ai.operation.name:s", "gen_ai.conversation.id:s",
		"user_prompt:s", "user_prompt_length:i", "interaction.sequence:i", "parent.source:s", "queued_sends:i",
		"interaction.duration_ms:i")
	// No ResponseModel: gen_ai.response.model is left out, as Claude Code
	// does when the response's model does not look like one.
	checkKeys(t, l, "gen_ai.provider.name:s", "span.type:s", "model:s", "gen_ai.system:s", "gen_ai.request.model:s",
		"gen_ai.operation.name:s", "llm_request.context:s", "speed:s", "gen_ai.conversation.id:s", "query_source_safe:s", "duration_ms:i",
		"input_tokens:i", "output_tokens:i", "cache_read_tokens:i", "cache_creation_tokens:i", "success:b", "attempt:i",
		"request_id:s", "gen_ai.response.id:s", "ttft_ms:i", "first_content_ms:i", "stop_reason:s",
		"gen_ai.response.finish_reasons:a", "gen_ai.usage.input_tokens:i", "gen_ai.usage.output_tokens:i",
		"gen_ai.usage.cache_read.input_tokens:i", "gen_ai.usage.cache_write.input_tokens:i")
	checkKeys(t, tl, "gen_ai.provider.name:s", "span.type:s", "tool_name:s", "tool_name_safe:s", "gen_ai.operation.name:s",
		"gen_ai.tool.name:s", "gen_ai.conversation.id:s", "bash_command_class:s", "bash_argv0:s", "tool_use_id:s",
		"gen_ai.tool.call.id:s", "duration_ms:i")
	checkKeys(t, bl, "gen_ai.provider.name:s", "span.type:s", "gen_ai.conversation.id:s", "duration_ms:i", "decision:s", "source:s")
	checkKeys(t, x, "gen_ai.provider.name:s", "span.type:s", "gen_ai.conversation.id:s", "tool_use_id:s",
		"gen_ai.tool.call.id:s", "duration_ms:i", "success:b")

	for _, c := range []struct {
		span      string
		key, want string
	}{
		{NameInteraction, "span.type", "interaction"},
		{NameInteraction, "gen_ai.operation.name", "invoke_agent"},
		{NameInteraction, "user_prompt", "<REDACTED>"},
		{NameInteraction, "user_prompt_length", "18"},
		{NameInteraction, "interaction.sequence", "1"},
		{NameInteraction, "parent.source", "none"},
		{NameInteraction, "interaction.duration_ms", "312"},
		{NameInteraction, "gen_ai.conversation.id", r.ss.ID},
		{NameLLMRequest, "span.type", "llm_request"},
		{NameLLMRequest, "gen_ai.provider.name", "anthropic"},
		{NameLLMRequest, "llm_request.context", "interaction"},
		{NameLLMRequest, "speed", "normal"},
		{NameLLMRequest, "query_source_safe", "sdk"},
		{NameLLMRequest, "duration_ms", "72"},
		{NameLLMRequest, "gen_ai.response.id", "req_1"},
		{NameLLMRequest, "first_content_ms", "20"},
		{NameLLMRequest, "gen_ai.response.finish_reasons", `["tool_use"]`},
		{NameTool, "span.type", "tool"},
		{NameTool, "tool_name_safe", "Bash"},
		{NameTool, "gen_ai.operation.name", "execute_tool"},
		{NameTool, "gen_ai.tool.name", "Bash"},
		{NameTool, "bash_command_class", "shell_builtin"},
		{NameTool, "bash_argv0", "echo"},
		{NameTool, "duration_ms", "63"},
		{NameBlockedOnUser, "span.type", "tool.blocked_on_user"},
		{NameBlockedOnUser, "decision", "accept"},
		{NameBlockedOnUser, "duration_ms", "19"},
		{NameToolExecution, "span.type", "tool.execution"},
		{NameToolExecution, "gen_ai.tool.call.id", "toolu_1"},
		{NameToolExecution, "duration_ms", "44"},
	} {
		if got := str(t, m[c.span], c.key); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.span, c.key, got, c.want)
		}
	}
	ev := l.Events()
	if len(ev) != 1 || ev[0].Name != EventAttempt || strings.Join(keyTypes(ev[0].Attributes), " ") != "attempt:i" {
		t.Errorf("attempt events %+v", ev)
	}
	if got := l.EndTime().Sub(l.StartTime()); got != 72*time.Millisecond {
		t.Errorf("llm_request lasts %v", got)
	}
	if len(tl.Events()) != 0 {
		t.Error("tool.output needs OTEL_LOG_TOOL_CONTENT")
	}
}

func TestLLMFailure(t *testing.T) {
	r := newRig(t, defaultCfg())
	_, s := r.tr.StartLLMRequest(r.ctx, LLMRequest{Model: "m"})
	for n := 1; n <= 3; n++ {
		s.AddAttempt(n)
		r.advance(500 * time.Millisecond)
	}
	s.End(LLMResult{Error: "Internal server error (mock)", StatusCode: 500, Attempt: 3, RequestID: "req_x",
		InputTokens: 9, StopReason: "end_turn", TTFT: time.Second, ResponseModel: "m"})
	l := r.byName()[NameLLMRequest]
	checkKeys(t, l, "gen_ai.provider.name:s", "span.type:s", "model:s", "gen_ai.system:s", "gen_ai.request.model:s",
		"gen_ai.operation.name:s", "llm_request.context:s", "speed:s", "gen_ai.conversation.id:s", "query_source_safe:s", "duration_ms:i",
		"success:b", "status_code:i", "error:s", "error_class:s", "attempt:i", "request_id:s", "gen_ai.response.id:s")
	if l.Status().Code != codes.Error || l.Status().Description != "Internal server error (mock)" {
		t.Errorf("status %+v", l.Status())
	}
	if got := str(t, l, "error_class"); got != "server_error" {
		t.Errorf("error_class %q", got)
	}
	if got := str(t, l, "success"); got != "false" {
		t.Errorf("success %q", got)
	}
	ev := l.Events()
	if len(ev) != 3 {
		t.Fatalf("%d attempt events", len(ev))
	}
	for i, e := range ev {
		if e.Attributes[0].Value.AsInt64() != int64(i+1) || e.Time != l.StartTime().Add(time.Duration(i)*500*time.Millisecond) {
			t.Errorf("event %d: %+v", i, e)
		}
	}
	for code, want := range map[int]string{400: "client_error", 404: "client_error", 429: "rate_limit",
		500: "server_error", 503: "server_error", 529: "server_overload", 0: ""} {
		if got := errorClass(LLMResult{StatusCode: code}); got != want {
			t.Errorf("errorClass(%d) = %q, want %q", code, got, want)
		}
	}
	if errorClass(LLMResult{StatusCode: 500, ErrorClass: "timeout"}) != "timeout" {
		t.Error("an explicit ErrorClass wins")
	}
}

// TestLLMOneShot records a call after the fact with retries from the
// beta-header fallback (attempt=1, three events, as in err400).
func TestLLMOneShot(t *testing.T) {
	r := newRig(t, defaultCfg())
	start := r.now.Add(-time.Second)
	times := []time.Time{start.Add(time.Millisecond), start.Add(2 * time.Millisecond), start.Add(3 * time.Millisecond)}
	r.tr.RecordLLMRequest(r.ctx, LLMRequest{Model: "m", Start: start},
		LLMResult{Error: "mock: invalid request", StatusCode: 400, Attempt: 1, AttemptTimes: times, Duration: 250 * time.Millisecond})
	l := r.byName()[NameLLMRequest]
	if !l.StartTime().Equal(start) || !l.EndTime().Equal(start.Add(250*time.Millisecond)) {
		t.Errorf("span %v..%v", l.StartTime(), l.EndTime())
	}
	if str(t, l, "attempt") != "1" || str(t, l, "duration_ms") != "250" || str(t, l, "error_class") != "client_error" {
		t.Error("one-shot attributes")
	}
	if ev := l.Events(); len(ev) != 3 || !ev[2].Time.Equal(times[2]) || ev[2].Attributes[0].Value.AsInt64() != 3 {
		t.Errorf("events %+v", ev)
	}

	r2 := newRig(t, defaultCfg())
	r2.tr.RecordLLMRequest(r2.ctx, LLMRequest{Model: "m"}, LLMResult{Attempt: 2, StopReason: "end_turn"})
	if ev := r2.byName()[NameLLMRequest].Events(); len(ev) != 2 {
		t.Errorf("without times, Attempt events are added: %d", len(ev))
	}
}

func TestSessionIDOff(t *testing.T) {
	cfg := defaultCfg()
	cfg.Include.SessionID = false
	r := newRig(t, cfg)
	ctx, in := r.tr.StartInteraction(r.ctx, Interaction{Prompt: "x"})
	r.tr.RecordLLMRequest(ctx, LLMRequest{Model: "m"}, LLMResult{StopReason: "end_turn"})
	r.tr.RecordTool(ctx, Tool{Name: "Write", UseID: "t"}, ToolResult{Blocked: &Blocked{Decision: "accept", Source: "config"},
		Execution: &Execution{Success: true}})
	in.End()
	for name, s := range r.byName() {
		if _, ok := attr(s, "session.id"); ok {
			t.Errorf("%s keeps session.id", name)
		}
		if got := str(t, s, "gen_ai.conversation.id"); got != r.ss.ID {
			t.Errorf("%s gen_ai.conversation.id = %q", name, got)
		}
	}
}

func TestRepositoryOnlyAfterInteraction(t *testing.T) {
	cfg := defaultCfg()
	cfg.Include.Repository = true
	rec := newRig(t, cfg)
	st := core.NewState(cfg, core.Static{UserID: "u", Repository: &core.Repository{URL: "https://github.com/a/b", Owner: "a", Name: "b", Provider: "github"}})
	tr := New(rec.tr.tracer, st)
	ctx, in := tr.StartInteraction(context.Background(), Interaction{})
	tr.RecordLLMRequest(ctx, LLMRequest{}, LLMResult{})
	in.End()
	m := rec.byName()
	if _, ok := attr(m[NameInteraction], "vcs.repository.url.full"); ok {
		t.Error("the interaction span is recorded before the repository is known")
	}
	if _, ok := attr(m[NameLLMRequest], "vcs.repository.url.full"); !ok {
		t.Error("llm_request carries vcs.*")
	}
}

func TestUserPromptGate(t *testing.T) {
	prompt := strings.Repeat("é", 100) + "😀"
	for _, on := range []bool{false, true} {
		cfg := defaultCfg()
		cfg.Content.UserPrompts = on
		cfg.Content.MaxLength = 60
		r := newRig(t, cfg)
		_, in := r.tr.StartInteraction(r.ctx, Interaction{Prompt: prompt, Sequence: 7, QueuedSends: 2})
		in.EndAfter(3 * time.Second)
		s := r.byName()[NameInteraction]
		got := str(t, s, "user_prompt")
		switch {
		case !on && got != "<REDACTED>":
			t.Errorf("off: %q", got)
		case on && (!strings.HasPrefix(got, "éé") || !strings.Contains(got, "[TRUNCATED") || len([]rune(got)) > 60):
			t.Errorf("on: %q", got)
		}
		if str(t, s, "user_prompt_length") != "102" || str(t, s, "interaction.sequence") != "7" ||
			str(t, s, "queued_sends") != "2" || str(t, s, "interaction.duration_ms") != "3000" {
			t.Error("length is UTF-16 units and always sent; explicit sequence and queue kept")
		}
	}
}

func TestInteractionSequence(t *testing.T) {
	r := newRig(t, defaultCfg())
	ctx := core.ContextWithPrompt(r.ctx, &core.Prompt{ID: "p", Sequence: 5})
	_, a := r.tr.StartInteraction(ctx, Interaction{})
	a.End()
	_, b := r.tr.StartInteraction(r.ctx, Interaction{})
	b.End()
	_, c := r.tr.StartInteraction(r.ctx, Interaction{})
	c.End()
	var got []string
	for _, s := range r.rec.Ended() {
		got = append(got, str(t, s, "interaction.sequence"))
	}
	if strings.Join(got, ",") != "5,1,2" {
		t.Errorf("sequences %v: from the prompt in ctx, else the session's", got)
	}
	ended := r.rec.Ended()
	if ended[1].SpanContext().TraceID() == ended[2].SpanContext().TraceID() {
		t.Error("each prompt starts a new trace")
	}
}

func TestToolDetailsGate(t *testing.T) {
	for _, on := range []bool{false, true} {
		cfg := defaultCfg()
		cfg.Content.ToolDetails = on
		r := newRig(t, cfg)
		tctx, tool := r.tr.StartTool(r.ctx, Tool{Name: "Bash", UseID: "t", Command: "git commit -m x"})
		_, ex := tool.StartExecution(tctx, time.Time{})
		ex.End(Execution{Error: "fatal: not a git repository", ErrorCategory: "ShellError"})
		tool.End(ToolResult{})
		m := r.byName()
		_, has := attr(m[NameTool], "full_command")
		if has != on {
			t.Errorf("ToolDetails=%v: full_command present=%v", on, has)
		}
		if str(t, m[NameTool], "bash_command_class") != "vcs" || str(t, m[NameTool], "bash_argv0") != "git" {
			t.Error("bash class and argv0 are always sent")
		}
		want := "ShellError"
		if on {
			want = "fatal: not a git repository"
		}
		x := m[NameToolExecution]
		if got := str(t, x, "error"); got != want || x.Status().Code != codes.Error || str(t, x, "success") != "false" {
			t.Errorf("ToolDetails=%v: error %q status %v", on, got, x.Status())
		}
		if on {
			checkKeys(t, m[NameTool], "gen_ai.provider.name:s", "span.type:s", "tool_name:s", "tool_name_safe:s",
				"gen_ai.operation.name:s", "gen_ai.tool.name:s", "gen_ai.conversation.id:s", "full_command:s",
				"bash_command_class:s", "bash_argv0:s", "tool_use_id:s", "gen_ai.tool.call.id:s", "duration_ms:i")
		}
	}
}

func TestToolContent(t *testing.T) {
	cfg := defaultCfg()
	cfg.Content.ToolContent = true
	cfg.Content.MaxLength = 50
	r := newRig(t, cfg)
	long := strings.Repeat("x", 80)
	r.tr.RecordTool(r.ctx, Tool{Name: "Bash", UseID: "a", Command: "echo hi"}, ToolResult{Output: &ToolOutput{Output: "hi"}})
	r.tr.RecordTool(r.ctx, Tool{Name: "Write", UseID: "b"}, ToolResult{Output: &ToolOutput{FilePath: "/tmp/f", Content: long}})
	_, edit := r.tr.StartTool(r.ctx, Tool{Name: "Edit", UseID: "c"})
	edit.AddOutput(ToolOutput{Diff: "-a\n+b"})
	edit.End(ToolResult{})
	ended := r.rec.Ended()
	events := func(i int) []string {
		ev := ended[i].Events()
		if len(ev) != 1 || ev[0].Name != EventToolOutput {
			t.Fatalf("%d: %+v", i, ev)
		}
		return keyTypes(ev[0].Attributes)
	}
	if got := strings.Join(events(0), " "); got != "output:s" {
		t.Errorf("bash: %s", got)
	}
	if got := strings.Join(events(1), " "); got != "file_path:s content:s content_truncated:b content_original_length:i" {
		t.Errorf("write: %s", got)
	}
	wa := ended[1].Events()[0].Attributes
	if c := wa[1].Value.AsString(); len(c) != 50 || !strings.HasSuffix(c, "Content exceeds 60KB limit]") {
		t.Errorf("content %q", c)
	}
	if wa[3].Value.AsInt64() != 80 {
		t.Errorf("original length %v", wa[3].Value)
	}
	if got := strings.Join(events(2), " "); got != "diff:s" {
		t.Errorf("edit: %s", got)
	}

	r2 := newRig(t, defaultCfg())
	r2.tr.RecordTool(r2.ctx, Tool{Name: "Bash", Command: "echo"}, ToolResult{Output: &ToolOutput{Output: "hi"}})
	if len(r2.rec.Ended()[0].Events()) != 0 {
		t.Error("no tool.output without OTEL_LOG_TOOL_CONTENT")
	}
}

func TestToolOneShotChildren(t *testing.T) {
	r := newRig(t, defaultCfg())
	start := r.now.Add(-time.Minute)
	r.tr.RecordTool(r.ctx, Tool{Name: "Write", UseID: "w", Start: start}, ToolResult{
		Blocked:   &Blocked{Decision: "reject", Source: "config", Duration: 5 * time.Millisecond},
		Execution: &Execution{Success: true, Start: start.Add(10 * time.Millisecond), Duration: 20 * time.Millisecond},
		Duration:  40 * time.Millisecond,
	})
	m := r.byName()
	tl, b, x := m[NameTool], m[NameBlockedOnUser], m[NameToolExecution]
	if !b.StartTime().Equal(start) || !b.EndTime().Equal(start.Add(5*time.Millisecond)) ||
		!x.StartTime().Equal(start.Add(10*time.Millisecond)) || !tl.EndTime().Equal(start.Add(40*time.Millisecond)) {
		t.Error("one-shot timestamps")
	}
	if b.Parent().SpanID() != tl.SpanContext().SpanID() || x.Parent().SpanID() != tl.SpanContext().SpanID() {
		t.Error("children of the tool")
	}
	if str(t, b, "decision") != "reject" || str(t, tl, "duration_ms") != "40" || str(t, x, "duration_ms") != "20" {
		t.Error("one-shot attributes")
	}
}

func TestMCPAndSubagent(t *testing.T) {
	r := newRig(t, defaultCfg())
	ctx, in := r.tr.StartInteraction(r.ctx, Interaction{})
	r.tr.RecordTool(ctx, Tool{Name: "mcp__mocksrv__echo", UseID: "m"}, ToolResult{})
	actx, agent := r.tr.StartTool(ctx, Tool{Name: "Agent", UseID: "a", SubagentType: "general-purpose"})
	xctx, ex := agent.StartExecution(actx, time.Time{})
	sub := ContextWithAgent(xctx, "a3f5b9dbce58c1c79")
	r.tr.RecordLLMRequest(sub, LLMRequest{Model: "m", QuerySource: "agent:builtin:general-purpose"}, LLMResult{StopReason: "end_turn"})
	ex.End(Execution{Success: true})
	agent.End(ToolResult{})
	in.End()

	var mcp, ag, llm, exec = r.rec.Ended()[0], r.rec.Ended()[3], r.rec.Ended()[1], r.rec.Ended()[2]
	checkKeys(t, mcp, "gen_ai.provider.name:s", "span.type:s", "tool_name:s", "tool_name_safe:s", "gen_ai.operation.name:s",
		"gen_ai.tool.name:s", "anthropic.mcp.server.name:s", "gen_ai.conversation.id:s", "tool_use_id:s",
		"gen_ai.tool.call.id:s", "duration_ms:i")
	if str(t, mcp, "tool_name") != "mcp__mocksrv__echo" || str(t, mcp, "tool_name_safe") != "mcp_other" ||
		str(t, mcp, "gen_ai.tool.name") != "echo" || str(t, mcp, "anthropic.mcp.server.name") != "mocksrv" {
		t.Error("MCP names")
	}
	if _, ok := attr(ag, "subagent_type"); ok || str(t, ag, "tool_name_safe") != "Agent" {
		t.Error("subagent_type needs OTEL_LOG_TOOL_DETAILS")
	}
	if llm.Parent().SpanID() != exec.SpanContext().SpanID() {
		t.Error("a subagent's call nests under the Agent tool's execution")
	}
	if str(t, llm, "agent_id") != "a3f5b9dbce58c1c79" || str(t, llm, "gen_ai.conversation.id") != "a3f5b9dbce58c1c79" ||
		str(t, llm, "llm_request.context") != "tool" || str(t, llm, "query_source_safe") != "agent.builtin.general-purpose" {
		t.Error("subagent llm_request")
	}
	_, hasQS := attr(llm, "query_source")
	if hasQS {
		t.Error("query_source needs detailed tracing")
	}
}

func TestInboundParent(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, Remote: true})
	r := newRig(t, defaultCfg(), WithRemoteParent(parent))
	_, in := r.tr.StartInteraction(r.ctx, Interaction{})
	in.End()
	s := r.rec.Ended()[0]
	if !s.Parent().Equal(parent) || s.SpanContext().TraceID() != tid {
		t.Errorf("parent %v trace %v", s.Parent(), s.SpanContext().TraceID())
	}
	if str(t, s, "parent.source") != "env" {
		t.Error("parent.source=env")
	}

	// Without an inbound parent a span already in ctx is ignored.
	r2 := newRig(t, defaultCfg())
	_, host := r2.tr.tracer.Start(r2.ctx, "host")
	hctx := trace.ContextWithSpan(r2.ctx, host)
	_, in2 := r2.tr.StartInteraction(hctx, Interaction{})
	in2.End()
	if s := r2.rec.Ended()[0]; s.Parent().IsValid() || s.SpanContext().TraceID() == host.SpanContext().TraceID() {
		t.Error("the interaction starts a new trace")
	}
	host.End()
}

func TestDetailed(t *testing.T) {
	cfg := defaultCfg()
	cfg.Content.ToolDetails = true
	r := newRig(t, cfg)
	if _, h := r.tr.StartHook(r.ctx, Hook{Event: "PreToolUse"}); h != nil {
		t.Fatal("no hook span without detailed tracing")
	}
	r = newRig(t, cfg, WithDetailed(true))
	r.tr.RecordHook(r.ctx, Hook{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1, Definitions: `[{"command":"true"}]`},
		HookResult{NumSuccess: 1, Duration: 17 * time.Millisecond})
	r.tr.RecordHook(r.ctx, Hook{Event: "PostToolUse"}, HookResult{Error: "hook failed"})
	r.tr.RecordLLMRequest(r.ctx, LLMRequest{Model: "m", SystemPromptHash: "sp_bb174f718531", SystemPromptLength: 28446,
		Tools: `[{"name":"Bash","hash":"x"}]`, ToolsCount: 1, NewContextMessageCount: 2},
		LLMResult{InputTokens: 10, CacheReadTokens: 100, CacheCreationTokens: 5, OutputTokens: 3, HasToolCall: true, StopReason: "tool_use",
			ResponseModel: "claude-sonnet-4-5-20250929"})
	ended := r.rec.Ended()
	checkKeys(t, ended[0], "gen_ai.provider.name:s", "span.type:s", "gen_ai.conversation.id:s", "hook_event:s", "hook_name:s",
		"num_hooks:i", "hook_definitions:s", "duration_ms:i", "num_success:i", "num_blocking:i",
		"num_non_blocking_error:i", "num_cancelled:i")
	if ended[0].Status().Code != codes.Unset || ended[1].Status().Code != codes.Error {
		t.Error("hook status")
	}
	checkKeys(t, ended[2], "gen_ai.provider.name:s", "span.type:s", "model:s", "gen_ai.system:s", "gen_ai.request.model:s",
		"gen_ai.operation.name:s", "llm_request.context:s", "speed:s", "gen_ai.conversation.id:s", "query_source:s", "query_source_safe:s",
		"system_prompt_hash:s", "system_prompt_length:i", "tools:s", "tools_count:i", "new_context_message_count:i",
		"duration_ms:i", "input_tokens:i", "output_tokens:i", "cache_read_tokens:i", "cache_creation_tokens:i", "success:b",
		"attempt:i", "response.has_tool_call:b", "ttft_ms:i", "first_content_ms:i", "stop_reason:s",
		"gen_ai.response.finish_reasons:a", "gen_ai.usage.input_tokens:i", "gen_ai.usage.output_tokens:i",
		"gen_ai.usage.cache_read.input_tokens:i", "gen_ai.usage.cache_write.input_tokens:i", "gen_ai.response.model:s")
	for k, want := range map[string]string{"gen_ai.usage.input_tokens": "115", "input_tokens": "10", "gen_ai.usage.output_tokens": "3",
		"gen_ai.usage.cache_read.input_tokens": "100", "gen_ai.usage.cache_write.input_tokens": "5",
		"gen_ai.response.model": "claude-sonnet-4-5-20250929", "gen_ai.operation.name": "chat"} {
		if got := str(t, ended[2], k); got != want {
			t.Errorf("%s = %s, want %s (gen_ai.usage.input_tokens counts cache tokens; input_tokens stays flat)", k, got, want)
		}
	}
}

func TestRedactor(t *testing.T) {
	r := newRig(t, defaultCfg())
	var names []string
	r.st.Redact = func(name, key string, v attribute.Value) (attribute.Value, bool) {
		names = append(names, name)
		switch key {
		case "user.id":
			return v, false
		case "output":
			return attribute.StringValue("[hidden]"), true
		}
		return v, true
	}
	r.st.Content.ToolContent = true
	r.tr.RecordTool(r.ctx, Tool{Name: "Bash", Command: "echo"}, ToolResult{Output: &ToolOutput{Output: "secret"}})
	s := r.rec.Ended()[0]
	if _, ok := attr(s, "user.id"); ok {
		t.Error("the redactor drops user.id")
	}
	if v := s.Events()[0].Attributes[0].Value.AsString(); v != "[hidden]" {
		t.Errorf("event attribute not redacted: %q", v)
	}
	if names[0] != NameTool {
		t.Errorf("redactor name %q", names[0])
	}
}

func TestClassifyBash(t *testing.T) {
	for _, c := range []struct{ cmd, class, argv0 string }{
		{"echo hi", BashShellBuiltin, "echo"},
		{"git commit -m x", BashVCS, "git"},
		{"gh pr create --fill", BashGitHubCLI, "gh"},
		{"FOO=1 BAR=2 /usr/bin/git status", BashVCS, "git"},
		{"cd /tmp && ls", BashShellBuiltin, "cd"},
		{"ls -la", BashOther, "ls"},
		{"", BashOther, ""},
		{"'echo' x", BashShellBuiltin, "echo"},
	} {
		class, argv0 := ClassifyBash(c.cmd)
		if class != c.class || argv0 != c.argv0 {
			t.Errorf("ClassifyBash(%q) = %s %s, want %s %s", c.cmd, class, argv0, c.class, c.argv0)
		}
	}
}

func TestNilTracer(t *testing.T) {
	st := core.NewState(config.Config{}, core.Static{})
	if New(nil, st) != nil {
		t.Fatal("New(nil) must be the nil no-op Tracer")
	}
	var tr *Tracer
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		c, in := tr.StartInteraction(ctx, Interaction{Prompt: "p"})
		c, l := tr.StartLLMRequest(c, LLMRequest{Model: "m"})
		l.AddAttempt(1)
		l.End(LLMResult{InputTokens: 1, StopReason: "end_turn"})
		tr.RecordLLMRequest(c, LLMRequest{}, LLMResult{})
		c, tl := tr.StartTool(c, Tool{Name: "Bash", Command: "echo"})
		tl.StartBlockedOnUser(time.Time{}).End(Blocked{})
		_ = tl.StartBlockedOnUser(time.Time{}).Context(c)
		_, x := tl.StartExecution(c, time.Time{})
		x.End(Execution{})
		tl.AddOutput(ToolOutput{Output: "x"})
		tl.End(ToolResult{})
		tr.RecordTool(c, Tool{}, ToolResult{})
		_, h := tr.StartHook(c, Hook{})
		h.End(HookResult{})
		tr.RecordHook(c, Hook{}, HookResult{})
		in.End()
		_ = in.SpanContext()
		_ = tr.Detailed()
	})
	if allocs != 0 {
		t.Errorf("nil Tracer allocates %v per prompt", allocs)
	}
}

// TestSampledOut checks that a dropped span costs no attribute work but
// still numbers the prompt, so sequences do not depend on sampling.
func TestSampledOut(t *testing.T) {
	r := newRig(t, defaultCfg())
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	tr := New(tp.Tracer("x"), r.st)
	ctx, in := tr.StartInteraction(r.ctx, Interaction{})
	_, l := tr.StartLLMRequest(ctx, LLMRequest{})
	l.AddAttempt(1)
	l.End(LLMResult{})
	in.End()
	if r.ss.NextInteraction() != 2 {
		t.Error("a sampled-out prompt still takes its interaction.sequence")
	}
}

func TestResponseModel(t *testing.T) {
	for _, tc := range []struct {
		model string
		sent  bool
	}{
		{"claude-sonnet-4-5-20250929", true},
		{"us.anthropic.claude-sonnet-4-5-20250929-v1:0", true},
		{"", false},
		{"not a model", false},
		{"<html>", false},
		{strings.Repeat("m", 257), false},
	} {
		r := newRig(t, defaultCfg())
		r.tr.RecordLLMRequest(r.ctx, LLMRequest{Model: "m"}, LLMResult{InputTokens: 1, ResponseModel: tc.model})
		_, sent := attr(r.rec.Ended()[0], "gen_ai.response.model")
		if sent != tc.sent {
			t.Errorf("ResponseModel %q: sent %v, want %v", tc.model, sent, tc.sent)
		}
	}
}

// Every span attribute and status is bounded where the spans are built:
// identifiers (a host's model, request id, an API error, a redactor's
// output) at redact.IdentifierMax bytes, content (a tool's full error with
// OTEL_LOG_TOOL_DETAILS, the prompt) at the content limit.
func TestSpanValuesBounded(t *testing.T) {
	long := strings.Repeat("€", 1<<20)
	cfg := defaultCfg()
	cfg.Content.ToolDetails, cfg.Content.UserPrompts, cfg.Content.MaxLength = true, true, 3*redact.IdentifierMax
	r := newRig(t, cfg)
	r.st.Redact = func(_, key string, v attribute.Value) (attribute.Value, bool) {
		if key == "tool_use_id" {
			return attribute.StringValue(long), true
		}
		return v, true
	}
	pctx, p := r.tr.StartInteraction(r.ctx, Interaction{Prompt: long})
	_, l := r.tr.StartLLMRequest(pctx, LLMRequest{Model: long})
	l.End(LLMResult{Error: long, RequestID: long, FinishReasons: []string{long, long}})
	tctx, tool := r.tr.StartTool(pctx, Tool{Name: long, UseID: "t"})
	_, ex := tool.StartExecution(tctx, time.Time{})
	ex.End(Execution{Error: long, ErrorCategory: "ShellError"})
	tool.End(ToolResult{})
	p.End()
	m := r.byName()
	for _, c := range []struct {
		span, key string
		max       int
	}{
		{NameLLMRequest, "model", redact.IdentifierMax},
		{NameLLMRequest, "error", redact.IdentifierMax},
		{NameLLMRequest, "request_id", redact.IdentifierMax},
		{NameTool, "tool_name", redact.IdentifierMax},
		{NameTool, "tool_use_id", redact.IdentifierMax},
		{NameToolExecution, "error", cfg.Content.MaxLength},
		{NameInteraction, "user_prompt", cfg.Content.MaxLength},
	} {
		v := str(t, m[c.span], c.key)
		n := len(v) // identifiers are bounded in bytes, content in UTF-16 units
		if c.max != redact.IdentifierMax {
			n = redact.UTF16Len(v)
		}
		if n > c.max || n < c.max/2 || !utf8.ValidString(v) {
			t.Errorf("%s %s: %d bytes, %d UTF-16 units, want at most %d", c.span, c.key, len(v), redact.UTF16Len(v), c.max)
		}
	}
	if v, _ := attr(m[NameLLMRequest], "gen_ai.response.finish_reasons"); len(strings.Join(v.AsStringSlice(), "")) > redact.IdentifierMax {
		t.Errorf("finish_reasons: %d bytes", len(strings.Join(v.AsStringSlice(), "")))
	}
	if d := m[NameLLMRequest].Status().Description; len(d) > redact.IdentifierMax || len(d) == 0 {
		t.Errorf("llm_request status: %d bytes", len(d))
	}
	if d := m[NameToolExecution].Status().Description; d != str(t, m[NameToolExecution], "error") {
		t.Errorf("tool.execution status: %d bytes, error %d", len(d), len(str(t, m[NameToolExecution], "error")))
	}
}
