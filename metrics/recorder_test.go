package metrics

import (
	"context"
	"fmt"

	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// rig is a Recorder on a real SDK meter provider with a ManualReader.
type rig struct {
	r      *Recorder
	st     *core.State
	reader *sdkmetric.ManualReader
	ss     *core.Session
	ctx    context.Context
	errs   *[]error
}

var defaultStatic = core.Static{UserID: strings.Repeat("ab", 32), AppVersion: "2.1.330", Entrypoint: "sdk-cli",
	TerminalType: "dumb", CustomBaseURL: true}

func newRig(t testing.TB, cfg config.Config, static core.Static, temporality metricdata.Temporality) *rig {
	t.Helper()
	reader := sdkmetric.NewManualReader(sdkmetric.WithTemporalitySelector(
		func(sdkmetric.InstrumentKind) metricdata.Temporality { return temporality }))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	st := core.NewState(cfg, static)
	var mu sync.Mutex
	errs := &[]error{}
	st.Handle = func(err error) { mu.Lock(); *errs = append(*errs, err); mu.Unlock() }
	r, err := newRecorder(mp.Meter("com.anthropic.claude_code"), st)
	if err != nil {
		t.Fatal(err)
	}
	ss := st.NewSession("5f079e48-6b83-4af0-b045-acfb9086c281")
	return &rig{r: r, st: st, reader: reader, ss: ss, ctx: core.ContextWithSession(context.Background(), ss), errs: errs}
}

func defaultRig(t testing.TB) *rig {
	return newRig(t, config.Config{Include: config.Include{SessionID: true, AccountUUID: true, ResourceAttributes: true}},
		defaultStatic, metricdata.DeltaTemporality)
}

// collect returns the collected metrics by name.
func (g *rig) collect(t testing.TB) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := g.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// points returns the float64 points of metric name, failing unless it is a
// monotonic float64 Sum.
func points(t testing.TB, got map[string]metricdata.Metrics, name string) (metricdata.Sum[float64], []metricdata.DataPoint[float64]) {
	t.Helper()
	m, ok := got[name]
	if !ok {
		t.Fatalf("%s not collected", name)
	}
	sum, ok := m.Data.(metricdata.Sum[float64])
	if !ok {
		t.Fatalf("%s: data is %T, want metricdata.Sum[float64] (asDouble)", name, m.Data)
	}
	if !sum.IsMonotonic {
		t.Errorf("%s: not monotonic", name)
	}
	return sum, sum.DataPoints
}

func attrMap(s attribute.Set) map[string]attribute.Value {
	out := map[string]attribute.Value{}
	for _, kv := range s.ToSlice() {
		out[string(kv.Key)] = kv.Value
	}
	return out
}

func findPoint(pts []metricdata.DataPoint[float64], key, value string) (metricdata.DataPoint[float64], bool) {
	for _, p := range pts {
		if v, ok := p.Attributes.Value(attribute.Key(key)); ok && v.AsString() == value {
			return p, true
		}
	}
	return metricdata.DataPoint[float64]{}, false
}

// emitCase records one metric and says which attributes beyond the standard
// ones the point must carry.
type emitCase struct {
	metric Metric
	emit   func(r *Recorder, ctx context.Context)
	value  float64
	extra  map[string]string
}

var emitCases = []emitCase{
	{MetricSessionCount, func(r *Recorder, ctx context.Context) { r.SessionCount(ctx, StartFresh) }, 1,
		map[string]string{"start_type": "fresh"}},
	{MetricLinesOfCode, func(r *Recorder, ctx context.Context) { r.LinesOfCode(ctx, LinesAdded, "claude-sonnet-4-5", 4) }, 4,
		map[string]string{"type": "added", "model": "claude-sonnet-4-5"}},
	{MetricPullRequest, func(r *Recorder, ctx context.Context) { r.PullRequest(ctx) }, 1, map[string]string{}},
	{MetricCommit, func(r *Recorder, ctx context.Context) { r.Commit(ctx) }, 1, map[string]string{}},
	{MetricCost, func(r *Recorder, ctx context.Context) {
		r.Cost(ctx, 0.0027209999999999995, &UsageAttrs{Model: "claude-sonnet-4-5", Attribution: Attribution{Query: QueryMain}})
	}, 0.0027209999999999995, map[string]string{"model": "claude-sonnet-4-5", "query_source": "main"}},
	{MetricTokens, func(r *Recorder, ctx context.Context) {
		r.Tokens(ctx, 107, TokensInput, &UsageAttrs{Model: "claude-sonnet-4-5", Attribution: Attribution{Query: QuerySubagent(builtin("general-purpose")), Agent: builtin("general-purpose")}})
	}, 107, map[string]string{"model": "claude-sonnet-4-5", "query_source": "subagent", "agent.name": "general-purpose", "type": "input"}},
	{MetricCodeEditDecision, func(r *Recorder, ctx context.Context) {
		r.CodeEditDecision(ctx, EditDecision{ToolName: "Write", Decision: DecisionReject, Source: SourceConfig, Language: "Plain text"})
	}, 1, map[string]string{"decision": "reject", "source": "config", "tool_name": "Write", "language": "Plain text"}},
	{MetricActiveTime, func(r *Recorder, ctx context.Context) { r.ActiveTime(ctx, 0.202, ActiveCLI) }, 0.202,
		map[string]string{"type": "cli"}},
}

func TestEmitCasesCoverTable(t *testing.T) {
	seen := map[Metric]bool{}
	for _, c := range emitCases {
		seen[c.metric] = true
	}
	for _, d := range Definitions() {
		if !seen[d.Metric] {
			t.Errorf("%s has no emit case", d.Name)
		}
	}
}

func TestEveryMetric(t *testing.T) {
	standard := []string{"user.id", "session.id", "anthropic.provider", "anthropic.custom_base_url", "terminal.type"}
	for _, temp := range []metricdata.Temporality{metricdata.DeltaTemporality, metricdata.CumulativeTemporality} {
		for _, c := range emitCases {
			d := c.metric.Definition()
			t.Run(temp.String()+"/"+d.Name, func(t *testing.T) {
				g := newRig(t, config.Config{Include: config.Include{SessionID: true, AccountUUID: true}}, defaultStatic, temp)
				c.emit(g.r, g.ctx)
				got := g.collect(t)
				if len(got) != 1 {
					t.Fatalf("one emit produced %d metrics", len(got))
				}
				m := got[d.Name]
				if m.Unit != d.Unit || m.Description != d.Description {
					t.Errorf("unit %q description %q, want %q %q", m.Unit, m.Description, d.Unit, d.Description)
				}
				sum, pts := points(t, got, d.Name)
				if sum.Temporality != temp {
					t.Errorf("temporality %v, want %v", sum.Temporality, temp)
				}
				if len(pts) != 1 || pts[0].Value != c.value {
					t.Fatalf("points %+v, want one of value %v", pts, c.value)
				}
				attrs := attrMap(pts[0].Attributes)
				wantKeys := append(slices.Clone(standard), mapKeys(c.extra)...)
				if gotKeys := mapKeys(attrs); !sameSet(gotKeys, wantKeys) {
					t.Errorf("keys %v, want %v", gotKeys, wantKeys)
				}
				for k, v := range attrs {
					want := attribute.STRING
					if k == "anthropic.custom_base_url" {
						want = attribute.BOOL
					}
					if v.Type() != want {
						t.Errorf("%s is %v, want %v", k, v.Type(), want)
					}
				}
				if !attrs["anthropic.custom_base_url"].AsBool() || attrs["session.id"].AsString() != g.ss.ID {
					t.Errorf("standard values: %v", attrs)
				}
				for k, v := range c.extra {
					if attrs[k].AsString() != v {
						t.Errorf("%s = %q, want %q", k, attrs[k].AsString(), v)
					}
				}

				// A second interval shows the reader's temporality.
				c.emit(g.r, g.ctx)
				_, pts = points(t, g.collect(t), d.Name)
				want := c.value
				if temp == metricdata.CumulativeTemporality {
					want = 2 * c.value
				}
				if len(pts) != 1 || pts[0].Value != want {
					t.Errorf("second interval %+v, want value %v", pts, want)
				}
			})
		}
	}
}

func TestToggles(t *testing.T) {
	repo := &core.Repository{URL: "https://github.com/acme/widgets", Owner: "acme", Name: "widgets", Provider: "github"}
	static := defaultStatic
	static.Repository = repo
	for _, tc := range []struct {
		name    string
		include config.Include
		want    []string
	}{
		{"session.id off", config.Include{}, []string{"user.id", "anthropic.provider", "anthropic.custom_base_url", "terminal.type"}},
		{"version on", config.Include{SessionID: true, Version: true},
			[]string{"user.id", "session.id", "app.version", "anthropic.provider", "anthropic.custom_base_url", "terminal.type"}},
		{"entrypoint on", config.Include{SessionID: true, Entrypoint: true},
			[]string{"user.id", "session.id", "app.entrypoint", "anthropic.provider", "anthropic.custom_base_url", "terminal.type"}},
		{"repository on", config.Include{SessionID: true, Repository: true},
			[]string{"user.id", "session.id", "vcs.repository.url.full", "vcs.owner.name", "vcs.repository.name", "vcs.provider.name",
				"anthropic.provider", "anthropic.custom_base_url", "terminal.type"}},
		{"resource attributes copied", config.Include{SessionID: true, ResourceAttributes: true},
			[]string{"department", "team.id", "user.id", "session.id", "anthropic.provider", "anthropic.custom_base_url", "terminal.type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Config{Include: tc.include,
				ResourceAttributes: []config.Attribute{{Key: "department", Value: "eng"}, {Key: "team.id", Value: "platform"}}}
			g := newRig(t, cfg, static, metricdata.DeltaTemporality)
			g.r.ActiveTime(g.ctx, 1, ActiveUser)
			_, pts := points(t, g.collect(t), "claude_code.active_time.total")
			want := append(slices.Clone(tc.want), "type")
			if got := mapKeys(attrMap(pts[0].Attributes)); !sameSet(got, want) {
				t.Errorf("keys %v, want %v", got, want)
			}
		})
	}
}

func TestZerosAndOrderOfCompositeCalls(t *testing.T) {
	g := defaultRig(t)
	u := UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain}}
	g.r.APIUsage(g.ctx, 0.5, TokenCounts{Input: 107, Output: 45}, &u)
	g.r.LinesChanged(g.ctx, "m", 4, 0)
	got := g.collect(t)

	_, pts := points(t, got, "claude_code.token.usage")
	want := map[string]float64{"input": 107, "output": 45, "cacheRead": 0, "cacheCreation": 0}
	if len(pts) != len(want) {
		t.Fatalf("token points %d, want %d (zeros included)", len(pts), len(want))
	}
	for typ, v := range want {
		if p, ok := findPoint(pts, "type", typ); !ok || p.Value != v {
			t.Errorf("tokens %s = %v (found %v), want %v", typ, p.Value, ok, v)
		}
	}
	if _, pts := points(t, got, "claude_code.cost.usage"); len(pts) != 1 || pts[0].Value != 0.5 {
		t.Errorf("cost %+v", pts)
	}
	_, pts = points(t, got, "claude_code.lines_of_code.count")
	if p, ok := findPoint(pts, "type", "removed"); !ok || p.Value != 0 || len(pts) != 2 {
		t.Errorf("lines %+v: removed=0 must be recorded", pts)
	}
}

func TestOptionalValuesOmitted(t *testing.T) {
	g := defaultRig(t)
	g.r.Cost(g.ctx, 1, &UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain, Speed: SpeedNormal}})
	g.r.CodeEditDecision(g.ctx, EditDecision{ToolName: "Edit", Decision: DecisionAccept, Source: SourceHook})
	g.r.Tokens(g.ctx, 1, TokensOutput, &UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain, Speed: SpeedFast, Effort: EffortXHigh}})
	got := g.collect(t)

	_, pts := points(t, got, "claude_code.cost.usage")
	a := attrMap(pts[0].Attributes)
	for _, k := range []string{"speed", "effort", "agent.name", "skill.name", "plugin.name", "marketplace.name", "mcp_server.name", "mcp_tool.name"} {
		if _, ok := a[k]; ok {
			t.Errorf("cost carries %s = %v; empty values and speed=normal are omitted", k, a[k].String())
		}
	}
	_, pts = points(t, got, "claude_code.code_edit_tool.decision")
	if _, ok := attrMap(pts[0].Attributes)["language"]; ok {
		t.Error("an unknown language is omitted, not sent as \"\"")
	}
	_, pts = points(t, got, "claude_code.token.usage")
	a = attrMap(pts[0].Attributes)
	if a["speed"].AsString() != "fast" || a["effort"].AsString() != "xhigh" {
		t.Errorf("fast speed and effort must be sent: %v", a)
	}
}

func TestNameRedaction(t *testing.T) {
	plugin := func(v string) Name { return Name{Value: v, Origin: OriginPlugin} }
	mcp := func(v string) Name { return Name{Value: v, Origin: OriginMCP} }
	u := UsageAttrs{Model: "m", Attribution: Attribution{
		Query: "agent:custom:my-reviewer",
		Agent: Name{Value: "my-reviewer", Origin: OriginProject}, Skill: plugin("acme-skill"), Plugin: plugin("acme-plugin"),
		Marketplace: plugin("acme-market"), MCPServer: mcp("mocksrv"), MCPTool: mcp("echo"),
	}}
	official := UsageAttrs{Model: "m", Attribution: Attribution{
		Query: QuerySubagent(builtin("general-purpose")),
		Agent: builtin("general-purpose"), Skill: builtin("pdf"), Plugin: Name{Value: "cc-plugin-privacy", Origin: OriginOfficial},
		Marketplace: Name{Value: "claude-plugins-official", Origin: OriginOfficial}, MCPServer: Name{Value: "claude_ai_Gmail", Origin: OriginOfficial},
		MCPTool: Name{Value: "search", Origin: OriginOfficial},
	}}
	// A project skill keeps its name on metrics (Claude Code 2.1.332); a
	// project agent does not.
	project := UsageAttrs{Model: "m", Attribution: Attribution{
		Agent: Name{Value: "my-reviewer", Origin: OriginProject}, Skill: Name{Value: "mockskill", Origin: OriginProject},
	}}
	unknown := UsageAttrs{Model: "m", Attribution: Attribution{Agent: Name{Value: "x"}, Skill: Name{Value: "y"}, Plugin: Name{Value: "z"}}}
	raw := map[string]string{"agent.name": "my-reviewer", "skill.name": "acme-skill", "plugin.name": "acme-plugin",
		"marketplace.name": "acme-market", "mcp_server.name": "mocksrv", "mcp_tool.name": "echo"}
	redacted := map[string]string{"agent.name": "custom", "skill.name": "third-party", "plugin.name": "third-party",
		"mcp_server.name": "custom", "mcp_tool.name": "custom"}
	officialWant := map[string]string{"agent.name": "general-purpose", "skill.name": "pdf", "plugin.name": "cc-plugin-privacy",
		"marketplace.name": "claude-plugins-official", "mcp_server.name": "claude_ai_Gmail", "mcp_tool.name": "search"}
	for _, tc := range []struct {
		name        string
		toolDetails bool
		u           UsageAttrs
		want        map[string]string
	}{
		{"custom names redacted", false, u, redacted},
		{"tool details reveal", true, u, raw},
		{"official names kept", false, official, officialWant},
		{"project skill kept, project agent redacted", false, project, map[string]string{"agent.name": "custom", "skill.name": "mockskill"}},
		{"unknown origin redacted", false, unknown, map[string]string{"agent.name": "custom", "skill.name": "third-party", "plugin.name": "third-party"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, config.Config{Content: config.Content{ToolDetails: tc.toolDetails}}, defaultStatic, metricdata.DeltaTemporality)
			g.r.Cost(g.ctx, 1, &tc.u)
			g.r.Tokens(g.ctx, 1, TokensInput, &tc.u)
			got := g.collect(t)
			for _, name := range []string{"claude_code.cost.usage", "claude_code.token.usage"} {
				_, pts := points(t, got, name)
				a := attrMap(pts[0].Attributes)
				for _, k := range []string{"agent.name", "skill.name", "plugin.name", "marketplace.name", "mcp_server.name", "mcp_tool.name"} {
					v, ok := a[k]
					want, wantOK := tc.want[k]
					if ok != wantOK || v.AsString() != want {
						t.Errorf("%s %s = %q (present %v), want %q (present %v)", name, k, v.AsString(), ok, want, wantOK)
					}
				}
			}
		})
	}
}

func TestHostRedactor(t *testing.T) {
	g := defaultRig(t)
	var names []string
	g.st.Redact = func(name, key string, v attribute.Value) (attribute.Value, bool) {
		names = append(names, name+" "+key)
		switch key {
		case "user.id":
			return attribute.StringValue("hidden"), true
		case "model":
			return attribute.Value{}, false
		case "terminal.type":
			panic("boom")
		}
		return v, true
	}
	u := UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain}}
	for range 3 {
		g.r.Cost(g.ctx, 1, &u)
	}
	_, pts := points(t, g.collect(t), "claude_code.cost.usage")
	a := attrMap(pts[0].Attributes)
	if a["user.id"].AsString() != "hidden" {
		t.Errorf("redactor replacement ignored: %v", a["user.id"].String())
	}
	if _, ok := a["model"]; ok {
		t.Error("redactor drop ignored")
	}
	if _, ok := a["terminal.type"]; ok {
		t.Error("a panicking redactor must drop the attribute")
	}
	if pts[0].Value != 3 {
		t.Errorf("value %v, want 3", pts[0].Value)
	}
	if len(*g.errs) != 1 || !strings.Contains((*g.errs)[0].Error(), "panicked") {
		t.Errorf("errors %v, want the one panic reported", *g.errs)
	}
	if !slices.Contains(names, "claude_code.cost.usage query_source") {
		t.Errorf("the redactor gets the metric name and every key: %v", names)
	}
	if n := len(names); n != len(g.ss.Attributes)+2 {
		t.Errorf("redactor ran %d times for 3 emits of one combination, want once per attribute (%d)", n, len(g.ss.Attributes)+2)
	}
}

// TestHostRedactorInvalidUTF8: what the host's redactor returns is repaired
// when the set is built, at any depth, so two combinations that differ only
// in their invalid bytes are one series, not two points with the same
// attributes.
func TestHostRedactorInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		name string
		out  func(model string) attribute.Value
		want attribute.Value
	}{
		{"string", func(m string) attribute.Value { return attribute.StringValue(m) },
			attribute.StringValue("m\uFFFD")},
		{"map key", func(m string) attribute.Value { return attribute.MapValue(attribute.String("k"+m, "v")) },
			attribute.MapValue(attribute.String("km\uFFFD", "v"))},
		{"map value", func(m string) attribute.Value { return attribute.MapValue(attribute.String("k", m)) },
			attribute.MapValue(attribute.String("k", "m\uFFFD"))},
		{"slice of maps", func(m string) attribute.Value {
			return attribute.SliceValue(attribute.MapValue(attribute.StringSlice(m, []string{m})))
		}, attribute.SliceValue(attribute.MapValue(attribute.StringSlice("m\uFFFD", []string{"m\uFFFD"})))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := defaultRig(t)
			g.st.Redact = func(_, key string, v attribute.Value) (attribute.Value, bool) {
				if key == "model" {
					return tc.out(v.AsString()), true
				}
				return v, true
			}
			g.r.Cost(g.ctx, 1, &UsageAttrs{Model: "m\xfe"})
			g.r.Cost(g.ctx, 2, &UsageAttrs{Model: "m\xff"})
			_, pts := points(t, g.collect(t), "claude_code.cost.usage")
			if len(pts) != 1 || pts[0].Value != 3 {
				t.Fatalf("%d points, want one of 3: %v", len(pts), pts)
			}
			if got := attrMap(pts[0].Attributes)["model"]; got != tc.want {
				t.Errorf("model = %s, want %s", got.String(), tc.want.String())
			}
		})
	}
}

func TestBadValuesDropped(t *testing.T) {
	g := defaultRig(t)
	for _, v := range []float64{-1, math.NaN(), math.Inf(1)} {
		g.r.Cost(g.ctx, v, &UsageAttrs{Model: "m"})
	}
	//lint:ignore SA1012 a nil context must not panic
	g.r.ActiveTime(nil, 1, ActiveCLI)
	got := g.collect(t)
	if _, ok := got["claude_code.cost.usage"]; ok {
		t.Error("negative, NaN and infinite values must be dropped")
	}
	if len(*g.errs) != 3 {
		t.Errorf("errors %v, want 3", *g.errs)
	}
	if _, pts := points(t, got, "claude_code.active_time.total"); len(pts) != 1 {
		t.Error("a nil context records on the default session")
	}
}

func TestSessionsFromContext(t *testing.T) {
	g := defaultRig(t)
	other := g.st.NewSession("")
	g.r.Commit(g.ctx)
	g.r.Commit(core.ContextWithSession(context.Background(), other))
	g.r.Commit(context.Background())
	_, pts := points(t, g.collect(t), "claude_code.commit.count")
	ids := map[string]bool{}
	for _, p := range pts {
		v, _ := p.Attributes.Value("session.id")
		ids[v.AsString()] = true
	}
	if len(ids) != 3 || !ids[g.ss.ID] || !ids[other.ID] || !ids[g.st.DefaultSession().ID] {
		t.Errorf("sessions %v", ids)
	}
}

func TestNilRecorder(t *testing.T) {
	var r *Recorder
	ctx := context.Background()
	calls := allMethods(UsageAttrs{Model: "m"})
	for _, call := range calls {
		call(r, ctx)
	}
	for i, call := range calls {
		if n := testing.AllocsPerRun(100, func() { call(r, ctx) }); n != 0 {
			t.Errorf("nil recorder: %s allocates %v", methodNames[i], n)
		}
	}
}

// Repeated emits allocate nothing, also while the folded series are counted
// (a delta and a cumulative reader registered with the Series).
func TestRepeatedEmitsDoNotAllocate(t *testing.T) {
	u := UsageAttrs{Model: "claude-sonnet-4-5", Attribution: Attribution{Query: QuerySubagent(builtin("general-purpose")), Speed: SpeedFast, Effort: EffortHigh,
		Agent: builtin("general-purpose"), MCPServer: Name{Value: "srv", Origin: OriginMCP}, MCPTool: Name{Value: "tool", Origin: OriginMCP},
		AgentID: "a0123456789abcdef", ClientRequestID: "c1"}}
	for _, counted := range []bool{false, true} {
		g := defaultRig(t)
		g.st.Redact = func(_, _ string, v attribute.Value) (attribute.Value, bool) { return v, true }
		if counted {
			g.st.Series = core.NewSeries(100)
			g.st.Series.Delta()
			g.st.Series.Cumulative()
		}
		for i, call := range allMethods(u) {
			call(g.r, g.ctx)
			if n := testing.AllocsPerRun(200, func() { call(g.r, g.ctx) }); n != 0 {
				t.Errorf("counted %v: %s: %v allocs per repeated emit, want 0", counted, methodNames[i], n)
			}
		}
	}
}

var methodNames = []string{"SessionCount", "LinesOfCode", "LinesChanged", "PullRequest", "Commit", "Cost", "Tokens",
	"APIUsage", "CodeEditDecision", "ActiveTime"}

// allMethods calls every emit method once, in the order of methodNames.
func allMethods(u UsageAttrs) []func(*Recorder, context.Context) {
	return []func(*Recorder, context.Context){
		func(r *Recorder, ctx context.Context) { r.SessionCount(ctx, StartResume) },
		func(r *Recorder, ctx context.Context) { r.LinesOfCode(ctx, LinesRemoved, u.Model, 2) },
		func(r *Recorder, ctx context.Context) { r.LinesChanged(ctx, u.Model, 3, 1) },
		func(r *Recorder, ctx context.Context) { r.PullRequest(ctx) },
		func(r *Recorder, ctx context.Context) { r.Commit(ctx) },
		func(r *Recorder, ctx context.Context) { r.Cost(ctx, 0.01, &u) },
		func(r *Recorder, ctx context.Context) { r.Tokens(ctx, 100, TokensCacheRead, &u) },
		func(r *Recorder, ctx context.Context) { r.APIUsage(ctx, 0.01, TokenCounts{1, 2, 3, 4}, &u) },
		func(r *Recorder, ctx context.Context) {
			r.CodeEditDecision(ctx, EditDecision{ToolName: "Edit", Decision: DecisionAccept, Source: SourceUserTemporary, Language: "Go"})
		},
		func(r *Recorder, ctx context.Context) { r.ActiveTime(ctx, 1.5, ActiveUser) },
	}
}

func TestNewRecorder(t *testing.T) {
	st := core.NewState(config.Config{}, core.Static{})
	if _, err := newRecorder(nil, st); err == nil {
		t.Error("nil meter accepted")
	}
	if _, err := newRecorder(noop.NewMeterProvider().Meter("x"), nil); err == nil {
		t.Error("nil state accepted")
	}
	r, err := newRecorder(noop.NewMeterProvider().Meter("x"), st)
	if err != nil || r == nil {
		t.Fatalf("noop meter: %v", err)
	}
	r.Commit(context.Background()) // a no-op meter must be harmless
}

func TestTableInvariants(t *testing.T) {
	names := map[string]bool{}
	for i, d := range Definitions() {
		if d.Metric != Metric(i) || d.Metric.String() != d.Name || d.Instrument != Float64Counter {
			t.Errorf("row %d: %+v", i, d)
		}
		if !strings.HasPrefix(d.Name, "claude_code.") || names[d.Name] {
			t.Errorf("bad or duplicate name %q", d.Name)
		}
		names[d.Name] = true
		if d.Description == "" || d.Recorded == "" || d.PrometheusName == "" || d.PrometheusNativeName == "" {
			t.Errorf("%s: incomplete row", d.Name)
		}
		keys := map[string]bool{}
		for _, a := range d.Attributes {
			if keys[a.Key] || builtinKey(a.Key) {
				t.Errorf("%s: duplicate or standard key %q", d.Name, a.Key)
			}
			keys[a.Key] = true
			if a.Replacement != "" && !a.Redacted {
				t.Errorf("%s %s: a replacement without redaction", d.Name, a.Key)
			}
		}
	}
	if len(names) != 8 {
		t.Errorf("%d metrics, want 8", len(names))
	}
	if Metric(200).String() != "Metric(200)" || Metric(200).Definition().Name != "" {
		t.Error("an unknown Metric must not panic")
	}
	d := MetricSessionCount.Definition()
	d.Attributes[0].Values[0] = "changed"
	if MetricSessionCount.Definition().Attributes[0].Values[0] != "fresh" {
		t.Error("Definition must return a copy")
	}
}

// builtinKey tells the standard attribute keys Claude Code puts first.
func builtinKey(k string) bool {
	switch k {
	case "user.id", "session.id", "app.version", "app.entrypoint", "organization.id", "user.email",
		"user.account_uuid", "user.account_id", "terminal.type", "anthropic.provider", "anthropic.custom_base_url",
		"vcs.repository.url.full", "vcs.owner.name", "vcs.repository.name", "vcs.provider.name":
		return true
	}
	return false
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestConcurrentEmits(t *testing.T) {
	g := defaultRig(t)
	other := core.ContextWithSession(context.Background(), g.st.NewSession(""))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ctx := g.ctx
			if i%2 == 1 {
				ctx = other
			}
			for range 100 {
				g.r.APIUsage(ctx, 0.5, TokenCounts{Input: 1}, &UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain}})
			}
		})
	}
	wg.Wait()
	_, pts := points(t, g.collect(t), "claude_code.cost.usage")
	total := 0.0
	for _, p := range pts {
		total += p.Value
	}
	if len(pts) != 2 || total != 8*100*0.5 {
		t.Errorf("%d points totalling %v, want 2 totalling 400", len(pts), total)
	}
}

// TestAlternatingCombinations: a session switching between attributions (main
// loop and subagent), Cost alone before APIUsage, and Tokens of a type outside
// the table each record exactly what they were given, and a repeated
// combination allocates nothing even when it is not the last one used.
func TestAlternatingCombinations(t *testing.T) {
	g := defaultRig(t)
	main := UsageAttrs{Model: "claude-sonnet-4-5", Attribution: Attribution{Query: QueryMain}}
	sub := UsageAttrs{Model: "claude-haiku-4-5", Attribution: Attribution{Query: QuerySubagent(builtin("Explore")), Agent: builtin("Explore")}}
	g.r.Cost(g.ctx, 1, &main) // only the cost's set exists for main until APIUsage
	for range 3 {
		g.r.APIUsage(g.ctx, 1, TokenCounts{Input: 10, Output: 1}, &main)
		g.r.APIUsage(g.ctx, 2, TokenCounts{Input: 20, Output: 2}, &sub)
		g.r.LinesChanged(g.ctx, main.Model, 1, 0)
		g.r.LinesChanged(g.ctx, sub.Model, 0, 1)
	}
	g.r.Tokens(g.ctx, 5, TokenType("reasoning"), &main)
	if n := testing.AllocsPerRun(100, func() {
		g.r.APIUsage(g.ctx, 1, TokenCounts{Input: 10, Output: 1}, &main)
		g.r.APIUsage(g.ctx, 2, TokenCounts{Input: 20, Output: 2}, &sub)
	}); n != 0 {
		t.Errorf("alternating attributions: %v allocs, want 0", n)
	}
	got := g.collect(t)
	_, cost := points(t, got, "claude_code.cost.usage")
	sum := map[string]float64{}
	for _, p := range cost {
		v, _ := p.Attributes.Value("model")
		sum[v.AsString()] += p.Value
	}
	if sum[main.Model] != 1+3+101 || sum[sub.Model] != 2*3+2*101 || len(cost) != 2 {
		t.Errorf("cost by model %v", sum)
	}
	_, tokens := points(t, got, "claude_code.token.usage")
	if p, ok := findPoint(tokens, "type", "reasoning"); !ok || p.Value != 5 {
		t.Errorf("a token type outside the table: %v %v", p, ok)
	}
	if len(tokens) != 2*4+1 {
		t.Errorf("%d token points, want 9", len(tokens))
	}
	_, lines := points(t, got, "claude_code.lines_of_code.count")
	if len(lines) != 4 {
		t.Errorf("%d lines points, want 4 (2 models x 2 types)", len(lines))
	}
}

func builtin(v string) Name { return Name{Value: v, Origin: OriginBuiltIn} }

// What only events carry must not split the metrics' cache: a per-call id in
// the key would make every call build and keep a new attribute set.
func TestPerCallIDsShareOneCacheEntry(t *testing.T) {
	g := defaultRig(t)
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprintf("c%d", i)
	}
	u := UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain}}
	g.r.Cost(g.ctx, 1, &u)
	i := 0
	if n := testing.AllocsPerRun(100, func() {
		i++
		u.ClientRequestID, u.AgentID, u.WorkflowRunID = ids[i], ids[i], ids[i]
		u.Workflow = Name{Value: ids[i]}
		u.Query = []QuerySource{QueryMain, QueryNonInteractive}[i%2]
		g.r.Cost(g.ctx, 1, &u)
	}); n != 0 {
		t.Errorf("%v allocs per call differing only in event-only fields, want 0", n)
	}
}

// TestEntries: one entry is kept without a map; a second combination moves
// both into the map; replacing either keeps the other.
func TestEntries(t *testing.T) {
	var s entries[string, linesEntry]
	key := (*linesEntry).keyOf
	a, b, a2 := &linesEntry{model: "a"}, &linesEntry{model: "b"}, &linesEntry{model: "a"}
	s.put("a", a, key)
	if s.all != nil || s.get("a", key) != a || s.get("b", key) != nil {
		t.Fatal("one entry: no map, found by its key only")
	}
	s.put("b", b, key)
	s.put("a", a2, key)
	if s.get("a", key) != a2 || s.get("b", key) != b || len(s.all) != 2 || s.last.Load() != a2 {
		t.Errorf("two entries: a=%p (want %p) b=%p (want %p), map of %d", s.get("a", key), a2, s.get("b", key), b, len(s.all))
	}
}

// The hot path compares a call's attribution with the last entry's key in
// place (usageKey.sends): every field metrics send must take part, or a call
// would be recorded under the previous attribution's set.
func TestEveryKeyFieldSplitsSeries(t *testing.T) {
	off := func(v string) Name { return Name{Value: v, Origin: OriginOfficial} }
	base := UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain, Effort: EffortLow,
		Agent: off("a"), Skill: off("s"), Plugin: off("p"), Marketplace: off("mk"), MCPServer: off("ms"), MCPTool: off("mt")}}
	changes := []func(u *UsageAttrs){
		func(u *UsageAttrs) { u.Model = "m2" },
		func(u *UsageAttrs) { u.Query = QueryCompact },
		func(u *UsageAttrs) { u.Speed = SpeedFast },
		func(u *UsageAttrs) { u.Effort = EffortHigh },
		func(u *UsageAttrs) { u.Agent = off("a2") },
		func(u *UsageAttrs) { u.Skill = off("s2") },
		func(u *UsageAttrs) { u.Plugin = off("p2") },
		func(u *UsageAttrs) { u.Marketplace = off("mk2") },
		func(u *UsageAttrs) { u.MCPServer = off("ms2") },
		func(u *UsageAttrs) { u.MCPTool = off("mt2") },
		func(u *UsageAttrs) { u.Agent.Origin = OriginPlugin }, // the same name, now replaced
	}
	g := defaultRig(t)
	for _, change := range changes {
		u := base
		g.r.APIUsage(g.ctx, 1, TokenCounts{Input: 1}, &u) // the last entry is base's
		change(&u)
		g.r.Tokens(g.ctx, 1, TokensOutput, &u)
		g.r.Cost(g.ctx, 1, &u)
	}
	_, cost := points(t, g.collect(t), "claude_code.cost.usage")
	if len(cost) != 1+len(changes) {
		t.Errorf("%d cost series, want %d: one per changed field and the base", len(cost), 1+len(changes))
	}
}

// usageKey.sends first compares the strings' headers (the host passing the
// very strings of the entry's key); equal contents elsewhere in memory must
// match as well, and a value of the same length but another content not.
func TestSendsComparesContents(t *testing.T) {
	off := func(v string) Name { return Name{Value: v, Origin: OriginOfficial} }
	base := UsageAttrs{Model: "m1", Attribution: Attribution{Query: QuerySubagent(off("a1")), Effort: EffortLow,
		Speed: SpeedFast, Agent: off("a1"), Skill: off("s1"), Plugin: off("p1"), Marketplace: off("k1"),
		MCPServer: off("v1"), MCPTool: off("t1")}}
	k := newUsageKey(&base)
	if !k.sends(&base) {
		t.Fatal("the key's own attribution does not match")
	}
	clone := func(n Name) Name { return Name{Value: strings.Clone(n.Value), Origin: n.Origin} }
	copied := UsageAttrs{Model: strings.Clone(base.Model), Attribution: Attribution{
		Query: QuerySource(strings.Clone(string(base.Query))), Effort: Effort(strings.Clone(string(base.Effort))),
		Speed: Speed(strings.Clone(string(base.Speed))), Agent: clone(base.Agent), Skill: clone(base.Skill),
		Plugin: clone(base.Plugin), Marketplace: clone(base.Marketplace), MCPServer: clone(base.MCPServer),
		MCPTool: clone(base.MCPTool), AgentID: "0123456789abcdef0"}}
	if !k.sends(&copied) {
		t.Error("the same attribution in other strings does not match")
	}
	changes := []func(u *UsageAttrs){
		func(u *UsageAttrs) { u.Model = "m2" },
		func(u *UsageAttrs) { u.Query = QueryMain },
		func(u *UsageAttrs) { u.Speed = SpeedNormal },
		func(u *UsageAttrs) { u.Effort = "lox" },
		func(u *UsageAttrs) { u.Agent = off("a2") },
		func(u *UsageAttrs) { u.Skill = off("s2") },
		func(u *UsageAttrs) { u.Plugin = off("p2") },
		func(u *UsageAttrs) { u.Marketplace = off("k2") },
		func(u *UsageAttrs) { u.MCPServer = off("v2") },
		func(u *UsageAttrs) { u.MCPTool = off("t2") },
		func(u *UsageAttrs) { u.MCPTool.Origin = OriginUser },
	}
	for i, change := range changes {
		u := copied
		change(&u)
		if k.sends(&u) {
			t.Errorf("change %d: %+v matches the key of %+v", i, u, base)
		}
	}
	// The same data, another length: a prefix of the key's string, at every
	// alignment.
	s := strings.Repeat("m", 64)
	for off := range 8 {
		u := base
		u.Model = s[off : off+2]
		k := newUsageKey(&u)
		for _, n := range []int{1, 3, 4, 6} {
			u.Model = s[off : off+n]
			if k.sends(&u) {
				t.Errorf("model %q matches the key of %q (same data)", u.Model, k.model)
			}
		}
	}
}
