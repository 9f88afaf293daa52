package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
)

// Beyond the cardinality limit, attribute sets fold into the otel.metric.overflow=true series: Stats counts those
// points as dropped (exactly the overflow points the peer received), the error handler hears once per instrument
// however many collections overflow, and the SDK's own OTEL_GO_X_CARDINALITY_LIMIT in the process environment does
// not override ccotel's setting. On every protocol; the option works as the variable does.
func TestCardinalityOverflowCounted(t *testing.T) {
	t.Setenv("OTEL_GO_X_CARDINALITY_LIMIT", "100000") // must be ignored: not parallel
	const limit, sessions = 10, 30
	for _, protocol := range protocols {
		for _, via := range []string{"variable", "option"} {
			t.Run(protocol+" "+via, func(t *testing.T) {
				rcv := otlptest.Start(t, otlptest.Options{})
				endpoint := rcv.HTTPEndpoint()
				if protocol == "grpc" {
					endpoint = rcv.GRPCEndpoint()
				}
				e := otlpEnv(protocol, endpoint, "delta")
				var opts []telemetry.Option
				if via == "variable" {
					e = e.with("CCOTEL_METRICS_CARDINALITY_LIMIT", "10")
				} else {
					opts = append(opts, telemetry.WithCardinalityLimit(limit))
				}
				var errs errorLog
				tel := start(t, e, append(opts, telemetry.WithErrorHandler(errs.handle))...)
				for round := 0; round < 2; round++ { // two collections, both overflowing
					for i := 0; i < sessions; i++ {
						workload(tel, 1) // a new session each time: a new session.id
					}
					// Folded points lost their attributes: the flush says so.
					var de *telemetry.DeliveryError
					err := tel.ForceFlush(context.Background())
					if !errors.As(err, &de) || len(de.Exporters) != 1 || de.Exporters[0].Signal != "metrics" || de.Exporters[0].Dropped == 0 || de.Exporters[0].Failed != 0 {
						t.Fatalf("ForceFlush: %v, want a *telemetry.DeliveryError with the metrics' overflow points dropped", err)
					}
				}
				if err := tel.Shutdown(context.Background()); err != nil {
					t.Fatalf("Shutdown: %v", err)
				}
				overflow, perMetric := 0, map[string]int{}
				for _, q := range rcv.Requests() {
					for _, rm := range q.Metrics.GetResourceMetrics() {
						for _, sm := range rm.GetScopeMetrics() {
							for _, m := range sm.GetMetrics() {
								points := m.GetSum().GetDataPoints()
								if len(points) > limit {
									t.Errorf("%s: %d points in one export, limit %d", m.GetName(), len(points), limit)
								}
								for _, p := range points {
									for _, kv := range p.GetAttributes() {
										if kv.GetKey() == "otel.metric.overflow" && kv.GetValue().GetBoolValue() {
											overflow++
											perMetric[m.GetName()]++
										}
									}
								}
							}
						}
					}
				}
				s := bySignal(tel.Stats())["metrics"]
				if overflow == 0 || int(s.Dropped) != overflow || s.Failed != 0 {
					t.Errorf("the peer received %d overflow points; Stats: %+v", overflow, s)
				}
				reports := map[string]int{}
				for _, err := range errs.all() {
					if msg := err.Error(); strings.Contains(msg, "otel.metric.overflow") {
						for name := range perMetric {
							if strings.Contains(msg, " "+name+" ") {
								reports[name]++
							}
						}
					}
				}
				for name := range perMetric {
					if reports[name] != 1 {
						t.Errorf("%s overflowed in 2 collections and was reported %d times, want once", name, reports[name])
					}
				}
				t.Logf("%d overflow points over %d instruments; Stats %+v", overflow, len(perMetric), s)
			})
		}
	}
}

// The folded series are counted exactly: with a limit of 5 the SDK keeps 4 attribute sets of an instrument and
// folds the rest, so n sessions (one set each of session.count and cost, four of token.usage, one per token type)
// fold n-4, n-4 and 4n-4 series per collection with delta temporality, and 2n-4, 2n-4 and 8n-4 over two rounds with
// cumulative (Prometheus included); active time like session.count. With delta the SDK's own overflow point of
// session.count (1 per session) confirms the count. Sets equal across sessions (session.id off) count once, so nothing folds. Each
// instrument is reported once per exporter, with its count. The GenAI histograms (each session on its own model: two
// sets of token usage, one of duration) count as the claude_code.* metrics do, and every delta exporter counts its
// own collections, not only the first one.
func TestCardinalityFoldedSeries(t *testing.T) {
	const limit, n = 5, 12
	// workload's sessions each have their own session.id.
	perSession := map[string]int{"claude_code.session.count": 1, "claude_code.cost.usage": 1, "claude_code.token.usage": 4, "claude_code.active_time.total": 1}
	for _, c := range []struct {
		name        string
		env         func(endpoint string) env
		perSession  map[string]int // distinct sets per session and instrument
		collections int            // how many collections count the sets: one per round with delta
		rounds      int            // rounds of n sessions before a count
		exporters   int            // metrics exporters counting (0: one)
		genAI       bool
	}{
		{name: "delta", env: func(ep string) env { return otlpEnv("http/protobuf", ep, "delta") },
			perSession: perSession, collections: 2, rounds: 1},
		{name: "cumulative", env: func(ep string) env { return otlpEnv("http/protobuf", ep, "cumulative") },
			perSession: perSession, collections: 1, rounds: 2},
		{name: "prometheus", env: func(ep string) env {
			return otlpEnv("http/protobuf", ep, "delta").with("OTEL_METRICS_EXPORTER", "prometheus").with("OTEL_EXPORTER_PROMETHEUS_PORT", "0")
		}, perSession: perSession, collections: 1, rounds: 2},
		{name: "session.id off", env: func(ep string) env {
			return otlpEnv("http/protobuf", ep, "delta").with("OTEL_METRICS_INCLUDE_SESSION_ID", "false")
		}, perSession: map[string]int{}, collections: 2, rounds: 1},
		{name: "delta, genai", env: func(ep string) env { return otlpEnv("http/protobuf", ep, "delta") },
			perSession: withGenAI(perSession), collections: 2, rounds: 1, genAI: true},
		{name: "cumulative, genai", env: func(ep string) env { return otlpEnv("http/protobuf", ep, "cumulative") },
			perSession: withGenAI(perSession), collections: 1, rounds: 2, genAI: true},
		{name: "prometheus, genai", env: func(ep string) env {
			return otlpEnv("http/protobuf", ep, "delta").with("OTEL_METRICS_EXPORTER", "prometheus").with("OTEL_EXPORTER_PROMETHEUS_PORT", "0")
		}, perSession: withGenAI(perSession), collections: 1, rounds: 2, genAI: true},
		{name: "two delta exporters", env: func(ep string) env {
			return otlpEnv("http/protobuf", ep, "delta").with("OTEL_METRICS_EXPORTER", "otlp,console")
		}, perSession: perSession, collections: 2, rounds: 1, exporters: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			var errs errorLog
			opts := []telemetry.Option{telemetry.WithCardinalityLimit(limit), telemetry.WithErrorHandler(errs.handle), telemetry.WithConsoleWriter(io.Discard)}
			if c.genAI {
				opts = append(opts, telemetry.WithGenAISemconv())
			}
			exporters := max(1, c.exporters)
			tel := start(t, c.env(rcv.HTTPEndpoint()), opts...)
			for round := 0; round < 2; round++ {
				for i := 0; i < n; i++ {
					model := "claude-sonnet-4-5-20250929"
					if c.genAI { // the GenAI sets carry no session.id: a model per session
						model = fmt.Sprintf("claude-sonnet-4-5-%d", round*n+i)
					}
					workloadModel(tel, 1, model)
				}
				_ = tel.ForceFlush(context.Background())
			}
			want := map[string]int{}
			var total int64
			for name, sets := range c.perSession {
				want[name] = (c.rounds*n*sets - (limit - 1)) * c.collections
				total += int64(want[name] * exporters)
			}
			var got int64
			for _, e := range tel.Stats().Exporters {
				if e.Signal == "metrics" {
					got += e.FoldedSeries
					if e.FoldedSeriesAtLeast {
						t.Errorf("%s: FoldedSeriesAtLeast with %d sets per instrument", e.Exporter, 8*n)
					}
				}
			}
			if got != total {
				t.Errorf("Stats: %d folded series, want %d (%v)", got, total, want)
			}
			_ = tel.Shutdown(context.Background()) // a *DeliveryError: the overflow points were dropped
			reports := map[string][]string{}
			for _, err := range errs.all() {
				msg := err.Error()
				if !strings.Contains(msg, "otel.metric.overflow") {
					continue
				}
				if !errors.Is(err, telemetry.ErrLost) {
					t.Errorf("overflow report is not ErrLost: %v", err)
				}
				for name := range c.perSession {
					if strings.Contains(msg, " "+name+" ") {
						reports[name] = append(reports[name], msg)
					}
				}
				if len(c.perSession) == 0 {
					t.Errorf("nothing folds, yet: %v", err)
				}
			}
			if c.name == "delta" {
				sessions := 0.0 // folded session starts, as the SDK's overflow points sum them
				for _, q := range rcv.Requests() {
					for _, rm := range q.Metrics.GetResourceMetrics() {
						for _, sm := range rm.GetScopeMetrics() {
							for _, m := range sm.GetMetrics() {
								for _, p := range m.GetSum().GetDataPoints() {
									for _, kv := range p.GetAttributes() {
										if m.GetName() == "claude_code.session.count" && kv.GetKey() == "otel.metric.overflow" {
											sessions += p.GetAsDouble()
										}
									}
								}
							}
						}
					}
				}
				if int(sessions) != want["claude_code.session.count"] {
					t.Errorf("the SDK folded %v session starts, ccotel counted %d", sessions, want["claude_code.session.count"])
				}
			}
			if strings.HasPrefix(c.name, "prometheus") {
				return // its reports name the Prometheus family, and it is never scraped here
			}
			for name, w := range want {
				first := c.perSession[name]*n - (limit - 1) // reported at the first flush, after one round
				text := fmt.Sprintf("(%d series folded of %d)", first, first+limit-1)
				if len(reports[name]) != exporters || !strings.Contains(reports[name][0], text) || !strings.Contains(reports[name][exporters-1], text) {
					t.Errorf("%s (%d folded in all): reported %q, want once per exporter with %d folded", name, w, reports[name], first)
				}
			}
		})
	}
}

// withGenAI adds the GenAI histograms' sets of a session on its own model.
func withGenAI(perSession map[string]int) map[string]int {
	out := map[string]int{telemetry.GenAITokenUsage: 2, telemetry.GenAIOperationDuration: 1}
	for k, v := range perSession {
		out[k] = v
	}
	return out
}
