package main

import (
	"net/http/httptest"
	"os"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// The agent's telemetry with the test kit, under a shell that would change
// it if the kit read the environment.
func TestAgentTelemetry(t *testing.T) {
	for k, v := range map[string]string{
		"CLAUDE_CODE_ENABLE_TELEMETRY": "0", "CLAUDE_CODE_USE_BEDROCK": "1", "TERM_PROGRAM": "vscode",
		"ANTHROPIC_BASE_URL": "https://proxy.example", "OTEL_LOGS_EXPORTER": "otlp", "OTEL_METRICS_EXPORTER": "prometheus",
		"OTEL_LOG_USER_PROMPTS": "1", "OTEL_METRICS_INCLUDE_SESSION_ID": "false", "OTEL_RESOURCE_ATTRIBUTES": "user.id=shell",
	} {
		t.Setenv(k, v)
	}
	kit := telemetrytest.New(t, telemetrytest.WithTelemetryOptions(telemetryOptions...))
	api := httptest.NewServer(fakeAPI(script))
	defer api.Close()
	ctx, _ := kit.Telemetry.StartSession(t.Context(), telemetry.WithSessionProvider(telemetry.Provider{BaseURL: api.URL}))
	a := newAgent(t.TempDir(), "acceptEdits", api.URL)
	a.Summarize = true
	if _, err := a.Run(ctx, "Write hello.txt, then say hello"); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(a.Dir + "/hello.txt"); err != nil || string(b) != "hello\nworld\n" {
		t.Fatalf("hello.txt: %q %v", b, err)
	}

	if err := kit.CheckEventNames("user_prompt",
		"api_request", "assistant_response", "tool_decision", "tool_result", // write, after its response
		"tool_decision", "api_request", "tool_result", // bash, while its response streams
		"api_request", "assistant_response", "api_request", // the answer, then the local model's summary
	); err != nil {
		t.Error(err)
	}
	for i, want := range []string{"Write", "Bash"} {
		d := kit.Events("tool_decision")[i]
		if d.Attr("tool_name").Str() != want || d.Attr("decision").Str() != "accept" || d.Attr("source").Str() != "config" ||
			d.Attr("permission_mode").Str() != "acceptEdits" || d.Attr("request_id").Str() != kit.Events("api_request")[i].Attr("request_id").Str() {
			t.Errorf("tool_decision %d: %s", i, d)
		}
	}
	for _, e := range kit.Events() {
		if e.Attr("terminal.type").Str() == "vscode" || e.Attr("user.id").Str() == "shell" {
			t.Errorf("the shell leaked into %s", e)
		}
	}
	reqs := kit.Events("api_request")
	if len(reqs) != 4 || reqs[0].Attr("request_id").Str() != "req_1" || reqs[3].Attr("model").Str() != "llama3.2" {
		t.Fatalf("api_request: %v", reqs)
	}
	for i, want := range []string{"firstParty", "firstParty", "firstParty", "ollama"} {
		if got := reqs[i].Attr("anthropic.provider").Str(); got != want || !reqs[i].Attr("anthropic.custom_base_url").Bool() {
			t.Errorf("api_request %d: anthropic.provider %q, custom_base_url %v; want %q, true", i, got, reqs[i].Attr("anthropic.custom_base_url").Bool(), want)
		}
	}
	for _, sp := range kit.Spans("claude_code.tool") {
		for _, kv := range sp.Attributes {
			if kv.Key == "bash_argv0" && kv.Value.AsString() != "echo" {
				t.Errorf("bash_argv0 %q", kv.Value.AsString())
			}
		}
	}
	if err := kit.CheckSum("claude_code.code_edit_tool.decision", 1, attribute.String("tool_name", "Write")); err != nil {
		t.Error(err)
	}
	if err := kit.CheckSum("claude_code.lines_of_code.count", 3, attribute.String("model", model)); err != nil {
		t.Error(err)
	}
	// "hello\nworld\n" is 3 lines added as Claude Code counts them (the
	// empty line after the last newline included).
	if err := kit.CheckSum("claude_code.lines_of_code.count", 3, attribute.String("type", "added")); err != nil {
		t.Error(err)
	}
	if err := kit.CheckSum("claude_code.token.usage", 107+121+135, attribute.String("type", "input"), attribute.String("model", model)); err != nil {
		t.Error(err)
	}
	tools := kit.Spans("claude_code.tool")
	if len(tools) != 2 {
		t.Fatalf("%d tool spans, want 2", len(tools))
	}
	// Tool timing: the permission wait from the tool's start to the check
	// inside its body, the execution from there to Done.
	for _, tool := range tools {
		var blocked, exec *tracetest.SpanStub
		children := kit.Spans("claude_code.tool.blocked_on_user", "claude_code.tool.execution")
		for i, sp := range children {
			switch {
			case sp.Parent.SpanID() != tool.SpanContext.SpanID():
			case sp.Name == "claude_code.tool.blocked_on_user":
				blocked = &children[i]
			default:
				exec = &children[i]
			}
		}
		if blocked == nil || exec == nil {
			t.Fatalf("tool span without its permission wait or execution")
		}
		if !blocked.StartTime.Equal(tool.StartTime) || !exec.StartTime.Equal(blocked.EndTime) || exec.EndTime.After(tool.EndTime) {
			t.Errorf("tool %v–%v: blocked_on_user %v–%v, execution %v–%v", tool.StartTime, tool.EndTime,
				blocked.StartTime, blocked.EndTime, exec.StartTime, exec.EndTime)
		}
	}
}
