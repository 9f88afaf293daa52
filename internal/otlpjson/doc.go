// Package otlpjson gives the Go OTLP HTTP exporters an http/json mode.
//
// Claude Code lets users pick OTEL_EXPORTER_OTLP_PROTOCOL=http/json for every
// signal, but the Go SDK's otlpmetrichttp and otlploghttp only speak
// protobuf (opentelemetry-go#7803). Rather than fork their internal
// SDK-to-proto transforms, ccotel keeps the official exporters (retry,
// partial-success handling, request splitting) and transcodes the finished
// protobuf request body to OTLP/JSON in an http.RoundTripper.
//
// Plain protojson is not OTLP/JSON: it encodes trace and span ids as base64,
// which the Collector rejects, and prints enums by name. The transcoder
// therefore uses enum numbers and rewrites the id fields to lowercase hex.
// Empty ids are omitted by protojson, so log records emitted outside a span
// carry no traceId or spanId at all, as Claude Code 2.1.330 sends them.
//
// Traces use the same transcoder (not otlptracehttp's own JSON encoder) so
// that all three signals share one encoding, one set of tests and one
// Content-Length guarantee.
package otlpjson
