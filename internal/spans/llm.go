package spans

import (
	"context"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// LLMRequest is what is known when a model call starts.
type LLMRequest struct {
	Model string
	// Context is llm_request.context: "interaction", "tool" or "standalone".
	// Empty means "tool" inside ContextWithAgent (a subagent's call runs
	// under the Agent tool), else "interaction".
	Context string
	// Speed is "normal" (the default) or "fast".
	Speed string
	// QuerySource is the subsystem that made the call, as the api_request
	// event's query_source ("sdk" by default, "compact",
	// "agent:builtin:general-purpose", ...). The span always carries
	// query_source_safe, and query_source itself only in detailed tracing.
	QuerySource string
	// QuerySourceSafe overrides query_source_safe, which is QuerySource with
	// ':' replaced by '.' (agent:builtin:x becomes agent.builtin.x).
	QuerySourceSafe string
	// AgentID is agent_id, for a subagent's call; empty takes ContextWithAgent.
	AgentID string
	// ConversationID overrides gen_ai.conversation.id.
	ConversationID string

	// Detailed beta tracing only (WithDetailed).
	SystemPromptHash       string // system_prompt_hash, "sp_" + 12 hex
	SystemPromptLength     int    // system_prompt_length, UTF-16 units
	Tools                  string // tools: JSON array of {name,hash}
	ToolsCount             int    // tools_count
	NewContextMessageCount int    // new_context_message_count
	SystemRemindersCount   int    // system_reminders_count, sent when > 0

	// Start is when the call started; zero means now.
	Start time.Time
}

// LLMResult is the outcome of a model call, after every retry.
type LLMResult struct {
	InputTokens         int64
	OutputTokens        int64
	CacheReadTokens     int64
	CacheCreationTokens int64

	// Error is the final error message; non-empty means the call failed,
	// the span status is ERROR and the token, timing and stop keys are
	// left out, as in Claude Code.
	Error string
	// StatusCode is the final HTTP status of a failed call (0: none).
	StatusCode int
	// ErrorClass overrides error_class, which is derived from StatusCode:
	// 429 rate_limit, 529 server_overload, other 5xx server_error, other
	// 4xx client_error.
	ErrorClass string

	// Attempt is the attempt attribute: the number of the final attempt.
	// Zero means the number of attempts recorded with AddAttempt, or 1.
	Attempt int
	// AttemptTimes are the start times of the HTTP attempts, for a span
	// recorded after the fact: one gen_ai.request.attempt event each. When
	// neither AddAttempt nor AttemptTimes was used, End adds Attempt events
	// at the span's start.
	AttemptTimes []time.Time

	RequestID string // request_id and gen_ai.response.id
	// TTFT is ttft_ms, time to the first token; FirstContent is
	// first_content_ms (TTFT when zero). Both are sent on every successful
	// call, as 0 when unknown, so the key set matches Claude Code's.
	TTFT         time.Duration
	FirstContent time.Duration
	StopReason   string
	// FinishReasons is gen_ai.response.finish_reasons; nil means
	// [StopReason].
	FinishReasons []string
	// HasToolCall is response.has_tool_call (detailed tracing only).
	HasToolCall bool
	// ResponseModel is gen_ai.response.model: the model field of the API
	// response message. It is sent on successful calls when it looks like
	// a model name (see modelName).
	ResponseModel string

	// Duration is duration_ms and ends the span at Start+Duration; zero
	// measures up to now.
	Duration time.Duration
}

// LLMSpan is a started claude_code.llm_request span.
type LLMSpan struct {
	t     *Tracer
	span  trace.Span
	start time.Time

	mu       sync.Mutex
	attempts int
}

// StartLLMRequest starts a model call span under the span in ctx.
func (t *Tracer) StartLLMRequest(ctx context.Context, r LLMRequest) (context.Context, *LLMSpan) {
	if t == nil {
		return ctx, nil
	}
	start := t.startTime(r.Start)
	ctx, span := t.start(ctx, NameLLMRequest, start)
	s := &LLMSpan{t: t, span: span, start: start}
	if !span.IsRecording() {
		return ctx, s
	}
	ss := t.st.Session(ctx)
	agent := r.AgentID
	if agent == "" {
		agent = AgentFromContext(ctx)
	}
	conv := r.ConversationID
	if conv == "" {
		conv = agent
	}
	lctx := r.Context
	switch {
	case lctx != "":
	case agent != "":
		lctx = "tool"
	default:
		lctx = "interaction"
	}
	speed := r.Speed
	if speed == "" {
		speed = "normal"
	}
	qs := r.QuerySource
	if qs == "" {
		qs = defaultQuerySource
	}
	safe := r.QuerySourceSafe
	if safe == "" {
		safe = strings.ReplaceAll(qs, ":", ".")
	}
	buf := header(ss.Attributes, ss.Provider.Family, NameLLMRequest)
	kv := *buf
	kv = append(kv,
		attribute.String("model", r.Model),
		attribute.String("gen_ai.system", ss.Provider.Family),
		attribute.String("gen_ai.request.model", r.Model),
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("llm_request.context", lctx),
		attribute.String("speed", speed),
		attribute.String("gen_ai.conversation.id", conversation(ctx, conv, ss)),
	)
	if t.detailed {
		kv = append(kv, attribute.String("query_source", qs))
	}
	kv = append(kv, attribute.String("query_source_safe", safe))
	if agent != "" {
		kv = append(kv, attribute.String("agent_id", agent))
	}
	if t.detailed {
		// Their place among the request keys is inferred: the 2.1.330 notes
		// name them but the detailed captures are not in the corpus.
		kv = append(kv,
			attribute.String("system_prompt_hash", r.SystemPromptHash),
			attribute.Int("system_prompt_length", r.SystemPromptLength),
			attribute.String("tools", r.Tools),
			attribute.Int("tools_count", r.ToolsCount),
			attribute.Int("new_context_message_count", r.NewContextMessageCount),
		)
		if r.SystemRemindersCount > 0 {
			kv = append(kv, attribute.Int("system_reminders_count", r.SystemRemindersCount))
		}
	}
	t.setPooled(span, NameLLMRequest, buf, kv)
	return ctx, s
}

// RecordLLMRequest records a finished model call in one step, for a host
// that reports after the fact: r.Start and res.Duration place the span.
func (t *Tracer) RecordLLMRequest(ctx context.Context, r LLMRequest, res LLMResult) {
	if t == nil {
		return
	}
	_, s := t.StartLLMRequest(ctx, r)
	s.End(res)
}

// SpanContext identifies the span, for the traceparent of the HTTP request.
func (s *LLMSpan) SpanContext() trace.SpanContext {
	if s == nil {
		return trace.SpanContext{}
	}
	return s.span.SpanContext()
}

// AddAttempt records the start of HTTP attempt n (1-based) now, as a
// gen_ai.request.attempt event. Call it once per attempt, retries and
// fallbacks included.
func (s *LLMSpan) AddAttempt(n int) {
	if s == nil {
		return
	}
	s.addAttempt(n, s.t.now())
}

func (s *LLMSpan) addAttempt(n int, at time.Time) {
	s.mu.Lock()
	s.attempts++
	s.mu.Unlock()
	if s.span.IsRecording() {
		s.t.event(s.span, NameLLMRequest, EventAttempt, at, []attribute.KeyValue{attribute.Int("attempt", n)})
	}
}

// End ends the span with the call's outcome.
func (s *LLMSpan) End(res LLMResult) {
	if s == nil {
		return
	}
	t := s.t
	end := t.endTime(s.start, res.Duration)
	if !s.span.IsRecording() {
		s.span.End(trace.WithTimestamp(end))
		return
	}
	s.mu.Lock()
	recorded := s.attempts
	s.mu.Unlock()
	for i, at := range res.AttemptTimes {
		s.addAttempt(i+1, at)
	}
	attempt := res.Attempt
	if attempt == 0 {
		attempt = max(recorded+len(res.AttemptTimes), 1)
	}
	if recorded == 0 && len(res.AttemptTimes) == 0 {
		for i := 1; i <= attempt; i++ {
			s.addAttempt(i, s.start)
		}
	}

	failed := res.Error != ""
	kv := make([]attribute.KeyValue, 0, 23)
	kv = append(kv, attribute.Int64("duration_ms", ms(end.Sub(s.start))))
	if !failed {
		kv = append(kv,
			attribute.Int64("input_tokens", res.InputTokens),
			attribute.Int64("output_tokens", res.OutputTokens),
			attribute.Int64("cache_read_tokens", res.CacheReadTokens),
			attribute.Int64("cache_creation_tokens", res.CacheCreationTokens),
		)
	}
	kv = append(kv, attribute.Bool("success", !failed))
	if failed {
		if res.StatusCode != 0 {
			kv = append(kv, attribute.Int("status_code", res.StatusCode))
		}
		kv = append(kv, attribute.String("error", res.Error))
		if class := errorClass(res); class != "" {
			kv = append(kv, attribute.String("error_class", class))
		}
	}
	kv = append(kv, attribute.Int("attempt", attempt))
	if t.detailed {
		kv = append(kv, attribute.Bool("response.has_tool_call", res.HasToolCall))
	}
	if res.RequestID != "" {
		kv = append(kv,
			attribute.String("request_id", res.RequestID),
			attribute.String("gen_ai.response.id", res.RequestID))
	}
	if !failed {
		first := res.FirstContent
		if first == 0 {
			first = res.TTFT
		}
		kv = append(kv,
			attribute.Int64("ttft_ms", ms(res.TTFT)),
			attribute.Int64("first_content_ms", ms(first)))
		if res.StopReason != "" {
			kv = append(kv, attribute.String("stop_reason", res.StopReason))
		}
		reasons := res.FinishReasons
		if reasons == nil && res.StopReason != "" {
			reasons = []string{res.StopReason}
		}
		if reasons != nil {
			kv = append(kv, attribute.StringSlice("gen_ai.response.finish_reasons", reasons))
		}
		// Claude Code 2.1.332: the semantic conventions' usage keys, the
		// input counting cache reads and writes, then the response's model.
		kv = append(kv,
			attribute.Int64("gen_ai.usage.input_tokens", res.InputTokens+res.CacheReadTokens+res.CacheCreationTokens),
			attribute.Int64("gen_ai.usage.output_tokens", res.OutputTokens),
			attribute.Int64("gen_ai.usage.cache_read.input_tokens", res.CacheReadTokens),
			attribute.Int64("gen_ai.usage.cache_write.input_tokens", res.CacheCreationTokens))
		if modelName(res.ResponseModel) {
			kv = append(kv, attribute.String("gen_ai.response.model", res.ResponseModel))
		}
	}
	t.set(s.span, NameLLMRequest, kv)
	if failed {
		t.fail(s.span, NameLLMRequest, res.Error)
	}
	s.span.End(trace.WithTimestamp(end))
}

// modelName reports whether s looks like a model name, the condition on
// which Claude Code 2.1.332 sends gen_ai.response.model: not empty, not
// absurdly long, and only the characters model ids use
// (claude-sonnet-4-5-20250929, us.anthropic.claude-...:0, models/x@v1).
func modelName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune("-_.:/@[]", c):
		default:
			return false
		}
	}
	return true
}

// errorClass is error_class as Claude Code derives it from the status.
func errorClass(res LLMResult) string {
	if res.ErrorClass != "" {
		return res.ErrorClass
	}
	switch c := res.StatusCode; {
	case c == 429:
		return "rate_limit"
	case c == 529:
		return "server_overload"
	case c >= 500:
		return "server_error"
	case c >= 400:
		return "client_error"
	}
	return ""
}
