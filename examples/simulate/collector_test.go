package main

import (
	"context"
	"sync"
	"testing"
	"time"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/eventspec"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// The simulation reaches the real OpenTelemetry Collector over each OTLP
// protocol with every metric and every event of the spec, each attribute
// with the wire type of the table: what a dashboard author pointing it at a
// collector gets.
func TestSimulateToTheCollector(t *testing.T) {
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			c := otelcoltest.Start(t)
			endpoint := c.Endpoint(protocol)
			env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp",
				"OTEL_EXPORTER_OTLP_PROTOCOL=" + protocol, "OTEL_EXPORTER_OTLP_ENDPOINT=" + endpoint}
			var mu sync.Mutex
			var errs []error
			start := func(ctx context.Context, opts ...telemetry.Option) (*telemetry.Telemetry, error) {
				base := []telemetry.Option{telemetry.WithServiceVersion("2.1.330"),
					telemetry.WithLoadOptions(config.WithEnviron(env), config.WithoutManagedSettings()),
					telemetry.WithErrorHandler(func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() })}
				return telemetry.Start(ctx, append(base, opts...)...)
			}
			p := defaults // the default run emits every event and metric
			p.tracesSink = c.HTTPEndpoint()
			sum, err := run(context.Background(), p, start)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, n := range sum.events {
				total += n
			}
			lreqs := c.WaitForLogs(t, func(reqs []*collectorlogs.ExportLogsServiceRequest) bool {
				return len(otelcoltest.FlattenLogs(reqs)) >= total
			}, 30*time.Second)
			seen := map[string]int{}
			for _, r := range otelcoltest.FlattenLogs(lreqs) {
				name := otelcoltest.Attrs(r.Record.GetAttributes())["event.name"]
				seen[name]++
				spec, ok := eventspec.Find(name)
				if !ok {
					t.Errorf("event %q is not in the table", name)
					continue
				}
				for _, a := range spec.Attrs {
					for _, kv := range r.Record.GetAttributes() {
						if kv.GetKey() == a.Key && !wireMatchesAny(a.Wire, kv.GetValue()) {
							t.Errorf("%s.%s arrived as %T, the table says %v", name, a.Key, kv.GetValue().GetValue(), a.Wire)
						}
					}
				}
			}
			for _, ev := range eventspec.Events {
				if seen[ev.Name] != sum.events[ev.Name] || seen[ev.Name] == 0 {
					t.Errorf("%s: %d at the Collector, %d emitted", ev.Name, seen[ev.Name], sum.events[ev.Name])
				}
			}
			mreqs := c.WaitForMetrics(t, func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
				names := map[string]bool{}
				for _, m := range otelcoltest.FlattenMetrics(reqs, "") {
					names[m.Metric.GetName()] = true
				}
				return len(names) >= len(metrics.Definitions())
			}, 30*time.Second)
			for _, d := range metrics.Definitions() {
				ms := otelcoltest.FlattenMetrics(mreqs, d.Name)
				if len(ms) == 0 {
					t.Errorf("metric %s never arrived", d.Name)
					continue
				}
				for _, m := range ms {
					s := m.Metric.GetSum()
					if m.Metric.GetUnit() != d.Unit || s == nil || !s.GetIsMonotonic() {
						t.Errorf("%s: unit %q, monotonic sum %v", d.Name, m.Metric.GetUnit(), s != nil && s.GetIsMonotonic())
						continue
					}
					for _, dp := range s.GetDataPoints() {
						if _, ok := dp.GetValue().(*metricspb.NumberDataPoint_AsDouble); !ok {
							t.Errorf("%s: a point is not asDouble", d.Name)
						}
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for _, err := range errs {
				t.Errorf("ccotel reported: %v", err)
			}
		})
	}
}

func wireMatchesAny(w eventspec.Wire, v *commonpb.AnyValue) bool {
	switch v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return w == eventspec.String
	case *commonpb.AnyValue_IntValue:
		return w == eventspec.Int
	case *commonpb.AnyValue_DoubleValue:
		return w == eventspec.Double
	case *commonpb.AnyValue_BoolValue:
		return w == eventspec.Bool
	case *commonpb.AnyValue_ArrayValue:
		return w == eventspec.StringArray
	}
	return false
}
