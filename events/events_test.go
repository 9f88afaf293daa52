package events

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/eventspec"
	"github.com/ccotel/ccotel/internal/redact"
)

// eventOverrides make the filled structs take the branch under test.
var eventOverrides = map[string]map[string]any{
	"retention_sweep": {"Result": "complete"},
	"api_refusal":     {"ServerFallbackHop": false},
}

var standardKeys = []string{"user.id", "session.id", "anthropic.provider", "anthropic.custom_base_url", "terminal.type"}

// TestEveryEvent emits each event with every field set and all gates open,
// and checks body, timestamps, the prefix, the keys in table order and their
// wire types.
func TestEveryEvent(t *testing.T) {
	e, rec, _ := setupBeta(t, allFlags(), true)
	for i := range eventspec.Events {
		ev := &eventspec.Events[i]
		t.Run(ev.Name, func(t *testing.T) {
			emit(context.Background(), e, ev, "v-", true, eventOverrides[ev.Name])
			recs := rec.take()
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			r := recs[0]
			if got := r.Body().AsString(); got != "claude_code."+ev.Name {
				t.Errorf("body %q", got)
			}
			if r.Severity() != 0 || r.SeverityText() != "" || r.EventName() != "" {
				t.Errorf("severity %v %q, event name %q: Claude Code sets none", r.Severity(), r.SeverityText(), r.EventName())
			}
			want := fixedNow.Truncate(time.Millisecond)
			if !r.Timestamp().Equal(want) || !r.ObservedTimestamp().Equal(want) {
				t.Errorf("timestamps %v %v, want %v", r.Timestamp(), r.ObservedTimestamp(), want)
			}
			all := keysOf(attrs(r))
			prefix := append(append([]string{}, standardKeys...), "event.name", "event.timestamp", "event.sequence")
			if strings.Join(all[:len(prefix)], ",") != strings.Join(prefix, ",") {
				t.Errorf("prefix %v", all[:len(prefix)])
			}
			if v, _ := get(r, "event.name"); v.AsString() != ev.Name {
				t.Errorf("event.name %q", v.AsString())
			}
			if v, _ := get(r, "event.timestamp"); v.AsString() != "2026-11-21T11:52:22.226Z" {
				t.Errorf("event.timestamp %q", v.AsString())
			}

			var wantKeys []string
			for _, a := range ev.Attrs {
				switch {
				case a.Key == "":
				case a.Key == "*":
					wantKeys = append(wantKeys, "hits", "cached")
				case a.Key == "body_ref" || a.Key == "body_truncated": // inline, short body
				default:
					wantKeys = append(wantKeys, a.Key)
				}
			}
			got := eventAttrs(t, r)
			if strings.Join(keysOf(got), ",") != strings.Join(wantKeys, ",") {
				t.Fatalf("keys\n got %v\nwant %v", keysOf(got), wantKeys)
			}
			for _, g := range got {
				a, ok := ev.Attr(g.key)
				if !ok {
					continue // the dynamic keys of hook_plugin_metrics
				}
				if wireOf(g.val) != a.Wire {
					t.Errorf("%s: wire %s, want %s", g.key, wireOf(g.val), a.Wire)
				}
			}
		})
	}
}

// TestWireValues pins the conversions and derived values of the common events.
func TestWireValues(t *testing.T) {
	e, rec, _ := setup(t, allFlags())
	ctx := context.Background()
	e.UserPrompt(ctx, UserPrompt{Prompt: "héllo 😀", MessageUUID: "m"})
	e.ToolResult(ctx, ToolResult{ToolName: "Bash", Success: true, DurationMs: 9, ToolInputSizeBytes: 99, ToolResultSizeBytes: 140})
	e.APIRequest(ctx, APIRequest{Model: "m", CostUSD: 0.0025709999999999995, DurationMs: 39, TTFTMs: new(int64(21))})
	e.AssistantResponse(ctx, AssistantResponse{Response: "😀😀"})
	e.Auth(ctx, Auth{Action: "login", StatusCode: 401})
	e.APIError(ctx, APIError{Error: "boom", StatusCode: 500, Attempt: 3})
	e.ManagedSettingsResolved(ctx, ManagedSettingsResolved{Trigger: "startup"})
	recs := rec.take()
	check := func(r sdklog.Record, key string, want attribute.Value) {
		t.Helper()
		got, ok := get(r, key)
		if !ok || got != want {
			t.Errorf("%s %s = %v (%v), want %v (%v)", r.Body().AsString(), key, got.String(), got.Type(), want.String(), want.Type())
		}
	}
	check(recs[0], "prompt_length", attribute.StringValue("8")) // 😀 is two UTF-16 units
	check(recs[0], "prompt", attribute.StringValue("héllo 😀"))
	check(recs[0], "prompt_text", attribute.StringValue("héllo 😀"))
	check(recs[1], "success", attribute.StringValue("true"))
	check(recs[1], "duration_ms", attribute.StringValue("9"))
	check(recs[1], "tool_input_size_bytes", attribute.StringValue("99"))
	check(recs[2], "cost_usd", attribute.Float64Value(0.0025709999999999995))
	check(recs[2], "cost_usd_micros", attribute.Int64Value(2571))
	check(recs[2], "duration_ms", attribute.Int64Value(39))
	check(recs[2], "ttft_ms", attribute.Int64Value(21))
	check(recs[2], "cache_creation_5m_tokens", attribute.Int64Value(0))
	check(recs[3], "response_length", attribute.Int64Value(4))
	check(recs[4], "status_code", attribute.StringValue("401"))
	check(recs[5], "status_code", attribute.Int64Value(500))
	if v, _ := get(recs[6], "managed_settings.sources"); v.Type() != attribute.STRINGSLICE || len(v.AsStringSlice()) != 0 {
		t.Errorf("managed_settings.sources must be an empty array, got %v", v.String())
	}
	// Optional keys left unset are omitted.
	for _, k := range []string{"command_name", "command_source", "error", "tool_parameters", "mcp_server_scope"} {
		if _, ok := get(recs[0], k); ok {
			t.Errorf("user_prompt has unset %s", k)
		}
		if _, ok := get(recs[1], k); ok {
			t.Errorf("tool_result has unset %s", k)
		}
	}
	if _, ok := get(recs[2], "request_id"); ok {
		t.Error("unset request_id sent")
	}
	e.APIRequest(ctx, APIRequest{Model: "m"})
	if _, ok := get(rec.take()[0], "ttft_ms"); ok {
		t.Error("nil TTFTMs must omit ttft_ms")
	}
}

func TestConditionalKeys(t *testing.T) {
	e, rec, _ := setup(t, allFlags())
	ctx := context.Background()
	e.APIRefusal(ctx, APIRefusal{ServerFallbackHop: true, HasCategory: true})
	e.RetentionSweep(ctx, RetentionSweep{Result: "skipped", SkipReason: "settings_unknowable", TranscriptsDeleted: 3})
	e.APIError(ctx, APIError{Error: "socket hang up"})
	recs := rec.take()
	if _, ok := get(recs[0], "has_category"); ok {
		t.Error("has_category is absent on a fallback hop")
	}
	if got := keysOf(eventAttrs(t, recs[1])); strings.Join(got, ",") != "result,period_days,used_default,skip_reason" {
		t.Errorf("skipped sweep keys %v", got)
	}
	if _, ok := get(recs[2], "status_code"); ok {
		t.Error("a non-HTTP api_error has no status_code")
	}
}

// TestGatesOff: with every flag off, gated values are redacted, omitted or
// replaced, gated events are not emitted, and a canary put in every content
// field never appears in any record.
func TestGatesOff(t *testing.T) {
	const canary = "CANARY-7f3e"
	e, rec, _ := setup(t, config.Content{})
	privacy := map[string]map[string]any{
		"tool_decision":   {"ToolSource": "mcp"},
		"retention_sweep": {"Result": "complete"},
	}
	for i := range eventspec.Events {
		ev := &eventspec.Events[i]
		t.Run(ev.Name, func(t *testing.T) {
			over := map[string]any{}
			for k, v := range privacy[ev.Name] {
				over[k] = v
			}
			for _, a := range ev.Attrs {
				if a.Field != "" && (a.Rule.Mode != redact.Reveal || a.Key == "") && a.Go == eventspec.GoString {
					over[a.Field] = canary + a.Field
				}
			}
			if ev.Name == "tool" {
				over["Tool"] = canary
			}
			emit(context.Background(), e, ev, "plain-", false, over)
			recs := rec.take()
			if ev.Gate != 0 {
				if len(recs) != 0 {
					t.Fatalf("gated by %s but emitted", ev.Gate)
				}
				return
			}
			if len(recs) != 1 {
				t.Fatalf("%d records", len(recs))
			}
			for _, a := range attrs(recs[0]) {
				if strings.Contains(a.val.String(), canary) {
					t.Errorf("%s leaks the canary: %q", a.key, a.val.String())
				}
			}
			for _, a := range ev.Attrs {
				if a.Key == "" || a.Rule.Mode == redact.Reveal {
					continue
				}
				v, ok := get(recs[0], a.Key)
				switch a.Rule.Mode {
				case redact.Redact:
					if !ok || v.AsString() != redact.Literal {
						t.Errorf("%s = %q, want %q", a.Key, v.AsString(), redact.Literal)
					}
				case redact.Omit:
					if ok {
						t.Errorf("%s sent with its gate off", a.Key)
					}
				case redact.Placeholder:
					if !ok || v.AsString() != a.Rule.Placeholder {
						t.Errorf("%s = %q, want placeholder %q", a.Key, v.AsString(), a.Rule.Placeholder)
					}
				}
			}
		})
	}
}

func TestGatesOn(t *testing.T) {
	e, rec, _ := setup(t, config.Content{UserPrompts: true, AssistantResponses: true, ToolDetails: true})
	ctx := context.Background()
	e.UserPrompt(ctx, UserPrompt{Prompt: "p", CommandName: "/mine", CommandSource: "custom"})
	e.ToolResult(ctx, ToolResult{ToolName: "mcp__srv__echo", Error: "E", ToolParameters: `{"a":1}`, ToolInput: `{"x":"y"}`, MCPServerScope: "dynamic"})
	e.AssistantResponse(ctx, AssistantResponse{Response: "r"})
	recs := rec.take()
	for i, want := range []map[string]string{
		{"prompt": "p", "prompt_text": "p", "command_name": "/mine"},
		{"tool_name": "mcp__srv__echo", "error": "E", "tool_parameters": `{"a":1}`, "tool_input": `{"x":"y"}`},
		{"response": "r"},
	} {
		for k, w := range want {
			if v, ok := get(recs[i], k); !ok || v.AsString() != w {
				t.Errorf("%s %s = %q, want %q", recs[i].Body().AsString(), k, v.AsString(), w)
			}
		}
	}

	// The assistant-responses flag alone reveals only the response.
	e2, rec2, _ := setup(t, config.Content{AssistantResponses: true})
	e2.UserPrompt(ctx, UserPrompt{Prompt: "p"})
	e2.AssistantResponse(ctx, AssistantResponse{Response: "r"})
	r2 := rec2.take()
	if v, _ := get(r2[0], "prompt"); v.AsString() != redact.Literal {
		t.Errorf("prompt %q", v.AsString())
	}
	if v, _ := get(r2[1], "response"); v.AsString() != "r" {
		t.Errorf("response %q", v.AsString())
	}
}

func TestFirstPartyNamesKept(t *testing.T) {
	e, rec, _ := setup(t, config.Content{})
	ctx := context.Background()
	e.PluginLoaded(ctx, PluginLoaded{PluginName: "cc-plugin-privacy", MarketplaceName: "builtin", PluginScope: "default-bundle"})
	e.PluginLoaded(ctx, PluginLoaded{PluginName: "acme-secret", MarketplaceName: "acme", PluginScope: "user-local"})
	e.SkillActivated(ctx, SkillActivated{SkillName: "pdf", SkillSource: "bundled"})
	e.SkillActivated(ctx, SkillActivated{SkillName: "mockskill", SkillSource: "projectSettings"})
	e.SubagentCompleted(ctx, SubagentCompleted{AgentType: "general-purpose", IsBuiltIn: true})
	e.SubagentCompleted(ctx, SubagentCompleted{AgentType: "my-agent"})
	e.UserPrompt(ctx, UserPrompt{Prompt: "/compact", CommandName: "/compact", CommandSource: "builtin"})
	e.ToolDecision(ctx, ToolDecision{ToolName: "Bash", ToolSource: "builtin"})
	e.ToolDecision(ctx, ToolDecision{ToolName: "mcp__srv__echo"})
	recs := rec.take()
	for i, w := range []struct{ key, want string }{
		{"plugin.name", "cc-plugin-privacy"}, {"plugin.name", "third-party"},
		{"skill.name", "pdf"}, {"skill.name", "custom_skill"},
		{"agent_type", "general-purpose"}, {"agent_type", "custom"},
		{"command_name", "/compact"}, {"tool_name", "Bash"}, {"tool_name", "mcp_tool"},
	} {
		if v, _ := get(recs[i], w.key); v.AsString() != w.want {
			t.Errorf("record %d %s = %q, want %q", i, w.key, v.AsString(), w.want)
		}
	}
	if v, _ := get(recs[1], "marketplace.name"); v.AsString() != "third-party" {
		t.Errorf("third-party marketplace %q", v.AsString())
	}
}

func TestSequencePromptAndTrace(t *testing.T) {
	e, rec, st := setup(t, config.Content{})
	ctx := context.Background()
	e.ManagedSettingsResolved(ctx, ManagedSettingsResolved{Trigger: "startup"})
	p1 := core.ContextWithPrompt(ctx, &core.Prompt{ID: "p-1", Sequence: 1})
	e.UserPrompt(p1, UserPrompt{Prompt: "a"})
	e.APIRequest(p1, APIRequest{Model: "m"})
	p2 := core.ContextWithPrompt(ctx, &core.Prompt{ID: "p-2", Sequence: 2})
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1, 2}, SpanID: trace.SpanID{3}, TraceFlags: trace.FlagsSampled})
	e.UserPrompt(trace.ContextWithSpanContext(p2, sc), UserPrompt{Prompt: "b"})
	recs := rec.take()
	for i, r := range recs {
		if v, _ := get(r, "event.sequence"); v.Type() != attribute.INT64 || v.AsInt64() != int64(i) {
			t.Errorf("record %d event.sequence %v", i, v.String())
		}
	}
	if _, ok := get(recs[0], "prompt.id"); ok {
		t.Error("prompt.id outside a prompt")
	}
	for i, want := range map[int]string{1: "p-1", 2: "p-1", 3: "p-2"} {
		if v, _ := get(recs[i], "prompt.id"); v.AsString() != want {
			t.Errorf("record %d prompt.id %q", i, v.AsString())
		}
	}
	if got := keysOf(attrs(recs[1])); got[len(standardKeys)+3] != "prompt.id" {
		t.Errorf("prompt.id must follow event.sequence: %v", got)
	}
	if recs[1].TraceID().IsValid() || recs[1].SpanID().IsValid() {
		t.Error("trace ids outside a span")
	}
	if recs[3].TraceID() != sc.TraceID() || recs[3].SpanID() != sc.SpanID() || recs[3].TraceFlags() != trace.FlagsSampled {
		t.Errorf("trace %v span %v", recs[3].TraceID(), recs[3].SpanID())
	}
	if st.NextSequence() != 4 {
		t.Error("the sequence is the handle's")
	}
}

func TestEarlyEventsAndHostPaths(t *testing.T) {
	rec := &recorder{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(rec))
	st := core.NewState(config.Config{
		Include:  config.Include{SessionID: true, Repository: true},
		Identity: config.Identity{WorkspaceHostPaths: []string{"/a", "/b"}},
	}, core.Static{UserID: "u", Repository: &core.Repository{URL: "https://github.com/acme/widgets", Owner: "acme", Name: "widgets", Provider: "github"}})
	e := newEmitter(lp.Logger("x"), st, false)
	ctx := core.ContextWithPrompt(context.Background(), &core.Prompt{ID: "p"})
	e.PluginLoaded(ctx, PluginLoaded{PluginName: "x"})
	e.ManagedSettingsResolved(ctx, ManagedSettingsResolved{})
	e.UserPrompt(ctx, UserPrompt{})
	recs := rec.take()
	for i, r := range recs {
		_, vcs := get(r, "vcs.repository.url.full")
		if vcs != (i == 2) {
			t.Errorf("%s: vcs.* present = %v", r.Body().AsString(), vcs)
		}
		ks := keysOf(attrs(r))
		j := 0
		for ks[j] != "prompt.id" {
			j++
		}
		if ks[j+1] != "workspace.host_paths" {
			t.Errorf("workspace.host_paths must follow prompt.id: %v", ks)
		}
		if v, _ := get(r, "workspace.host_paths"); strings.Join(v.AsStringSlice(), "|") != "/a|/b" {
			t.Errorf("workspace.host_paths %v", v.String())
		}
	}
}

func TestHostRedactor(t *testing.T) {
	e, rec, st := setup(t, allFlags())
	var seen []string
	st.Redact = func(name, key string, v attribute.Value) (attribute.Value, bool) {
		seen = append(seen, name+"/"+key)
		switch key {
		case "model":
			return attribute.StringValue("hidden"), true
		case "request_id":
			return v, false
		}
		return v, true
	}
	e = newEmitter(e.logger, st, false)
	e.APIRequest(context.Background(), APIRequest{Model: "claude", RequestID: "req_1"})
	r := rec.take()[0]
	if v, _ := get(r, "model"); v.AsString() != "hidden" {
		t.Errorf("model %q", v.AsString())
	}
	if _, ok := get(r, "request_id"); ok {
		t.Error("request_id was dropped by the redactor")
	}
	if !contains(seen, "api_request/model") || contains(seen, "api_request/user.id") || contains(seen, "api_request/event.sequence") {
		t.Errorf("redactor saw %v; it sees event-specific attributes only", seen)
	}

	// A panicking redactor costs the event, not the program.
	var got error
	st.Handle = func(err error) { got = err }
	st.Redact = func(string, string, attribute.Value) (attribute.Value, bool) { panic("boom") }
	newEmitter(e.logger, st, false).UserPrompt(context.Background(), UserPrompt{Prompt: "x"})
	if got == nil || !strings.Contains(got.Error(), "boom") {
		t.Errorf("panic not reported: %v", got)
	}
}

func TestNilAndDisabled(t *testing.T) {
	var e *Emitter
	e.UserPrompt(context.Background(), UserPrompt{Prompt: "x"}) // must not panic
	if newEmitter(nil, core.NewState(config.Config{}, core.Static{}), false) != nil {
		t.Error("New without a logger must return the no-op nil Emitter")
	}
}

func TestTruncatedContent(t *testing.T) {
	e, rec, _ := setup(t, config.Content{AssistantResponses: true, MaxLength: 100})
	long := strings.Repeat("a", 99) + "😀" + strings.Repeat("b", 50)
	e.AssistantResponse(context.Background(), AssistantResponse{Response: long})
	r := rec.take()[0]
	v, _ := get(r, "response")
	if redact.UTF16Len(v.AsString()) > 100 || !strings.HasSuffix(v.AsString(), redact.Marker) {
		t.Errorf("response not cut with the marker: %d units", redact.UTF16Len(v.AsString()))
	}
	if l, _ := get(r, "response_length"); l.AsInt64() != int64(redact.UTF16Len(long)) {
		t.Errorf("response_length %d is the length before truncation", l.AsInt64())
	}
}

func TestRawBodiesInline(t *testing.T) {
	e, rec, _ := setup(t, config.Content{RawAPIBodies: config.RawAPIBodies{Enabled: true}, MaxLength: 200})
	body := `{"messages":"` + strings.Repeat("é", 300) + `"}`
	e.APIRequestBody(context.Background(), APIRequestBody{Body: body, Model: "m", QuerySource: "sdk"})
	e.APIResponseBody(context.Background(), APIResponseBody{Body: `{"id":"msg_1"}`, RequestID: "req_1", RequestBodyID: "rb"})
	recs := rec.take()
	req, resp := recs[0], recs[1]
	b, _ := get(req, "body")
	if redact.UTF16Len(b.AsString()) != 200 || !strings.HasSuffix(b.AsString(), redact.Marker) {
		t.Errorf("inline body %d units", redact.UTF16Len(b.AsString()))
	}
	if v, _ := get(req, "body_length"); v.AsString() != strconv.Itoa(redact.UTF16Len(body)) {
		t.Errorf("body_length %q", v.AsString())
	}
	if v, _ := get(req, "body_truncated"); v.AsString() != "true" {
		t.Error("body_truncated")
	}
	if v, _ := get(req, "request_body_id"); len(v.AsString()) != 36 {
		t.Errorf("request_body_id %q must be a new UUID", v.AsString())
	}
	if _, ok := get(resp, "body_truncated"); ok {
		t.Error("body_truncated only when cut")
	}
	if got := keysOf(eventAttrs(t, resp)); strings.Join(got, ",") != "body,body_length,request_id,request_body_id" {
		t.Errorf("response keys %v", got)
	}
}

func TestRawBodiesFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bodies")
	e, rec, _ := setup(t, config.Content{RawAPIBodies: config.RawAPIBodies{Enabled: true, Dir: dir}, MaxLength: 50})
	body := strings.Repeat("é", 100)
	e.APIRequestBody(context.Background(), APIRequestBody{Body: body, RequestBodyID: "11111111-2222-4333-8444-555555555555"})
	e.APIResponseBody(context.Background(), APIResponseBody{Body: "{}", RequestID: "../../etc/req_1"})
	recs := rec.take()
	ref, _ := get(recs[0], "body_ref")
	if ref.AsString() != filepath.Join(dir, "11111111-2222-4333-8444-555555555555.request.json") {
		t.Errorf("body_ref %q", ref.AsString())
	}
	if b, err := os.ReadFile(ref.AsString()); err != nil || string(b) != body {
		t.Errorf("file holds %d bytes, %v", len(b), err)
	}
	if v, _ := get(recs[0], "body_length"); v.AsString() != "200" {
		t.Errorf("body_length %q, want UTF-8 bytes", v.AsString())
	}
	for _, k := range []string{"body", "body_truncated"} {
		if _, ok := get(recs[0], k); ok {
			t.Errorf("file mode sends %s", k)
		}
	}
	ref2, _ := get(recs[1], "body_ref")
	if filepath.Dir(ref2.AsString()) != dir || !strings.HasSuffix(ref2.AsString(), "req_1.response.json") {
		t.Errorf("response body_ref %q escapes the directory", ref2.AsString())
	}
	if fi, err := os.Stat(ref2.AsString()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("body file %v %v", fi, err)
	}
}

func TestRawBodiesFileFailureFallsBackInline(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e, rec, st := setup(t, config.Content{RawAPIBodies: config.RawAPIBodies{Enabled: true, Dir: file}})
	var got error
	st.Handle = func(err error) { got = err }
	e.APIRequestBody(context.Background(), APIRequestBody{Body: "{}"})
	r := rec.take()[0]
	if v, _ := get(r, "body"); v.AsString() != "{}" || got == nil {
		t.Errorf("fallback body %q, error %v", v.AsString(), got)
	}
}

func TestPluginMetricsFilter(t *testing.T) {
	e, rec, _ := setup(t, config.Content{})
	kvs := []attribute.KeyValue{attribute.Int64("ok_1", 1), attribute.String("text", "no"), attribute.Bool("Bad", true),
		attribute.Float64("ok_1", 2), attribute.Float64("ratio", 0.5)}
	for i := 0; i < 30; i++ {
		kvs = append(kvs, attribute.Int64("k"+strconv.Itoa(i), int64(i)))
	}
	e.HookPluginMetrics(context.Background(), HookPluginMetrics{PluginID: "p@m", Metrics: kvs})
	got := keysOf(eventAttrs(t, rec.take()[0]))
	if len(got) != 1+20 || got[1] != "ok_1" || got[2] != "ratio" || got[3] != "k0" {
		t.Errorf("metrics keys %v", got)
	}
}

// errLogger is a logger whose Emit panics, like a broken exporter.
type errLogger struct{ log.Logger }

func (errLogger) Enabled(context.Context, log.EnabledParameters) bool { return true }
func (errLogger) Emit(context.Context, log.Record)                    { panic(errors.New("exporter broke")) }

func TestEmitNeverPanics(t *testing.T) {
	st := core.NewState(config.Config{}, core.Static{})
	var got error
	st.Handle = func(err error) { got = err }
	newEmitter(errLogger{}, st, false).APIRequest(context.Background(), APIRequest{})
	if got == nil {
		t.Error("the panic must reach the error handler")
	}
}

// Every value of an event is bounded when the record is built: the standard
// attributes, prompt.id and workspace.host_paths, every identifier the host
// passes or its redactor returns at redact.IdentifierMax bytes, and content
// (which a redactor may lengthen) at the content limit.
func TestEventValuesBounded(t *testing.T) {
	long := strings.Repeat("€", 1<<20)
	rec := &recorder{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(rec))
	st := core.NewState(config.Config{
		Include:  config.Include{SessionID: true},
		Identity: config.Identity{UserEmail: long, WorkspaceHostPaths: []string{long, "/b"}},
		Content:  config.Content{UserPrompts: true, MaxLength: 3 * redact.IdentifierMax},
	}, core.Static{UserID: long})
	st.Redact = func(_, key string, v attribute.Value) (attribute.Value, bool) {
		switch key {
		case "status_code":
			return attribute.StringValue(long), true
		case "prompt":
			return attribute.StringValue(long), true
		}
		return v, true
	}
	e := newEmitter(lp.Logger("x"), st, false)
	ctx := core.ContextWithSession(context.Background(), st.NewSession(long))
	ctx = core.ContextWithPrompt(ctx, &core.Prompt{ID: long})
	e.APIError(ctx, APIError{Model: long, Error: long, RequestID: long, StatusCode: 500})
	e.UserPrompt(ctx, UserPrompt{Prompt: long, CommandName: long})
	recs := rec.take()
	for _, r := range recs {
		for _, a := range attrs(r) {
			n, max := 0, redact.IdentifierMax
			switch a.val.Type() {
			case attribute.STRING:
				n = len(a.val.AsString())
				if !utf8.ValidString(a.val.AsString()) {
					t.Errorf("%s: invalid UTF-8", a.key)
				}
			case attribute.STRINGSLICE:
				for _, s := range a.val.AsStringSlice() {
					n += len(s) + 1
				}
			}
			if a.key == "prompt" || a.key == "prompt_text" {
				n, max = redact.UTF16Len(a.val.AsString()), 3*redact.IdentifierMax
			}
			if n > max {
				t.Errorf("%s: %d, bound %d", a.key, n, max)
			}
		}
	}
	for _, k := range []string{"session.id", "user.id", "user.email", "prompt.id", "model", "error", "request_id", "status_code"} {
		if v, ok := get(recs[0], k); !ok || len(v.AsString()) < redact.IdentifierMax-3 {
			t.Errorf("%s: %d bytes, want the bound's worth", k, len(v.AsString()))
		}
	}
	if v, _ := get(recs[1], "prompt"); !strings.HasSuffix(v.AsString(), redact.Marker) {
		t.Error("the redactor's prompt is content: cut with the marker")
	}
}

// An event with more attributes than the builder holds on the stack keeps
// them all, in order.
func TestBuilderSpills(t *testing.T) {
	e, rec, _ := setup(t, config.Content{})
	var b builder
	if !e.begin(context.Background(), &b, "claude_code.test", false, 0) {
		t.Fatal("begin refused an open event")
	}
	first := b.n
	want := len(b.arr) + 10 - first
	for i := range want {
		b.add(attribute.Int("k"+strconv.Itoa(i), i))
	}
	e.finish(context.Background(), &b)
	got := attrs(rec.recs[0])[first:]
	if len(got) != want {
		t.Fatalf("%d event attributes, want %d", len(got), want)
	}
	for i, a := range got {
		if a.key != "k"+strconv.Itoa(i) || a.val.AsInt64() != int64(i) {
			t.Fatalf("attribute %d is %s=%v, want k%d=%d", i, a.key, a.val.String(), i, i)
		}
	}
}
