// Package ccanthropic records the Anthropic Go SDK's Messages API calls as
// Claude Code records its own: every call, streamed or not, becomes the
// api_request, assistant_response, api_error and api_retries_exhausted
// events, the cost and token metrics and the llm_request span of the ccotel
// session the call's context carries.
//
// It comes in two forms that record the same things. A client option (a
// middleware), for code that builds the client:
//
//	tel, err := telemetry.Start(ctx) // configured as Claude Code is
//	...
//	ctx, session := tel.StartSession(ctx)
//	client := anthropic.NewClient(ccanthropic.WithTelemetry())
//	msg, err := client.Messages.New(ctx, params) // recorded into session
//
// And an http.RoundTripper, for code that reaches the SDK through a framework
// that only lets it pass an *http.Client (option.WithHTTPClient):
//
//	hc := &http.Client{Transport: ccanthropic.NewTransport(nil)}
//
// The session comes from the request's context (telemetry.SessionFromContext:
// the context of StartSession, of a prompt or a tool, or Session.Context);
// WithSession names one for calls whose context carries none. Calls without
// a session, calls of other endpoints and everything when telemetry is
// disabled pass through untouched.
//
// # Each call once
//
// A call is recorded by the first recorder that sees it: a client given both
// forms records through the middleware alone, and a session ignores an
// APIResponse or APIFailure whose request id it has already recorded. So an
// agent that records every provider's calls itself may leave its Anthropic
// calls to this package, or record them too under their request id (the
// request-id header, from option.WithResponseInto, or anthropic.Error's
// RequestID): they count once. Calls it records without a request id count
// again; leave those to this package.
//
// # SDK versions
//
// The SDK is supported from v1.10.0, the first version that closes a
// response it retries before sending the next attempt: that is how the
// attempts of one call are told from a new call. CI runs the tests against
// v1.10.0 and the newest version on the module proxy.
//
// # What is recorded
//
// A response records one api_request with the request-id header as
// request_id, the usage of the response (input, output, cache read, cache
// creation and its 5-minute and 1-hour split) priced by ccotel's table, the
// stop reason and, for a stream, ttft_ms: the time to the message_start
// event, as Claude Code measures it (the span's first_content_ms is the
// time to the first content block). duration_ms is the last attempt's, from
// sending it to the end of its body, as in Claude Code's api_request and
// api_error; the llm_request span covers every attempt and has one
// gen_ai.request.attempt event per attempt. A stream is observed as the
// application reads it, never buffered or altered, and counted once however
// many frames carry usage: stream usage is cumulative, so each key's last
// value is the response's.
//
// The SDK retries 408, 409, 429, 5xx (and what x-should-retry asks for)
// itself. A call that a retry rescued records no api_error, only the
// attempts on its span. A call that failed records one api_error with the
// final attempt number and status code, and api_retries_exhausted when the
// final attempt was one the SDK would have retried had it had retries left:
// a 500 with option.WithMaxRetries(2) gives api_error attempt=3 and
// api_retries_exhausted total_attempts=3; a 400 gives api_error attempt=1
// alone. The attempt number is the SDK's X-Stainless-Retry-Count plus one.
//
// A stream that breaks off, or that carries an error event, records an
// api_error with no status code. A stream the application stops reading
// records an api_request with the usage seen so far, since message_start
// reports the input tokens that were billed.
//
// Attribution that the HTTP exchange cannot show (query source, subagent,
// effort...) is set per client with WithCall or per call with
// ContextWithCall.
package ccanthropic
