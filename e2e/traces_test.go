package e2e_test

import (
	"context"
	"encoding/hex"
	"testing"
	"time"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// TestCollectorTraces sends one prompt's beta trace (an API response, a Bash
// tool run, a failed API call) to the real Collector over each protocol and
// reads back Claude Code's span tree: names, INTERNAL kinds, the tracing
// scope, parents, status, span events, attribute types, and the trace and
// span ids the prompt's events carry.
func TestCollectorTraces(t *testing.T) {
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			c := otelcoltest.Start(t)
			endpoint := c.Endpoint(protocol)
			var errs errorLog
			tel := start(t, otlpEnv(protocol, endpoint, "delta").with(
				"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA", "1", "OTEL_TRACES_EXPORTER", "otlp",
				"OTEL_TRACES_EXPORT_INTERVAL", "3600000"), telemetry.WithErrorHandler(errs.handle))

			ctx, s := tel.StartSession(context.Background())
			pctx, prompt := s.StartPrompt(ctx, events.UserPrompt{Prompt: "run echo hi"})
			s.APIResponse(pctx, telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929", RequestID: "req_1",
				Usage: pricing.Usage{InputTokens: 107, OutputTokens: 45}, Duration: 40 * time.Millisecond,
				TTFT: 20 * time.Millisecond, StopReason: "tool_use"})
			tctx, run := s.StartTool(pctx, telemetry.ToolCall{Name: "Bash", UseID: "toolu_1", Command: "echo hi", RequestID: "req_1"})
			run.Decide(tctx, metrics.DecisionAccept, metrics.SourceConfig)
			run.Done(tctx, telemetry.ToolOutcome{Success: true, Output: "hi"})
			s.APIError(pctx, telemetry.APIFailure{Model: "claude-sonnet-4-5-20250929", Error: "overloaded", StatusCode: 529,
				Attempts: 3, RetriesExhausted: true, Duration: 5 * time.Millisecond})
			prompt.End(pctx)
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(errs.all()) > 0 {
				t.Fatalf("errors reported:\n%s", &errs)
			}

			treqs := c.WaitForTraces(t, func(reqs []*collectortrace.ExportTraceServiceRequest) bool {
				return len(otelcoltest.FlattenSpans(reqs)) >= 6
			}, waitTimeout)
			byName := map[string][]*tracepb.Span{}
			byID := map[string]*tracepb.Span{}
			for _, sp := range otelcoltest.FlattenSpans(treqs) {
				if sp.Scope.GetName() != "com.anthropic.claude_code.tracing" || sp.Scope.GetVersion() != "1.0.0" {
					t.Errorf("span %s in scope %s@%s", sp.Span.GetName(), sp.Scope.GetName(), sp.Scope.GetVersion())
				}
				if sp.Span.GetKind() != tracepb.Span_SPAN_KIND_INTERNAL {
					t.Errorf("span %s kind %v, want INTERNAL", sp.Span.GetName(), sp.Span.GetKind())
				}
				byName[sp.Span.GetName()] = append(byName[sp.Span.GetName()], sp.Span)
				byID[hex.EncodeToString(sp.Span.GetSpanId())] = sp.Span
			}
			for name, n := range map[string]int{"claude_code.interaction": 1, "claude_code.llm_request": 2, "claude_code.tool": 1,
				"claude_code.tool.blocked_on_user": 1, "claude_code.tool.execution": 1} {
				if len(byName[name]) != n {
					t.Fatalf("%d %s spans, want %d (got %v)", len(byName[name]), name, n, keys(byName))
				}
			}
			root := byName["claude_code.interaction"][0]
			parent := func(sp *tracepb.Span) string { return byID[hex.EncodeToString(sp.GetParentSpanId())].GetName() }
			if len(root.GetParentSpanId()) != 0 {
				t.Error("the interaction span must be a root")
			}
			for _, sp := range append(byName["claude_code.llm_request"], byName["claude_code.tool"]...) {
				if parent(sp) != "claude_code.interaction" || string(sp.GetTraceId()) != string(root.GetTraceId()) {
					t.Errorf("%s: parent %q, want the interaction in its trace", sp.GetName(), parent(sp))
				}
			}
			for _, name := range []string{"claude_code.tool.blocked_on_user", "claude_code.tool.execution"} {
				if p := parent(byName[name][0]); p != "claude_code.tool" {
					t.Errorf("%s: parent %q, want claude_code.tool", name, p)
				}
			}
			var ok, failed *tracepb.Span
			for _, sp := range byName["claude_code.llm_request"] {
				if sp.GetStatus().GetCode() == tracepb.Status_STATUS_CODE_ERROR {
					failed = sp
				} else {
					ok = sp
				}
			}
			if ok == nil || failed == nil || failed.GetStatus().GetMessage() != "overloaded" {
				t.Fatalf("want one successful and one ERROR llm_request with its message: %v %v", ok, failed)
			}
			if n := len(failed.GetEvents()); n != 3 {
				t.Errorf("failed llm_request has %d gen_ai.request.attempt events, want 3", n)
			}
			wantTypes := map[string]string{"input_tokens": "int", "success": "bool", "gen_ai.response.finish_reasons": "array",
				"ttft_ms": "int", "span.type": "string", "anthropic.custom_base_url": "bool"}
			for key, typ := range wantTypes {
				if got := valueType(attr(ok.GetAttributes(), key)); got != typ {
					t.Errorf("llm_request %s: %s, want %s", key, got, typ)
				}
			}
			if got := valueType(attr(byName["claude_code.tool.execution"][0].GetAttributes(), "success")); got != "bool" {
				t.Errorf("tool.execution success is %s, want bool (events send the string)", got)
			}

			lreqs := c.WaitForLogs(t, func(reqs []*collectorlogs.ExportLogsServiceRequest) bool {
				return len(otelcoltest.FlattenLogs(reqs)) >= 7
			}, waitTimeout)
			blocked := byName["claude_code.tool.blocked_on_user"][0]
			for _, r := range otelcoltest.FlattenLogs(lreqs) {
				body := r.Record.GetBody().GetStringValue()
				switch body {
				case "claude_code.managed_settings_resolved":
					if len(r.Record.GetTraceId()) != 0 {
						t.Errorf("%s is emitted outside any span", body)
					}
				case "claude_code.tool_decision":
					if string(r.Record.GetSpanId()) != string(blocked.GetSpanId()) {
						t.Errorf("tool_decision must carry the blocked_on_user span")
					}
				default:
					if string(r.Record.GetTraceId()) != string(root.GetTraceId()) || string(r.Record.GetSpanId()) != string(root.GetSpanId()) {
						t.Errorf("%s must carry the interaction's trace and span ids", body)
					}
				}
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
