// Package telemetrytest records what a Go agent's code emits through ccotel,
// in memory, so the agent's own unit tests can assert which events, metric
// points and spans it produced, with their attributes, without exporters,
// collectors or network.
//
//	func TestWriteToolReportsLines(t *testing.T) {
//		kit := telemetrytest.New(t, telemetrytest.WithVariable("OTEL_LOG_TOOL_DETAILS", "1"))
//		runMyAgentStep(t.Context(), kit.Telemetry) // the code under test
//		if err := kit.CheckEventNames("user_prompt", "api_request", "tool_decision", "tool_result"); err != nil {
//			t.Error(err)
//		}
//		if got := kit.Metric("claude_code.lines_of_code.count").Sum(attribute.String("type", "added")); got != 4 {
//			t.Errorf("added lines = %v, want 4", got)
//		}
//	}
//
// CheckEventNames needs no managed_settings_resolved, the event the first
// session of a Telemetry emits by itself; CheckEventOrder checks a
// subsequence. When the test ends, New fails it if a prompt, tool run or
// hook was left open (CheckOpen): a forgotten End or Done loses active time
// and tool results in production.
//
// # Test your code, not ccotel
//
// ccotel's own tests check that every event and metric has Claude Code's
// names, attribute keys, order and wire types against real captures. Assert
// what your code decides: which events it causes, in which order, with which
// of your values (the tool name, the decision, the token counts it read from
// the API response). Asserting the full attribute list of an event repeats
// ccotel's tests and breaks when ccotel follows a new Claude Code release.
//
// # What the kit sets up
//
// New starts a telemetry.Telemetry whose configuration is hermetic: it reads
// none of the process environment and no managed settings, only
// CLAUDE_CODE_ENABLE_TELEMETRY=1 and the variables given with WithVariable (or
// the Config of WithConfig). No exporter is configured unless those variables
// name one. The OpenTelemetry SDK's providers read a few variables of the
// process environment themselves (config's "The process environment"): an
// invalid one in the developer's shell changes nothing the kit records and
// does not fail the test; the kit's Errors report it as a
// config.WarningProcess, and the SDK prints a line about it. Behind it are a manual metric reader (cumulative temporality, so
// every read sees all points so far), a synchronous log processor and a
// synchronous span processor, so everything emitted is readable as soon as the
// emitting call returns. Spans are always recorded (the kit adds a span
// processor, which turns span recording on as the traces beta would), so
// events inside a prompt carry trace and span ids.
//
// Records stay readable after the Telemetry is shut down: code under test
// may call Shutdown itself. New shuts the Telemetry down when the test ends.
package telemetrytest
