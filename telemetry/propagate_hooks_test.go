package telemetry_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
)

type memLogs struct {
	mu      sync.Mutex
	records []sdklog.Record
}

func (m *memLogs) Export(_ context.Context, rs []sdklog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range rs {
		m.records = append(m.records, r.Clone())
	}
	return nil
}
func (m *memLogs) Shutdown(context.Context) error   { return nil }
func (m *memLogs) ForceFlush(context.Context) error { return nil }

func startTraced(t *testing.T, cfg config.Config) (*telemetry.Telemetry, *tracetest.InMemoryExporter, *memLogs) {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	logs := &memLogs{}
	cfg.Enabled = true
	tel, err := telemetry.Start(context.Background(), telemetry.WithConfig(cfg),
		telemetry.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(spans)),
		telemetry.WithLogProcessor(sdklog.NewSimpleProcessor(logs)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel, spans, logs
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
		tel, spans, _ := startTraced(t, config.Config{Traces: config.TracesConfig{PropagateTraceparent: force}})
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
		for _, sp := range spans.GetSpans() {
			if sp.Name == "claude_code.interaction" {
				traceID = sp.SpanContext.TraceID().String()
			}
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
	tel, spans, logs := startTraced(t, config.Config{Traces: config.TracesConfig{Detailed: true}})
	ctx, s := tel.StartSession(context.Background())
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
	s.Hooks(ctx, telemetry.HookRun{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1},
		telemetry.HookOutcome{NumSuccess: 1, Duration: 17 * time.Millisecond, StdoutChars: 3})
	p.End(ctx)

	bodies := map[string]bool{}
	logs.mu.Lock()
	for _, r := range logs.records {
		bodies[r.Body().AsString()] = true
	}
	logs.mu.Unlock()
	for _, b := range []string{"claude_code.hook_execution_start", "claude_code.hook_execution_complete"} {
		if !bodies[b] {
			t.Errorf("missing %s (got %v)", b, bodies)
		}
	}
	var hook bool
	for _, sp := range spans.GetSpans() {
		if sp.Name == "claude_code.hook" {
			hook = true
			if sp.Parent.SpanID().String() == "0000000000000000" {
				t.Error("the hook span must be a child of the interaction")
			}
		}
	}
	if !hook {
		t.Error("no claude_code.hook span in detailed tracing")
	}
}

func TestDetailedLLMRequestKeys(t *testing.T) {
	for _, detailed := range []bool{false, true} {
		tel, spans, _ := startTraced(t, config.Config{Traces: config.TracesConfig{Detailed: detailed}})
		ctx, s := tel.StartSession(context.Background())
		ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
		s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Detail: telemetry.RequestDetail{
			SystemPromptHash: "sp_bb174f718531", SystemPromptLength: 28446, Tools: `[{"name":"Bash","hash":"abc"}]`,
			ToolsCount: 12, NewContextMessageCount: 1, HasToolCall: true}})
		p.End(ctx)
		for _, sp := range spans.GetSpans() {
			if sp.Name != "claude_code.llm_request" {
				continue
			}
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
