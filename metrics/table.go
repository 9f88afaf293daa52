package metrics

import (
	"strconv"

	"github.com/ccotel/ccotel/internal/redact"
)

// Metric identifies one of Claude Code's counters.
type Metric uint8

// The eight counters, in the order of the table.
const (
	MetricSessionCount Metric = iota
	MetricLinesOfCode
	MetricPullRequest
	MetricCommit
	MetricCost
	MetricTokens
	MetricCodeEditDecision
	MetricActiveTime

	numMetrics = iota
)

// Instrument is the OpenTelemetry instrument a metric is recorded with.
type Instrument string

// Float64Counter is the only instrument Claude Code uses: a monotonic Sum whose
// points carry asDouble, even for counts, because the JS SDK's counters are
// DOUBLE-valued.
const Float64Counter Instrument = "Float64Counter"

// Definition is one metric as Claude Code 2.1.330 emits it.
type Definition struct {
	Metric      Metric
	Name        string // OpenTelemetry instrument name
	Unit        string // "" for counts, as Claude Code sends them
	Description string // byte for byte as captured
	Instrument  Instrument

	// Attributes are the keys after the standard ones, in the order Claude
	// Code adds them.
	Attributes []Attribute

	// Recorded says when Claude Code adds to the counter, for the docs.
	Recorded string
	// Methods are the Recorder methods that record it.
	Methods []string

	// PrometheusName is the series name after an OpenTelemetry Collector's
	// prometheus exporter or Prometheus' OTLP receiver with unit and type
	// suffixes: the name the published dashboards query.
	PrometheusName string
	// PrometheusNativeName is the series name of Claude Code's own exporter
	// (OTEL_METRICS_EXPORTER=prometheus), which has no unit suffix.
	PrometheusNativeName string

	gen *method // the Recorder method generated into zz_metrics.go, if any
}

// method is a Recorder method of one point per call, generated from the
// table: after the nil check it records value with the values, Go
// expressions over params in the order of the metric's attributes.
type method struct {
	name, doc, params, value string
	values                   []string
}

// Attribute is one metric-specific attribute. Every value is a string and an
// empty value is never sent.
type Attribute struct {
	Key string
	// Values is the closed set of values Claude Code sends; nil when open.
	Values []string
	Doc    string

	// Redacted marks a name the host passes as a Name. Unless its Origin is
	// one of Verbatim or OTEL_LOG_TOOL_DETAILS is on, Replacement is sent
	// instead, and nothing at all when Replacement is "".
	Redacted    bool
	Replacement string
	Verbatim    []Origin

	typ *valueType // the closed set of values, which init copies to Values
}

// valueType is the closed set of values of an attribute. zz_metrics.go,
// generated from the table (go generate), declares its Go type and one
// constant per value, so the values are written here only. An empty name
// declares untyped unexported constants.
type valueType struct {
	name, doc, constDoc string
	consts              []constant
}

// constant is one value of a valueType.
type constant struct {
	name, value, doc string
	// notSent marks a value the type holds for events that metrics never
	// send (speed normal): it is left out of the attribute's Values.
	notSent bool
}

var (
	startType = &valueType{name: "StartType", doc: "StartType is start_type of claude_code.session.count.",
		constDoc: "The ways a session starts.", consts: []constant{
			{name: "StartFresh", value: "fresh"},
			{name: "StartResume", value: "resume"},
			{name: "StartContinue", value: "continue"},
			{name: "StartAgentsView", value: "agents_view"},
		}}
	linesType = &valueType{name: "LinesType", doc: "LinesType is type of claude_code.lines_of_code.count.",
		constDoc: "Added and removed lines.", consts: []constant{
			{name: "LinesAdded", value: "added"},
			{name: "LinesRemoved", value: "removed"},
		}}
	queryMetric = &valueType{constDoc: "The values of query_source on the cost and token metrics.", consts: []constant{
		{name: "queryMetricMain", value: "main"},
		{name: "queryMetricSubagent", value: "subagent"},
		{name: "queryMetricAuxiliary", value: "auxiliary"},
	}}
	speedType = &valueType{name: "Speed", doc: "Speed is the API speed mode. Metrics carry speed only when it is fast; a\nUsageAttrs shared with events may hold SpeedNormal, which metrics omit.",
		constDoc: "The speed modes.", consts: []constant{
			{name: "SpeedNormal", value: "normal", notSent: true},
			{name: "SpeedFast", value: "fast"},
		}}
	effortType = &valueType{name: "Effort", doc: "Effort is the reasoning effort; empty when the model does not support it.",
		constDoc: "The effort levels.", consts: []constant{
			{name: "EffortLow", value: "low"},
			{name: "EffortMedium", value: "medium"},
			{name: "EffortHigh", value: "high"},
			{name: "EffortXHigh", value: "xhigh"},
			{name: "EffortMax", value: "max"},
		}}
	tokenType = &valueType{name: "TokenType", doc: "TokenType is type of claude_code.token.usage.",
		constDoc: "The four token counts of an API response, in the order Claude Code adds them.", consts: []constant{
			{name: "TokensInput", value: "input"},
			{name: "TokensOutput", value: "output"},
			{name: "TokensCacheRead", value: "cacheRead"},
			{name: "TokensCacheCreation", value: "cacheCreation"},
		}}
	decisionType = &valueType{name: "Decision", doc: "Decision is decision of claude_code.code_edit_tool.decision.",
		constDoc: "The permission decisions.", consts: []constant{
			{name: "DecisionAccept", value: "accept"},
			{name: "DecisionReject", value: "reject"},
		}}
	sourceType = &valueType{name: "DecisionSource", doc: "DecisionSource is source of claude_code.code_edit_tool.decision: who made\nthe decision.",
		constDoc: "The decision sources.", consts: []constant{
			{name: "SourceConfig", value: "config"},
			{name: "SourceHook", value: "hook"},
			{name: "SourceUserPermanent", value: "user_permanent"},
			{name: "SourceUserTemporary", value: "user_temporary"},
			{name: "SourceUserAbort", value: "user_abort"},
			{name: "SourceUserReject", value: "user_reject"},
		}}
	activeType = &valueType{name: "ActiveType", doc: "ActiveType is type of claude_code.active_time.total.",
		constDoc: "User time is keyboard interaction; CLI time is tool execution and model\nresponses.", consts: []constant{
			{name: "ActiveUser", value: "user"},
			{name: "ActiveCLI", value: "cli"},
		}}
)

// shipped are the origins whose names every signal sends as they are.
var shipped = []Origin{OriginBuiltIn, OriginOfficial}

// usageAttributes are the attributes of cost.usage, and of token.usage before
// its type. The positions of speed, effort, skill.name, plugin.name and
// marketplace.name come from the documentation: no 2.1.330 capture has them.
var usageAttributes = []Attribute{
	{Key: "model", Doc: "Model id, e.g. `claude-sonnet-4-5-20250929`."},
	{Key: "query_source", typ: queryMetric,
		Doc: "What made the API call: the main loop, a subagent, or an auxiliary call such as /compact."},
	{Key: "speed", typ: speedType, Doc: "Only in fast mode; absent otherwise (never `normal`)."},
	{Key: "effort", typ: effortType,
		Doc: "Reasoning effort; absent when the model does not support it."},
	{Key: "agent.name", Doc: "Subagent calls only.", Redacted: true, Replacement: redact.Custom, Verbatim: shipped},
	// A project or user skill keeps its name here (Claude Code 2.1.332);
	// only skill_activated replaces it.
	{Key: "skill.name", Doc: "Calls made by a skill.", Redacted: true, Replacement: redact.ThirdParty,
		Verbatim: []Origin{OriginBuiltIn, OriginOfficial, OriginProject, OriginUser}},
	{Key: "plugin.name", Doc: "Calls made by a plugin.", Redacted: true, Replacement: redact.ThirdParty, Verbatim: shipped},
	{Key: "marketplace.name", Doc: "The plugin's marketplace; only official marketplaces are named.", Redacted: true, Verbatim: shipped},
	{Key: "mcp_server.name", Doc: "The API call that follows an MCP tool result.", Redacted: true, Replacement: redact.Custom, Verbatim: shipped},
	{Key: "mcp_tool.name", Doc: "The API call that follows an MCP tool result.", Redacted: true, Replacement: redact.Custom, Verbatim: shipped},
}

// table is the single source of truth: instruments, docs and tests derive from it.
var table = [numMetrics]Definition{
	MetricSessionCount: {
		Name:        "claude_code.session.count",
		Description: "Count of CLI sessions started",
		Attributes: []Attribute{
			{Key: "start_type", typ: startType},
		},
		Methods: []string{"SessionCount"},
		gen: &method{name: "SessionCount", doc: "SessionCount records a session start (claude_code.session.count += 1).",
			params: "t StartType", value: "1", values: []string{"string(t)"}},
		Recorded:             "Once when a session starts, value 1.",
		PrometheusName:       "claude_code_session_count_total",
		PrometheusNativeName: "claude_code_session_count_total",
	},
	MetricLinesOfCode: {
		Name:        "claude_code.lines_of_code.count",
		Description: "Count of lines of code modified, with the 'type' attribute indicating whether lines were added or removed and the 'model' attribute indicating which model made the change",
		Attributes: []Attribute{
			{Key: "type", typ: linesType},
			{Key: "model", Doc: "The model that made the change."},
		},
		Methods:              []string{"LinesOfCode", "LinesChanged"},
		Recorded:             "After each file edit or write: one point per type, zeros included.",
		PrometheusName:       "claude_code_lines_of_code_count_total",
		PrometheusNativeName: "claude_code_lines_of_code_count_total",
	},
	MetricPullRequest: {
		Name:                 "claude_code.pull_request.count",
		Description:          "Number of pull requests created",
		Methods:              []string{"PullRequest"},
		gen:                  &method{name: "PullRequest", doc: "PullRequest records a created pull or merge request.", value: "1"},
		Recorded:             "When a tool call creates a pull or merge request (e.g. `gh pr create`), value 1.",
		PrometheusName:       "claude_code_pull_request_count_total",
		PrometheusNativeName: "claude_code_pull_request_count_total",
	},
	MetricCommit: {
		Name:                 "claude_code.commit.count",
		Description:          "Number of git commits created",
		Methods:              []string{"Commit"},
		gen:                  &method{name: "Commit", doc: "Commit records a created git commit.", value: "1"},
		Recorded:             "When a tool call creates a git commit, value 1.",
		PrometheusName:       "claude_code_commit_count_total",
		PrometheusNativeName: "claude_code_commit_count_total",
	},
	MetricCost: {
		Name:                 "claude_code.cost.usage",
		Unit:                 "USD",
		Description:          "Cost of the Claude Code session",
		Attributes:           usageAttributes,
		Methods:              []string{"Cost", "APIUsage"},
		Recorded:             "After each API response, its cost in USD.",
		PrometheusName:       "claude_code_cost_usage_USD_total",
		PrometheusNativeName: "claude_code_cost_usage_total",
	},
	MetricTokens: {
		Name:        "claude_code.token.usage",
		Unit:        "tokens",
		Description: "Number of tokens used",
		Attributes: append(usageAttributes[:len(usageAttributes):len(usageAttributes)], Attribute{
			Key: "type", typ: tokenType,
		}),
		Methods:              []string{"Tokens", "APIUsage"},
		Recorded:             "After each API response, four points (input, output, cacheRead, cacheCreation), zeros included.",
		PrometheusName:       "claude_code_token_usage_tokens_total",
		PrometheusNativeName: "claude_code_token_usage_total",
	},
	MetricCodeEditDecision: {
		Name:        "claude_code.code_edit_tool.decision",
		Description: "Count of code editing tool permission decisions (accept/reject) for Edit, Write, and NotebookEdit tools",
		Attributes: []Attribute{
			{Key: "decision", typ: decisionType},
			{Key: "source", typ: sourceType},
			{Key: "tool_name", Doc: "`Edit`, `Write` or `NotebookEdit`."},
			{Key: "language", Doc: "Language of the edited file, e.g. `Python`, `TypeScript`, `Plain text`, `unknown`; absent when not known."},
		},
		Methods: []string{"CodeEditDecision"},
		gen: &method{name: "CodeEditDecision", doc: "CodeEditDecision records one permission decision on a code-editing tool.",
			params: "d EditDecision", value: "1", values: []string{"string(d.Decision)", "string(d.Source)", "d.ToolName", "d.Language"}},
		Recorded:             "When an Edit, Write or NotebookEdit call is allowed or denied, value 1.",
		PrometheusName:       "claude_code_code_edit_tool_decision_total",
		PrometheusNativeName: "claude_code_code_edit_tool_decision_total",
	},
	MetricActiveTime: {
		Name:        "claude_code.active_time.total",
		Unit:        "s",
		Description: "Total active time in seconds",
		Attributes: []Attribute{
			{Key: "type", typ: activeType, Doc: "`user`: keyboard interaction; `cli`: tool execution and model responses."},
		},
		Methods: []string{"ActiveTime"},
		gen: &method{name: "ActiveTime", doc: "ActiveTime adds seconds of active time of type t.",
			params: "seconds float64, t ActiveType", value: "seconds", values: []string{"string(t)"}},
		Recorded:             "When an active stretch ends (e.g. an interaction), its length in seconds.",
		PrometheusName:       "claude_code_active_time_seconds_total",
		PrometheusNativeName: "claude_code_active_time_total",
	},
}

func init() {
	for m := range table {
		table[m].Metric = Metric(m)
		table[m].Instrument = Float64Counter
		for i := range table[m].Attributes {
			a := &table[m].Attributes[i]
			if a.typ == nil {
				continue
			}
			a.Values = []string{}
			for _, c := range a.typ.consts {
				if !c.notSent {
					a.Values = append(a.Values, c.value)
				}
			}
		}
	}
}

// Definitions returns the table, one Definition per metric in Metric order.
// The result is a copy: changing it changes nothing here.
func Definitions() []Definition {
	out := make([]Definition, len(table))
	for i := range table {
		out[i] = Metric(i).Definition()
	}
	return out
}

// Definition returns the metric's row of the table (a copy).
func (m Metric) Definition() Definition {
	if int(m) >= len(table) {
		return Definition{}
	}
	d := table[m]
	d.Methods = append([]string(nil), d.Methods...)
	d.Attributes = append([]Attribute(nil), d.Attributes...)
	for i := range d.Attributes {
		d.Attributes[i].Values = append([]string(nil), d.Attributes[i].Values...)
		d.Attributes[i].Verbatim = append([]Origin(nil), d.Attributes[i].Verbatim...)
	}
	return d
}

// String returns the OpenTelemetry name, e.g. "claude_code.cost.usage".
func (m Metric) String() string {
	if int(m) >= len(table) {
		return "Metric(" + strconv.Itoa(int(m)) + ")"
	}
	return table[m].Name
}
