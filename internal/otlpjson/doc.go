// Package otlpjson encodes OTLP export requests as OTLP/JSON, for ccotel's
// http/json protocol, and decodes OTLP/JSON for the test receivers.
//
// Claude Code lets users pick OTEL_EXPORTER_OTLP_PROTOCOL=http/json for every
// signal; the Go SDK's exporters only speak protobuf for metrics and logs
// (opentelemetry-go#7803). ccotel's exporter builds the official OTLP request
// messages and AppendMetrics, AppendLogs and AppendTraces write them straight
// to JSON, with no protobuf encoding in between.
//
// Plain protojson is not OTLP/JSON: it encodes trace and span ids as base64,
// which the Collector rejects, and prints enums by name. The encoder writes
// enum numbers, 64-bit integers as strings and ids as lowercase hex; empty
// ids are omitted, so log records emitted outside a span carry no traceId or
// spanId at all, as Claude Code 2.1.330 sends them. Apart from the ids, the
// output is byte for byte protojson's (UseEnumNumbers) without its random
// spaces: TestConformanceBodies checks it on every captured Claude Code
// request and FuzzEncode on arbitrary ones.
//
// The package reads no environment variables.
package otlpjson
