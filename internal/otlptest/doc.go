// Package otlptest is an in-process OTLP receiver for tests.
//
// Conformance tests need to see exactly what goes over the wire: the URL
// path, content type, whether a Content-Length was sent or the body was
// chunked, the headers, and the decoded request. The Collector binary is not
// available on CI and the exporters' own test collector is internal, so this
// package implements the receiving side with the official gRPC service stubs
// of go.opentelemetry.io/proto/otlp and a small HTTP handler, listening on
// 127.0.0.1:0.
//
// The HTTP handler is as strict as the Collector where it matters: OTLP/JSON
// must carry hex trace and span ids (base64 ids are rejected with 400) and
// unknown content types are refused.
//
// It reads no environment variables.
package otlptest
