package e2e_test

import (
	"context"
	"fmt"
	"testing"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"

	"github.com/ccotel/ccotel/e2e"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// standardMetricKeys are the standard attributes a datapoint may carry with this test's configuration, with the
// OTLP value type each must have.
var standardKeys = map[string]string{
	"user.id":                   "string",
	"session.id":                "string",
	"terminal.type":             "string",
	"anthropic.provider":        "string",
	"anthropic.custom_base_url": "bool",
}

// eventKeys are the attributes every event carries besides its own, with their types.
var eventKeys = map[string]string{
	"event.name":      "string",
	"event.timestamp": "string",
	"event.sequence":  "int",
}

func valueType(v *commonpb.AnyValue) string {
	switch v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return "string"
	case *commonpb.AnyValue_BoolValue:
		return "bool"
	case *commonpb.AnyValue_IntValue:
		return "int"
	case *commonpb.AnyValue_DoubleValue:
		return "double"
	case *commonpb.AnyValue_ArrayValue:
		return "array"
	case *commonpb.AnyValue_KvlistValue:
		return "kvlist"
	case *commonpb.AnyValue_BytesValue:
		return "bytes"
	}
	return "empty"
}

// TestCollectorMatrix sends the seeded emission (3 users × 2 sessions × 2 turns, every one of the eight metrics
// and the events of each turn) to the real Collector, configured only by variables, over each OTLP protocol with
// each temporality, and reads the Collector's file output back: what the Collector decoded is what Claude Code's
// consumers get.
//
// Traces are not in the matrix: the session helpers (telemetry/session.go) do not produce spans yet, so there is
// nothing of ccotel's own to send with CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1.
func TestCollectorMatrix(t *testing.T) {
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		for _, temporality := range []string{"delta", "cumulative"} {
			t.Run(protocol+"/"+temporality, func(t *testing.T) {
				t.Parallel()
				c := otelcoltest.Start(t)
				endpoint := c.Endpoint(protocol)
				var errs errorLog
				handles := make([]*telemetry.Telemetry, e2e.Users)
				for u := range handles {
					handles[u] = start(t, otlpEnv(protocol, endpoint, temporality),
						telemetry.WithUserID(e2e.UserID(u)), telemetry.WithErrorHandler(errs.handle))
				}
				ctx := context.Background()
				if _, err := e2e.Run(ctx, handles, false, func(u int) {
					if err := handles[u].ForceFlush(ctx); err != nil {
						t.Errorf("ForceFlush: %v", err)
					}
				}); err != nil {
					t.Fatal(err)
				}
				for _, h := range handles {
					if err := h.Shutdown(ctx); err != nil {
						t.Fatalf("Shutdown: %v", err)
					}
				}
				if len(errs.all()) > 0 {
					t.Fatalf("errors reported:\n%s", &errs)
				}
				want := e2e.Expected(false)
				wantEvents := want.StartupEvents + (want.APIRequests + want.UserPrompts)
				mreqs := c.WaitForMetrics(t, func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
					return near(streamTotal(otelcoltest.FlattenMetrics(reqs, "claude_code.cost.usage"), nil), want.CostUSD)
				}, waitTimeout)
				lreqs := c.WaitForLogs(t, func(reqs []*collectorlogs.ExportLogsServiceRequest) bool {
					return len(otelcoltest.FlattenLogs(reqs)) >= wantEvents
				}, waitTimeout)
				checkMetrics(t, mreqs, temporality, want)
				checkEvents(t, lreqs, wantEvents, want)
			})
		}
	}
}

func checkMetrics(t *testing.T, reqs []*collectormetrics.ExportMetricsServiceRequest, temporality string, want e2e.Totals) {
	t.Helper()
	wantTemp := metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA
	if temporality == "cumulative" {
		wantTemp = metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE
	}
	defs := map[string]metrics.Definition{}
	for _, d := range metrics.Definitions() {
		defs[d.Name] = d
	}
	seen := map[string]bool{}
	for _, m := range otelcoltest.FlattenMetrics(reqs, "") {
		name := m.Metric.GetName()
		def, ok := defs[name]
		if !ok {
			t.Errorf("unexpected metric %q", name)
			continue
		}
		seen[name] = true
		res := otelcoltest.Attrs(m.Resource.GetAttributes())
		if res["service.name"] != "claude-code" || res["service.version"] != "9.9.9" {
			t.Errorf("%s: resource %v", name, res)
		}
		if m.Scope.GetName() != telemetry.MeterName || m.Scope.GetVersion() != "9.9.9" {
			t.Errorf("%s: scope %q %q", name, m.Scope.GetName(), m.Scope.GetVersion())
		}
		if m.Metric.GetUnit() != def.Unit {
			t.Errorf("%s: unit %q, want %q", name, m.Metric.GetUnit(), def.Unit)
		}
		if m.Metric.GetDescription() != def.Description {
			t.Errorf("%s: description %q, want %q", name, m.Metric.GetDescription(), def.Description)
		}
		sum := m.Metric.GetSum()
		if sum == nil {
			t.Errorf("%s: not a Sum: %T", name, m.Metric.GetData())
			continue
		}
		if !sum.GetIsMonotonic() || sum.GetAggregationTemporality() != wantTemp {
			t.Errorf("%s: monotonic %v temporality %v, want true %v", name, sum.GetIsMonotonic(), sum.GetAggregationTemporality(), wantTemp)
		}
		allowed := map[string]string{}
		for k, v := range standardKeys {
			allowed[k] = v
		}
		for _, a := range def.Attributes {
			allowed[a.Key] = "string"
		}
		for _, p := range sum.GetDataPoints() {
			if _, ok := p.GetValue().(*metricspb.NumberDataPoint_AsDouble); !ok {
				t.Errorf("%s: point value %T, want asDouble", name, p.GetValue())
			}
			if p.GetStartTimeUnixNano() == 0 || p.GetTimeUnixNano() < p.GetStartTimeUnixNano() {
				t.Errorf("%s: point times start %d end %d", name, p.GetStartTimeUnixNano(), p.GetTimeUnixNano())
			}
			got := map[string]bool{}
			for _, kv := range p.GetAttributes() {
				got[kv.GetKey()] = true
				typ, ok := allowed[kv.GetKey()]
				if !ok {
					t.Errorf("%s: unexpected attribute %s", name, kv.GetKey())
				} else if vt := valueType(kv.GetValue()); vt != typ {
					t.Errorf("%s: attribute %s is %s, want %s", name, kv.GetKey(), vt, typ)
				}
			}
			for k := range standardKeys {
				if !got[k] {
					t.Errorf("%s: standard attribute %s missing", name, k)
				}
			}
		}
	}
	for name := range defs {
		if !seen[name] {
			t.Errorf("metric %s was not received", name)
		}
	}

	total := func(name string, match map[string]string) float64 {
		return streamTotal(otelcoltest.FlattenMetrics(reqs, name), match)
	}
	check := func(what string, got, want float64) {
		t.Helper()
		if !near(got, want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("cost", total("claude_code.cost.usage", nil), want.CostUSD)
	for model, v := range want.CostByModel {
		check("cost of "+model, total("claude_code.cost.usage", map[string]string{"model": model}), v)
	}
	for user, v := range want.CostByUser {
		check("cost of user "+user[:8], total("claude_code.cost.usage", map[string]string{"user.id": user}), v)
	}
	for typ, v := range want.TokensByType {
		check("tokens "+typ, total("claude_code.token.usage", map[string]string{"type": typ}), v)
	}
	for typ, v := range want.LinesByType {
		check("lines "+typ, total("claude_code.lines_of_code.count", map[string]string{"type": typ}), v)
	}
	for typ, v := range want.ActiveByType {
		check("active "+typ, total("claude_code.active_time.total", map[string]string{"type": typ}), v)
	}
	check("commits", total("claude_code.commit.count", nil), want.Commits)
	check("pull requests", total("claude_code.pull_request.count", nil), want.PullRequests)
	check("sessions", total("claude_code.session.count", map[string]string{"start_type": "fresh"}), float64(want.Sessions))
	check("edit decisions", total("claude_code.code_edit_tool.decision", map[string]string{"decision": "accept"}), want.EditDecisions)
}

func checkEvents(t *testing.T, reqs []*collectorlogs.ExportLogsServiceRequest, wantEvents int, want e2e.Totals) {
	t.Helper()
	recs := otelcoltest.FlattenLogs(reqs)
	if len(recs) != wantEvents {
		t.Errorf("%d events received, want %d", len(recs), wantEvents)
	}
	byName := map[string]int{}
	seqs := map[string][]int64{} // user.id -> event.sequence values
	for _, r := range recs {
		res := otelcoltest.Attrs(r.Resource.GetAttributes())
		if res["service.name"] != "claude-code" {
			t.Errorf("event resource %v", res)
		}
		if r.Scope.GetName() != telemetry.LoggerName || r.Scope.GetVersion() != "9.9.9" {
			t.Errorf("event scope %q %q", r.Scope.GetName(), r.Scope.GetVersion())
		}
		types := map[string]string{}
		for _, kv := range r.Record.GetAttributes() {
			types[kv.GetKey()] = valueType(kv.GetValue())
		}
		for k, typ := range eventKeys {
			if types[k] != typ {
				t.Errorf("event attribute %s is %q, want %s", k, types[k], typ)
			}
		}
		attrs := otelcoltest.Attrs(r.Record.GetAttributes())
		name := attrs["event.name"]
		body := r.Record.GetBody()
		if valueType(body) != "string" || body.GetStringValue() != "claude_code."+name {
			t.Errorf("event %s: body %v, want the string claude_code.%s", name, body, name)
		}
		if types["user.id"] != "string" || types["session.id"] != "string" && name != "managed_settings_resolved" {
			t.Errorf("event %s: user.id %s session.id %s", name, types["user.id"], types["session.id"])
		}
		byName[name]++
		seq, err := eventSequence(r.Record.GetAttributes())
		if err != nil {
			t.Errorf("event %s: %v", name, err)
		}
		seqs[attrs["user.id"]] = append(seqs[attrs["user.id"]], seq)
	}
	wantByName := map[string]int{
		"managed_settings_resolved": want.StartupEvents,
		"user_prompt":               want.UserPrompts,
		"api_request":               want.APIRequests,
	}
	if fmt.Sprint(byName) != fmt.Sprint(wantByName) {
		t.Errorf("events by name %v, want %v", byName, wantByName)
	}
	if len(seqs) != e2e.Users {
		t.Errorf("events from %d users, want %d", len(seqs), e2e.Users)
	}
	for user, s := range seqs {
		if err := gapless(s); err != nil {
			t.Errorf("user %s…: event.sequence: %v", user[:8], err)
		}
	}
}

// gapless checks that s holds each of 0..len(s)-1 exactly once.
func gapless(s []int64) error {
	seen := make([]bool, len(s))
	for _, v := range s {
		if v < 0 || v >= int64(len(s)) {
			return fmt.Errorf("value %d outside 0..%d", v, len(s)-1)
		}
		if seen[v] {
			return fmt.Errorf("value %d twice", v)
		}
		seen[v] = true
	}
	return nil
}

// eventSequence is the int value of event.sequence.
func eventSequence(kvs []*commonpb.KeyValue) (int64, error) {
	for _, kv := range kvs {
		if kv.GetKey() == "event.sequence" {
			if iv, ok := kv.GetValue().GetValue().(*commonpb.AnyValue_IntValue); ok {
				return iv.IntValue, nil
			}
			return 0, fmt.Errorf("event.sequence is %s", valueType(kv.GetValue()))
		}
	}
	return 0, fmt.Errorf("no event.sequence")
}
