package telemetry_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// A call that a transport recorded and the agent records again, under the
// same request id, counts once; calls without a request id always count.
func TestAPICallRecordedOncePerRequestID(t *testing.T) {
	u := pricing.Usage{InputTokens: 10, OutputTokens: 5}
	resp := func(id string) telemetry.APIResponse {
		return telemetry.APIResponse{Model: "claude-sonnet-5-5", Usage: u, Duration: time.Second, RequestID: id}
	}
	fail := func(id string) telemetry.APIFailure {
		return telemetry.APIFailure{Model: "claude-sonnet-5-5", Error: "boom", StatusCode: 500, RequestID: id}
	}
	for _, tc := range []struct {
		name             string
		record           func(*telemetry.Session)
		requests, errors int64
		inputTokens      float64
	}{
		{"same id twice", func(s *telemetry.Session) {
			s.APIResponse(t.Context(), resp("req_1"))
			s.APIResponse(t.Context(), resp("req_1"))
		}, 1, 0, 10},
		{"two ids", func(s *telemetry.Session) {
			s.APIResponse(t.Context(), resp("req_1"))
			s.APIResponse(t.Context(), resp("req_2"))
		}, 2, 0, 20},
		{"no id", func(s *telemetry.Session) {
			s.APIResponse(t.Context(), resp(""))
			s.APIResponse(t.Context(), resp(""))
		}, 2, 0, 20},
		{"failure then the agent's response under its id", func(s *telemetry.Session) {
			s.APIError(t.Context(), fail("req_1"))
			s.APIResponse(t.Context(), resp("req_1"))
		}, 0, 1, 0},
		{"failure twice", func(s *telemetry.Session) {
			s.APIError(t.Context(), fail("req_1"))
			s.APIError(t.Context(), fail("req_1"))
		}, 0, 1, 0},
		{"an id long forgotten counts again", func(s *telemetry.Session) {
			s.APIResponse(t.Context(), resp("req_0"))
			for i := 1; i <= 64; i++ {
				s.APIResponse(t.Context(), resp("req_"+strconv.Itoa(i)))
			}
			s.APIResponse(t.Context(), resp("req_0"))
		}, 66, 0, 660},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kit := telemetrytest.New(t)
			_, s := kit.Telemetry.StartSession(t.Context())
			tc.record(s)
			if got := int64(len(kit.Events("api_request"))); got != tc.requests {
				t.Errorf("%d api_request, want %d", got, tc.requests)
			}
			if got := int64(len(kit.Events("api_error"))); got != tc.errors {
				t.Errorf("%d api_error, want %d", got, tc.errors)
			}
			if got := kit.Metric("claude_code.token.usage").Sum(); got != tc.inputTokens+tc.inputTokens/2 {
				t.Errorf("token.usage sum %v, want %v", got, tc.inputTokens*1.5)
			}
			if tot := s.Totals(); tot.APIRequests != tc.requests || tot.APIErrors != tc.errors {
				t.Errorf("totals %s", fmt.Sprintf("%+v", tot))
			}
		})
	}
}
