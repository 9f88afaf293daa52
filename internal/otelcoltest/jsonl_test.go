package otelcoltest

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
)

// Lines as the Collector's file exporter writes them: hex ids, 64-bit integers as strings.
const (
	traceLine = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},` +
		`"scopeSpans":[{"scope":{"name":"s"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10",` +
		`"spanId":"a1a2a3a4a5a6a7a8","parentSpanId":"","name":"op","kind":1,"startTimeUnixNano":"1700000000000000000",` +
		`"endTimeUnixNano":"1700000000000000001","links":[{"traceId":"ffffffffffffffffffffffffffffffff","spanId":"0000000000000001"}],` +
		`"status":{}}]}]}]}`
	logLine = `{"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"1700000000000000000",` +
		`"body":{"stringValue":"hi"},"attributes":[{"key":"n","value":{"intValue":"9007199254740993"}}],` +
		`"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"a1a2a3a4a5a6a7a8","eventName":"claude_code.api_request",` +
		`"someFutureField":1}]}]}]}`
	metricLine = `{"resourceMetrics":[{"resource":{},"scopeMetrics":[{"scope":{},"metrics":[{"name":"m","unit":"USD",` +
		`"sum":{"dataPoints":[{"asDouble":0.1,"attributes":[{"key":"user.id","value":{"stringValue":"a"}}]},` +
		`{"asInt":"2","attributes":[{"key":"user.id","value":{"stringValue":"b"}}]}],"aggregationTemporality":2,"isMonotonic":true}}]}]}]}`
)

func TestUnmarshalOTLPJSONHexIDs(t *testing.T) {
	var req collectortrace.ExportTraceServiceRequest
	if err := UnmarshalOTLPJSON([]byte(traceLine), &req); err != nil {
		t.Fatal(err)
	}
	spans := FlattenSpans([]*collectortrace.ExportTraceServiceRequest{&req})
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0].Span
	if !bytes.Equal(s.GetTraceId(), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}) {
		t.Errorf("traceId = %x", s.GetTraceId())
	}
	if !bytes.Equal(s.GetSpanId(), []byte{0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8}) {
		t.Errorf("spanId = %x", s.GetSpanId())
	}
	if len(s.GetParentSpanId()) != 0 || s.GetStartTimeUnixNano() != 1700000000000000000 {
		t.Errorf("span = %v", s)
	}
	if l := s.GetLinks(); len(l) != 1 || !bytes.Equal(l[0].GetSpanId(), []byte{0, 0, 0, 0, 0, 0, 0, 1}) {
		t.Errorf("links = %v", l)
	}
	if Attrs(spans[0].Resource.GetAttributes())["service.name"] != "svc" {
		t.Errorf("resource = %v", spans[0].Resource)
	}
}

func TestUnmarshalOTLPJSONLogsAndMetrics(t *testing.T) {
	var lreq collectorlogs.ExportLogsServiceRequest
	if err := UnmarshalOTLPJSON([]byte(logLine), &lreq); err != nil {
		t.Fatal(err)
	}
	recs := FlattenLogs([]*collectorlogs.ExportLogsServiceRequest{&lreq})
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0].Record
	if r.GetEventName() != "claude_code.api_request" || AnyValueString(r.GetBody()) != "hi" ||
		r.GetAttributes()[0].GetValue().GetIntValue() != 9007199254740993 || len(r.GetTraceId()) != 16 {
		t.Errorf("record = %v", r)
	}

	var mreq collectormetrics.ExportMetricsServiceRequest
	if err := UnmarshalOTLPJSON([]byte(metricLine), &mreq); err != nil {
		t.Fatal(err)
	}
	ms := FlattenMetrics([]*collectormetrics.ExportMetricsServiceRequest{&mreq}, "m")
	if len(ms) != 1 || len(FlattenMetrics([]*collectormetrics.ExportMetricsServiceRequest{&mreq}, "other")) != 0 {
		t.Fatalf("metrics = %v", ms)
	}
	if got := SumValue(ms[0].Metric, nil); got != 2.1 {
		t.Errorf("SumValue = %v, want 2.1", got)
	}
	if got := SumValue(ms[0].Metric, map[string]string{"user.id": "b"}); got != 2 {
		t.Errorf("SumValue(user b) = %v, want 2", got)
	}
}

func TestUnmarshalOTLPJSONRejectsBadID(t *testing.T) {
	var req collectortrace.ExportTraceServiceRequest
	bad := strings.Replace(traceLine, "a1a2a3a4a5a6a7a8", "not-hex!", 1)
	if err := UnmarshalOTLPJSON([]byte(bad), &req); err == nil || !strings.Contains(err.Error(), "not hex") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadJSONLFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "logs.jsonl")
	newReq := func() *collectorlogs.ExportLogsServiceRequest { return &collectorlogs.ExportLogsServiceRequest{} }
	if reqs, err := ReadJSONLFile(p, newReq); err != nil || len(reqs) != 0 {
		t.Fatalf("missing file: %v %v", reqs, err)
	}
	// Two complete lines and one still being written.
	if err := os.WriteFile(p, []byte(logLine+"\n"+logLine+"\n"+logLine[:20]), 0o600); err != nil {
		t.Fatal(err)
	}
	reqs, err := ReadJSONLFile(p, newReq)
	if err != nil || len(reqs) != 2 {
		t.Fatalf("got %d requests, err %v", len(reqs), err)
	}
	if err := os.WriteFile(p, []byte("{broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadJSONLFile(p, newReq); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("err = %v", err)
	}
}

// fakeTB records Fatalf/Skipf and ends the goroutine as the testing package does.
type fakeTB struct {
	testing.TB
	mu          sync.Mutex
	fatal, skip bool
	msg         string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatal, f.msg = true, format
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.mu.Lock()
	f.skip, f.msg = true, format
	f.mu.Unlock()
	runtime.Goexit()
}

func runStart(t *testing.T) *fakeTB {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Start(f)
		t.Error("Start returned although no binary exists")
	}()
	<-done
	return f
}

func TestMissingBinarySkipsLocallyAndFailsInCI(t *testing.T) {
	t.Setenv("OTELCOL_BIN", "")
	t.Setenv("PATH", t.TempDir())
	t.Setenv("CCOTEL_OTELCOL_CACHE", t.TempDir())

	t.Setenv("CI", "")
	if f := runStart(t); !f.skip || f.fatal {
		t.Errorf("without CI: skip=%v fatal=%v, want a skip", f.skip, f.fatal)
	}
	t.Setenv("CI", "true")
	if f := runStart(t); !f.fatal || f.skip {
		t.Errorf("with CI=true: skip=%v fatal=%v, want a failure", f.skip, f.fatal)
	}

	t.Setenv("OTELCOL_BIN", "/nonexistent/otelcol-test")
	if _, err := BinaryPath(false); err == nil || !strings.Contains(err.Error(), "OTELCOL_BIN=/nonexistent/otelcol-test") {
		t.Errorf("BinaryPath with a wrong OTELCOL_BIN: %v", err)
	}
}
