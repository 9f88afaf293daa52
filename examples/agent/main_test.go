package main

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

func runWithKit(t *testing.T, mode string, plan []step) *telemetrytest.Kit {
	t.Helper()
	t.Setenv("ANTHROPIC_API_KEY", "")
	kit := telemetrytest.New(t)
	if plan == nil {
		plan = defaultPlan
	}
	if err := run(context.Background(), options{Model: "claude-sonnet-4-5-20250929", Prompt: "Add a README", PermissionMode: mode, Plan: plan, Tel: kit.Telemetry}); err != nil {
		t.Fatal(err)
	}
	return kit
}

func TestLoop(t *testing.T) {
	kit := runWithKit(t, "acceptEdits", nil)

	// Write after a response with text; Edit after one without; Bash
	// decided while its response streams, as Claude Code 2.1.332 does.
	want := []string{
		"managed_settings_resolved", "user_prompt",
		"api_request", "assistant_response", "tool_decision", "tool_result", // Write
		"api_request", "tool_decision", "tool_result", // Edit
		"tool_decision", "api_request", "tool_result", // git add
		"tool_decision", "api_request", "tool_result", // git commit
		"tool_decision", "api_request", "tool_result", // gh pr create
		"api_request", "assistant_response",
	}
	if err := kit.CheckEventNames(want...); err != nil {
		t.Fatal(err)
	}

	// Each decision names its tool, the mode and the request that asked.
	var tools []string
	reqs := kit.Events("api_request")
	for i, d := range kit.Events("tool_decision") {
		tools = append(tools, d.Attr("tool_name").Str())
		if d.Attr("permission_mode").Str() != "acceptEdits" || d.Attr("decision").Str() != "accept" || d.Attr("source").Str() != "config" {
			t.Errorf("decision %d: %s", i, d)
		}
		if got, want := d.Attr("request_id").Str(), reqs[i].Attr("request_id").Str(); got == "" || got != want {
			t.Errorf("decision %d: request_id %q, the response that asked was %q", i, got, want)
		}
	}
	if !slices.Equal(tools, []string{"Write", "Edit", "Bash", "Bash", "Bash"}) {
		t.Errorf("tools = %v", tools)
	}
	for i, r := range kit.Events("tool_result") {
		if r.Attr("success").Str() != "true" || r.Attr("tool_input_size_bytes").Str() == "0" {
			t.Errorf("result %d: %s", i, r)
		}
	}

	// Token usage comes from the fake API's responses: the metric points
	// add up to the events, the system prompt is written to the cache once
	// and read from it afterwards.
	var input, output, cacheRead int64
	for i, r := range reqs {
		input += r.Attr("input_tokens").Int()
		output += r.Attr("output_tokens").Int()
		cacheRead += r.Attr("cache_read_tokens").Int()
		write := r.Attr("cache_creation_tokens").Int()
		if (i == 0) != (write > 0) || (i == 0) != (r.Attr("cache_read_tokens").Int() == 0) {
			t.Errorf("request %d: cache read %d, written %d", i, r.Attr("cache_read_tokens").Int(), write)
		}
		if !r.Attr("ttft_ms").Present() || r.Attr("cost_usd").Float() <= 0 || r.Attr("query_source").Str() != "sdk" {
			t.Errorf("request %d: %s", i, r)
		}
	}
	if input == 0 || output == 0 {
		t.Fatalf("no tokens: %d in, %d out", input, output)
	}
	for typ, n := range map[string]int64{"input": input, "output": output, "cacheRead": cacheRead} {
		if err := kit.CheckSum("claude_code.token.usage", float64(n), attribute.String("type", typ)); err != nil {
			t.Error(err)
		}
	}

	// README.md: written with 4 lines ("a\n\nb\n" style, trailing newline
	// counted as Claude Code does), then 4 added by the edit.
	for _, c := range []struct {
		metric string
		want   float64
		filter []attribute.KeyValue
	}{
		{"claude_code.session.count", 1, nil},
		{"claude_code.lines_of_code.count", 8, []attribute.KeyValue{attribute.String("type", "added")}},
		{"claude_code.lines_of_code.count", 0, []attribute.KeyValue{attribute.String("type", "removed")}},
		{"claude_code.code_edit_tool.decision", 1, []attribute.KeyValue{attribute.String("tool_name", "Write"), attribute.String("decision", "accept"), attribute.String("language", "Markdown")}},
		{"claude_code.code_edit_tool.decision", 1, []attribute.KeyValue{attribute.String("tool_name", "Edit"), attribute.String("decision", "accept")}},
		{"claude_code.commit.count", 1, nil},
		{"claude_code.pull_request.count", 1, nil},
	} {
		if err := kit.CheckSum(c.metric, c.want, c.filter...); err != nil {
			t.Error(err)
		}
	}
	if kit.Metric("claude_code.active_time.total").Sum(attribute.String("type", "cli")) <= 0 {
		t.Error("no CLI active time")
	}
	if errs := kit.Errors(); len(errs) > 0 {
		t.Errorf("ccotel errors: %v", errs)
	}
}

// Without acceptEdits the edits are denied: a decision and no tool_result,
// no lines; the commit then fails because nothing was written.
func TestDenied(t *testing.T) {
	kit := runWithKit(t, "default", nil)
	for _, d := range kit.Events("tool_decision") {
		tool, decision := d.Attr("tool_name").Str(), d.Attr("decision").Str()
		if (tool == "Bash") != (decision == "accept") {
			t.Errorf("%s: %s", tool, decision)
		}
	}
	var results []string
	for _, r := range kit.Events("tool_result") {
		results = append(results, r.Attr("tool_name").Str()+":"+r.Attr("success").Str())
	}
	// git add of a missing file fails; git commit with nothing staged too.
	if !slices.Equal(results, []string{"Bash:false", "Bash:false", "Bash:true"}) {
		t.Errorf("results = %v", results)
	}
	if err := kit.CheckSum("claude_code.code_edit_tool.decision", 2, attribute.String("decision", "reject"), attribute.String("source", "config")); err != nil {
		t.Error(err)
	}
	for _, m := range []string{"claude_code.lines_of_code.count", "claude_code.commit.count"} {
		if kit.Metric(m).Found {
			t.Errorf("%s recorded", m)
		}
	}
	if err := kit.CheckSum("claude_code.pull_request.count", 1); err != nil {
		t.Error(err)
	}
}

// The example against the real Claude Code captures: the same scenario,
// configured as Claude Code was, must send what Claude Code sent, except the
// built-in plugins Claude Code loads.
func TestConformance(t *testing.T) {
	t.Setenv("ANTHROPIC_API_KEY", "")
	for _, c := range []struct {
		scenario, mode string
		plan           []step
	}{
		{"write_acceptedits", "acceptEdits", []step{{Text: "I'll create the file.", Tool: "Write", Input: map[string]any{"file_path": "hello.txt", "content": "hello\nworld\n!\n"}}}},
		{"bash_allowed", "default", []step{{Tool: "Bash", Input: map[string]any{"command": "echo hello", "description": "Say hello"}}}},
		{"new_git_commit", "default", []step{{Tool: "Bash", Input: map[string]any{"command": `git commit --allow-empty -m "Initial commit"`, "description": "Commit"}}}},
	} {
		t.Run(c.scenario, func(t *testing.T) {
			capture, err := conformance.Load("2.1.332", c.scenario)
			if err != nil {
				if os.Getenv("CI") != "" {
					t.Fatal(err)
				}
				t.Skip(err)
			}
			rcv := otlptest.Start(t, otlptest.Options{})
			var environ []string
			for k, v := range capture.RunInfo.Env() {
				if k == "OTEL_EXPORTER_OTLP_ENDPOINT" {
					v = rcv.HTTPEndpoint()
				} else if !strings.HasPrefix(k, "OTEL_") && !strings.HasPrefix(k, "CLAUDE_CODE_") {
					continue
				}
				environ = append(environ, k+"="+v)
			}
			err = run(context.Background(), options{
				Model: "claude-sonnet-4-5-20250929", Prompt: "Do it. SCN:" + c.scenario, PermissionMode: c.mode, Plan: c.plan,
				Telemetry: []telemetry.Option{
					telemetry.WithLoadOptions(config.WithEnviron(environ), config.WithoutManagedSettings()),
					telemetry.WithServiceVersion("2.1.332"), telemetry.WithTerminalType("dumb"), telemetry.WithEntrypoint("sdk-cli"),
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			want, err := capture.Shape(measured...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := conformance.Shape(conformance.FromReceiver(rcv.Requests()), measured...)
			if err != nil {
				t.Fatal(err)
			}
			withoutPluginLoads(t, want)
			if d := conformance.Compare(want, got,
				conformance.Allow("logs[plugin_loaded]", "the agent loads no Claude Code plugins"),
				conformance.Allow("metrics[claude_code.cost.usage]: total", "the fake API's token counts are the agent's own, not the capture's mock"),
				conformance.Allow("metrics[claude_code.token.usage]: total", "the fake API's token counts are the agent's own, not the capture's mock")); len(d) > 0 {
				t.Error(conformance.Report(d))
			}
		})
	}
}

// measured are the values that depend on the agent's own prompt, system
// prompt and fake API rather than on Claude Code's behaviour: the example
// runs its real loop, so only their keys, places and types are compared (the
// replays in package telemetry compare these values exactly).
var measured = func() []conformance.ShapeOption {
	var opts []conformance.ShapeOption
	for _, k := range []string{
		"input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens", "cost_usd", "cost_usd_micros",
		"gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens",
		"gen_ai.usage.cache_write.input_tokens", "prompt_length", "user_prompt_length", "response_length",
		"tool_input_size_bytes", "tool_result_size_bytes",
	} {
		opts = append(opts, conformance.WithValueRule(k, conformance.TypeOnly))
	}
	return opts
}()

// withoutPluginLoads removes Claude Code's plugin_loaded events from the
// capture's event order, so that the order of everything else is compared.
func withoutPluginLoads(t *testing.T, want *conformance.Telemetry) {
	t.Helper()
	g := want.Groups["logs.sequence"]
	if g == nil || len(g.Records) != 1 {
		t.Fatal("the capture has no event order")
	}
	fields := g.Records[0].Fields
	for i, f := range fields {
		if f.Name != "event order" {
			continue
		}
		var kept []string
		for _, name := range strings.Split(f.Value, ", ") {
			if name != "plugin_loaded" {
				kept = append(kept, name)
			}
		}
		if len(kept) == len(strings.Split(f.Value, ", ")) {
			t.Fatalf("the capture loaded no plugins: %s", f.Value)
		}
		fields[i].Value = strings.Join(kept, ", ")
		return
	}
	t.Fatal("the capture has no event order")
}
