// Package redact holds Claude Code's content rules in one place: which flag
// reveals which attribute, the literal and placeholder values used when a flag
// is off, and the truncation of content at the content limit. The events
// package applies them per attribute from its table; the span code applies the
// same rules to span attributes.
//
// Order of application for one attribute: the gate (Rule.Apply), then shaping
// (Truncate, ToolInput), then the host's redactor, then the exporters.
//
// It reads no environment variables itself; the flags come from config.Content: OTEL_LOG_USER_PROMPTS,
// OTEL_LOG_ASSISTANT_RESPONSES, OTEL_LOG_TOOL_DETAILS, OTEL_LOG_RAW_API_BODIES (all off by default) and
// CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH (61440).
package redact
