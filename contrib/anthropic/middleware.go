package ccanthropic

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/option"

	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// Option configures Middleware, WithTelemetry and NewTransport.
type Option interface{ apply(*settings) }

type optionFunc func(*settings)

func (f optionFunc) apply(s *settings) { f(s) }

type settings struct {
	session    *telemetry.Session
	maxRetries int
	call       Call
	now        func() time.Time
}

// WithSession records into s the calls whose context carries no session.
// By default, such calls are not recorded.
func WithSession(s *telemetry.Session) Option {
	return optionFunc(func(o *settings) { o.session = s })
}

// WithMaxRetries tells the middleware the client's option.WithMaxRetries.
// By default, it is the SDK's default, 2. It is only needed to know when a
// request that got no response at all (a connection error) was the last
// attempt; a response with an error status is known to be the last one
// without it.
func WithMaxRetries(n int) Option {
	return optionFunc(func(o *settings) { o.maxRetries = max(n, 0) })
}

// WithCall sets the attribution of every call made with the client: its
// query source, subagent, effort... By default, a call is the session's main
// loop's. ContextWithCall overrides it per call.
func WithCall(c Call) Option {
	return optionFunc(func(o *settings) { o.call = c })
}

// Call is what the HTTP exchange cannot tell about an API call: which part of
// the agent made it and on whose behalf (the Attribution of
// telemetry.APIResponse and telemetry.APIFailure), and the transcript message.
// When Speed is empty, it is the response's usage.speed ("fast" when the API
// says so), else normal.
type Call struct {
	metrics.Attribution
	MessageUUID string
}

type callKey struct{}

// ContextWithCall returns ctx whose API calls are attributed as c, instead of
// the client's WithCall.
func ContextWithCall(ctx context.Context, c Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// WithTelemetry is the client option that records every Messages API call
// of the client: option.WithMiddleware(Middleware(opts...)). Give it first,
// before any other middleware (see Middleware).
func WithTelemetry(opts ...Option) option.RequestOption {
	return option.WithMiddleware(Middleware(opts...))
}

// Middleware returns the SDK middleware that records every Messages API
// call (POST /v1/messages, streamed or not, beta included) into the
// telemetry.Session of the request's context (telemetry.SessionFromContext)
// or of WithSession, as Claude Code records its own calls:
//
//   - a response: one api_request event (and assistant_response when it has
//     text), the cost and the four token metrics, and the llm_request span
//     with one gen_ai.request.attempt event per HTTP attempt;
//   - a call that failed after its retries: one api_error with the final
//     attempt and status, and api_retries_exhausted when the last attempt
//     was one the SDK would have retried had retries been left. A failure
//     that a retry recovered from records nothing but the span's attempts.
//
// The middleware must see the response bodies exactly as the SDK reads
// them: it learns that the SDK gave up on an error response from the SDK
// reading that body (a response it retries is closed unread). Place it
// before any middleware that reads or replaces bodies (option.WithDebugLog).
// Calls of other endpoints, and all calls when telemetry is disabled, pass
// through untouched.
func Middleware(opts ...Option) option.Middleware {
	return newMiddleware(opts).handle
}

func newMiddleware(opts []Option) *middleware {
	m := &middleware{settings: settings{maxRetries: 2, now: time.Now}}
	for _, o := range opts {
		if o != nil {
			o.apply(&m.settings)
		}
	}
	return m
}

type middleware struct {
	settings
	calls tracker
}

// attempt is one HTTP attempt of a call.
type attempt struct {
	c     *call
	req   *http.Request
	retry int // X-Stainless-Retry-Count: 0 for the first attempt
	start time.Time
}

func (m *middleware) handle(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	if req.Method != http.MethodPost || !isMessages(req.URL.Path) || recording(req.Context()) {
		return next(req)
	}
	ctx := req.Context()
	s := telemetry.SessionFromContext(ctx)
	if s == nil {
		s = m.session
	}
	if s == nil || s.ID() == "" {
		return next(req)
	}
	retry, _ := strconv.Atoi(req.Header.Get("X-Stainless-Retry-Count"))
	retry = max(retry, 0)
	now := m.now()
	a := &attempt{c: m.calls.begin(req, s, retry, now), req: req, retry: retry, start: now}

	res, err := next(markRecording(req))
	if err != nil || res == nil {
		if err == nil {
			err = errNoResponse
		}
		m.noResponse(a, err, m.now())
		return res, err
	}
	switch {
	case res.StatusCode >= 400:
		res.Body = &errorBody{m: m, a: a, res: res, rc: res.Body}
	case res.StatusCode >= 200 && res.StatusCode < 300 && res.Body != nil:
		b := &responseBody{m: m, a: a, res: res, rc: res.Body}
		if mt := mediaType(res.Header.Get("Content-Type")); mt == "text/event-stream" {
			b.sse = &sseParser{}
		}
		res.Body = b
	}
	return res, nil
}

// isMessages reports whether path is the Messages API's, after any base
// path (a proxy's /anthropic/v1/messages).
func isMessages(path string) bool {
	return strings.HasSuffix(strings.TrimSuffix(path, "/"), "/v1/messages")
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// callAttrs is the Call of the request's context, or the client's.
func (m *middleware) callAttrs(ctx context.Context) Call {
	if c, ok := ctx.Value(callKey{}).(Call); ok {
		return c
	}
	return m.call
}

// noResponse handles an attempt that got no response, or whose body could
// not be read: the SDK retries it unless it was the last attempt or the
// caller gave up.
func (m *middleware) noResponse(a *attempt, err error, end time.Time) {
	canceled := errors.Is(err, context.Canceled) || errors.Is(a.req.Context().Err(), context.Canceled)
	if !canceled && a.retry < m.maxRetries && retryable(a.req, nil) {
		m.calls.park(a.c, a.retry, end)
		return
	}
	m.failed(a, 0, err.Error(), "", !canceled && retryable(a.req, nil), end)
}

// failed records the call's failure after its last attempt.
func (m *middleware) failed(a *attempt, status int, msg, requestID string, exhausted bool, end time.Time) {
	ctx := a.req.Context()
	call := m.callAttrs(ctx)
	a.c.s.APIError(ctx, telemetry.APIFailure{
		Model:            requestModel(a.req),
		Error:            msg,
		StatusCode:       status,
		Start:            a.c.first,
		Duration:         end.Sub(a.start),
		TotalDuration:    end.Sub(a.c.first),
		Attempts:         a.retry + 1,
		AttemptTimes:     a.c.times,
		RetriesExhausted: exhausted,
		RequestID:        requestID,
		Attribution:      call.Attribution,
	})
}

// message is what a response says about itself: the non-streamed JSON body,
// or what a stream's events added up to.
type message struct {
	Model      string `json:"model"`
	StopReason string `json:"stop_reason"`
	Content    []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	Usage usage `json:"usage"`
}

// usage is the API's usage object. Pointers tell a key that is present from
// one that is absent or null, for message_delta, whose usage only updates
// the keys it has.
type usage struct {
	InputTokens              *int64 `json:"input_tokens"`
	OutputTokens             *int64 `json:"output_tokens"`
	CacheReadInputTokens     *int64 `json:"cache_read_input_tokens"`
	CacheCreationInputTokens *int64 `json:"cache_creation_input_tokens"`
	CacheCreation            *struct {
		Ephemeral5m *int64 `json:"ephemeral_5m_input_tokens"`
		Ephemeral1h *int64 `json:"ephemeral_1h_input_tokens"`
	} `json:"cache_creation"`
	Speed *string `json:"speed"`
}

// update sets the keys u has on the running usage: usage in a stream is
// cumulative, so the last value of each key is the response's, and a
// response is counted once however many frames carry usage.
func (dst *usage) update(u usage) {
	set := func(d **int64, s *int64) {
		if s != nil {
			*d = s
		}
	}
	set(&dst.InputTokens, u.InputTokens)
	set(&dst.OutputTokens, u.OutputTokens)
	set(&dst.CacheReadInputTokens, u.CacheReadInputTokens)
	set(&dst.CacheCreationInputTokens, u.CacheCreationInputTokens)
	if u.CacheCreation != nil {
		if dst.CacheCreation == nil {
			dst.CacheCreation = u.CacheCreation
		} else {
			set(&dst.CacheCreation.Ephemeral5m, u.CacheCreation.Ephemeral5m)
			set(&dst.CacheCreation.Ephemeral1h, u.CacheCreation.Ephemeral1h)
		}
	}
	if u.Speed != nil {
		dst.Speed = u.Speed
	}
}

func val(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// succeeded records a response.
func (m *middleware) succeeded(a *attempt, res *http.Response, msg *message, text string, ttft, firstContent time.Duration, end time.Time) {
	ctx := a.req.Context()
	call := m.callAttrs(ctx)
	u := msg.Usage
	var u5m, u1h int64
	if u.CacheCreation != nil {
		u5m, u1h = val(u.CacheCreation.Ephemeral5m), val(u.CacheCreation.Ephemeral1h)
	}
	if call.Speed == "" && u.Speed != nil && *u.Speed == "fast" {
		call.Speed = metrics.SpeedFast
	}
	model := msg.Model
	if model == "" {
		model = requestModel(a.req)
	}
	a.c.s.APIResponse(ctx, telemetry.APIResponse{
		Model: model,
		Usage: pricing.Usage{
			InputTokens:           val(u.InputTokens),
			OutputTokens:          val(u.OutputTokens),
			CacheReadTokens:       val(u.CacheReadInputTokens),
			CacheCreationTokens:   val(u.CacheCreationInputTokens),
			CacheCreation5mTokens: u5m,
			CacheCreation1hTokens: u1h,
		},
		Start:         a.c.first,
		Duration:      end.Sub(a.start),
		TotalDuration: end.Sub(a.c.first),
		TTFT:          ttft,
		FirstContent:  firstContent,
		Attempts:      a.retry + 1,
		AttemptTimes:  a.c.times,
		StopReason:    msg.StopReason,
		RequestID:     res.Header.Get("request-id"),
		Attribution:   call.Attribution,
		Text:          text,
		MessageUUID:   call.MessageUUID,
	})
}

// requestModel reads the model of the request body. It is only needed when
// no response says which model answered, so the body is read again (through
// GetBody, which the SDK sets) only then.
func requestModel(req *http.Request) string {
	if req.GetBody == nil {
		return ""
	}
	rc, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer func() { _ = rc.Close() }()
	var body struct {
		Model string `json:"model"`
	}
	_ = json.NewDecoder(rc).Decode(&body)
	return body.Model
}

// retryable reports whether the SDK retries a response (nil: no response),
// with the SDK's rules: x-should-retry first, then 408, 409, 429 and 5xx, and
// never a request whose body cannot be sent again.
func retryable(req *http.Request, res *http.Response) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	if res == nil {
		return true
	}
	switch res.Header.Get("x-should-retry") {
	case "true":
		return true
	case "false":
		return false
	}
	return res.StatusCode == http.StatusRequestTimeout || res.StatusCode == http.StatusConflict ||
		res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= http.StatusInternalServerError
}

// apiErrorMessage is the message of an API error body
// ({"type":"error","error":{"type":...,"message":...}}), as Claude Code
// reports it; the status text when the body is not one.
func apiErrorMessage(status int, body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	if s := strings.TrimSpace(string(body)); s != "" {
		if len(s) > 1000 {
			s = s[:1000]
		}
		return s
	}
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return "status " + strconv.Itoa(status)
}
