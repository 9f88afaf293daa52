package telemetrytest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

func TestEventsInOrderWithTypedAttributes(t *testing.T) {
	kit := telemetrytest.New(t)
	answer(context.Background(), kit.Telemetry)

	want := []string{"managed_settings_resolved", "user_prompt", "api_request", "tool_decision", "tool_result"}
	if err := kit.CheckEventNames(want...); err != nil {
		t.Fatal(err)
	}
	if got := kit.EventNames("tool_result", "user_prompt"); !slices.Equal(got, []string{"user_prompt", "tool_result"}) {
		t.Errorf("filtered names = %v", got)
	}
	for i, e := range kit.Events() {
		if e.Body != "claude_code."+e.Name {
			t.Errorf("event %d: body %q, name %q", i, e.Body, e.Name)
		}
		if got := e.Attr("event.sequence").Int(); got != int64(i) {
			t.Errorf("event %d (%s): event.sequence = %d", i, e.Name, got)
		}
		if e.Time.IsZero() {
			t.Errorf("event %d has no time", i)
		}
	}
	req := kit.Events("api_request")[0]
	if v := req.Attr("cost_usd"); v.Type() != attribute.FLOAT64 || v.Float() <= 0 {
		t.Errorf("cost_usd = %v (%v)", v.String(), v.Type())
	}
	if v := req.Attr("input_tokens"); v.Int() != 120 || v.Str() != "" || v.Float() != 0 || v.Bool() {
		t.Errorf("input_tokens accessors: Int %d Str %q Float %v Bool %v", v.Int(), v.Str(), v.Float(), v.Bool())
	}
	if v := req.Attr("no.such.key"); v.Present() || v.Str() != "" || v.Int() != 0 {
		t.Errorf("absent key reads as %v", v)
	}
	ms := kit.Events("managed_settings_resolved")[0]
	if v := ms.Attr("managed_settings.sources"); !v.Present() || v.Type() != attribute.STRINGSLICE || len(v.Strings()) != 0 {
		t.Errorf("managed_settings.sources = %v", v.String())
	}
	if keys := req.Keys(); keys[0] != "user.id" || !slices.Contains(keys, "prompt.id") {
		t.Errorf("keys = %v", keys)
	}
	// Inside a prompt the kit records spans, so events carry their ids.
	if up := kit.Events("user_prompt")[0]; !up.TraceID.IsValid() || !up.SpanID.IsValid() {
		t.Errorf("user_prompt has no trace context: %v %v", up.TraceID, up.SpanID)
	}
	if !strings.Contains(req.String(), `model="claude-sonnet-4-5-20250929"`) {
		t.Errorf("String() = %s", req)
	}
}

func TestCheckEventNamesReportsDifference(t *testing.T) {
	kit := telemetrytest.New(t)
	answer(context.Background(), kit.Telemetry)
	err := kit.CheckEventNames("managed_settings_resolved", "user_prompt", "tool_decision", "api_request", "tool_result")
	if err == nil {
		t.Fatal("a swapped order passed")
	}
	if !strings.Contains(err.Error(), "got: managed_settings_resolved user_prompt api_request tool_decision tool_result") {
		t.Errorf("error does not show what was emitted: %v", err)
	}
	if kit.CheckEventNames("user_prompt") == nil {
		t.Error("a prefix passed as the whole sequence")
	}
}

func TestCheckEvent(t *testing.T) {
	kit := telemetrytest.New(t)
	answer(context.Background(), kit.Telemetry)
	for _, tc := range []struct {
		name string
		want map[string]any
		ok   bool
		msg  string
	}{
		{"tool_decision", map[string]any{"tool_name": "Bash", "decision": "accept", "tool_source": "builtin"}, true, ""},
		{"api_request", map[string]any{"input_tokens": 120, "output_tokens": int64(30), "speed": "normal"}, true, ""},
		{"tool_result", map[string]any{"success": "true"}, true, ""},
		{"managed_settings_resolved", map[string]any{"managed_settings.sources": []string{}}, true, ""},
		// Wire types matter: success is the string "true", input_tokens an int.
		{"tool_result", map[string]any{"success": true}, false, `success = "true", want true(bool)`},
		{"api_request", map[string]any{"input_tokens": "120"}, false, `input_tokens = 120(int64), want "120"`},
		{"tool_decision", map[string]any{"tool_name": "Write"}, false, `tool_name = "Bash", want "Write"`},
		{"tool_decision", map[string]any{"permission_mode": "default"}, false, "permission_mode absent"},
		{"api_error", map[string]any{}, false, "no api_error event"},
		{"api_request", map[string]any{"model": struct{}{}}, false, "unsupported want type"},
	} {
		err := kit.CheckEvent(tc.name, tc.want)
		if tc.ok != (err == nil) {
			t.Errorf("CheckEvent(%s, %v) = %v, want ok=%v", tc.name, tc.want, err, tc.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("CheckEvent(%s, %v) = %q, want it to say %q", tc.name, tc.want, err, tc.msg)
		}
	}
}

func TestMetrics(t *testing.T) {
	kit := telemetrytest.New(t)
	ctx, session := kit.Telemetry.StartSession(context.Background())
	for range 2 {
		session.APIResponse(ctx, telemetry.APIResponse{
			Model: "claude-sonnet-4-5-20250929", Usage: pricing.Usage{InputTokens: 100, OutputTokens: 10, CacheCreationTokens: 5},
		})
	}
	session.APIResponse(ctx, telemetry.APIResponse{Model: "claude-haiku-4-5-20251001", Usage: pricing.Usage{InputTokens: 7}})
	session.EditDecision(ctx, telemetry.Edit{ToolName: "Edit", FilePath: "a.go", Model: "claude-sonnet-4-5-20250929", OldText: "a\nb\n", NewText: "a\nc\nd\n"})
	session.EditDecision(ctx, telemetry.Edit{ToolName: "Write", FilePath: "b.py", Decision: metrics.DecisionReject, Source: metrics.SourceUserReject})

	tok := kit.Metric("claude_code.token.usage")
	if !tok.Found || !tok.Monotonic || !tok.Float || tok.Unit != "tokens" {
		t.Fatalf("token.usage = %+v", tok)
	}
	for _, c := range []struct {
		filters []attribute.KeyValue
		want    float64
	}{
		{nil, 2*115 + 7},
		{[]attribute.KeyValue{attribute.String("type", "input")}, 207},
		{[]attribute.KeyValue{attribute.String("type", "input"), attribute.String("model", "claude-haiku-4-5-20251001")}, 7},
		{[]attribute.KeyValue{attribute.String("type", "cacheCreation")}, 10},
		{[]attribute.KeyValue{attribute.String("type", "nope")}, 0},
	} {
		if got := tok.Sum(c.filters...); got != c.want {
			t.Errorf("Sum(%v) = %v, want %v", c.filters, got, c.want)
		}
	}
	if n := len(kit.Points("claude_code.token.usage", attribute.String("model", "claude-haiku-4-5-20251001"))); n != 4 {
		t.Errorf("haiku points = %d, want 4 (zeros included)", n)
	}
	if err := kit.CheckSum("claude_code.lines_of_code.count", 2, attribute.String("type", "added")); err != nil {
		t.Error(err)
	}
	if err := kit.CheckSum("claude_code.lines_of_code.count", 1, attribute.String("type", "removed")); err != nil {
		t.Error(err)
	}
	err := kit.CheckSum("claude_code.code_edit_tool.decision", 2, attribute.String("decision", "reject"))
	if err == nil || !strings.Contains(err.Error(), `{decision="reject"} = 1, want 2`) {
		t.Errorf("CheckSum on a wrong value: %v", err)
	}
	if err := kit.CheckSum("claude_code.commit.count", 0); err == nil || !strings.Contains(err.Error(), "not recorded") {
		t.Errorf("CheckSum on an unrecorded metric: %v", err)
	}
	p := kit.Points("claude_code.code_edit_tool.decision", attribute.String("tool_name", "Write"))
	if len(p) != 1 || p[0].Attr("language") != "Python" || p[0].Attr("source") != "user_reject" || p[0].Attr("absent") != "" {
		t.Errorf("Write decision points = %+v", p)
	}
	if names := metricNames(kit); !slices.Equal(names, []string{
		"claude_code.code_edit_tool.decision", "claude_code.cost.usage", "claude_code.lines_of_code.count",
		"claude_code.session.count", "claude_code.token.usage",
	}) {
		t.Errorf("metrics = %v", names)
	}
}

func metricNames(kit *telemetrytest.Kit) []string {
	var names []string
	for _, m := range kit.Metrics() {
		names = append(names, m.Name)
	}
	return names
}

// Code under test may shut its handle down; what it recorded stays readable.
func TestReadableAfterShutdown(t *testing.T) {
	kit := telemetrytest.New(t)
	answer(context.Background(), kit.Telemetry)
	if err := kit.Telemetry.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := kit.CheckSum("claude_code.session.count", 1); err != nil {
		t.Error(err)
	}
	if n := len(kit.Events()); n != 5 {
		t.Errorf("%d events after shutdown", n)
	}
	if got := kit.Spans("claude_code.tool"); len(got) != 1 {
		t.Errorf("tool spans after shutdown: %d", len(got))
	}
	if errs := kit.Errors(); len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
}

func TestSpans(t *testing.T) {
	kit := telemetrytest.New(t)
	answer(context.Background(), kit.Telemetry)
	var names []string
	for _, s := range kit.Spans() {
		names = append(names, s.Name)
	}
	for _, want := range []string{"claude_code.interaction", "claude_code.llm_request", "claude_code.tool", "claude_code.tool.blocked_on_user", "claude_code.tool.execution"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s span among %v", want, names)
		}
	}
	tool := kit.Spans("claude_code.tool")
	inter := kit.Spans("claude_code.interaction")
	if len(tool) != 1 || len(inter) != 1 || tool[0].Parent.SpanID() != inter[0].SpanContext.SpanID() {
		t.Errorf("tool span is not a child of the interaction")
	}
}

// The kit ignores the process environment: a developer's shell settings must
// not change what a test sees.
func TestHermeticAndVariables(t *testing.T) {
	t.Setenv("OTEL_LOG_USER_PROMPTS", "1")
	t.Setenv("OTEL_METRICS_EXPORTER", "console")
	kit := telemetrytest.New(t)
	answer(context.Background(), kit.Telemetry)
	if got := kit.Events("user_prompt")[0].Attr("prompt").Str(); got != "<REDACTED>" {
		t.Errorf("prompt = %q: the kit read the environment", got)
	}
	if ex := kit.Telemetry.Config().Metrics.Exporters; len(ex) != 0 {
		t.Errorf("exporters from the environment: %v", ex)
	}

	shown := telemetrytest.New(t,
		telemetrytest.WithVariable("OTEL_LOG_USER_PROMPTS", "1"),
		telemetrytest.WithVariable("OTEL_METRICS_INCLUDE_SESSION_ID", "false"),
		telemetrytest.WithVariable("CLAUDE_CODE_USER_EMAIL", "dev@example.com"),
		telemetrytest.WithTelemetryOptions(telemetry.WithUserID(strings.Repeat("ab", 32))),
	)
	answer(context.Background(), shown.Telemetry)
	up := shown.Events("user_prompt")[0]
	if up.Attr("prompt").Str() != "run the tests" || up.Attr("user.email").Str() != "dev@example.com" || up.Attr("user.id").Str() != strings.Repeat("ab", 32) {
		t.Errorf("user_prompt = %s", up)
	}
	if up.Attr("session.id").Present() {
		t.Errorf("session.id sent with OTEL_METRICS_INCLUDE_SESSION_ID=false")
	}
}

func TestWithConfigAndClock(t *testing.T) {
	cfg := config.Config{Enabled: true, Content: config.Content{ToolDetails: true, MaxLength: 61440}}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	kit := telemetrytest.New(t, telemetrytest.WithConfig(cfg), telemetrytest.WithTelemetryOptions(telemetry.WithClock(func() time.Time { return at })))
	ctx, s := kit.Telemetry.StartSession(context.Background())
	_, run := s.StartTool(ctx, telemetry.ToolCall{Name: "Bash", UseID: "toolu_9", Parameters: `{"bash_command":"ls"}`})
	run.Done(ctx, telemetry.ToolOutcome{Success: false, Error: "exit 1", ErrorType: "ShellError"})
	if err := kit.CheckEvent("tool_result", map[string]any{"error": "exit 1", "tool_parameters": `{"bash_command":"ls"}`, "success": "false"}); err != nil {
		t.Error(err)
	}
	if ev := kit.Events("tool_result")[0]; !ev.Time.Equal(at) || ev.Attr("event.timestamp").Str() != "2026-01-02T03:04:05.000Z" {
		t.Errorf("time = %v, %s", ev.Time, ev.Attr("event.timestamp").Str())
	}
}

func TestErrorsCollected(t *testing.T) {
	kit := telemetrytest.New(t)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	s.APIResponse(ctx, telemetry.APIResponse{Model: "my-private-model", Usage: pricing.Usage{InputTokens: 1}})
	errs := kit.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "my-private-model") {
		t.Errorf("errors = %v", errs)
	}
}

func TestStartReportsConfigErrors(t *testing.T) {
	if _, err := telemetrytest.Start(telemetrytest.WithVariable("OTEL_METRIC_EXPORT_INTERVAL", "soon")); err == nil || !strings.Contains(err.Error(), "OTEL_METRIC_EXPORT_INTERVAL") {
		t.Errorf("Start with a bad variable: %v", err)
	}
}
