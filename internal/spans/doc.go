// Package spans builds Claude Code's beta trace: one claude_code.interaction
// root per prompt, with claude_code.llm_request, claude_code.tool (and its
// tool.blocked_on_user and tool.execution children) and, in detailed
// tracing, claude_code.hook under it. Dashboards written for Claude Code key
// on exact span names, attribute keys, their order and their wire types, so
// the builders are typed per span and fix all three; they were checked
// against the 2.1.330 captures.
//
// Traces exist only with CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 (default off),
// so the zero cost path matters: a nil *Tracer, which New returns for a nil
// tracer, makes every method a no-op without allocations, and a span the
// sampler drops skips all attribute work.
//
// Every span can be driven live (Start..., then End with the result, the
// timestamps measured) or reported after the fact (Record..., or Start with
// an explicit Start time and End with a Duration), because agents often
// learn a call's shape only once it has finished.
//
// What the environment decides, via the State and the options the
// telemetry package passes:
//
//   - OTEL_LOG_USER_PROMPTS (off): user_prompt is "<REDACTED>" unless on.
//   - OTEL_LOG_TOOL_DETAILS (off): file_path, full_command, skill_name,
//     subagent_type, hook_definitions and the full tool error message.
//   - OTEL_LOG_TOOL_CONTENT (off): the tool.output span event.
//   - CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH (61440 UTF-16 units, marker
//     included): the cut of every content-bearing value.
//   - OTEL_METRICS_INCLUDE_* toggles shape the standard attributes, but
//     gen_ai.conversation.id keeps the session id when session.id is off.
//   - ENABLE_BETA_TRACING_DETAILED=1 with BETA_TRACING_ENDPOINT (off):
//     WithDetailed; hook spans and the extra llm_request keys.
//   - TRACEPARENT / TRACESTATE (unset): WithRemoteParent; the interaction
//     joins the caller's trace with parent.source=env.
//
// The host's redactor (core.State.Redact) sees every span and span event
// attribute last, with the span name as its name.
package spans
