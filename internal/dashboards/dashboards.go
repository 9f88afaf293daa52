// Package dashboards holds the PromQL of the published Claude Code dashboards, verbatim from
// shared/spec/consumers.md, for the tests that run them against real Prometheus: the monitoring guide's
// working-dashboard.json (§1), ColeMurray/claude-code-otel (§2) and rockdarko's Grafana.com dashboard 25255 (§4).
package dashboards

import "strings"

// Panel is one panel's query.
type Panel struct {
	Dashboard, Title string
	// Expr is the published expression, with Grafana's variables as published ($__range, $__rate_interval,
	// $organization, $user, $model).
	Expr string
	// By is the label the panel groups by, "" when it is a single number.
	By string
}

// Dashboard names.
const (
	Guide      = "guide"
	ColeMurray = "ColeMurray"
	Rockdarko  = "rockdarko"
)

// Panels are the metric panels (Loki panels left out).
var Panels = []Panel{
	{Guide, "Total Cost", `sum(increase(claude_code_cost_usage_USD_total[$__range]))`, ""},
	{Guide, "Active Users", `count(count by (user_id)(increase(claude_code_cost_usage_USD_total[$__range]) > 0))`, ""},
	{Guide, "Total Tokens", `sum(increase(claude_code_token_usage_tokens_total[$__range]))`, ""},
	{Guide, "Lines of Code", `sum(increase(claude_code_lines_of_code_count_total[$__range]))`, ""},
	{Guide, "Cost by Model", `sum by (model)(increase(claude_code_cost_usage_USD_total[$__range]))`, "model"},
	{Guide, "Token Usage by Type", `sum by (type)(increase(claude_code_token_usage_tokens_total[$__range]))`, "type"},
	{Guide, "Cost by User", `sum by (user_id)(increase(claude_code_cost_usage_USD_total[$__range]))`, "user_id"},
	{Guide, "Lines of Code by Type", `sum by (type)(increase(claude_code_lines_of_code_count_total[$__range]))`, "type"},

	{ColeMurray, "Active Sessions (1h)", `sum(increase(claude_code_session_count_total{job="otel-collector"}[1h]))`, ""},
	{ColeMurray, "Cost (Last Hour)", `sum(increase(claude_code_cost_usage_USD_total{job="otel-collector"}[1h]))`, ""},
	{ColeMurray, "Token Usage (1h)", `sum(increase(claude_code_token_usage_tokens_total{job="otel-collector"}[1h]))`, ""},
	{ColeMurray, "Lines of Code (1h)", `sum(increase(claude_code_lines_of_code_count_total{job="otel-collector"}[1h]))`, ""},
	{ColeMurray, "Cost by Model (Hourly)", `sum by (model) (increase(claude_code_cost_usage_USD_total{job="otel-collector"}[1h]))`, "model"},
	{ColeMurray, "Token Usage Rate by Type", `sum by (type) (rate(claude_code_token_usage_tokens_total{job="otel-collector"}[5m]) * 60)`, "type"},
	{ColeMurray, "API Requests by Model", `sum by (model) (changes(claude_code_cost_usage_USD_total{job="otel-collector"}[5m]))`, "model"},
	{ColeMurray, "Code Changes Rate", `sum by (type) (rate(claude_code_lines_of_code_count_total{job="otel-collector"}[5m]) * 60)`, "type"},
	{ColeMurray, "Commits (Hourly)", `sum(increase(claude_code_commit_count_total{job="otel-collector"}[1h])) or vector(0)`, ""},
	{ColeMurray, "Pull Requests (Hourly)", `sum(increase(claude_code_pull_request_count_total{job="otel-collector"}[1h])) or vector(0)`, ""},

	{Rockdarko, "Sessions", `count(count by (session_id) (max_over_time(claude_code_session_count_total{FM}[$__range]))) or vector(0)`, ""},
	{Rockdarko, "Users", `count(count by (user_email) (max_over_time(claude_code_session_count_total{F}[$__range]))) or vector(0)`, ""},
	{Rockdarko, "Total Cost", `sum(increase(claude_code_cost_usage_USD_total{FM}[$__range]))`, ""},
	{Rockdarko, "Total Tokens", `sum(increase(claude_code_token_usage_tokens_total{FM}[$__range]))`, ""},
	{Rockdarko, "Commits", `sum(increase(claude_code_commit_count_total{F}[$__range])) or vector(0)`, ""},
	{Rockdarko, "Pull Requests", `sum(increase(claude_code_pull_request_count_total{F}[$__range])) or vector(0)`, ""},
	{Rockdarko, "Lines Added", `sum(increase(claude_code_lines_of_code_count_total{F, type="added"}[$__range])) or vector(0)`, ""},
	{Rockdarko, "Lines Removed", `sum(increase(claude_code_lines_of_code_count_total{F, type="removed"}[$__range])) or vector(0)`, ""},
	{Rockdarko, "Active Time", `sum(increase(claude_code_active_time_seconds_total{F}[$__range])) by (type)`, "type"},
	{Rockdarko, "Tokens by Type", `sum(increase(claude_code_token_usage_tokens_total{FM}[$__range])) by (type)`, "type"},
	{Rockdarko, "Tool Decisions", `sum(increase(claude_code_code_edit_tool_decision_total{F}[$__range])) by (decision)`, "decision"},
	{Rockdarko, "Top Users by Cost", `topk(10, sum(increase(claude_code_cost_usage_USD_total{FM}[$__range])) by (user_email))`, "user_email"},
	{Rockdarko, "Top Users by Tokens", `topk(10, sum(increase(claude_code_token_usage_tokens_total{FM}[$__range])) by (user_email))`, "user_email"},
	{Rockdarko, "Top Sessions by Cost", `topk(10, sum(increase(claude_code_cost_usage_USD_total{FM}[$__range])) by (session_id))`, "session_id"},
	{Rockdarko, "Cost by Model", `sum(increase(claude_code_cost_usage_USD_total{FM}[$__range])) by (model)`, "model"},
	{Rockdarko, "Edit Decisions by Language", `sum(increase(claude_code_code_edit_tool_decision_total{F}[$__range])) by (language)`, "language"},
	{Rockdarko, "Sessions by Terminal", `count by (terminal_type) (count by (session_id, terminal_type) (max_over_time(claude_code_session_count_total{F}[$__range])))`, "terminal_type"},
	{Rockdarko, "Cost Over Time", `sum(rate(claude_code_cost_usage_USD_total{FM}[$__rate_interval])) * 3600`, ""},
	{Rockdarko, "Cost by Model (ts)", `sum(rate(claude_code_cost_usage_USD_total{FM}[$__rate_interval])) by (model) * 3600`, "model"},
	{Rockdarko, "Token Usage by Type", `sum(rate(claude_code_token_usage_tokens_total{FM}[$__rate_interval])) by (type)`, "type"},
	{Rockdarko, "Token Usage by Model", `sum(rate(claude_code_token_usage_tokens_total{FM}[$__rate_interval])) by (model)`, "model"},
	{Rockdarko, "Active Time (per hour)", `sum(rate(claude_code_active_time_seconds_total{F}[$__rate_interval])) by (type) * 3600`, "type"},
	{Rockdarko, "Lines of Code (per hour)", `sum(rate(claude_code_lines_of_code_count_total{F}[$__rate_interval])) by (type) * 3600`, "type"},
	{Rockdarko, "Tool Decisions Over Time", `sum(increase(claude_code_code_edit_tool_decision_total{F}[$__rate_interval])) by (decision)`, "decision"},
	{Rockdarko, "Cost by query_source", `sum(increase(claude_code_cost_usage_USD_total{FM}[$__range])) by (query_source)`, "query_source"},
	{Rockdarko, "Cost by effort", `sum(increase(claude_code_cost_usage_USD_total{FM}[$__range])) by (effort)`, "effort"},
	{Rockdarko, "Cache hit ratio", `sum(rate(claude_code_token_usage_tokens_total{FM, type="cacheRead"}[$__rate_interval])) / sum(rate(claude_code_token_usage_tokens_total{FM, type=~"cacheRead|cacheCreation|input"}[$__rate_interval]))`, ""},
}

// Expand substitutes Grafana's variables: $__range and $__rate_interval by the given durations (PromQL
// syntax, e.g. "24h"), rockdarko's {F} and {FM} filters at "All".
func (p Panel) Expand(rangeDur, rateInterval string) string {
	return strings.NewReplacer(
		"{FM, ", `{organization_id=~".*", user_email=~".*", model=~".*", `,
		"{F, ", `{organization_id=~".*", user_email=~".*", `,
		"{FM}", `{organization_id=~".*", user_email=~".*", model=~".*"}`,
		"{F}", `{organization_id=~".*", user_email=~".*"}`,
		"$__range", rangeDur,
		"$__rate_interval", rateInterval,
	).Replace(p.Expr)
}

// Instant says whether the panel is read at one instant over the whole range (a stat, pie or table), as opposed
// to a time series over $__rate_interval windows or fixed 1h/5m windows.
func (p Panel) Instant() bool {
	return strings.Contains(p.Expr, "$__range")
}
