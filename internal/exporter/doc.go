// Package exporter turns a config.Config into OpenTelemetry SDK pipelines:
// metric readers, log processors and span processors, ready to be handed to
// the providers.
//
// The OTLP exporters are ccotel's own (otlp*.go), not the SDK's: the SDK
// exporters read OTEL_* variables from the process environment on their own
// and log through OpenTelemetry's global logger to stderr, while ccotel's
// configuration may come from settings files. ccotel's client takes the
// SDK exporters' transforms to the official OTLP request messages and sends
// them over grpc (the official collector service clients), http/protobuf or
// http/json (encoded directly by internal/otlpjson) with ccotel's
// configuration only: endpoint, headers and the headers helper, TLS and
// client certificates of NODE_EXTRA_CA_CERTS/CLAUDE_CODE_CLIENT_*, the
// proxy (HTTP protocols), compression, timeout, and a Content-Length on every
// HTTP request. All three protocols retry the same transient failures with
// the same backoff and fail with the same *ExportError.
//
// Export errors are routed to Settings.ErrorHandler, never to otel.Handle,
// because the SDK's default handler prints to stderr and a host program
// such as a coding agent owns its terminal.
package exporter
