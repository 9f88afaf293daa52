package ccanthropic_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ccotel/ccotel/config"
	ccanthropic "github.com/ccotel/ccotel/contrib/anthropic"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

const model = "claude-sonnet-4-5-20250929"

// ---- the in-memory telemetry

type memLogs struct {
	mu   sync.Mutex
	recs []sdklog.Record
}

func (m *memLogs) Export(_ context.Context, rs []sdklog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range rs {
		m.recs = append(m.recs, r.Clone())
	}
	return nil
}
func (m *memLogs) Shutdown(context.Context) error   { return nil }
func (m *memLogs) ForceFlush(context.Context) error { return nil }

type event struct {
	name  string
	attrs map[string]attribute.Value
}

func (e event) int(t *testing.T, key string) int64 {
	t.Helper()
	v, ok := e.attrs[key]
	if !ok || v.Type() != attribute.INT64 {
		t.Fatalf("%s: %s is %v (%v), want an int", e.name, key, v, v.Type())
	}
	return v.AsInt64()
}

func (e event) str(t *testing.T, key string) string {
	t.Helper()
	v, ok := e.attrs[key]
	if !ok || v.Type() != attribute.STRING {
		t.Fatalf("%s: %s is %v (%v), want a string", e.name, key, v, v.Type())
	}
	return v.AsString()
}

type rig struct {
	tel    *telemetry.Telemetry
	logs   *memLogs
	reader *sdkmetric.ManualReader
	spans  *tracetest.InMemoryExporter
	ctx    context.Context
	s      *telemetry.Session
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{logs: &memLogs{}, reader: sdkmetric.NewManualReader(), spans: tracetest.NewInMemoryExporter()}
	cfg := config.Config{
		Enabled: true,
		Include: config.Include{SessionID: true},
		Content: config.Content{AssistantResponses: true, MaxLength: 61440},
	}
	tel, err := telemetry.Start(context.Background(),
		telemetry.WithConfig(cfg),
		telemetry.WithLogProcessor(sdklog.NewSimpleProcessor(r.logs)),
		telemetry.WithMetricReader(r.reader),
		telemetry.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(r.spans)),
		telemetry.WithErrorHandler(func(err error) { t.Errorf("ccotel reported: %v", err) }),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	r.tel = tel
	r.ctx, r.s = tel.StartSession(context.Background())
	return r
}

// events returns the API events in order (the startup events left out).
func (r *rig) events() []event {
	r.logs.mu.Lock()
	defer r.logs.mu.Unlock()
	var out []event
	for _, rec := range r.logs.recs {
		e := event{attrs: map[string]attribute.Value{}}
		rec.WalkAttributes(func(kv attribute.KeyValue) bool {
			e.attrs[string(kv.Key)] = kv.Value
			return true
		})
		e.name = e.attrs["event.name"].AsString()
		if strings.HasPrefix(e.name, "api_") || e.name == "assistant_response" {
			out = append(out, e)
		}
	}
	return out
}

func (r *rig) names() []string {
	var out []string
	for _, e := range r.events() {
		out = append(out, e.name)
	}
	return out
}

func (r *rig) event(t *testing.T, name string) event {
	t.Helper()
	for _, e := range r.events() {
		if e.name == name {
			return e
		}
	}
	t.Fatalf("no %s event in %v", name, r.names())
	return event{}
}

// points returns the metric points by metric name and type attribute (the
// token type; "" for cost).
func (r *rig) points(t *testing.T) map[string][]float64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[float64])
			if !ok {
				continue
			}
			for _, p := range sum.DataPoints {
				typ, _ := p.Attributes.Value("type")
				out[m.Name+"/"+typ.AsString()] = append(out[m.Name+"/"+typ.AsString()], p.Value)
			}
		}
	}
	return out
}

type span struct {
	attrs    map[string]any
	attempts []int64
	failed   bool
}

func (r *rig) llmSpans(t *testing.T) []span {
	t.Helper()
	var out []span
	for _, s := range r.spans.GetSpans() {
		if s.Name != "claude_code.llm_request" {
			continue
		}
		sp := span{attrs: map[string]any{}, failed: s.Status.Code == codes.Error}
		for _, kv := range s.Attributes {
			sp.attrs[string(kv.Key)] = kv.Value.AsInterface()
		}
		for _, ev := range s.Events {
			if ev.Name == "gen_ai.request.attempt" {
				for _, kv := range ev.Attributes {
					if kv.Key == "attempt" {
						sp.attempts = append(sp.attempts, kv.Value.AsInt64())
					}
				}
			}
		}
		out = append(out, sp)
	}
	return out
}

func (r *rig) oneSpan(t *testing.T) span {
	t.Helper()
	spans := r.llmSpans(t)
	if len(spans) != 1 {
		t.Fatalf("%d llm_request spans, want 1", len(spans))
	}
	return spans[0]
}

// ---- the fake Messages API

type reply struct {
	status  int
	headers map[string]string
	body    string
	sse     []string      // events, each written and flushed on its own
	pause   time.Duration // before the first SSE event
	gap     time.Duration // between SSE events
}

type fakeAPI struct {
	*httptest.Server
	mu      sync.Mutex
	replies []reply
	retries []string // X-Stainless-Retry-Count of each request
}

func newFakeAPI(t *testing.T, replies ...reply) *fakeAPI {
	t.Helper()
	f := &fakeAPI{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/v1/messages" {
			http.NotFound(w, req)
			return
		}
		f.mu.Lock()
		n := len(f.retries)
		f.retries = append(f.retries, req.Header.Get("X-Stainless-Retry-Count"))
		f.mu.Unlock()
		if n >= len(f.replies) {
			t.Errorf("unexpected request %d", n+1)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		rp := f.replies[n]
		w.Header().Set("request-id", fmt.Sprintf("req_%d", n+1))
		for k, v := range rp.headers {
			w.Header().Set(k, v)
		}
		if rp.sse != nil {
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			// A client that closed the stream ends the wait (and the handler, which the server's Close waits for).
			sleep := func(d time.Duration) bool {
				select {
				case <-time.After(d):
					return true
				case <-req.Context().Done():
					return false
				}
			}
			if !sleep(rp.pause) {
				return
			}
			for i, ev := range rp.sse {
				if i > 0 && !sleep(rp.gap) {
					return
				}
				_, _ = w.Write([]byte(ev))
				w.(http.Flusher).Flush()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		_, _ = w.Write([]byte(rp.body))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.retries...)
}

func (f *fakeAPI) client(opts ...option.RequestOption) anthropic.Client {
	return anthropic.NewClient(append([]option.RequestOption{
		instrument(),
		option.WithBaseURL(f.URL),
		option.WithAPIKey("sk-ant-test"),
	}, opts...)...)
}

func apiError(status int, typ, msg string) reply {
	return reply{
		status:  status,
		headers: map[string]string{"retry-after-ms": "1"},
		body:    fmt.Sprintf(`{"type":"error","error":{"type":%q,"message":%q}}`, typ, msg),
	}
}

const okBody = `{"id":"msg_1","type":"message","role":"assistant","model":"` + model + `",
"content":[{"type":"text","text":"Hello there"},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}],
"stop_reason":"tool_use","stop_sequence":null,
"usage":{"input_tokens":12,"output_tokens":34,"cache_read_input_tokens":5,"cache_creation_input_tokens":7,
"cache_creation":{"ephemeral_5m_input_tokens":3,"ephemeral_1h_input_tokens":4},"service_tier":"standard"}}`

func ok() reply { return reply{status: http.StatusOK, body: okBody} }

var params = anthropic.MessageNewParams{
	Model:     model,
	MaxTokens: 1024,
	Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Hi"))},
}

func sse(typ, data string) string { return "event: " + typ + "\ndata: " + data + "\n\n" }

// ---- tests

func TestNonStreamingResponse(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, ok())
	client := api.client()
	if _, err := client.Messages.New(r.ctx, params); err != nil {
		t.Fatal(err)
	}

	if got := strings.Join(r.names(), ","); got != "api_request,assistant_response" {
		t.Fatalf("events %s, want api_request,assistant_response", got)
	}
	req := r.event(t, "api_request")
	if req.str(t, "model") != model || req.str(t, "request_id") != "req_1" {
		t.Errorf("model %q request_id %q", req.str(t, "model"), req.str(t, "request_id"))
	}
	for key, want := range map[string]int64{"input_tokens": 12, "output_tokens": 34, "cache_read_tokens": 5, "cache_creation_tokens": 7} {
		if got := req.int(t, key); got != want {
			t.Errorf("%s = %d, want %d", key, got, want)
		}
	}
	if _, ok := req.attrs["ttft_ms"]; ok {
		t.Error("a response that was not streamed has no ttft_ms")
	}
	req.int(t, "duration_ms")
	wantCost, _ := pricing.Default().Cost(model, pricing.Usage{InputTokens: 12, OutputTokens: 34, CacheReadTokens: 5,
		CacheCreationTokens: 7, CacheCreation5mTokens: 3, CacheCreation1hTokens: 4})
	if c := req.attrs["cost_usd"]; c.Type() != attribute.FLOAT64 || math.Abs(c.AsFloat64()-wantCost) > 1e-12 || wantCost == 0 {
		t.Errorf("cost_usd %v, want %v (the 5m/1h split priced)", c, wantCost)
	}
	resp := r.event(t, "assistant_response")
	if resp.str(t, "response") != "Hello there" || resp.int(t, "response_length") != 11 || resp.str(t, "request_id") != "req_1" {
		t.Errorf("assistant_response %v", resp.attrs)
	}

	pts := r.points(t)
	for typ, want := range map[string]float64{"input": 12, "output": 34, "cacheRead": 5, "cacheCreation": 7} {
		if got := pts["claude_code.token.usage/"+typ]; len(got) != 1 || got[0] != want {
			t.Errorf("token.usage %s = %v, want [%v]", typ, got, want)
		}
	}
	if got := pts["claude_code.cost.usage/"]; len(got) != 1 || math.Abs(got[0]-wantCost) > 1e-12 {
		t.Errorf("cost.usage %v, want [%v]", got, wantCost)
	}

	sp := r.oneSpan(t)
	if sp.failed || sp.attrs["attempt"] != int64(1) || sp.attrs["request_id"] != "req_1" || sp.attrs["stop_reason"] != "tool_use" ||
		sp.attrs["success"] != true || len(sp.attempts) != 1 {
		t.Errorf("llm_request span %v attempts %v", sp.attrs, sp.attempts)
	}
	if tot := r.s.Totals(); tot.APIRequests != 1 || tot.APIErrors != 0 {
		t.Errorf("totals %+v", tot)
	}
}

func TestStreamingResponseCountedOnce(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, reply{pause: 20 * time.Millisecond, sse: []string{
		sse("message_start", `{"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"`+model+`","content":[],"stop_reason":null,"usage":{"input_tokens":20,"output_tokens":1,"cache_read_input_tokens":100,"cache_creation_input_tokens":0}}}`),
		sse("ping", `{"type":"ping"}`),
		sse("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`),
		sse("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}`),
		// An event split across two writes.
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,",
		"\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\r\n\r\n",
		sse("content_block_stop", `{"type":"content_block_stop","index":0}`),
		// Usage in two frames, cumulative: the response is 15 output tokens, not 10+15.
		sse("message_delta", `{"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":10}}`),
		sse("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":15,"cache_read_input_tokens":100,"cache_creation_input_tokens":null}}`),
		sse("message_stop", `{"type":"message_stop"}`),
	}})
	client := api.client()
	stream := client.Messages.NewStreaming(r.ctx, params)
	var msg anthropic.Message
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if err := stream.Close(); err != nil {
		t.Fatal(err)
	}
	if msg.Content[0].Text != "Hello" {
		t.Fatalf("the SDK read %q: the observer changed the stream", msg.Content[0].Text)
	}

	if got := strings.Join(r.names(), ","); got != "api_request,assistant_response" {
		t.Fatalf("events %s, want one api_request and its assistant_response", got)
	}
	req := r.event(t, "api_request")
	if req.int(t, "input_tokens") != 20 || req.int(t, "output_tokens") != 15 || req.int(t, "cache_read_tokens") != 100 {
		t.Errorf("tokens %v", req.attrs)
	}
	ttft := req.int(t, "ttft_ms")
	if ttft < 20 || ttft > req.int(t, "duration_ms") {
		t.Errorf("ttft_ms %d, want at least the 20ms pause and at most duration_ms %d", ttft, req.int(t, "duration_ms"))
	}
	if s := r.event(t, "assistant_response").str(t, "response"); s != "Hello" {
		t.Errorf("response %q", s)
	}
	pts := r.points(t)
	if got := pts["claude_code.token.usage/output"]; len(got) != 1 || got[0] != 15 {
		t.Errorf("output token points %v, want [15]", got)
	}
	if got := pts["claude_code.token.usage/input"]; len(got) != 1 || got[0] != 20 {
		t.Errorf("input token points %v, want [20]", got)
	}
	sp := r.oneSpan(t)
	if sp.attrs["ttft_ms"] != ttft || sp.attrs["stop_reason"] != "end_turn" || sp.attrs["first_content_ms"].(int64) < ttft {
		t.Errorf("span %v", sp.attrs)
	}
}

func TestRetryThenSuccessHasNoError(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, apiError(429, "rate_limit_error", "Rate limited"), ok())
	client := api.client()
	if _, err := client.Messages.New(r.ctx, params); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(api.seen(), ","); got != "0,1" {
		t.Fatalf("retry counts %s, want 0,1", got)
	}
	if got := strings.Join(r.names(), ","); got != "api_request,assistant_response" {
		t.Fatalf("events %s: a retried failure emits no api_error", got)
	}
	if id := r.event(t, "api_request").str(t, "request_id"); id != "req_2" {
		t.Errorf("request_id %s, want the successful attempt's", id)
	}
	sp := r.oneSpan(t)
	if sp.attrs["attempt"] != int64(2) || fmt.Sprint(sp.attempts) != "[1 2]" || sp.failed {
		t.Errorf("span attempt %v events %v", sp.attrs["attempt"], sp.attempts)
	}
	if got := r.points(t)["claude_code.token.usage/input"]; len(got) != 1 || got[0] != 12 {
		t.Errorf("input token points %v", got)
	}
}

func TestRetriesExhausted(t *testing.T) {
	for _, tc := range []struct {
		status int
		typ    string
	}{{500, "api_error"}, {529, "overloaded_error"}} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			r := newRig(t)
			e := apiError(tc.status, tc.typ, "Internal server error (mock)")
			api := newFakeAPI(t, e, e, e)
			client := api.client(option.WithMaxRetries(2))
			if _, err := client.Messages.New(r.ctx, params); err == nil {
				t.Fatal("want an error")
			}
			if got := strings.Join(api.seen(), ","); got != "0,1,2" {
				t.Fatalf("retry counts %s, want 0,1,2", got)
			}
			if got := strings.Join(r.names(), ","); got != "api_error,api_retries_exhausted" {
				t.Fatalf("events %s, want one api_error then api_retries_exhausted", got)
			}
			ae := r.event(t, "api_error")
			if ae.int(t, "attempt") != 3 || ae.int(t, "status_code") != int64(tc.status) ||
				ae.str(t, "error") != "Internal server error (mock)" || ae.str(t, "request_id") != "req_3" || ae.str(t, "model") != model {
				t.Errorf("api_error %v", ae.attrs)
			}
			ex := r.event(t, "api_retries_exhausted")
			if ex.int(t, "total_attempts") != 3 || ex.int(t, "status_code") != int64(tc.status) {
				t.Errorf("api_retries_exhausted %v", ex.attrs)
			}
			if last, total := ae.int(t, "duration_ms"), ex.int(t, "total_retry_duration_ms"); last > total || total < 2 {
				t.Errorf("duration_ms %d (the last attempt) vs total_retry_duration_ms %d (two 1ms backoffs at least)", last, total)
			}
			sp := r.oneSpan(t)
			if !sp.failed || sp.attrs["attempt"] != int64(3) || sp.attrs["status_code"] != int64(tc.status) || fmt.Sprint(sp.attempts) != "[1 2 3]" {
				t.Errorf("span %v attempts %v", sp.attrs, sp.attempts)
			}
			pts := r.points(t)
			if len(pts["claude_code.cost.usage/"]) != 0 || len(pts["claude_code.token.usage/input"]) != 0 {
				t.Errorf("a failed call has no cost or tokens: %v", pts)
			}
		})
	}
}

func TestBadRequestIsNotRetried(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, apiError(400, "invalid_request_error", "max_tokens: too large"))
	client := api.client()
	if _, err := client.Messages.New(r.ctx, params); err == nil {
		t.Fatal("want an error")
	}
	if got := strings.Join(r.names(), ","); got != "api_error" {
		t.Fatalf("events %s, want api_error alone", got)
	}
	ae := r.event(t, "api_error")
	if ae.int(t, "attempt") != 1 || ae.int(t, "status_code") != 400 || ae.str(t, "error") != "max_tokens: too large" {
		t.Errorf("api_error %v", ae.attrs)
	}
	if r.s.Totals().APIErrors != 1 {
		t.Errorf("totals %+v", r.s.Totals())
	}
}

func TestShouldRetryHeaderDecidesExhaustion(t *testing.T) {
	// A 500 the API says not to retry is final at once and did not exhaust
	// any retries.
	r := newRig(t)
	e := apiError(500, "api_error", "boom")
	e.headers["x-should-retry"] = "false"
	api := newFakeAPI(t, e)
	client := api.client()
	if _, err := client.Messages.New(r.ctx, params); err == nil {
		t.Fatal("want an error")
	}
	if got := strings.Join(r.names(), ","); got != "api_error" {
		t.Fatalf("events %s", got)
	}
	if a := r.event(t, "api_error").int(t, "attempt"); a != 1 {
		t.Errorf("attempt %d", a)
	}
}

func TestConnectionErrorAfterRetries(t *testing.T) {
	r := newRig(t)
	var hits sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		hits.Store(req.Header.Get("X-Stainless-Retry-Count"), true)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	defer srv.Close()
	client := anthropic.NewClient(instrument(ccanthropic.WithMaxRetries(1)),
		option.WithBaseURL(srv.URL), option.WithAPIKey("k"), option.WithMaxRetries(1))
	if _, err := client.Messages.New(r.ctx, params); err == nil {
		t.Fatal("want an error")
	}
	if _, ok := hits.Load("1"); !ok {
		t.Fatal("the SDK did not retry")
	}
	if got := strings.Join(r.names(), ","); got != "api_error,api_retries_exhausted" {
		t.Fatalf("events %s", got)
	}
	ae := r.event(t, "api_error")
	if ae.int(t, "attempt") != 2 || ae.str(t, "model") != model {
		t.Errorf("api_error %v", ae.attrs)
	}
}

func TestCallsWithoutSessionPassThrough(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, ok())
	client := api.client()
	if _, err := client.Messages.New(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	if got := r.names(); len(got) != 0 {
		t.Errorf("a context without a session recorded %v", got)
	}
}

func TestWithSessionAndCall(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, ok(), ok())
	client := anthropic.NewClient(
		instrument(ccanthropic.WithSession(r.s), ccanthropic.WithCall(ccanthropic.Call{Attribution: metrics.Attribution{Query: metrics.QueryCompact}})),
		option.WithBaseURL(api.URL), option.WithAPIKey("k"))
	if _, err := client.Messages.New(context.Background(), params); err != nil {
		t.Fatal(err)
	}
	ctx := ccanthropic.ContextWithCall(context.Background(), ccanthropic.Call{Attribution: metrics.Attribution{Agent: metrics.Name{Value: "Explore", Origin: metrics.OriginBuiltIn}, AgentID: "a1"}})
	if _, err := client.Messages.New(ctx, params); err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, e := range r.events() {
		if e.name == "api_request" {
			sources = append(sources, e.str(t, "query_source"))
		}
	}
	if got := strings.Join(sources, ","); got != "compact,agent:builtin:Explore" {
		t.Errorf("query sources %s", got)
	}
}

func TestConcurrentRetriedCalls(t *testing.T) {
	r := newRig(t)
	// Each call fails once then succeeds; failures and successes alternate
	// per call through the retry count.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if req.Header.Get("X-Stainless-Retry-Count") == "0" {
			w.Header().Set("retry-after-ms", "2")
			w.WriteHeader(529)
			_, _ = w.Write([]byte(`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
			return
		}
		_, _ = w.Write([]byte(okBody))
	}))
	defer srv.Close()
	client := anthropic.NewClient(instrument(), option.WithBaseURL(srv.URL), option.WithAPIKey("k"))
	const n = 8
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(r.ctx)
			defer cancel()
			if _, err := client.Messages.New(ctx, params); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := strings.Count(strings.Join(r.names(), ","), "api_request"); got != n {
		t.Errorf("%d api_request, want %d: %v", got, n, r.names())
	}
	for _, sp := range r.llmSpans(t) {
		if sp.attrs["attempt"] != int64(2) || len(sp.attempts) != 2 {
			t.Errorf("span attempt %v events %v", sp.attrs["attempt"], sp.attempts)
		}
	}
}

func streamStart(input int) string {
	return sse("message_start", fmt.Sprintf(`{"type":"message_start","message":{"id":"msg_3","type":"message","role":"assistant","model":"%s","content":[],"stop_reason":null,"usage":{"input_tokens":%d,"output_tokens":1}}}`, model, input))
}

func TestStreamErrorEvent(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, reply{sse: []string{
		streamStart(9),
		sse("error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`),
	}})
	client := api.client()
	stream := client.Messages.NewStreaming(r.ctx, params)
	for stream.Next() {
	}
	if stream.Err() == nil {
		t.Fatal("the SDK should report the error event")
	}
	_ = stream.Close()
	if got := strings.Join(r.names(), ","); got != "api_error" {
		t.Fatalf("events %s, want api_error alone", got)
	}
	ae := r.event(t, "api_error")
	if ae.str(t, "error") != "Overloaded" || ae.int(t, "attempt") != 1 || ae.str(t, "request_id") != "req_1" {
		t.Errorf("api_error %v", ae.attrs)
	}
}

func TestAbandonedStreamCountsWhatWasBilled(t *testing.T) {
	r := newRig(t)
	// The events after message_start come far later than a loaded machine's pause between reading it and closing
	// the stream (with 300 ms, a late first read could also take the message_delta's 3 output tokens).
	api := newFakeAPI(t, reply{gap: 10 * time.Second, sse: []string{
		streamStart(9),
		sse("content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`),
		sse("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"partial"}}`),
		sse("message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}`),
		sse("message_stop", `{"type":"message_stop"}`),
	}})
	client := api.client()
	stream := client.Messages.NewStreaming(r.ctx, params)
	if !stream.Next() || stream.Current().Type != "message_start" {
		t.Fatal("want message_start first")
	}
	if err := stream.Close(); err != nil {
		t.Fatal(err)
	}
	req := r.event(t, "api_request")
	if req.int(t, "input_tokens") != 9 || req.int(t, "output_tokens") != 1 {
		t.Errorf("tokens %d/%d, want message_start's 9/1", req.int(t, "input_tokens"), req.int(t, "output_tokens"))
	}
	if n := strings.Count(strings.Join(r.names(), ","), "api_request"); n != 1 {
		t.Errorf("%d api_request", n)
	}
}
