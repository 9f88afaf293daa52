package telemetry_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// replayScenario replays one capture folder through the public API.
type replayScenario struct {
	name string
	// opts are extra Start options (a repository directory...).
	opts func(t *testing.T) []telemetry.Option
	run  func(r *replayer)
	// allow are the scenario's own deliberate differences, each with a reason.
	allow []conformance.Option
}

// groupAllowance is an allowance that applies when the emitter sent its
// group (all groups when group is ""): a version's additions to one event
// are only seen in scenarios that have the event.
type groupAllowance struct {
	group, match, reason string
}

// replayer drives one session the way Claude Code did in a capture.
type replayer struct {
	t       *testing.T
	version string
	capture *conformance.Capture
	tel     *telemetry.Telemetry
	ctx     context.Context
	s       *telemetry.Session
	ids     int
	started bool // the startup events were emitted
}

const replayModel = "claude-sonnet-4-5-20250929"

// id returns a fresh id in the capture's format: prefix and hex digits.
func (r *replayer) id(prefix string, n int) string {
	r.ids++
	h := fmt.Sprintf("%x", uint64(r.ids)*0x9e3779b97f4a7c15)
	for len(h) < n {
		h += h
	}
	return prefix + h[:n]
}

func (r *replayer) uuid() string {
	h := r.id("", 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

func (r *replayer) requestID() string { return r.id("req_mock_", 20) }
func (r *replayer) toolUseID() string { return r.id("toolu_mock_", 16) }

// startup is what Claude Code 2.1.330 and later emit at start, by default just
// before the first prompt: the three default-bundle plugins
// (managed_settings_resolved comes from StartSession). Claude Code 2.1.197
// emitted neither.
func (r *replayer) startup(ctx context.Context) {
	if r.started {
		return
	}
	r.started = true
	if r.version != "2.1.197" {
		loadBuiltinPlugins(ctx, r.tel)
	}
}

// prompt starts a prompt as Claude Code does with -p.
func (r *replayer) prompt(text string) (context.Context, *telemetry.Prompt) {
	r.startup(r.ctx)
	return r.s.StartPrompt(r.ctx, events.UserPrompt{Prompt: text, MessageUUID: r.uuid()})
}

// call is one Messages API response of the mock server.
type call struct {
	in, out int64
	stop    string
	text    string
	id      string // request id; a new one when empty
	agent   metrics.Name
	agentID string
	mcp     bool // the call carries an MCP tool's result
}

// respond records a successful response with the mock's cache counts
// (2000 read, 300 written) and returns its request id.
func (r *replayer) respond(ctx context.Context, c call) string {
	if c.id == "" {
		c.id = r.requestID()
	}
	resp := telemetry.APIResponse{
		Model:       replayModel,
		Usage:       pricing.Usage{InputTokens: c.in, OutputTokens: c.out, CacheReadTokens: 2000, CacheCreationTokens: 300},
		Duration:    40 * time.Millisecond,
		TTFT:        20 * time.Millisecond,
		RequestID:   c.id,
		StopReason:  c.stop,
		Text:        c.text,
		MessageUUID: r.uuid(),
		Attribution: metrics.Attribution{Agent: c.agent, AgentID: c.agentID},
	}
	if c.mcp {
		resp.MCPServer, resp.MCPTool = metrics.Name{Value: "mocksrv", Origin: metrics.OriginMCP}, metrics.Name{Value: "echo", Origin: metrics.OriginMCP}
	}
	r.s.APIResponse(ctx, resp)
	return c.id
}

// tool is one tool use: its call, the permission decision and the outcome.
type tool struct {
	call     telemetry.ToolCall
	decision metrics.Decision // accept by default
	out      telemetry.ToolOutcome
}

// startTool begins a tool use asked for by the response requestID and
// records its decision; finish it with ToolRun.Done unless rejected.
func (r *replayer) startTool(ctx context.Context, requestID string, tl tool) *telemetry.ToolRun {
	tl.call.RequestID = requestID
	if tl.call.UseID == "" {
		tl.call.UseID = r.toolUseID()
	}
	if tl.call.PermissionMode == "" {
		tl.call.PermissionMode = "default"
	}
	if tl.decision == "" {
		tl.decision = metrics.DecisionAccept
	}
	_, run := r.s.StartTool(ctx, tl.call)
	run.Decide(ctx, tl.decision, metrics.SourceConfig)
	return run
}

// The mock's scripted tool uses.
func bashEcho() tool {
	return tool{
		call: telemetry.ToolCall{
			Name: "Bash", Command: "echo hi",
			Input:      `{"command":"echo hi","description":"Print hi"}`,
			Parameters: `{"bash_command":"echo","full_command":"echo hi","description":"Print hi"}`,
		},
		out: telemetry.ToolOutcome{Success: true, ResultSizeBytes: 2, Output: "hi"},
	}
}

const (
	helloPath    = "/home/dev/project/hello.txt"
	helloContent = "hello world\nfrom the\nmock\napi" // four lines, as the mock's Write

	// The mock's answers: the text of a plain answer, and the final
	// answer after a tool (27 characters, as response_length shows).
	mockHello = "Hello! This is a mock answer from the fake Anthropic API."
	mockDone  = "Done. The mock tool ran OK."
)

func writeHello(mode string) tool {
	return tool{
		call: telemetry.ToolCall{
			Name: "Write", FilePath: helloPath, PermissionMode: mode,
			Input: `{"file_path":"` + helloPath + `","content":"hello world\nfrom the\nmock\napi"}`,
		},
		out: telemetry.ToolOutcome{Success: true, ResultSizeBytes: 140, Content: helloContent},
	}
}

// bashTurn is Claude Code's streaming tool loop for one Bash command: the
// tool is decided while the response still streams (tool_decision before
// api_request), then the result goes back in a second request.
func (r *replayer) bashTurn(promptText string, tl tool, after func(ctx context.Context)) {
	ctx, p := r.prompt(promptText)
	id := r.requestID()
	run := r.startTool(ctx, id, tl)
	r.respond(ctx, call{in: 107, out: 35, stop: "tool_use", id: id})
	run.Done(ctx, tl.out)
	if after != nil {
		after(ctx)
	}
	r.respond(ctx, call{in: 121, out: 35, stop: "end_turn", text: mockDone})
	p.End(ctx)
}

// writeTurn is the write scenario: a response with text and a Write tool
// use, the decision (code_edit_tool.decision and, when accepted, the
// lines written), then the final answer.
func (r *replayer) writeTurn(mode string, decision metrics.Decision, after func(ctx context.Context)) {
	ctx, p := r.prompt("Create the file please. SCN:write path=" + helloPath + " content=hello world")
	id := r.respond(ctx, call{in: 107, out: 45, stop: "tool_use", text: "I'll create the file."})
	tl := writeHello(mode)
	tl.decision = decision
	run := r.startTool(ctx, id, tl)
	r.s.EditDecision(ctx, telemetry.Edit{
		ToolName: "Write", FilePath: helloPath, Decision: decision, Source: metrics.SourceConfig,
		Model: replayModel, NewText: helloContent,
	})
	run.Done(ctx, tl.out)
	if after != nil {
		after(ctx)
	}
	r.respond(ctx, call{in: 121, out: 35, stop: "end_turn", text: mockDone})
	p.End(ctx)
}

func (r *replayer) textTurn(promptText string) {
	ctx, p := r.prompt(promptText)
	r.respond(ctx, call{in: 107, out: 35, stop: "end_turn", text: mockHello})
	p.End(ctx)
}

// runReplays runs every scenario of a capture version as a subtest, in
// parallel, and checks that each scenario folder on disk has exactly one.
func runReplays(t *testing.T, version string, table []replayScenario, common []groupAllowance) {
	byName := map[string]bool{}
	for _, sc := range table {
		if byName[sc.name] {
			t.Fatalf("scenario %s replayed twice", sc.name)
		}
		byName[sc.name] = true
	}
	for _, sc := range table {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			capture, err := conformance.Load(version, sc.name)
			if err != nil {
				skipOrFail(t, err)
			}
			if len(capture.RunInfo.BaseEnv) == 0 && strings.Contains(capture.RunInfo.Fields["cmd"], "same base env") {
				// run_info.txt of a stream-json run names only its command.
				base, err := conformance.Load(version, "text_default")
				if err != nil {
					t.Fatal(err)
				}
				capture.RunInfo.BaseEnv = base.RunInfo.BaseEnv
			}
			var opts []telemetry.Option
			if sc.opts != nil {
				opts = sc.opts(t)
			}
			opts = append(opts, telemetry.WithServiceVersion(version))
			tel, requests := startLikeCapture(t, capture, opts...)
			ctx, session := tel.StartSession(context.Background())
			r := &replayer{t: t, version: version, capture: capture, tel: tel, ctx: ctx, s: session}
			sc.run(r)
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			sopts := unknowable(capture)
			want, err := capture.Shape(sopts...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := conformance.Shape(conformance.FromReceiver(requests()), sopts...)
			if err != nil {
				t.Fatal(err)
			}
			allow := append(append([]conformance.Option{}, compatibilityAllowances...), sc.allow...)
			for _, a := range common {
				if a.group == "" || got.Groups[a.group] != nil {
					allow = append(allow, conformance.Allow(a.match, a.reason))
				}
			}
			d := conformance.Compare(want, got, allow...)
			if version == "2.1.197" {
				d = onlyStartupEventsAdded(d)
			}
			if len(d) > 0 {
				t.Error(conformance.Report(d))
			}
		})
	}
}

// checkEveryScenarioReplayed fails when a scenario folder on disk has no
// replay, so that a new capture cannot be skipped silently.
func checkEveryScenarioReplayed(t *testing.T, version string, table []replayScenario) {
	onDisk := conformance.Scenarios(version)
	if len(onDisk) == 0 {
		skipOrFail(t, fmt.Errorf("no captures of Claude Code %s found", version))
	}
	have := map[string]bool{}
	for _, sc := range table {
		have[sc.name] = true
	}
	var missing []string
	for _, name := range onDisk {
		if !have[name] {
			missing = append(missing, name)
		}
		delete(have, name)
	}
	if len(missing) > 0 {
		t.Errorf("claude-code-%s scenarios without a replay: %s", version, strings.Join(missing, ", "))
	}
	for name := range have {
		t.Errorf("replay %s has no capture folder in claude-code-%s", name, version)
	}
}

// outsideSpan keeps ctx's session and prompt but no span: Claude Code emits
// some events of a prompt (MCP disconnection, retention sweep) outside the
// interaction span.
func outsideSpan(ctx context.Context) context.Context {
	return trace.ContextWithSpanContext(ctx, trace.SpanContext{})
}

// promLabelValues are the labels whose values are compared; the others
// (ids, versions, host values) only by name.
var promLabelValues = map[string]bool{
	"type": true, "decision": true, "source": true, "tool_name": true, "language": true, "query_source": true,
	"start_type": true, "model": true, "otel_scope_name": true, "otel_scope_version": true, "anthropic_provider": true,
	"anthropic_custom_base_url": true, "terminal_type": true, "service_name": true,
}

// promShape reduces a Prometheus exposition to its # HELP and # TYPE lines
// and one line per series: the name and the sorted label names, with the
// values of promLabelValues. Sample values and the order of series are
// ignored, as conformance.Shape ignores them for OTLP.
func promShape(t *testing.T, text string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "# "):
			out[line] = true
		default:
			name, rest, _ := strings.Cut(line, "{")
			labels, _, ok := strings.Cut(rest, "} ")
			if !ok {
				name, _, _ = strings.Cut(line, " ")
				labels = ""
			}
			var keys []string
			for _, kv := range splitLabels(labels) {
				k, v, _ := strings.Cut(kv, "=")
				if promLabelValues[k] {
					keys = append(keys, k+"="+v)
				} else {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			out[name+"{"+strings.Join(keys, ",")+"}"] = true
		}
	}
	return out
}

// splitLabels splits k="v",k2="v2" at the commas outside quotes.
func splitLabels(s string) []string {
	var out []string
	var b strings.Builder
	quoted, escaped := false, false
	for _, c := range s {
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteRune(c)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// promAllowance is a deliberate difference in the exposition: the label
// is dropped from every series ccotel exposes (and must occur), or lines
// starting with prefix may be missing or extra.
type promAllowance struct {
	label, prefix, reason string
}

// promAllowances are the Prometheus exposition's deliberate differences,
// listed in docs/COMPATIBILITY.md.
var promAllowances = []promAllowance{}

// promScrape compares the Prometheus exposition now with the capture's last
// scrape, which Claude Code answered while the final model response was
// delayed (DELAYFINAL=6): after the first response and the edit, before
// the prompt ended.
func (r *replayer) promScrape(extra ...promAllowance) {
	comparePrometheus(r.t, r.capture, r.tel.PrometheusAddr(), append(append([]promAllowance{}, promAllowances...), extra...))
}

// noUnitLines allows the capture's # UNIT lines: the Go Prometheus exporter
// writes none (the unit is a suffix of the name when it writes one).
var noUnitLines = promAllowance{prefix: "# UNIT ", reason: "the Go Prometheus exporter never writes # UNIT lines; " +
	"OpenTelemetry JS's writes them for metrics with a unit"}

// comparePrometheus scrapes addr and compares it with the capture's last
// scrape, the complete state of the run.
func comparePrometheus(t *testing.T, c *conformance.Capture, addr string, allow []promAllowance) {
	t.Helper()
	if len(c.PromScrapes) == 0 {
		t.Fatal("the capture has no Prometheus scrape")
	}
	last := c.PromScrapes[0]
	for _, s := range c.PromScrapes {
		if scrapeIndex(s.File) > scrapeIndex(last.File) {
			last = s
		}
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	used := make([]bool, len(allow))
	text := string(body)
	for i, a := range allow {
		if a.label == "" {
			continue
		}
		re := regexp.MustCompile(`,?` + regexp.QuoteMeta(a.label) + `="[^"]*"`)
		if re.MatchString(text) {
			used[i] = true
			text = re.ReplaceAllString(text, "")
			text = strings.ReplaceAll(text, "{,", "{")
		}
	}
	want, got := promShape(t, last.Text), promShape(t, text)
	allowed := func(line string) bool {
		for i, a := range allow {
			if a.prefix != "" && strings.HasPrefix(line, a.prefix) {
				used[i] = true
				return true
			}
		}
		return false
	}
	var diffs []string
	for l := range want {
		if !got[l] && !allowed(l) {
			diffs = append(diffs, "missing: "+l)
		}
	}
	for l := range got {
		if !want[l] && !allowed(l) {
			diffs = append(diffs, "unexpected: "+l)
		}
	}
	for i, a := range allow {
		if !used[i] {
			diffs = append(diffs, fmt.Sprintf("allowance %q matched nothing (reason given: %s)", a.label+a.prefix, a.reason))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("Prometheus exposition differs from %s:\n%s\n--- got:\n%s", last.File, strings.Join(diffs, "\n"), body)
	}
}

func scrapeIndex(file string) int {
	base := strings.TrimSuffix(filepath.Base(file), ".txt")
	n, _ := strconv.Atoi(base[strings.LastIndex(base, "_")+1:])
	return n
}

// onlyStartupEventsAdded drops the event-order difference when the only
// change is 2.1.330's managed_settings_resolved at start (observed §A6):
// the order of every other event must still be 2.1.197's.
func onlyStartupEventsAdded(diffs []conformance.Difference) []conformance.Difference {
	var out []conformance.Difference
	for _, d := range diffs {
		if d.Where == "logs.sequence" && strings.HasPrefix(d.Msg, "event order: want ") {
			w, g, ok := strings.Cut(strings.TrimPrefix(d.Msg, "event order: want "), ", got ")
			if ok && g == "managed_settings_resolved, "+w {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// unknowable keeps only the type of the numbers a replay cannot reproduce:
// the lengths and sizes that count a file path, in a scenario that has one
// (the captures rewrote the capture machine's paths to /home/dev/..., so
// write_acceptedits' prompt_length 82 counts a path longer than the stored
// prompt's 66 characters); the size of a tool input the capture does not
// show (unknownInputs); and the length of Claude Code's own request body,
// which the stored copy omits (v_raw_api_bodies).
func unknowable(c *conformance.Capture) []conformance.ShapeOption {
	var keys []string
	if strings.Contains(c.RunInfo.Fields["prompt"], "/home/dev") {
		keys = append(keys, "prompt_length", "user_prompt_length", "tool_input_size_bytes", "tool_result_size_bytes")
	}
	if unknownInputs[c.Name] {
		keys = append(keys, "tool_input_size_bytes")
	}
	if c.Name == "v_raw_api_bodies" {
		keys = append(keys, "body_length")
	}
	var out []conformance.ShapeOption
	for _, k := range keys {
		out = append(out, conformance.WithValueRule(k, conformance.TypeOnly))
	}
	return out
}

// unknownInputs are the scenarios whose mock tool input is neither in the
// capture (no OTEL_LOG_TOOL_DETAILS) nor in its notes.
var unknownInputs = map[string]bool{"new_git_commit": true, "new_gh_pr_create": true, "new_subagent": true}
