package metrics

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// The OTLP/JSON subset the captures need.
type (
	otlpValue struct {
		StringValue *string  `json:"stringValue"`
		BoolValue   *bool    `json:"boolValue"`
		IntValue    *int64   `json:"intValue"`
		DoubleValue *float64 `json:"doubleValue"`
	}
	otlpKV struct {
		Key   string    `json:"key"`
		Value otlpValue `json:"value"`
	}
	otlpPoint struct {
		Attributes []otlpKV     `json:"attributes"`
		AsDouble   *float64     `json:"asDouble"`
		AsInt      *json.Number `json:"asInt"`
	}
	otlpSum struct {
		AggregationTemporality int         `json:"aggregationTemporality"`
		IsMonotonic            bool        `json:"isMonotonic"`
		DataPoints             []otlpPoint `json:"dataPoints"`
	}
	otlpMetric struct {
		Name        string          `json:"name"`
		Description string          `json:"description"`
		Unit        string          `json:"unit"`
		Sum         *otlpSum        `json:"sum"`
		Gauge       json.RawMessage `json:"gauge"`
		Histogram   json.RawMessage `json:"histogram"`
	}
	otlpMetrics struct {
		ResourceMetrics []struct {
			Resource struct {
				Attributes []otlpKV `json:"attributes"`
			} `json:"resource"`
			ScopeMetrics []struct {
				Metrics []otlpMetric `json:"metrics"`
			} `json:"scopeMetrics"`
		} `json:"resourceMetrics"`
	}
)

// capturedPoint is one data point of a capture with its context.
type capturedPoint struct {
	file     string
	metric   otlpMetric
	point    otlpPoint
	resource map[string]bool
}

// captures reads every metrics body of the 2.1.330 captures. They live in the
// shared reference tree, a sibling of the repository; without it the test is
// skipped, except in CI where a skip would hide a regression.
func captures(t *testing.T) []capturedPoint {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	root := ""
	for d := dir; ; d = filepath.Dir(d) {
		c := filepath.Join(d, "shared", "conformance", "claude-code-2.1.330")
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			root = c
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if root == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("shared/conformance/claude-code-2.1.330 not found above " + dir)
		}
		t.Skip("shared/conformance/claude-code-2.1.330 not found above " + dir)
	}
	files, err := filepath.Glob(filepath.Join(root, "*", "otlp", "*_metrics.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no metrics captures in %s (%v)", root, err)
	}
	var out []capturedPoint
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var body otlpMetrics
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		rel, _ := filepath.Rel(root, f)
		for _, rm := range body.ResourceMetrics {
			res := map[string]bool{}
			for _, kv := range rm.Resource.Attributes {
				res[kv.Key] = true
			}
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					if m.Sum == nil || len(m.Sum.DataPoints) == 0 {
						out = append(out, capturedPoint{file: rel, metric: m, resource: res})
						continue
					}
					for _, p := range m.Sum.DataPoints {
						out = append(out, capturedPoint{file: rel, metric: m, point: p, resource: res})
					}
				}
			}
		}
	}
	return out
}

func definitionByName(name string) (Definition, bool) {
	for _, d := range Definitions() {
		if d.Name == name {
			return d, true
		}
	}
	return Definition{}, false
}

// TestTableMatchesCaptures checks the table against what Claude Code 2.1.330
// really sent: names, units, descriptions, kind, value type, the keys beyond
// the standard set (declared, and in table order) and closed value sets.
func TestTableMatchesCaptures(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range captures(t) {
		m := c.metric
		d, ok := definitionByName(m.Name)
		if !ok {
			t.Errorf("%s: metric %s is not in the table", c.file, m.Name)
			continue
		}
		seen[m.Name] = true
		if m.Unit != d.Unit || m.Description != d.Description {
			t.Errorf("%s: %s unit %q description %q; table has %q %q", c.file, m.Name, m.Unit, m.Description, d.Unit, d.Description)
		}
		if m.Sum == nil || m.Gauge != nil || m.Histogram != nil || !m.Sum.IsMonotonic || d.Instrument != Float64Counter {
			t.Errorf("%s: %s is not a monotonic Sum as %s is", c.file, m.Name, d.Instrument)
			continue
		}
		if tmp := m.Sum.AggregationTemporality; tmp != 1 && tmp != 2 {
			t.Errorf("%s: %s temporality %d", c.file, m.Name, tmp)
		}
		if c.point.AsDouble == nil || c.point.AsInt != nil {
			t.Errorf("%s: %s point is not asDouble", c.file, m.Name)
		}
		declared := map[string]Attribute{}
		var order []string
		for _, a := range d.Attributes {
			declared[a.Key] = a
			order = append(order, a.Key)
		}
		last := -1
		for _, kv := range c.point.Attributes {
			if builtinKey(kv.Key) || c.resource[kv.Key] {
				continue
			}
			a, ok := declared[kv.Key]
			if !ok {
				t.Errorf("%s: %s carries undeclared attribute %s", c.file, m.Name, kv.Key)
				continue
			}
			if kv.Value.StringValue == nil {
				t.Errorf("%s: %s %s is not a string", c.file, m.Name, kv.Key)
				continue
			}
			if a.Values != nil && !slices.Contains(a.Values, *kv.Value.StringValue) {
				t.Errorf("%s: %s %s = %q is outside the table's values %v", c.file, m.Name, kv.Key, *kv.Value.StringValue, a.Values)
			}
			if i := slices.Index(order, kv.Key); i < last {
				t.Errorf("%s: %s: %s comes before the table's order %v", c.file, m.Name, kv.Key, order)
			} else {
				last = i
			}
		}
	}
	for _, d := range Definitions() {
		if !seen[d.Name] {
			t.Errorf("%s never appears in the captures", d.Name)
		}
	}
}

// TestReplayCaptures turns every captured point back into the call a host
// would make and checks that the Recorder produces exactly that point:
// the same attribute keys, values and value types, and the same value.
func TestReplayCaptures(t *testing.T) {
	for _, c := range captures(t) {
		if c.metric.Sum == nil || c.point.AsDouble == nil {
			continue // reported by TestTableMatchesCaptures
		}
		want := map[string]attribute.Value{}
		for _, kv := range c.point.Attributes {
			want[kv.Key] = kv.Value.attr()
		}
		g := replayRig(t, c, want)
		if !replay(g.r, g.ctx, c.metric.Name, *c.point.AsDouble, want) {
			t.Errorf("%s: cannot replay %s %v", c.file, c.metric.Name, want)
			continue
		}
		_, pts := points(t, g.collect(t), c.metric.Name)
		if len(pts) != 1 {
			t.Errorf("%s: %s replayed into %d points", c.file, c.metric.Name, len(pts))
			continue
		}
		if pts[0].Value != *c.point.AsDouble {
			t.Errorf("%s: %s value %v, captured %v", c.file, c.metric.Name, pts[0].Value, *c.point.AsDouble)
		}
		got := attrMap(pts[0].Attributes)
		if !sameSet(mapKeys(got), mapKeys(want)) {
			t.Errorf("%s: %s keys\n got %v\nwant %v", c.file, c.metric.Name, mapKeys(got), mapKeys(want))
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s %s = %s (%v), captured %s (%v)", c.file, c.metric.Name, k, got[k].String(), got[k].Type(), v.String(), v.Type())
			}
		}
	}
}

// replayRig builds the state the captured run had, read off its standard
// attributes.
func replayRig(t *testing.T, c capturedPoint, a map[string]attribute.Value) *rig {
	str := func(k string) string { return a[k].AsString() }
	has := func(k string) bool { _, ok := a[k]; return ok }
	cfg := config.Config{Include: config.Include{
		SessionID: has("session.id"), Version: has("app.version"), Entrypoint: has("app.entrypoint"),
		Repository: has("vcs.repository.url.full"), AccountUUID: has("user.account_uuid"),
	}}
	for _, kv := range c.point.Attributes {
		if c.resource[kv.Key] && !builtinKey(kv.Key) {
			cfg.Include.ResourceAttributes = true
			cfg.ResourceAttributes = append(cfg.ResourceAttributes, config.Attribute{Key: kv.Key, Value: str(kv.Key)})
		}
	}
	cfg.Identity = config.Identity{AccountUUID: str("user.account_uuid"), AccountTaggedID: str("user.account_id"),
		UserEmail: str("user.email"), OrganizationID: str("organization.id")}
	static := core.Static{UserID: str("user.id"), AppVersion: str("app.version"), Entrypoint: str("app.entrypoint"),
		Provider: str("anthropic.provider"), CustomBaseURL: a["anthropic.custom_base_url"].AsBool(), TerminalType: str("terminal.type")}
	if cfg.Include.Repository {
		static.Repository = &core.Repository{URL: str("vcs.repository.url.full"), Owner: str("vcs.owner.name"),
			Name: str("vcs.repository.name"), Provider: str("vcs.provider.name")}
	}
	temp := metricdata.DeltaTemporality
	if c.metric.Sum.AggregationTemporality == 2 {
		temp = metricdata.CumulativeTemporality
	}
	g := newRig(t, cfg, static, temp)
	ss := g.st.NewSession(str("session.id"))
	g.ss, g.ctx = ss, core.ContextWithSession(context.Background(), ss)
	return g
}

// redactedAs is what Claude Code sends for a user-defined or third-party
// name, from its documentation, kept apart from the table so that a wrong
// Replacement there fails the replay.
var redactedAs = map[string]string{"agent.name": "custom", "skill.name": "third-party", "plugin.name": "third-party",
	"mcp_server.name": "custom", "mcp_tool.name": "custom"}

// querySource is an event query source that maps to each metric one.
var querySource = map[string]QuerySource{"": "", "main": QueryNonInteractive, "subagent": "agent:builtin:general-purpose", "auxiliary": QueryCompact}

// replay makes the host call that produced a captured point. A redacted name
// is replayed as a user-defined name with a made-up value, which the Recorder must
// turn back into the captured replacement.
func replay(r *Recorder, ctx context.Context, name string, v float64, a map[string]attribute.Value) bool {
	s := func(k string) string { return a[k].AsString() }
	nameOf := func(k string) Name {
		val, ok := a[k]
		if !ok {
			return Name{}
		}
		if redactedAs[k] == val.AsString() {
			return Name{Value: "user-configured-" + k, Origin: OriginPlugin}
		}
		return Name{Value: val.AsString(), Origin: OriginBuiltIn}
	}
	usage := func() *UsageAttrs {
		return &UsageAttrs{Model: s("model"), Attribution: Attribution{Query: querySource[s("query_source")], Speed: Speed(s("speed")),
			Effort: Effort(s("effort")), Agent: nameOf("agent.name"), Skill: nameOf("skill.name"),
			Plugin: nameOf("plugin.name"), Marketplace: nameOf("marketplace.name"),
			MCPServer: nameOf("mcp_server.name"), MCPTool: nameOf("mcp_tool.name")}}
	}
	// Counters that add 1 per call are replayed once per unit of the value.
	times := func(f func()) bool {
		if v != math.Trunc(v) || v < 1 {
			return false
		}
		for range int(v) {
			f()
		}
		return true
	}
	switch name {
	case "claude_code.session.count":
		return times(func() { r.SessionCount(ctx, StartType(s("start_type"))) })
	case "claude_code.lines_of_code.count":
		r.LinesOfCode(ctx, LinesType(s("type")), s("model"), v)
	case "claude_code.pull_request.count":
		return times(func() { r.PullRequest(ctx) })
	case "claude_code.commit.count":
		return times(func() { r.Commit(ctx) })
	case "claude_code.cost.usage":
		r.Cost(ctx, v, usage())
	case "claude_code.token.usage":
		r.Tokens(ctx, v, TokenType(s("type")), usage())
	case "claude_code.code_edit_tool.decision":
		return times(func() {
			r.CodeEditDecision(ctx, EditDecision{ToolName: s("tool_name"), Decision: Decision(s("decision")),
				Source: DecisionSource(s("source")), Language: s("language")})
		})
	case "claude_code.active_time.total":
		r.ActiveTime(ctx, v, ActiveType(s("type")))
	default:
		return false
	}
	return true
}

func (v otlpValue) attr() attribute.Value {
	switch {
	case v.StringValue != nil:
		return attribute.StringValue(*v.StringValue)
	case v.BoolValue != nil:
		return attribute.BoolValue(*v.BoolValue)
	case v.IntValue != nil:
		return attribute.Int64Value(*v.IntValue)
	case v.DoubleValue != nil:
		return attribute.Float64Value(*v.DoubleValue)
	}
	return attribute.Value{} // INVALID never equals a produced value
}
