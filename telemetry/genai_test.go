package telemetry_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// genAIHistograms returns the gen_ai.* histograms by name, failing when one
// is on another scope than telemetry.GenAIMeterName.
func genAIHistograms(t *testing.T, rm metricdata.ResourceMetrics) map[string]metricdata.Metrics {
	t.Helper()
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if len(m.Name) > 7 && m.Name[:7] == "gen_ai." {
				if sm.Scope.Name != telemetry.GenAIMeterName {
					t.Errorf("%s on scope %q", m.Name, sm.Scope.Name)
				}
				out[m.Name] = m
			} else if sm.Scope.Name == telemetry.GenAIMeterName {
				t.Errorf("%s on the GenAI scope", m.Name)
			}
		}
	}
	return out
}

func TestGenAIOffByDefault(t *testing.T) {
	tel, reader, _ := extKit(t, nil)
	ctx, s := tel.StartSession(context.Background())
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Usage: pricing.Usage{InputTokens: 3}, Duration: time.Second})
	if h := genAIHistograms(t, collect(t, reader)); len(h) != 0 {
		t.Fatalf("gen_ai metrics without the opt-in: %v", h)
	}
}

func TestGenAIHistograms(t *testing.T) {
	for name, opt := range map[string]struct {
		environ []string
		opts    []telemetry.Option
	}{
		"env":    {environ: []string{"OTEL_SEMCONV_STABILITY_OPT_IN=http,gen_ai_latest_experimental"}},
		"option": {opts: []telemetry.Option{telemetry.WithGenAISemconv()}},
	} {
		t.Run(name, func(t *testing.T) {
			tel, reader, _ := extKit(t, opt.environ, opt.opts...)
			ctx, s := tel.StartSession(context.Background())
			s.APIResponse(ctx, telemetry.APIResponse{
				Model:    "claude-sonnet-4-5",
				Usage:    pricing.Usage{InputTokens: 10, OutputTokens: 200, CacheReadTokens: 1000, CacheCreationTokens: 300},
				Duration: 1500 * time.Millisecond,
			})
			s.APIError(ctx, telemetry.APIFailure{Model: "claude-sonnet-4-5", StatusCode: 529, Duration: 300 * time.Millisecond})
			s.APIError(ctx, telemetry.APIFailure{Model: "claude-sonnet-4-5", Error: "connection reset", Duration: 50 * time.Millisecond})

			rm := collect(t, reader)
			h := genAIHistograms(t, rm)
			tok, dur := h["gen_ai.client.token.usage"], h["gen_ai.client.operation.duration"]
			if tok.Unit != "{token}" || dur.Unit != "s" {
				t.Fatalf("units %q, %q", tok.Unit, dur.Unit)
			}
			// The claude_code.* metrics are still there.
			var claude bool
			for _, sm := range rm.ScopeMetrics {
				claude = claude || sm.Scope.Name == telemetry.MeterName
			}
			if !claude {
				t.Fatal("claude_code metrics missing next to the gen_ai ones")
			}
			tokens := map[string]float64{}
			for _, p := range tok.Data.(metricdata.Histogram[float64]).DataPoints {
				if !slices.Equal(p.Bounds, []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}) {
					t.Fatalf("token bounds %v", p.Bounds)
				}
				want := map[string]string{"gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic",
					"gen_ai.request.model": "claude-sonnet-4-5", "gen_ai.response.model": "claude-sonnet-4-5"}
				for k, v := range want {
					if got, _ := p.Attributes.Value(attributeKey(k)); got.AsString() != v {
						t.Errorf("%s = %q, want %q", k, got.AsString(), v)
					}
				}
				if _, ok := p.Attributes.Value("session.id"); ok {
					t.Error("session.id on a gen_ai histogram")
				}
				typ, _ := p.Attributes.Value("gen_ai.token.type")
				tokens[typ.AsString()] = p.Sum
			}
			// Input as the conventions count it: 10 + 1000 cache reads + 300 cache writes.
			if tokens["input"] != 1310 || tokens["output"] != 200 || len(tokens) != 2 {
				t.Fatalf("token sums %v, want input 1310 and output 200", tokens)
			}
			durs := map[string]float64{}
			for _, p := range dur.Data.(metricdata.Histogram[float64]).DataPoints {
				if !slices.Equal(p.Bounds, []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}) {
					t.Fatalf("duration bounds %v", p.Bounds)
				}
				et, _ := p.Attributes.Value("error.type")
				durs[et.AsString()] = p.Sum
			}
			if durs[""] != 1.5 || durs["529"] != 0.3 || durs["_OTHER"] != 0.05 || len(durs) != 3 {
				t.Fatalf("durations by error.type %v", durs)
			}
		})
	}
}

func attributeKey(k string) attribute.Key { return attribute.Key(k) }
