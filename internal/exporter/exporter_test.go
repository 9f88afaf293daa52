package exporter

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlptest"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
)

// wait bounds every wait for a peer to see something: generous, as it ends as soon as the peer has it.
const wait = time.Minute

func attr(kvs []*commonpb.KeyValue, k string) *commonpb.AnyValue {
	for _, kv := range kvs {
		if kv.Key == k {
			return kv.Value
		}
	}
	return nil
}

func helperScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "helper.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOTLPProtocols(t *testing.T) {
	for _, tc := range []struct {
		proto config.Protocol
		gzip  bool
	}{
		{config.ProtocolGRPC, false}, {config.ProtocolGRPC, true},
		{config.ProtocolHTTPProtobuf, false}, {config.ProtocolHTTPProtobuf, true},
		{config.ProtocolHTTPJSON, false}, {config.ProtocolHTTPJSON, true},
	} {
		name := strings.ReplaceAll(string(tc.proto), "/", "_")
		if tc.gzip {
			name += "_gzip"
		}
		t.Run(name, func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			isGRPC := tc.proto == config.ProtocolGRPC
			cfg := otlpCfg(tc.proto, func(s config.Signal) string {
				if isGRPC {
					return rcv.GRPCEndpoint()
				}
				return rcv.HTTPURL(otlptest.Signal(s))
			}, func(s config.Signal) []config.Header {
				return []config.Header{{Name: "X-Static", Value: "s"}, {Name: "X-Signal", Value: config.Secret(s)}, {Name: "X-Override", Value: "static"}}
			})
			for _, o := range []*config.OTLP{&cfg.Metrics.OTLP, &cfg.Logs.OTLP, &cfg.Traces.OTLP} {
				if tc.gzip {
					o.Compression = "gzip"
				}
			}
			cfg.HeadersHelper = config.Secret(helperScript(t, `echo '{"X-Override":"helper","X-Helper":"h"}'`))
			var errs errSink
			p, err := Build(context.Background(), cfg, Settings{ErrorHandler: errs.handle, RetryMaxElapsed: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(context.Background())
			emitAll(t, p)

			for _, sig := range []otlptest.Signal{otlptest.Metrics, otlptest.Logs, otlptest.Traces} {
				q := rcv.WaitForSignal(t, sig, wait)
				checkTransport(t, q, tc.proto, tc.gzip, sig)
				for k, want := range map[string]string{"X-Static": "s", "X-Signal": string(sig), "X-Override": "helper", "X-Helper": "h"} {
					if got := q.Header.Values(k); len(got) != 1 || got[0] != want {
						t.Errorf("%s: header %s = %q, want %q", sig, k, got, want)
					}
				}
			}
			checkBodies(t, rcv)
			if tc.proto == config.ProtocolHTTPJSON {
				checkJSONBytes(t, rcv, tc.gzip)
			}
			if e := errs.get(); len(e) > 0 {
				t.Errorf("unexpected errors: %v", e)
			}
		})
	}
}

func checkTransport(t *testing.T, q otlptest.Request, proto config.Protocol, gz bool, sig otlptest.Signal) {
	t.Helper()
	if proto == config.ProtocolGRPC {
		want := map[otlptest.Signal]string{
			otlptest.Metrics: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
			otlptest.Logs:    "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
			otlptest.Traces:  "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
		}[sig]
		if q.Transport != "grpc" || q.Path != want {
			t.Errorf("%s: %s %s, want grpc %s", sig, q.Transport, q.Path, want)
		}
		if got := q.ContentEncoding; (got == "gzip") != gz {
			t.Errorf("%s: grpc-encoding %q, gzip=%v", sig, got, gz)
		}
		return
	}
	if q.Path != "/v1/"+string(sig) {
		t.Errorf("%s: path %s", sig, q.Path)
	}
	wantCT := "application/x-protobuf"
	if proto == config.ProtocolHTTPJSON {
		wantCT = "application/json"
	}
	if q.ContentType != wantCT {
		t.Errorf("%s: Content-Type %q, want %q", sig, q.ContentType, wantCT)
	}
	if q.Chunked || q.ContentLength != int64(len(q.Body)) || q.ContentLength <= 0 {
		t.Errorf("%s: chunked=%v Content-Length=%d body=%d bytes; want a Content-Length and no chunking", sig, q.Chunked, q.ContentLength, len(q.Body))
	}
	if (q.ContentEncoding == "gzip") != gz {
		t.Errorf("%s: Content-Encoding %q, gzip=%v", sig, q.ContentEncoding, gz)
	}
}

func checkBodies(t *testing.T, rcv *otlptest.Receiver) {
	t.Helper()
	m := rcv.WaitForMetrics(t, wait).Metrics
	rm := m.ResourceMetrics[0]
	if v := attr(rm.Resource.Attributes, "service.name"); v.GetStringValue() != "claude-code" {
		t.Errorf("metrics resource service.name = %v", v)
	}
	sm := rm.ScopeMetrics[0]
	if sm.Scope.Name != "com.anthropic.claude_code" || sm.Scope.Version != "9.9.9" {
		t.Errorf("metrics scope %v", sm.Scope)
	}
	met := sm.Metrics[0]
	if met.Name != "claude_code.cost.usage" || met.Unit != "USD" {
		t.Errorf("metric %s unit %s", met.Name, met.Unit)
	}
	if s := met.GetSum(); s == nil || s.AggregationTemporality != metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA ||
		!s.IsMonotonic || s.DataPoints[0].GetAsDouble() != 0.25 || attr(s.DataPoints[0].Attributes, "model").GetStringValue() != "m" {
		t.Errorf("sum %v, want a delta monotonic 0.25", s)
	}

	l := rcv.WaitForLogs(t, wait).Logs
	sl := l.ResourceLogs[0].ScopeLogs[0]
	if sl.Scope.Name != "com.anthropic.claude_code.events" {
		t.Errorf("log scope %v", sl.Scope)
	}
	rec := sl.LogRecords[0]
	if rec.Body.GetStringValue() != "claude_code.user_prompt" || attr(rec.Attributes, "event.sequence").GetIntValue() != 3 {
		t.Errorf("log record %v", rec)
	}
	if len(rec.TraceId) != 0 || len(rec.SpanId) != 0 || rec.Flags != 0 {
		t.Errorf("log record outside a span has trace context: %x %x %d", rec.TraceId, rec.SpanId, rec.Flags)
	}

	tr := rcv.WaitForTraces(t, wait).Traces
	sp := tr.ResourceSpans[0].ScopeSpans[0].Spans[0]
	if sp.Name != "claude_code.interaction" || len(sp.TraceId) != 16 || len(sp.SpanId) != 8 {
		t.Errorf("span %v", sp)
	}
}

// checkJSONBytes looks at the raw http/json bodies: hex ids, 64-bit
// integers as strings, enums as numbers, no ids on the log record.
func checkJSONBytes(t *testing.T, rcv *otlptest.Receiver, gz bool) {
	t.Helper()
	raw := func(q otlptest.Request) map[string]any {
		b := q.Body
		if gz {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(zr)
		}
		var m map[string]any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatalf("%s body is not JSON: %v", q.Signal, err)
		}
		return m
	}
	dig := func(v any, path ...any) any {
		for _, p := range path {
			switch p := p.(type) {
			case string:
				v = v.(map[string]any)[p]
			case int:
				v = v.([]any)[p]
			}
		}
		return v
	}
	span := dig(raw(rcv.WaitForTraces(t, wait)), "resourceSpans", 0, "scopeSpans", 0, "spans", 0).(map[string]any)
	tq := rcv.WaitForTraces(t, wait).Traces.ResourceSpans[0].ScopeSpans[0].Spans[0]
	if id, _ := span["traceId"].(string); len(id) != 32 || id != strings.ToLower(id) || !strings.HasPrefix(id, hexOf(tq.TraceId)[:8]) {
		t.Errorf("JSON traceId %q", span["traceId"])
	}
	if _, ok := span["startTimeUnixNano"].(string); !ok {
		t.Errorf("startTimeUnixNano %#v is not a string", span["startTimeUnixNano"])
	}
	if span["kind"] != json.Number("1") {
		t.Errorf("kind %#v, want 1", span["kind"])
	}
	rec := dig(raw(rcv.WaitForLogs(t, wait)), "resourceLogs", 0, "scopeLogs", 0, "logRecords", 0).(map[string]any)
	for _, k := range []string{"traceId", "spanId", "flags"} {
		if _, ok := rec[k]; ok {
			t.Errorf("log record JSON has %s", k)
		}
	}
	if v := dig(rec, "attributes", 1, "value", "intValue"); v != "3" {
		t.Errorf("intValue %#v, want \"3\"", v)
	}
	sum := dig(raw(rcv.WaitForMetrics(t, wait)), "resourceMetrics", 0, "scopeMetrics", 0, "metrics", 0, "sum").(map[string]any)
	if sum["aggregationTemporality"] != json.Number("1") {
		t.Errorf("aggregationTemporality %#v", sum["aggregationTemporality"])
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
