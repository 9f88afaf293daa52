package telemetry_test

import (
	"context"
	"testing"

	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/metrics"
)

// replays197 replays every scenario of shared/conformance/claude-code-2.1.197
// as a host at version 2.1.197: ccotel emits what Claude Code 2.1.332 emits,
// so the 2.1.197 shapes must still hold apart from what 2.1.330 added
// (added330, observed-claude-code-2.1.330.md §A) and 2.1.332 then added
// (added332).
var replays197 = []replayScenario{
	{name: "text_default", run: func(r *replayer) { r.textTurn("Say hello. SCN:text") }},
	{name: "multi_prompt_streamjson", run: func(r *replayer) {
		r.textTurn("Say hello. SCN:text p1")
		ctx, p := r.prompt("Say hello again please. SCN:text p2")
		r.respond(ctx, call{in: 121, out: 35, stop: "end_turn", text: mockHello})
		p.End(ctx)
	}},
	{name: "bash_allowed", run: replayBash, allow: bash197},
	{name: "v_tool_details_bash", run: replayBash, allow: bash197},
	{name: "v_tool_content_bash", run: replayBash, allow: bash197},
	{name: "err400", run: replayErr400},
	{name: "err500_retries2", run: replayErr500},
	{name: "write_acceptedits", run: replayWrite},
	{name: "writeedit_acceptedits", run: replayWriteEdit},
	{name: "proto_write", run: replayWrite},
	{name: "v_cumulative", run: replayWrite},
	{name: "v_include_version", run: replayWrite},
	{name: "v_log_user_prompts", run: replayWrite},
	{name: "v_no_session_id", run: replayWrite},
	{name: "v_resource_attrs", run: replayWrite, allow: resourceOrder("team.id", `"department"`)},
	{name: "prometheus_write", run: func(r *replayer) {
		r.writeTurn("acceptEdits", metrics.DecisionAccept, func(context.Context) {
			r.promScrape(noUnitLines,
				promAllowance{label: "anthropic_provider", reason: "new standard attribute in 2.1.330 (observed §A4)"},
				promAllowance{label: "anthropic_custom_base_url", reason: "new standard attribute in 2.1.330 (observed §A4)"})
		})
	}},
}

func TestReplay197(t *testing.T) {
	runReplays(t, "2.1.197", replays197, append(append([]groupAllowance{}, added330...), added332...))
}

func TestReplay197Complete(t *testing.T) { checkEveryScenarioReplayed(t, "2.1.197", replays197) }

// added330 are the differences between Claude Code 2.1.197 and 2.1.330
// that observed-claude-code-2.1.330.md §A lists, each allowed when the
// emitter sent the group it is seen on (the "when" group). The startup
// managed_settings_resolved event in the event order is checked by
// onlyStartupEventsAdded.
var added330 = func() []groupAllowance {
	const (
		a4 = "new standard attribute in 2.1.330 (observed §A4)"
		a6 = "new event attribute in 2.1.330 (observed §A6)"
		a7 = "new span attribute in 2.1.330 (observed §A7)"
	)
	out := []groupAllowance{
		{"", `standard key "anthropic.provider": unexpected`, a4},
		{"", `standard key "anthropic.custom_base_url": unexpected`, a4},
		{"metrics[claude_code.session.count]", `]: key "anthropic.provider": unexpected`, a4 + ", on metric points"},
		{"metrics[claude_code.session.count]", `]: key "anthropic.custom_base_url": unexpected`, a4 + ", on metric points"},
		{"", "logs[managed_settings_resolved]: unexpected: 1 record(s)", "startup event new in 2.1.330 (observed §A6)"},
		{"", `logs[user_prompt]: key "prompt_text": unexpected`, a6},
		{"", `logs[user_prompt]: key "message.uuid": unexpected`, a6},
		{"logs[api_request]", `logs[api_request]: key "cache_creation_5m_tokens": unexpected`, a6},
		{"logs[api_request]", `logs[api_request]: key "cache_creation_1h_tokens": unexpected`, a6},
		{"logs[api_request]", `logs[api_request]: key "ttft_ms": unexpected`, a6},
		{"logs[assistant_response]", `logs[assistant_response]: key "message.uuid": unexpected`, a6},
		{"logs[tool_decision]", `logs[tool_decision]: key "tool_source": unexpected`, a6},
		{"logs[tool_decision]", `logs[tool_decision]: key "permission_mode": unexpected`, a6},
		{"logs[tool_decision]", `logs[tool_decision]: key "request_id": unexpected`, a6},
		{"logs[tool_result]", `logs[tool_result]: key "request_id": unexpected`, a6},
		{"", `spans[claude_code.interaction]: key "gen_ai.operation.name": unexpected`, a7},
		{"", `spans[claude_code.interaction]: key "parent.source": unexpected`, a7},
		{"", `spans[claude_code.interaction]: key "queued_sends": unexpected`, a7},
		{"", `spans[claude_code.llm_request]: key "query_source_safe": unexpected`, a7},
		{"logs[api_request]", `spans[claude_code.llm_request]: key "first_content_ms": unexpected`, a7 + ", on successful requests"},
		{"logs[api_error]", `spans[claude_code.llm_request]: key "error_class": unexpected`, a7 + ", on failed requests"},
		{"spans[claude_code.tool]", `spans[claude_code.tool]: key "gen_ai.operation.name": unexpected`, a7},
		{"spans[claude_code.tool]", `spans[claude_code.tool]: key "gen_ai.tool.name": unexpected`, a7},
		{"spans[claude_code.tool]", `spans[claude_code.tool]: key "tool_name_safe": unexpected`, a7},
		{"spans[claude_code.tool.blocked_on_user]", `spans[claude_code.tool.blocked_on_user]: key "decision": want "unknown", got "accept"`,
			"2.1.330 records the real decision where 2.1.197 said unknown (observed §A7)"},
		{"spans[claude_code.tool.blocked_on_user]", `spans[claude_code.tool.blocked_on_user]: key "source": want "unknown", got "config"`,
			"2.1.330 records the real decision source where 2.1.197 said unknown (observed §A7)"},
	}
	for _, sp := range []string{"interaction", "llm_request", "tool", "tool.blocked_on_user", "tool.execution"} {
		g := "spans[claude_code." + sp + "]"
		out = append(out,
			groupAllowance{g, g + `: key "gen_ai.provider.name": unexpected`, a7},
			groupAllowance{g, g + `: key "gen_ai.conversation.id": unexpected`, a7})
	}
	return out
}()

// bash197 are 2.1.330's additions to the span of a Bash tool.
var bash197 = []conformance.Option{
	conformance.Allow(`spans[claude_code.tool]: key "bash_command_class": unexpected`, "new span attribute of Bash tools in 2.1.330 (observed §A7)"),
	conformance.Allow(`spans[claude_code.tool]: key "bash_argv0": unexpected`, "new span attribute of Bash tools in 2.1.330 (observed §A7)"),
}
