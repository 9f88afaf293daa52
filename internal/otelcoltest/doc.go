// Package otelcoltest runs a real OpenTelemetry Collector for end-to-end tests.
//
// Two Collector distributions are used, both built by scripts/otelcol.sh from the builder configs in testdata/
// (copied from shared/tools/otelcol):
//
//   - otelcol-test (env OTELCOL_BIN): OTLP receiver (gRPC and HTTP) writing every export request, one OTLP/JSON line
//     each, to metrics.jsonl, logs.jsonl and traces.jsonl.
//   - otelcol-prom (env OTELCOL_PROM_BIN): the same plus the pipeline of Anthropic's monitoring guide: memory_limiter,
//     batch, optionally deltatocumulative, and the prometheus exporter. Selected with [WithPrometheus].
//
// When the binary cannot be found the test is skipped, except when CI=true, where it fails: CI must never silently
// skip the end-to-end suite.
package otelcoltest
