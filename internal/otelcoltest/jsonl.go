package otelcoltest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// PollInterval is how often the WaitFor* helpers re-read the Collector's output.
var PollInterval = 100 * time.Millisecond

// Metrics returns every metrics export request the Collector has written so far, across restarts, oldest first.
func (c *Collector) Metrics(t testing.TB) []*collectormetrics.ExportMetricsServiceRequest {
	t.Helper()
	reqs, err := readAll(c, "metrics.jsonl", func() *collectormetrics.ExportMetricsServiceRequest {
		return &collectormetrics.ExportMetricsServiceRequest{}
	})
	if err != nil {
		t.Fatalf("otelcoltest: %v", err)
	}
	return reqs
}

// Logs returns every logs export request the Collector has written so far, across restarts, oldest first.
func (c *Collector) Logs(t testing.TB) []*collectorlogs.ExportLogsServiceRequest {
	t.Helper()
	reqs, err := readAll(c, "logs.jsonl", func() *collectorlogs.ExportLogsServiceRequest {
		return &collectorlogs.ExportLogsServiceRequest{}
	})
	if err != nil {
		t.Fatalf("otelcoltest: %v", err)
	}
	return reqs
}

// Traces returns every trace export request the Collector has written so far, across restarts, oldest first.
func (c *Collector) Traces(t testing.TB) []*collectortrace.ExportTraceServiceRequest {
	t.Helper()
	reqs, err := readAll(c, "traces.jsonl", func() *collectortrace.ExportTraceServiceRequest {
		return &collectortrace.ExportTraceServiceRequest{}
	})
	if err != nil {
		t.Fatalf("otelcoltest: %v", err)
	}
	return reqs
}

// WaitForMetrics polls [Collector.Metrics] until pred returns true and returns what pred accepted; after timeout it
// fails the test.
func (c *Collector) WaitForMetrics(t testing.TB, pred func([]*collectormetrics.ExportMetricsServiceRequest) bool, timeout time.Duration) []*collectormetrics.ExportMetricsServiceRequest {
	t.Helper()
	return waitFor(t, c, "metrics", c.Metrics, pred, timeout)
}

// WaitForLogs polls [Collector.Logs] until pred returns true; see [Collector.WaitForMetrics].
func (c *Collector) WaitForLogs(t testing.TB, pred func([]*collectorlogs.ExportLogsServiceRequest) bool, timeout time.Duration) []*collectorlogs.ExportLogsServiceRequest {
	t.Helper()
	return waitFor(t, c, "logs", c.Logs, pred, timeout)
}

// WaitForTraces polls [Collector.Traces] until pred returns true; see [Collector.WaitForMetrics].
func (c *Collector) WaitForTraces(t testing.TB, pred func([]*collectortrace.ExportTraceServiceRequest) bool, timeout time.Duration) []*collectortrace.ExportTraceServiceRequest {
	t.Helper()
	return waitFor(t, c, "traces", c.Traces, pred, timeout)
}

func waitFor[R proto.Message](t testing.TB, c *Collector, what string, read func(testing.TB) []R, pred func([]R) bool, timeout time.Duration) []R {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		reqs := read(t)
		if pred(reqs) {
			return reqs
		}
		if time.Now().After(deadline) {
			var b bytes.Buffer
			for i, r := range reqs {
				if i == 5 {
					fmt.Fprintf(&b, "... and %d more\n", len(reqs)-5)
					break
				}
				fmt.Fprintf(&b, "%s\n", protojson.Format(r))
			}
			t.Fatalf("otelcoltest: %s condition not met within %v; %d export requests so far:\n%s",
				what, timeout, len(reqs), b.String())
		}
		time.Sleep(PollInterval)
	}
}

// readAll decodes <dir>/out/<generation>/<file> for every generation, in start order.
func readAll[R proto.Message](c *Collector, file string, newReq func() R) ([]R, error) {
	c.mu.Lock()
	gens := c.generation
	c.mu.Unlock()
	var all []R
	for g := 0; g < gens; g++ {
		p := filepath.Join(c.dir, "out", strconv.Itoa(g), file)
		reqs, err := ReadJSONLFile(p, newReq)
		if err != nil {
			return nil, err
		}
		all = append(all, reqs...)
	}
	return all, nil
}

// ReadJSONLFile decodes a Collector file-exporter output file: one OTLP/JSON export request per line. A missing
// file is empty; a last line without its newline (still being written) is left out.
func ReadJSONLFile[R proto.Message](path string, newReq func() R) ([]R, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []R
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return out, nil // an unterminated line is still being written
		}
		if err != nil {
			return nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		req := newReq()
		if err := UnmarshalOTLPJSON(line, req); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, n, err)
		}
		out = append(out, req)
	}
}

var idKeys = map[string]bool{"traceId": true, "spanId": true, "parentSpanId": true}

// UnmarshalOTLPJSON decodes OTLP/JSON as the Collector and the OTLP specification write it, with trace and span
// ids in hex, into m. protojson alone expects bytes fields in base64, so the ids are converted first. Fields unknown
// to this module's OTLP protos are ignored.
func UnmarshalOTLPJSON(data []byte, m proto.Message) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exactly as written
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if err := hexIDsToBase64(v); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return protojson.UnmarshalOptions{DiscardUnknown: true}.Unmarshal(b, m)
}

func hexIDsToBase64(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && idKeys[k] {
				raw, err := hex.DecodeString(s)
				if err != nil {
					return fmt.Errorf("%s %q is not hex: %w", k, s, err)
				}
				v[k] = base64.StdEncoding.EncodeToString(raw)
				continue
			}
			if err := hexIDsToBase64(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := hexIDsToBase64(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Metric is one metric of an export request with the resource and scope it was sent under.
type Metric struct {
	Resource *resourcepb.Resource
	Scope    *commonpb.InstrumentationScope
	Metric   *metricspb.Metric
}

// LogRecord is one log record of an export request with the resource and scope it was sent under.
type LogRecord struct {
	Resource *resourcepb.Resource
	Scope    *commonpb.InstrumentationScope
	Record   *logspb.LogRecord
}

// Span is one span of an export request with the resource and scope it was sent under.
type Span struct {
	Resource *resourcepb.Resource
	Scope    *commonpb.InstrumentationScope
	Span     *tracepb.Span
}

// FlattenMetrics lists the metrics of reqs in order; name, if not empty, keeps only metrics of that name.
func FlattenMetrics(reqs []*collectormetrics.ExportMetricsServiceRequest, name string) []Metric {
	var out []Metric
	for _, req := range reqs {
		for _, rm := range req.GetResourceMetrics() {
			for _, sm := range rm.GetScopeMetrics() {
				for _, m := range sm.GetMetrics() {
					if name == "" || m.GetName() == name {
						out = append(out, Metric{Resource: rm.GetResource(), Scope: sm.GetScope(), Metric: m})
					}
				}
			}
		}
	}
	return out
}

// FlattenLogs lists the log records of reqs in order.
func FlattenLogs(reqs []*collectorlogs.ExportLogsServiceRequest) []LogRecord {
	var out []LogRecord
	for _, req := range reqs {
		for _, rl := range req.GetResourceLogs() {
			for _, sl := range rl.GetScopeLogs() {
				for _, r := range sl.GetLogRecords() {
					out = append(out, LogRecord{Resource: rl.GetResource(), Scope: sl.GetScope(), Record: r})
				}
			}
		}
	}
	return out
}

// FlattenSpans lists the spans of reqs in order.
func FlattenSpans(reqs []*collectortrace.ExportTraceServiceRequest) []Span {
	var out []Span
	for _, req := range reqs {
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					out = append(out, Span{Resource: rs.GetResource(), Scope: ss.GetScope(), Span: s})
				}
			}
		}
	}
	return out
}

// Attrs flattens OTLP attributes into a map of their values rendered as strings (string values as they are,
// others in their OTLP/JSON form), for simple assertions.
func Attrs(kvs []*commonpb.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		out[kv.GetKey()] = AnyValueString(kv.GetValue())
	}
	return out
}

// AnyValueString renders an OTLP AnyValue: a string value as it is, anything else as its OTLP/JSON.
func AnyValueString(v *commonpb.AnyValue) string {
	if v == nil {
		return ""
	}
	if s, ok := v.GetValue().(*commonpb.AnyValue_StringValue); ok {
		return s.StringValue
	}
	b, err := protojson.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	return string(b)
}

// SumValue adds up the data points of a Sum or Gauge metric (int and double points alike), optionally only those
// whose attributes include every key/value in match.
func SumValue(m *metricspb.Metric, match map[string]string) float64 {
	var pts []*metricspb.NumberDataPoint
	switch d := m.GetData().(type) {
	case *metricspb.Metric_Sum:
		pts = d.Sum.GetDataPoints()
	case *metricspb.Metric_Gauge:
		pts = d.Gauge.GetDataPoints()
	}
	var total float64
	for _, p := range pts {
		if !attrsMatch(p.GetAttributes(), match) {
			continue
		}
		switch v := p.GetValue().(type) {
		case *metricspb.NumberDataPoint_AsInt:
			total += float64(v.AsInt)
		case *metricspb.NumberDataPoint_AsDouble:
			total += v.AsDouble
		}
	}
	return total
}

func attrsMatch(kvs []*commonpb.KeyValue, match map[string]string) bool {
	if len(match) == 0 {
		return true
	}
	got := Attrs(kvs)
	for k, v := range match {
		if g, ok := got[k]; !ok || g != v {
			return false
		}
	}
	return true
}
