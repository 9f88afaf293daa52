// Package metrics records the eight counters Claude Code emits, with its exact
// names, units, descriptions and attributes, so that dashboards built for
// Claude Code (Grafana on Prometheus, SigNoz, the Collector's prometheus
// exporter) work unchanged on a Go agent.
//
// # What is recorded when
//
// A host reports what happened and the Recorder adds to the counter Claude
// Code would:
//
//   - SessionCount once when a session starts (claude_code.session.count).
//   - APIUsage after each API response: its cost (claude_code.cost.usage) and
//     four token counts (claude_code.token.usage), zeros included; Cost and
//     Tokens record them one at a time.
//   - LinesChanged after each file edit: added and removed lines, zeros
//     included (claude_code.lines_of_code.count); LinesOfCode records one type.
//   - CodeEditDecision when an Edit, Write or NotebookEdit call is allowed or
//     denied (claude_code.code_edit_tool.decision).
//   - Commit and PullRequest when a tool call creates a git commit or a pull
//     request (claude_code.commit.count, claude_code.pull_request.count).
//   - ActiveTime when an active stretch ends (claude_code.active_time.total).
//
// Every point carries the standard attributes of the session in the context
// (see internal/core), then the metric's own. Empty values are left out.
// Agent, skill, plugin, marketplace and MCP names carry their Origin, and
// are replaced by placeholders per signal as Claude Code does unless
// OTEL_LOG_TOOL_DETAILS is on (the table "Names per signal" in
// docs/EVENTS.md). Attribution, the one type that says who made an API call,
// is shared with the telemetry and events packages. The host's redactor, if
// any, runs last, on every attribute.
//
// # One table
//
// Definitions (table.go) is the single source of truth: New creates the
// instruments from it; zz_metrics.go (the attribute value types and their
// constants, and the Recorder methods of one point per call) and
// docs/METRICS.md are generated from it (go generate), and
// the tests check it against real Claude Code 2.1.330 captures.
//
// # Cost
//
// A repeated combination of attributes costs no allocation: the first emit of
// a combination builds its attribute set (and runs redaction) once and caches
// it, with its option slice, in the session. A nil *Recorder is the
// telemetry-off path and costs a nil check.
//
// This package reads no environment variables and no files: the telemetry
// package reads the configuration and passes it in through the state.
package metrics

//go:generate go test -run ^TestMetrics(Doc|Code)$ -update .
