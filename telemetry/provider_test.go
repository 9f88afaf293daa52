package telemetry_test

import (
	"context"
	"strconv"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// identity is what a provider puts on the wire: the standard attributes of
// the events and metrics, and the spans' model family.
type identity struct {
	provider, custom, family string
}

// captured is the identity Claude Code 2.1.332 sent in scenario: its
// api_request event's standard attributes and its llm_request span's
// gen_ai.system and gen_ai.provider.name (which must agree).
func captured(t *testing.T, scenario string) (identity, string) {
	t.Helper()
	c, err := conformance.Load("2.1.332", scenario)
	if err != nil {
		skipOrFail(t, err)
	}
	var id identity
	str := func(kvs []*commonpb.KeyValue, key string) string {
		for _, kv := range kvs {
			if kv.Key == key {
				if b, ok := kv.Value.Value.(*commonpb.AnyValue_BoolValue); ok {
					return map[bool]string{true: "true", false: "false"}[b.BoolValue]
				}
				return kv.Value.GetStringValue()
			}
		}
		return ""
	}
	for _, r := range c.Requests {
		for _, rl := range r.Logs.GetResourceLogs() {
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					if str(lr.Attributes, "event.name") == "api_request" && id.provider == "" {
						id.provider, id.custom = str(lr.Attributes, "anthropic.provider"), str(lr.Attributes, "anthropic.custom_base_url")
					}
				}
			}
		}
		for _, rs := range r.Traces.GetResourceSpans() {
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					if sp.Name == "claude_code.llm_request" && id.family == "" {
						id.family = str(sp.Attributes, "gen_ai.system")
						if p := str(sp.Attributes, "gen_ai.provider.name"); p != id.family {
							t.Fatalf("the capture's llm_request has gen_ai.system %q and gen_ai.provider.name %q", id.family, p)
						}
					}
				}
			}
		}
	}
	if id.provider == "" || id.family == "" {
		t.Fatalf("%s: no api_request event or llm_request span", scenario)
	}
	return id, c.RunInfo.Env()["ANTHROPIC_BASE_URL"]
}

// emitted is the identity the kit's api_request event, llm_request span and
// cost point carry for the response with request id, checked to agree.
func emitted(t *testing.T, kit *telemetrytest.Kit, requestID string) identity {
	t.Helper()
	var id identity
	for _, e := range kit.Events("api_request") {
		if e.Attr("request_id").Str() == requestID {
			custom := e.Attr("anthropic.custom_base_url")
			id.provider, id.custom = e.Attr("anthropic.provider").Str(), strconv.FormatBool(custom.Bool())
			if !custom.Present() {
				id.custom = "absent"
			}
		}
	}
	for _, sp := range kit.Spans("claude_code.llm_request") {
		var sys, prov, req string
		for _, kv := range sp.Attributes {
			switch kv.Key {
			case "gen_ai.system":
				sys = kv.Value.AsString()
			case "gen_ai.provider.name":
				prov = kv.Value.AsString()
			case "request_id":
				req = kv.Value.AsString()
			}
		}
		if req == requestID {
			if sys != prov {
				t.Errorf("%s: gen_ai.system %q, gen_ai.provider.name %q", requestID, sys, prov)
			}
			id.family = sys
		}
	}
	pts := kit.Points("claude_code.cost.usage", attribute.String("anthropic.provider", id.provider),
		attribute.Bool("anthropic.custom_base_url", id.custom == "true"))
	if len(pts) == 0 {
		t.Errorf("%s: no cost point with the api_request's provider %+v", requestID, id)
	}
	return id
}

// Provider, custom base URL and model family per session and per response:
// Claude Code's values for its deployments (the captures' for the Claude API
// behind a custom base URL), the host's own for another provider.
func TestProviderPerSessionAndResponse(t *testing.T) {
	capID, captureBaseURL := captured(t, "bash_allowed")
	if capID != (identity{"firstParty", "true", "anthropic"}) {
		t.Fatalf("the capture's identity is %+v", capID)
	}
	for _, c := range []struct {
		name    string
		start   []telemetry.Option
		session telemetry.Provider
		resp    telemetry.Provider
		want    identity
	}{
		{"the capture's deployment set per session", nil,
			telemetry.Provider{BaseURL: captureBaseURL}, telemetry.Provider{}, capID},
		{"the capture's deployment set per response", nil,
			telemetry.Provider{}, telemetry.Provider{Name: "firstParty", BaseURL: captureBaseURL}, capID},
		{"the handle's by default", []telemetry.Option{telemetry.WithProvider("vertex"), telemetry.WithCustomBaseURL(true)},
			telemetry.Provider{}, telemetry.Provider{}, identity{"vertex", "true", "anthropic"}},
		{"a session replaces the handle's whole", []telemetry.Option{telemetry.WithProvider("vertex"), telemetry.WithCustomBaseURL(true)},
			telemetry.Provider{Name: "bedrock"}, telemetry.Provider{}, identity{"bedrock", "false", "anthropic"}},
		{"foundry per response", nil,
			telemetry.Provider{Name: "bedrock"}, telemetry.Provider{Name: "foundry"}, identity{"foundry", "false", "anthropic"}},
		{"the Claude API's own URL is not custom", nil,
			telemetry.Provider{}, telemetry.Provider{BaseURL: "https://api.anthropic.com/v1"}, identity{"firstParty", "false", "anthropic"}},
		{"another provider", nil,
			telemetry.Provider{}, telemetry.Provider{Name: "openai", BaseURL: "https://api.openai.com/v1"}, identity{"openai", "true", "openai"}},
		{"Claude models through another provider", nil,
			telemetry.Provider{Name: "openrouter", Family: "anthropic"}, telemetry.Provider{}, identity{"openrouter", "false", "anthropic"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			kit := telemetrytest.New(t, telemetrytest.WithConfig(config.Config{Enabled: true}),
				telemetrytest.WithTelemetryOptions(append(c.start, telemetry.WithGenAISemconv())...))
			ctx, s := kit.Telemetry.StartSession(context.Background(), telemetry.WithSessionProvider(c.session))
			ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
			s.APIResponse(ctx, telemetry.APIResponse{Model: "m", RequestID: "req_1", Usage: pricing.Usage{InputTokens: 1}, Provider: c.resp})
			s.APIError(ctx, telemetry.APIFailure{Model: "m", RequestID: "req_2", StatusCode: 500, Provider: c.resp})
			p.End(ctx)
			if got := emitted(t, kit, "req_1"); got != c.want {
				t.Errorf("response: %+v, want %+v", got, c.want)
			}
			if err := kit.CheckEvent("api_error", map[string]any{"anthropic.provider": c.want.provider, "anthropic.custom_base_url": c.want.custom == "true"}); err != nil {
				t.Error(err)
			}
			if n := genAIPoints(t, kit, c.want.family); n != 2 {
				t.Errorf("%d %s points of gen_ai.provider.name %q, want 2", n, telemetry.GenAIOperationDuration, c.want.family)
			}
			// What the session records outside the response keeps the
			// session's provider.
			session := c.want
			if c.resp != (telemetry.Provider{}) {
				session = map[bool]identity{true: {"bedrock", "false", "anthropic"}, false: {"firstParty", "false", "anthropic"}}[c.session.Name == "bedrock"]
			}
			if err := kit.CheckEvent("user_prompt", map[string]any{"anthropic.provider": session.provider, "anthropic.custom_base_url": session.custom == "true"}); err != nil {
				t.Error(err)
			}
			for _, sp := range kit.Spans("claude_code.interaction") {
				for _, kv := range sp.Attributes {
					if kv.Key == "gen_ai.provider.name" && kv.Value.AsString() != session.family {
						t.Errorf("interaction: gen_ai.provider.name %q, want the session's %q", kv.Value.AsString(), session.family)
					}
				}
			}
		})
	}
}

// genAIPoints counts the gen_ai.client.operation.duration points of family.
func genAIPoints(t *testing.T, kit *telemetrytest.Kit, family string) int {
	t.Helper()
	rm, err := kit.Collect()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			h, ok := m.Data.(metricdata.Histogram[float64])
			if !ok || m.Name != telemetry.GenAIOperationDuration {
				continue
			}
			for _, dp := range h.DataPoints {
				if v, _ := dp.Attributes.Value("gen_ai.provider.name"); v.AsString() == family {
					n++
				}
			}
		}
	}
	return n
}
