package otlpjson

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

var marshalOpts = protojson.MarshalOptions{UseEnumNumbers: true}

// MetricsToJSON transcodes a protobuf ExportMetricsServiceRequest to OTLP/JSON.
func MetricsToJSON(pb []byte) ([]byte, error) {
	return transcode(pb, &colmetricpb.ExportMetricsServiceRequest{})
}

// LogsToJSON transcodes a protobuf ExportLogsServiceRequest to OTLP/JSON.
func LogsToJSON(pb []byte) ([]byte, error) {
	return transcode(pb, &collogspb.ExportLogsServiceRequest{})
}

// TracesToJSON transcodes a protobuf ExportTraceServiceRequest to OTLP/JSON.
func TracesToJSON(pb []byte) ([]byte, error) {
	return transcode(pb, &coltracepb.ExportTraceServiceRequest{})
}

// Marshal encodes an OTLP message as OTLP/JSON: enums as numbers, 64-bit
// integers as strings, trace and span ids as lowercase hex, empty ids absent.
// The three export requests are encoded directly from their structs; any
// other message goes through protojson.
func Marshal(m proto.Message) ([]byte, error) {
	switch m := m.(type) {
	case *colmetricpb.ExportMetricsServiceRequest:
		return AppendMetrics(sized(m), m)
	case *collogspb.ExportLogsServiceRequest:
		return AppendLogs(sized(m), m)
	case *coltracepb.ExportTraceServiceRequest:
		return AppendTraces(sized(m), m)
	}
	return marshalReflect(m)
}

// sized returns a buffer that will rarely need to grow: OTLP/JSON of
// Claude Code's data is about twice its protobuf size (field names and hex
// ids), and growing a large body by doubling costs more than sizing it.
func sized(m proto.Message) []byte {
	return make([]byte, 0, 2*proto.Size(m)+64)
}

// marshalReflect is protojson with the ids rewritten to hex: the encoding
// the direct encoder must match.
func marshalReflect(m proto.Message) ([]byte, error) {
	b, err := marshalOpts.Marshal(m)
	if err != nil {
		return nil, err
	}
	return idsToHex(b)
}

// Unmarshal decodes OTLP/JSON with hex trace and span ids into m. It rejects
// ids that are not hex, as the Collector does.
func Unmarshal(b []byte, m proto.Message) error {
	b, err := idsFromHex(b)
	if err != nil {
		return err
	}
	return protojson.Unmarshal(b, m)
}

func transcode(pb []byte, m proto.Message) ([]byte, error) {
	if err := proto.Unmarshal(pb, m); err != nil {
		return nil, fmt.Errorf("otlpjson: decoding protobuf request: %w", err)
	}
	b, err := Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("otlpjson: encoding JSON: %w", err)
	}
	return b, nil
}

// idField matches an id key and its string value. A JSON string value can
// never contain an unescaped quote, so `"traceId":` only matches real keys;
// an attribute named traceId is {"key":"traceId"} and does not match either.
// protojson randomly inserts a space after the colon, hence \s*.
var idField = regexp.MustCompile(`"(traceId|spanId|parentSpanId)"\s*:\s*"([^"]*)"`)

func idsToHex(b []byte) ([]byte, error) {
	return rewriteIDs(b, func(v []byte) ([]byte, error) {
		raw := make([]byte, base64.StdEncoding.DecodedLen(len(v)))
		n, err := base64.StdEncoding.Decode(raw, v)
		if err != nil {
			return nil, err
		}
		out := make([]byte, hex.EncodedLen(n))
		hex.Encode(out, raw[:n])
		return out, nil
	})
}

func idsFromHex(b []byte) ([]byte, error) {
	return rewriteIDs(b, func(v []byte) ([]byte, error) {
		raw := make([]byte, hex.DecodedLen(len(v)))
		if _, err := hex.Decode(raw, v); err != nil {
			return nil, err
		}
		out := make([]byte, base64.StdEncoding.EncodedLen(len(raw)))
		base64.StdEncoding.Encode(out, raw)
		return out, nil
	})
}

func rewriteIDs(b []byte, conv func([]byte) ([]byte, error)) ([]byte, error) {
	locs := idField.FindAllSubmatchIndex(b, -1)
	if len(locs) == 0 {
		return b, nil
	}
	out := make([]byte, 0, len(b)+len(locs)*8)
	last := 0
	for _, l := range locs {
		vs, ve := l[4], l[5]
		v, err := conv(b[vs:ve])
		if err != nil {
			return nil, fmt.Errorf("otlpjson: invalid %s %q: %w", b[l[2]:l[3]], b[vs:ve], err)
		}
		out = append(out, b[last:vs]...)
		out = append(out, v...)
		last = ve
	}
	return append(out, b[last:]...), nil
}
