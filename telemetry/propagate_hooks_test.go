package telemetry_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// startTraced is an in-memory handle with the given configuration; the
// test kit records spans and events.
func startTraced(t *testing.T, cfg config.Config) *telemetrytest.Kit {
	t.Helper()
	cfg.Enabled = true
	return telemetrytest.New(t, telemetrytest.WithConfig(cfg))
}

func TestTraceparentPropagation(t *testing.T) {
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("traceparent"))
		mu.Unlock()
	}))
	defer srv.Close()

	for _, force := range []bool{false, true} {
		got = nil
		kit := startTraced(t, config.Config{Traces: config.TracesConfig{PropagateTraceparent: force}})
		tel := kit.Telemetry
		ctx, s := tel.StartSession(context.Background())
		ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
		resp, err := (&http.Client{Transport: tel.HTTPTransport(nil)}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		env := tel.SubprocessEnv(ctx, []string{"PATH=/bin", "TRACEPARENT=stale"})
		p.End(ctx)

		var traceID string
		for _, sp := range kit.Spans("claude_code.interaction") {
			traceID = sp.SpanContext.TraceID().String()
		}
		if traceID == "" {
			t.Fatal("no interaction span")
		}
		mu.Lock()
		header := got[0]
		mu.Unlock()
		// The test server is not Anthropic's API: the header goes there only when forced.
		if force != strings.Contains(header, traceID) {
			t.Errorf("force=%v: traceparent %q (trace %s)", force, header, traceID)
		}
		var tp []string
		for _, e := range env {
			if strings.HasPrefix(e, "TRACEPARENT=") {
				tp = append(tp, e)
			}
		}
		if len(tp) != 1 || !strings.Contains(tp[0], traceID) {
			t.Errorf("subprocess TRACEPARENT %v, want one with trace %s", tp, traceID)
		}
	}
}

func TestHooksEmitEventsAndSpan(t *testing.T) {
	kit := startTraced(t, config.Config{Traces: config.TracesConfig{Detailed: true}})
	ctx, s := kit.Telemetry.StartSession(context.Background())
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
	s.Hooks(ctx, telemetry.HookRun{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1},
		telemetry.HookOutcome{NumSuccess: 1, Duration: 17 * time.Millisecond, StdoutChars: 3})
	p.End(ctx)

	if err := kit.CheckEventNames("managed_settings_resolved", "user_prompt", "hook_execution_start", "hook_execution_complete"); err != nil {
		t.Error(err)
	}
	hooks := kit.Spans("claude_code.hook")
	if len(hooks) != 1 {
		t.Fatalf("%d claude_code.hook spans in detailed tracing, want 1", len(hooks))
	}
	if interaction := kit.Spans("claude_code.interaction"); len(interaction) != 1 || hooks[0].Parent.SpanID() != interaction[0].SpanContext.SpanID() {
		t.Error("the hook span must be a child of the interaction")
	}
}

func TestDetailedLLMRequestKeys(t *testing.T) {
	for _, detailed := range []bool{false, true} {
		kit := startTraced(t, config.Config{Traces: config.TracesConfig{Detailed: detailed}})
		ctx, s := kit.Telemetry.StartSession(context.Background())
		ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
		s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Detail: telemetry.RequestDetail{
			SystemPromptHash: "sp_bb174f718531", SystemPromptLength: 28446, Tools: `[{"name":"Bash","hash":"abc"}]`,
			ToolsCount: 12, NewContextMessageCount: 1, HasToolCall: true}})
		p.End(ctx)
		for _, sp := range kit.Spans("claude_code.llm_request") {
			keys := map[string]bool{}
			for _, kv := range sp.Attributes {
				keys[string(kv.Key)] = true
			}
			for _, k := range []string{"system_prompt_hash", "system_prompt_length", "tools", "tools_count", "new_context_message_count", "response.has_tool_call"} {
				if keys[k] != detailed {
					t.Errorf("detailed=%v: key %s present=%v", detailed, k, keys[k])
				}
			}
		}
	}
}
