// Package propagation carries an agent's trace across process and network
// boundaries the way Claude Code does, so a model gateway, an MCP server or
// a shell command can put its own spans in the same trace as the prompt.
//
// Claude Code speaks only W3C Trace Context, and so does this package; it
// uses go.opentelemetry.io/otel/propagation.TraceContext directly and never
// touches the global propagator, so a host's own setup is left alone.
//
// The environment variables involved:
//
//   - TRACEPARENT, TRACESTATE (inbound, unset): read with Inbound; the
//     interaction span of each prompt becomes a child of that span. Claude
//     Code honours them in -p and Agent SDK sessions.
//   - TRACEPARENT, TRACESTATE (outbound): Environ adds them to a
//     subprocess's environment (Bash, hooks).
//   - CLAUDE_CODE_PROPAGATE_TRACEPARENT (off): send traceparent on model
//     and HTTP MCP requests even when ANTHROPIC_BASE_URL points away from
//     Anthropic's API (Transport.Force, Allowed). Without it only Anthropic's
//     own API gets the header.
//
// Nothing here decides whether tracing is on: with no valid span in the
// context every helper leaves its request or environment unchanged.
package propagation
