package e2e_test

import (
	"context"
	"errors"
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
