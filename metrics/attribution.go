package metrics

import (
	"strconv"
	"strings"
)

// Attribution says who made an API call and on whose behalf: which part of
// the agent (the query source), the subagent, skill, plugin and MCP tool
// behind it, the workflow, and the request's effort and speed. It is the one
// type for this: telemetry.APIResponse and APIFailure, the api_request and
// api_error events, the cost and token metrics and the Anthropic middleware
// all embed it, so an attribute set on one is set on all.
//
// The zero Attribution is a call of the main loop with nothing else known;
// every empty field is left out. It is comparable: the Recorder keys its
// attribute-set cache on the fields metrics send.
type Attribution struct {
	// Query is the query source. By default, the session's main loop; a
	// subagent's Agent implies QuerySubagent(Agent).
	Query QuerySource
	// Effort is the reasoning effort; empty when the model has none.
	Effort Effort
	// Speed is SpeedFast or SpeedNormal. By default, normal: events send
	// "normal" and metrics send speed only when fast.
	Speed Speed

	// Agent is the subagent that made the call; AgentID its instance (17 hex
	// characters in Claude Code), sent on events only.
	Agent   Name
	AgentID string
	// Skill, Plugin and Marketplace are what was active for the call.
	Skill       Name
	Plugin      Name
	Marketplace Name
	// MCPServer and MCPTool name the MCP tool whose result the call carries.
	MCPServer Name
	MCPTool   Name
	// WorkflowRunID (wf_…) and Workflow name the workflow run that made the
	// call; events only.
	WorkflowRunID string
	Workflow      Name

	// ClientRequestID is the client's request UUID (first-party API only);
	// events only.
	ClientRequestID string
}

// Name is the name of an agent, skill, plugin, marketplace, MCP server or
// tool, or workflow, with where it came from. Names a user or a third party
// chose can identify private projects, so Claude Code replaces some of them
// with a placeholder, and which ones depends on the signal and the Origin
// (the table "Names per signal" in docs/METRICS.md). OTEL_LOG_TOOL_DETAILS
// sends every name verbatim. The zero Name is "no name": the attribute is
// left out.
type Name struct {
	Value  string
	Origin Origin
}

// Origin is where a name came from. It decides, per signal, whether the name
// is sent as it is or replaced by a placeholder.
type Origin uint8

// The origins. The zero Origin is OriginUnknown, which is treated as the
// least trusted: every signal that replaces some names replaces it.
const (
	OriginUnknown Origin = iota
	// OriginBuiltIn ships with the host: the built-in general-purpose agent,
	// a bundled skill.
	OriginBuiltIn
	// OriginOfficial comes from an official plugin or marketplace
	// (Anthropic-published), or is an official connector's MCP server.
	OriginOfficial
	// OriginPlugin comes from a third-party plugin or marketplace.
	OriginPlugin
	// OriginProject is defined in the project (.claude/ in the repository).
	OriginProject
	// OriginUser is defined in the user's settings (~/.claude).
	OriginUser
	// OriginMCP comes from an MCP server the user configured.
	OriginMCP
)

var originNames = [...]string{"unknown", "built-in", "official", "plugin", "project", "user", "mcp"}

// String returns a short lower-case name, e.g. "built-in".
func (o Origin) String() string {
	if int(o) < len(originNames) {
		return originNames[o]
	}
	return "Origin(" + strconv.Itoa(int(o)) + ")"
}

// in reports whether o is one of set.
func (o Origin) in(set []Origin) bool {
	for _, s := range set {
		if o == s {
			return true
		}
	}
	return false
}

// QuerySource is the query source of an API call as events send it
// (repl_main_thread, sdk, compact, agent:builtin:<type>, ...). Metrics send
// the coarser main, subagent or auxiliary, derived from it.
type QuerySource string

// The query sources of Claude Code's main loop, in interactive and in SDK or
// -p mode, and of its /compact summarisation.
const (
	QueryMain           QuerySource = "repl_main_thread"
	QueryNonInteractive QuerySource = "sdk"
	QueryCompact        QuerySource = "compact"
)

// QuerySubagent is the query source of a call made by the subagent agent:
// agent:builtin:<name> for a built-in or official agent, agent:custom:<name>
// otherwise, as Claude Code names them.
func QuerySubagent(agent Name) QuerySource {
	if agent.Origin == OriginBuiltIn || agent.Origin == OriginOfficial {
		return QuerySource("agent:builtin:" + agent.Value)
	}
	return QuerySource("agent:custom:" + agent.Value)
}

// metricValue is the metrics' query_source: main for the main loop (either
// mode), subagent for agent:*, auxiliary for anything else (compaction,
// titles, suggestions), as Claude Code maps them. "" stays "".
func (q QuerySource) metricValue() string {
	switch {
	case q == "":
		return ""
	case q == QueryMain || q == QueryNonInteractive:
		return queryMetricMain
	case strings.HasPrefix(string(q), "agent:"):
		return queryMetricSubagent
	default:
		return queryMetricAuxiliary
	}
}
