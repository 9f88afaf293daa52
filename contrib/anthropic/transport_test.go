package ccanthropic_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	ccanthropic "github.com/ccotel/ccotel/contrib/anthropic"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// instrument is how the tests put ccanthropic on a client: the middleware
// form, and the http.Client form in TestTransport.
var instrument = ccanthropic.WithTelemetry

// viaHTTPClient is the form a framework that wraps the SDK leaves open.
func viaHTTPClient(opts ...ccanthropic.Option) option.RequestOption {
	return option.WithHTTPClient(&http.Client{Transport: ccanthropic.NewTransport(nil, opts...)})
}

// TestTransport runs the middleware's tests again with the transport given
// through option.WithHTTPClient: every recorded call, retry and stream comes
// out the same.
func TestTransport(t *testing.T) {
	instrument = viaHTTPClient
	t.Cleanup(func() { instrument = ccanthropic.WithTelemetry })
	for _, tc := range []struct {
		name string
		test func(*testing.T)
	}{
		{"NonStreamingResponse", TestNonStreamingResponse},
		{"StreamingResponseCountedOnce", TestStreamingResponseCountedOnce},
		{"RetryThenSuccessHasNoError", TestRetryThenSuccessHasNoError},
		{"RetriesExhausted", TestRetriesExhausted},
		{"BadRequestIsNotRetried", TestBadRequestIsNotRetried},
		{"ShouldRetryHeaderDecidesExhaustion", TestShouldRetryHeaderDecidesExhaustion},
		{"ConnectionErrorAfterRetries", TestConnectionErrorAfterRetries},
		{"CallsWithoutSessionPassThrough", TestCallsWithoutSessionPassThrough},
		{"WithSessionAndCall", TestWithSessionAndCall},
		{"ConcurrentRetriedCalls", TestConcurrentRetriedCalls},
		{"StreamErrorEvent", TestStreamErrorEvent},
		{"AbandonedStreamCountsWhatWasBilled", TestAbandonedStreamCountsWhatWasBilled},
	} {
		t.Run(tc.name, tc.test)
	}
}

// The transport wraps the framework's own transport rather than replacing it.
func TestTransportWrapsBase(t *testing.T) {
	r := newRig(t)
	api := newFakeAPI(t, ok())
	var sent int
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		sent++
		return http.DefaultTransport.RoundTrip(req)
	})
	client := anthropic.NewClient(option.WithHTTPClient(&http.Client{Transport: ccanthropic.NewTransport(base)}),
		option.WithBaseURL(api.URL), option.WithAPIKey("k"))
	if _, err := client.Messages.New(r.ctx, params); err != nil {
		t.Fatal(err)
	}
	if sent != 1 || len(r.events()) != 2 {
		t.Errorf("base sent %d requests; events %v", sent, r.names())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// The rule against double counting: each call is recorded once, by the
// first of its recorders. A client with both forms records through the
// middleware alone; an agent that records the call itself with
// Session.APIResponse or Session.APIError under the call's request id (from
// option.WithResponseInto, or the *anthropic.Error) adds nothing.
func TestNoDoubleCounting(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replies []reply
		agent   func(r *rig, res *http.Response, err error)
		want    string
		input   float64
	}{
		// Without a request id, so that the session cannot tell the two records apart.
		{name: "middleware and transport on one client", replies: []reply{noRequestID(ok())},
			want: "api_request,assistant_response", input: 12},
		{name: "the agent records the response too", replies: []reply{ok()},
			agent: func(r *rig, res *http.Response, err error) {
				r.s.APIResponse(r.ctx, telemetry.APIResponse{Model: model, Usage: pricing.Usage{InputTokens: 12, OutputTokens: 34},
					RequestID: res.Header.Get("request-id")})
			},
			want: "api_request,assistant_response", input: 12},
		{name: "the agent records the failure too", replies: []reply{apiError(400, "invalid_request_error", "bad")},
			agent: func(r *rig, res *http.Response, err error) {
				var apiErr *anthropic.Error
				if !errors.As(err, &apiErr) {
					panic(err)
				}
				r.s.APIError(r.ctx, telemetry.APIFailure{Model: model, Error: apiErr.Error(), StatusCode: apiErr.StatusCode,
					RequestID: apiErr.RequestID})
			},
			want: "api_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			api := newFakeAPI(t, tc.replies...)
			var res *http.Response
			client := anthropic.NewClient(ccanthropic.WithTelemetry(), viaHTTPClient(),
				option.WithBaseURL(api.URL), option.WithAPIKey("k"), option.WithMaxRetries(0))
			_, err := client.Messages.New(r.ctx, params, option.WithResponseInto(&res))
			if tc.agent != nil {
				tc.agent(r, res, err)
			}
			if got := strings.Join(r.names(), ","); got != tc.want {
				t.Errorf("events %s, want %s", got, tc.want)
			}
			pts := r.points(t)["claude_code.token.usage/input"]
			if sum := sumOf(pts); sum != tc.input {
				t.Errorf("input tokens %v, want %v", pts, tc.input)
			}
			if n := len(r.llmSpans(t)); n != 1 {
				t.Errorf("%d llm_request spans, want 1", n)
			}
		})
	}
}

func noRequestID(rp reply) reply {
	rp.headers = map[string]string{"request-id": ""}
	return rp
}

func sumOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}
