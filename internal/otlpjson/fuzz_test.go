package otlpjson

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// hexIDs matches the id fields of OTLP/JSON once transcoded.
var hexIDs = regexp.MustCompile(`"(traceId|spanId|parentSpanId)"\s*:\s*"([^"]*)"`)

// FuzzTranscode feeds arbitrary bytes as a protobuf request of each signal.
// The transcoder must not panic; when the bytes decode as a request, the
// JSON must be valid, every id in it lowercase hex, and decoding it back
// (as the Collector does) must give the same message.
func FuzzTranscode(f *testing.F) {
	for _, m := range []proto.Message{logsRequest(), &collogspb.ExportLogsServiceRequest{}} {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
		f.Add(b, uint8(2))
	}
	f.Add([]byte{0x0a, 0x02, 0x0a, 0x00}, uint8(1))
	f.Add([]byte("\xff\xff\xff\xff"), uint8(0))
	f.Add([]byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, pb []byte, signal uint8) {
		var (
			tr  func([]byte) ([]byte, error)
			msg proto.Message
		)
		switch signal % 3 {
		case 0:
			tr, msg = LogsToJSON, &collogspb.ExportLogsServiceRequest{}
		case 1:
			tr, msg = MetricsToJSON, &colmetricpb.ExportMetricsServiceRequest{}
		default:
			tr, msg = TracesToJSON, &coltracepb.ExportTraceServiceRequest{}
		}
		out, err := tr(pb)
		// JSON has no place for unknown fields: compare without them.
		if (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(pb, msg) != nil {
			if err == nil {
				t.Fatal("undecodable protobuf transcoded without error")
			}
			return
		}
		if err != nil {
			t.Fatalf("decodable request failed: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		for _, m := range hexIDs.FindAllSubmatch(out, -1) {
			if len(bytes.Trim(m[2], "0123456789abcdef")) > 0 {
				t.Fatalf("id %s is not lowercase hex: %s", m[0], out)
			}
		}
		back := msg.ProtoReflect().New().Interface()
		if err := Unmarshal(out, back); err != nil {
			t.Fatalf("decoding our own JSON: %v\n%s", err, out)
		}
		if !proto.Equal(msg, back) {
			t.Fatalf("round trip changed the request:\n%v\n%v", msg, back)
		}
	})
}

// FuzzUnmarshal feeds arbitrary OTLP/JSON to the decoder the test receiver
// uses: no panic, and an accepted body re-encodes to JSON that decodes to
// the same message.
func FuzzUnmarshal(f *testing.F) {
	b, err := Marshal(logsRequest())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz","spanId":""}]}]}]}`))
	f.Add([]byte(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"0AF7","body":{"stringValue":"\"traceId\":\"x\""}}]}]}]}`))
	f.Add([]byte(`{"traceId" : "abc"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var m collogspb.ExportLogsServiceRequest
		if err := Unmarshal(in, &m); err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %v", err)
			}
			return
		}
		out, err := Marshal(&m)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var back collogspb.ExportLogsServiceRequest
		if err := Unmarshal(out, &back); err != nil || !proto.Equal(&m, &back) {
			t.Fatalf("round trip: %v\n%s", err, out)
		}
	})
}
