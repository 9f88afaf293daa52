// Package events emits the events (OpenTelemetry log records) Claude Code
// emits, with the same bodies, attribute keys, order and wire types, so the
// dashboards and queries written for Claude Code work unchanged.
//
// # Shape of a record
//
// Every record has the string body "claude_code.<name>" (consumers filter on
// it), no severity and no EventName (Claude Code sets neither; setting
// EventName would be harmless to body-keyed queries but not what Claude Code
// sends), and Timestamp = ObservedTimestamp = now in whole milliseconds. Its
// attributes are, in order: the session's standard attributes (without
// vcs.* for the early events managed_settings_resolved and plugin_loaded),
// event.name (the short name), event.timestamp (ISO 8601 UTC with ms, the
// same instant), event.sequence (int, one counter for every event of the
// handle, from 0, never reset), prompt.id (when ctx carries a prompt),
// workspace.host_paths (string array, when configured), then the event's own
// attributes in the order of the table (internal/eventspec, rendered in
// docs/EVENTS.md). Trace and span ids come from the span in ctx; outside a
// span there are none.
//
// Field types are natural Go types; the emitter converts to the wire type
// Claude Code uses, which is often a string ("true", "42"). Lengths Claude
// Code computes (prompt_length, response_length) are computed here from the
// text, in UTF-16 code units like JavaScript, before any redaction.
//
// # What each flag reveals
//
//   - OTEL_LOG_USER_PROMPTS: prompt and prompt_text on user_prompt; otherwise
//     they are the literal "<REDACTED>".
//   - OTEL_LOG_ASSISTANT_RESPONSES (falling back to OTEL_LOG_USER_PROMPTS in
//     the config loader): response on assistant_response; otherwise "<REDACTED>".
//   - OTEL_LOG_TOOL_DETAILS: tool_parameters, tool_input (string values cut at
//     512 characters, about 4K in total), the full error of tool_result, MCP
//     server_name and error, hook_matcher, category of api_refusal, and the
//     real names of user and third-party things, which otherwise collapse to
//     placeholders: mcp_tool (tool_name of user MCP tools), custom
//     (command_name, agent_type, agent.name, MCP server and tool names,
//     workflow.name), mcp (command_name of MCP commands), third-party (plugin
//     and marketplace names), custom_skill (skill.name).
//   - OTEL_LOG_RAW_API_BODIES: the api_request_body and api_response_body
//     events. Inline they carry body (cut at the content limit), body_length
//     (string, UTF-16 units of the whole body) and body_truncated ("true" only
//     when cut). In file mode the body is written whole to
//     <dir>/<request_body_id>.request.json or <dir>/<request_id>.response.json
//     and the event carries body_ref and body_length in UTF-8 bytes.
//   - Detailed beta tracing (ENABLE_BETA_TRACING_DETAILED): the tool event and, with
//     OTEL_LOG_TOOL_DETAILS, hook_definitions.
//
// Content (response, prompts, bodies, tool schemas, tool_parameters) is cut at
// CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH UTF-16 code units (61440 by default)
// with the marker "\n\n[TRUNCATED - Content exceeds 60KB limit]" counted in
// the limit, never inside a UTF-8 sequence or surrogate pair, and always as
// valid UTF-8.
//
// # Redaction order
//
// For each event-specific attribute: the built-in rules above (package
// internal/redact), then the host's redactor (core.State.Redact, called with
// the event's short name and the key; it may replace or drop the value), then
// the exporters. The standard attributes are not passed to the redactor.
//
// # Cost
//
// An emit costs what the OpenTelemetry SDK costs for a record of the same
// size plus a little (see the benchmarks, which compare each emitter with the
// hand-written log.Record doing the same work). A nil *Emitter does nothing
// and allocates nothing.
package events
