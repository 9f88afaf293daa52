// Package exporter turns a config.Config into OpenTelemetry SDK pipelines:
// metric readers, log processors and span processors, ready to be handed to
// the providers.
//
// The Go OTLP exporters read OTEL_* variables on their own, and the gRPC and
// HTTP flavours of one signal read the same names, while ccotel's
// configuration may come from settings files rather than the environment.
// So every exporter is built with explicit options for everything the
// environment could otherwise set (endpoint, headers, TLS, compression,
// timeout, temporality, retry, batch sizes): the environment never leaks in.
//
// HTTP exports go through our own http.Client so that ccotel controls what
// Claude Code controls: the CA and client certificates of
// NODE_EXTRA_CA_CERTS/CLAUDE_CODE_CLIENT_*, the proxy, the headers helper,
// an http/json encoding the Go SDK lacks for metrics and logs, and a
// Content-Length on every request (the SDK streams gzip bodies chunked,
// which Azure Monitor rejects and Claude Code stopped doing in 2.1.212).
//
// Export errors are routed to Settings.ErrorHandler, never to otel.Handle,
// because the SDK's default handler prints to stderr and a host program
// such as a coding agent owns its terminal.
package exporter
