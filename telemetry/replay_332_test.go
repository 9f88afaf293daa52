package telemetry_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// replays332 replays every scenario of shared/conformance/claude-code-2.1.332
// with the actions its summary.txt recorded. 2.1.332 is the version ccotel
// emits: no allowance but the resource key order (docs/COMPATIBILITY.md).
var replays332 = []replayScenario{
	{name: "text_default", run: func(r *replayer) { r.textTurn("Say hello. SCN:text") }},
	{name: "v_raw_api_bodies", run: replayRawBodies},
	{name: "v_include_repository", opts: repositoryOptions, run: func(r *replayer) { r.textTurn("Say hello. SCN:text") }},
	{name: "v_resource_include_host", run: func(r *replayer) { r.textTurn("Say hello. SCN:text") },
		allow: append(resourceOrder("host.id", `"host.name"`), resourceOrder("host.name", "(start)")...)},
	{name: "multi_prompt_streamjson", run: replayMultiPrompt},

	{name: "bash_allowed", run: replayBash},
	{name: "bash_noperm", run: replayBash},
	{name: "v_tool_details_bash", run: replayBash},
	{name: "v_tool_content_bash", run: replayBash},
	{name: "new_git_commit", run: replayGitCommit},
	{name: "new_gh_pr_create", run: replayPullRequest},
	{name: "new_hooks_bash", run: replayHooks},
	{name: "new_mcp_tool", run: replayMCP},
	{name: "new_subagent", run: replaySubagent},

	{name: "err400", run: replayErr400},
	{name: "err500_retries2", run: replayErr500},

	{name: "write_acceptedits", run: replayWrite},
	{name: "write_noperm", run: func(r *replayer) { r.writeTurn("default", metrics.DecisionReject, nil) }},
	{name: "writeedit_acceptedits", run: replayWriteEdit},
	{name: "proto_write", run: replayWrite},
	{name: "v_cumulative", run: replayWrite},
	{name: "v_include_version", run: replayWrite},
	{name: "v_log_user_prompts", run: replayWrite},
	{name: "v_no_session_id", run: replayWrite},
	{name: "v_resource_attrs", run: replayWrite, allow: resourceOrder("team.id", `"department"`)},
	{name: "prometheus_write", run: func(r *replayer) { replayWriteSweep(r) }},
	{name: "prometheus_plus_otlp_write", run: func(r *replayer) { replayWriteSweep(r) }},
}

func TestReplay332(t *testing.T) { runReplays(t, "2.1.332", replays332, nil) }

func TestReplay332Complete(t *testing.T) { checkEveryScenarioReplayed(t, "2.1.332", replays332) }

// TestDetailedReplaySpansOnce replays text_default and new_hooks_bash with
// detailed beta tracing on and BETA_TRACING_ENDPOINT naming the capture's
// OTLP receiver, as the 2.1.330 notes' v_beta_detailed_* runs did: the
// receiver gets each span once, as many spans per name as Claude Code sent
// (the hook spans aside, which only detailed tracing emits).
func TestDetailedReplaySpansOnce(t *testing.T) {
	for _, sc := range []struct {
		name string
		run  func(*replayer)
	}{
		{"text_default", func(r *replayer) { r.textTurn("Say hello. SCN:text") }},
		{"new_hooks_bash", replayHooks},
	} {
		t.Run(sc.name, func(t *testing.T) {
			capture, err := conformance.Load("2.1.332", sc.name)
			if err != nil {
				skipOrFail(t, err)
			}
			want, err := capture.Shape()
			if err != nil {
				t.Fatal(err)
			}
			env := capture.RunInfo.Env()
			capture.RunInfo.ExtraEnv = append(capture.RunInfo.ExtraEnv,
				"ENABLE_BETA_TRACING_DETAILED=1", "BETA_TRACING_ENDPOINT="+env["OTEL_EXPORTER_OTLP_ENDPOINT"])
			tel, requests := startLikeCapture(t, capture, telemetry.WithServiceVersion("2.1.332"))
			ctx, session := tel.StartSession(context.Background())
			sc.run(&replayer{t: t, version: "2.1.332", capture: capture, tel: tel, ctx: ctx, s: session})
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			got, err := conformance.Shape(conformance.FromReceiver(requests()))
			if err != nil {
				t.Fatal(err)
			}
			for name, g := range want.Groups {
				if strings.HasPrefix(name, "spans[") {
					n := 0
					if gg := got.Groups[name]; gg != nil {
						n = len(gg.Records)
					}
					if n != len(g.Records) {
						t.Errorf("%s: %d spans, want %d (Claude Code's count)", name, n, len(g.Records))
					}
				}
			}
			if got.Groups["spans[claude_code.interaction]"] == nil {
				t.Fatal("no spans reached the receiver")
			}
		})
	}
}
