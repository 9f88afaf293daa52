package eventspec

import (
	"github.com/ccotel/ccotel/internal/redact"
	"github.com/ccotel/ccotel/metrics"
)

// shipped are the origins whose names every signal sends as they are.
var shipped = []metrics.Origin{metrics.OriginBuiltIn, metrics.OriginOfficial}

// attribution is what api_request, api_error and api_refusal say about the
// agent, skill, plugin and MCP tool behind a request, from the embedded
// metrics.Attribution. Names collapse to placeholders by origin unless
// OTEL_LOG_TOOL_DETAILS; a project or user skill keeps its name on
// api_request (Claude Code 2.1.332), unlike on skill_activated.
func attribution() []Attr {
	return []Attr{
		embed(),
		name("agent.name", "Agent", redact.Custom, "the subagent that made the request", shipped...),
		str("agent_id", "AgentID", "the subagent instance, 17 hex characters").embedded("").since("2.1.330"),
		name("skill.name", "Skill", redact.CustomSkill, "the skill active for the request",
			metrics.OriginBuiltIn, metrics.OriginOfficial, metrics.OriginProject, metrics.OriginUser),
		name("plugin.name", "Plugin", redact.ThirdParty, "the plugin behind the agent or skill", shipped...),
		name("marketplace.name", "Marketplace", redact.ThirdParty, "the plugin's marketplace", shipped...),
		name("mcp_server.name", "MCPServer", redact.Custom, "the MCP server whose tool result the request carries", shipped...).since("2.1.330"),
		name("mcp_tool.name", "MCPTool", redact.Custom, "the MCP tool whose result the request carries", shipped...).since("2.1.330"),
	}
}

// apiWorkflow is workflow() read from the embedded metrics.Attribution.
func apiWorkflow() []Attr {
	return []Attr{
		str("workflow.run_id", "WorkflowRunID", "the workflow run, wf_…").embedded("").since("2.1.202"),
		name("workflow.name", "Workflow", redact.Custom, "the user workflow's name", shipped...).since("2.1.202"),
	}
}

// The attribution's query source, speed, effort and client request id.
func querySource(doc string) Attr {
	return str("query_source", "Query", doc).embedded("string(ev.Query)")
}
func speed(doc string) Attr  { return str("speed", "Speed", doc).embedded("string(ev.Speed)") }
func effort(doc string) Attr { return str("effort", "Effort", doc).embedded("string(ev.Effort)") }
func clientRequestID() Attr {
	return str("client_request_id", "ClientRequestID", "the client's request UUID (first-party API only)").embedded("").since("2.1.214")
}

// workflow is on API and tool events of workflow agents (v2.1.202).
func workflow() []Attr {
	return []Attr{
		str("workflow.run_id", "WorkflowRunID", "the workflow run, wf_…").since("2.1.202"),
		str("workflow.name", "WorkflowName", "the user workflow's name").rule(placeholder(redact.Custom)).since("2.1.202"),
	}
}

func join(parts ...[]Attr) []Attr {
	var out []Attr
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Events is the table, in the order of the specification (E.1–E.25), then
// the events 2.1.330 added.
var Events = []Event{
	{
		Name: "user_prompt", Type: "UserPrompt", Since: "launch",
		Doc: "A user submitted a prompt. Emit it inside the prompt's context so it carries prompt.id.",
		Attrs: []Attr{
			reqStr("prompt_length", "", "JavaScript length (UTF-16 code units) of the prompt, computed before redaction").derived("strconv.Itoa(redact.UTF16Len(ev.Prompt))"),
			reqStr("prompt", "Prompt", "the prompt text").rule(promptRule),
			reqStr("prompt_text", "", "the prompt text again, as 2.1.330 sends it").derived("ev.Prompt").rule(promptRule).since("2.1.330"),
			str("message.uuid", "MessageUUID", "the transcript message; absent for command dispatch").since("2.1.214"),
			str("command_name", "CommandName", "the slash command, as typed for built-ins").rule(placeholder(redact.Custom)).
				firstParty(`ev.CommandSource == "" || ev.CommandSource == "builtin"`).since("2.1.117"),
			str("command_source", "CommandSource", "builtin, custom or mcp").since("2.1.117"),
		},
	},
	{
		Name: "assistant_response", Type: "AssistantResponse", Since: "2.1.193",
		Doc: "The model answered with text (not emitted for tool_use-only responses).",
		Attrs: []Attr{
			num("response_length", "", "JavaScript length of the text blocks, computed before redaction").derived("int64(redact.UTF16Len(ev.Response))"),
			reqStr("response", "Response", "the text of the response").rule(responseRule),
			str("request_id", "RequestID", "the API request-id header"),
			str("message.uuid", "MessageUUID", "the transcript message").since("2.1.214"),
			str("model", "Model", "the model"),
			str("query_source", "QuerySource", "sdk, repl_main_thread, compact, agent:builtin:<type>…"),
			str("agent_id", "AgentID", "the subagent instance, for subagent responses").since("2.1.330"),
		},
	},
	{
		Name: "tool_result", Type: "ToolResult", Since: "launch",
		Doc: "A tool finished.",
		Attrs: join([]Attr{
			reqStr("tool_name", "ToolName", "the tool; tools of user MCP servers are sent as mcp_tool").rule(placeholder(redact.MCPTool)).
				firstParty(`!isMCPTool(ev.ToolName, ev.MCPServerScope)`),
			str("tool_use_id", "ToolUseID", "the tool_use block id").since("2.1.119"),
			flagStr("success", "Success", "the tool succeeded"),
			numStr("duration_ms", "DurationMs", "execution time in milliseconds"),
			str("error_type", "ErrorType", "e.g. Error:ENOENT, ShellError"),
			str("error", "Error", "the full error message").rule(detailRule),
			str("decision_type", "DecisionType", "always accept"),
			str("decision_source", "DecisionSource", "config, hook, user_permanent, user_temporary"),
			str("tool_parameters", "ToolParameters", "JSON of the tool's notable parameters (bash_command, full_command, mcp_server_name, skill_name…)").rule(paramsRule).since("2.1.85"),
			str("tool_input", "ToolInput", "the tool input JSON; string values cut at 512 characters, about 4K in total").rule(inputRule),
			numStr("tool_input_size_bytes", "ToolInputSizeBytes", "size of the tool input JSON in bytes").since("2.1.119"),
			numStr("tool_result_size_bytes", "ToolResultSizeBytes", "size of the tool result in bytes"),
			str("mcp_server_scope", "MCPServerScope", "scope of the tool's MCP server (user, project, local, dynamic); MCP tools only"),
			str("request_id", "RequestID", "the request that produced the tool_use").since("2.1.330"),
		}, workflow()),
	},
	{
		Name: "api_request", Type: "APIRequest", Since: "launch",
		Doc: "An API request succeeded. Numbers are numeric on the wire since v2.1.122.",
		Attrs: join([]Attr{
			str("model", "Model", "the model"),
			num("input_tokens", "InputTokens", ""),
			num("output_tokens", "OutputTokens", ""),
			num("cache_read_tokens", "CacheReadTokens", ""),
			num("cache_creation_tokens", "CacheCreationTokens", ""),
			num("cache_creation_5m_tokens", "CacheCreation5mTokens", "cache writes with the 5-minute TTL").since("2.1.330"),
			num("cache_creation_1h_tokens", "CacheCreation1hTokens", "cache writes with the 1-hour TTL").since("2.1.330"),
			attr("cost_usd", "CostUSD", GoFloat, Double, Always, "estimated cost in US dollars"),
			num("cost_usd_micros", "", "the cost in millionths of a dollar, rounded").derived("int64(math.Round(ev.CostUSD * 1e6))").since("2.1.214"),
			num("duration_ms", "DurationMs", "request time in milliseconds"),
			num("ttft_ms", "TTFTMs", "time to first token in milliseconds, when streamed").ptr().since("2.1.330"),
			str("request_id", "RequestID", "the API request-id header"),
			clientRequestID(),
			speed("fast or normal").since("2.1.41"),
			querySource("sdk, repl_main_thread, compact, agent:builtin:<type>…"),
			effort("the effort level").since("2.1.117"),
		}, attribution(), apiWorkflow()),
	},
	{
		Name: "api_error", Type: "APIError", Since: "launch",
		Doc: "An API request failed, once after its retries ended.",
		Attrs: join([]Attr{
			str("model", "Model", "the model"),
			str("error", "Error", "the API error message"),
			num("status_code", "StatusCode", "the HTTP status; absent for non-HTTP errors").opt(),
			num("duration_ms", "DurationMs", "time of the last attempt in milliseconds"),
			num("attempt", "Attempt", "the final attempt number"),
			str("request_id", "RequestID", "the API request-id header"),
			clientRequestID(),
			speed("fast or normal"),
			querySource("sdk, repl_main_thread…"),
			effort("the effort level").since("2.1.117"),
		}, attribution(), apiWorkflow()),
	},
	{
		Name: "api_refusal", Type: "APIRefusal", Since: "2026-06-05",
		Doc: "The API refused a request.",
		Attrs: join([]Attr{
			str("model", "Model", "the model"),
			str("request_id", "RequestID", "the API request-id header"),
			querySource(""),
			speed(""),
			num("attempt", "Attempt", "the attempt number"),
			effort(""),
			flag("server_fallback_hop", "ServerFallbackHop", "the refusal made the server fall back to another model"),
			flag("has_category", "HasCategory", "the refusal named a category; absent on a fallback hop").when("!ev.ServerFallbackHop"),
			flag("has_explanation", "HasExplanation", "the refusal had an explanation; absent on a fallback hop").when("!ev.ServerFallbackHop"),
			str("category", "Category", "cyber, bio, frontier_llm, reasoning_extraction").rule(detailRule),
		}, attribution()),
	},
	{
		Name: "api_request_body", Type: "APIRequestBody", Since: "2.1.111", Gate: redact.RawAPIBodies,
		Doc: "The JSON request body of one API attempt. Inline mode sends it cut at the content limit; " +
			"file mode writes <dir>/<request_body_id>.request.json whole and sends body_ref.",
		Prelude: `if ev.RequestBodyID == "" {
		ev.RequestBodyID = core.NewUUID()
	}
	rb := e.rawBody(ev.Body, ev.RequestBodyID+".request.json")`,
		Attrs: []Attr{
			reqStr("body", "Body", "the request JSON, with thinking content already redacted by the caller").when("rb.inline").derived("rb.body").rule(contentRule),
			goOnly("Body", GoString, "the request JSON, with thinking content already redacted by the caller"),
			reqStr("body_ref", "", "absolute path of the file holding the whole body (file mode)").when("!rb.inline").derived("rb.ref"),
			reqStr("body_length", "", "full length: UTF-16 code units inline, UTF-8 bytes in file mode").derived("strconv.Itoa(rb.length)"),
			reqStr("body_truncated", "", `"true" when the inline body was cut`).when("rb.truncated").derived(`"true"`),
			str("model", "Model", ""),
			str("query_source", "QuerySource", ""),
			str("request_body_id", "RequestBodyID", "links the request and response bodies; a new UUID when empty").since("2.1.330"),
		},
	},
	{
		Name: "api_response_body", Type: "APIResponseBody", Since: "2.1.111", Gate: redact.RawAPIBodies,
		Doc:     "The assembled JSON response message of an API call. File mode writes <dir>/<request_id>.response.json.",
		Prelude: `rb := e.rawBody(ev.Body, firstNonEmpty(ev.RequestID, ev.RequestBodyID, ev.MessageID)+".response.json")`,
		Attrs: []Attr{
			reqStr("body", "", "the response JSON").when("rb.inline").derived("rb.body").rule(contentRule),
			goOnly("Body", GoString, "the response JSON, with thinking content already redacted by the caller"),
			reqStr("body_ref", "", "absolute path of the file holding the whole body (file mode)").when("!rb.inline").derived("rb.ref"),
			reqStr("body_length", "", "full length: UTF-16 code units inline, UTF-8 bytes in file mode").derived("strconv.Itoa(rb.length)"),
			reqStr("body_truncated", "", `"true" when the inline body was cut`).when("rb.truncated").derived(`"true"`),
			str("model", "Model", ""),
			str("query_source", "QuerySource", ""),
			str("request_id", "RequestID", "the API request-id header"),
			str("request_body_id", "RequestBodyID", "the request_body_id of the matching api_request_body").since("2.1.330"),
			str("message.id", "MessageID", "the API message id, msg_…").since("2.1.330"),
			str("message.uuid", "MessageUUID", "the transcript message").since("2.1.330"),
		},
	},
	{
		Name: "tool_decision", Type: "ToolDecision", Since: "launch",
		Doc: "A permission decision on a tool use (also for rejections in -p mode since 2.1.330).",
		Attrs: join([]Attr{
			reqStr("decision", "Decision", "accept or reject"),
			reqStr("source", "Source", "config, hook, user_permanent, user_temporary, user_abort, user_reject"),
			reqStr("tool_name", "ToolName", "the tool; tools of user MCP servers are sent as mcp_tool").rule(placeholder(redact.MCPTool)).
				firstParty(`ev.ToolSource != "mcp" && !isMCPTool(ev.ToolName, "")`),
			str("tool_use_id", "ToolUseID", "the tool_use block id").since("2.1.119"),
			str("tool_source", "ToolSource", "builtin, mcp or sdk_host_builtin_mcp").since("2.1.214"),
			str("tool_parameters", "ToolParameters", "JSON of the tool's notable parameters").rule(paramsRule).since("2.1.157"),
			str("permission_mode", "PermissionMode", "default, acceptEdits, plan, auto, bypassPermissions").since("2.1.330"),
			str("request_id", "RequestID", "the request that produced the tool_use").since("2.1.330"),
		}, workflow()),
	},
	{
		Name: "permission_mode_changed", Type: "PermissionModeChanged", Since: "2026-04-21",
		Doc: "The permission mode changed.",
		Attrs: []Attr{
			reqStr("from_mode", "FromMode", "default, plan, acceptEdits, auto, bypassPermissions"),
			reqStr("to_mode", "ToMode", ""),
			str("trigger", "Trigger", "shift_tab, exit_plan_mode, auto_gate_denied, auto_opt_in; absent for SDK and bridge changes"),
		},
	},
	{
		Name: "auth", Type: "Auth", Since: "2026-04-21",
		Doc: "A login or logout.",
		Attrs: []Attr{
			reqStr("action", "Action", "login or logout"),
			flagStr("success", "Success", ""),
			str("auth_method", "AuthMethod", "e.g. oauth"),
			str("error_category", "ErrorCategory", ""),
			numStr("status_code", "StatusCode", "the HTTP status, sent as a string on this event").opt(),
		},
	},
	{
		Name: "mcp_server_connection", Type: "MCPServerConnection", Since: "2026-04-21",
		Doc: "An MCP server connected, failed or disconnected.",
		Attrs: []Attr{
			reqStr("status", "Status", "connected, failed or disconnected"),
			str("transport_type", "TransportType", "stdio, sse, http"),
			str("server_scope", "ServerScope", "user, project, local, dynamic"),
			numStr("duration_ms", "DurationMs", "connection time in milliseconds"),
			str("error_code", "ErrorCode", ""),
			flag("is_plugin", "IsPlugin", "the server comes from a plugin"),
			str("plugin_id_hash", "PluginIDHash", ""),
			str("plugin.name", "PluginName", "").rule(placeholder(redact.ThirdParty)).firstParty("ev.PluginOfficial"),
			goOnly("PluginOfficial", GoBool, "the plugin is official, so its name is sent as is"),
			str("server_name", "ServerName", "the MCP server's name").rule(detailRule),
			str("error", "Error", "the connection error").rule(detailRule),
		},
	},
	{
		Name: "internal_error", Type: "InternalError", Since: "2026-04-21",
		Doc: "An internal error (Claude Code skips it on Bedrock, Vertex, Foundry and with DISABLE_ERROR_REPORTING).",
		Attrs: []Attr{
			reqStr("error_name", "ErrorName", "e.g. TypeError"),
			str("error_code", "ErrorCode", "e.g. ENOENT"),
		},
	},
	{
		Name: "plugin_installed", Type: "PluginInstalled", Since: "2026-04-14",
		Doc: "A plugin was installed.",
		Attrs: []Attr{
			flagStr("marketplace.is_official", "MarketplaceIsOfficial", "names are sent as is for official marketplaces"),
			str("install.trigger", "InstallTrigger", "cli or ui"),
			str("plugin.name", "PluginName", "").rule(placeholder(redact.ThirdParty)).firstParty("ev.MarketplaceIsOfficial"),
			str("plugin.version", "PluginVersion", "").rule(detailRule).firstParty("ev.MarketplaceIsOfficial"),
			str("marketplace.name", "MarketplaceName", "").rule(placeholder(redact.ThirdParty)).firstParty("ev.MarketplaceIsOfficial"),
		},
	},
	{
		Name: "plugin_loaded", Type: "PluginLoaded", Since: "2026-05-12", Early: true,
		Doc: "An enabled plugin was loaded at start, once per plugin.",
		Attrs: []Attr{
			reqStr("plugin.name", "PluginName", "").rule(placeholder(redact.ThirdParty)).firstParty("firstPartyScope(ev.PluginScope)"),
			str("marketplace.name", "MarketplaceName", "").rule(placeholder(redact.ThirdParty)).firstParty("firstPartyScope(ev.PluginScope)"),
			str("plugin.version", "PluginVersion", "").rule(detailRule).firstParty("firstPartyScope(ev.PluginScope)"),
			str("plugin.scope", "PluginScope", "official, org, user-local, default-bundle"),
			str("enabled_via", "EnabledVia", "default-enable, org-policy, seed-mount, user-install"),
			str("plugin_id_hash", "PluginIDHash", "16 hex characters"),
			flag("has_hooks", "HasHooks", ""),
			flag("has_mcp", "HasMCP", ""),
			flag("host_owned_mcp", "HostOwnedMCP", "").since("2.1.172"),
			num("skill_path_count", "SkillPathCount", ""),
			num("command_path_count", "CommandPathCount", ""),
			num("agent_path_count", "AgentPathCount", ""),
			flagStr("safe_mode", "SafeMode", "").since("2.1.169"),
		},
	},
	{
		Name: "skill_activated", Type: "SkillActivated", Since: "2026-04-14",
		Doc: "A skill was activated.",
		Attrs: []Attr{
			reqStr("skill.name", "SkillName", "").rule(placeholder(redact.CustomSkill)).firstParty(`ev.SkillSource == "bundled"`),
			str("invocation_trigger", "InvocationTrigger", "user-slash, claude-proactive, nested-skill").since("2.1.126"),
			str("skill.source", "SkillSource", "bundled, userSettings, projectSettings, plugin…"),
			str("skill.kind", "SkillKind", "workflow"),
			str("plugin.name", "PluginName", "").rule(detailRule).firstParty("ev.PluginOfficial"),
			str("marketplace.name", "MarketplaceName", "").rule(detailRule).firstParty("ev.PluginOfficial"),
			goOnly("PluginOfficial", GoBool, "the plugin is official, so its names are sent without OTEL_LOG_TOOL_DETAILS"),
		},
	},
	{
		Name: "at_mention", Type: "AtMention", Since: "2.1.122",
		Doc: "An @-mention in a prompt was resolved; emit it before user_prompt, in the same prompt context.",
		Attrs: []Attr{
			reqStr("mention_type", "MentionType", "file, directory, agent, mcp_resource, peer"),
			flagStr("success", "Success", ""),
		},
	},
	{
		Name: "api_retries_exhausted", Type: "APIRetriesExhausted", Since: "2026-04-21",
		Doc: "The retries of a request ran out; emitted with the final api_error.",
		Attrs: []Attr{
			str("model", "Model", ""),
			str("error", "Error", ""),
			num("status_code", "StatusCode", "").opt(),
			num("total_attempts", "TotalAttempts", ""),
			num("total_retry_duration_ms", "TotalRetryDurationMs", ""),
			str("speed", "Speed", ""),
			str("query_source", "QuerySource", ""),
		},
	},
	{
		Name: "hook_registered", Type: "HookRegistered", Since: "2026-05-12",
		Doc: "A hook was registered at start.",
		Attrs: []Attr{
			reqStr("hook_event", "HookEvent", "PreToolUse, PostToolUse…"),
			str("hook_type", "HookType", "command, prompt, mcp_tool, http, agent"),
			str("hook_source", "HookSource", "userSettings, projectSettings, localSettings, flagSettings, policySettings, pluginHook"),
			flagStr("safe_mode", "SafeMode", ""),
			str("hook_matcher", "HookMatcher", "").rule(detailRule),
			str("plugin.name", "PluginName", "").rule(placeholder(redact.ThirdParty)).firstParty("ev.PluginOfficial"),
			goOnly("PluginOfficial", GoBool, "the plugin is official, so its name is sent as is"),
			str("plugin_id_hash", "PluginIDHash", ""),
		},
	},
	{
		Name: "hook_execution_start", Type: "HookExecutionStart", Since: "2026-04-21",
		Doc: "Hooks for an event start running.",
		Attrs: []Attr{
			reqStr("hook_event", "HookEvent", ""),
			str("hook_name", "HookName", "e.g. PreToolUse:Bash"),
			numStr("num_hooks", "NumHooks", ""),
			flagStr("managed_only", "ManagedOnly", ""),
			str("hook_source", "HookSource", "policySettings or merged"),
			flagStr("safe_mode", "SafeMode", ""),
			str("hook_definitions", "HookDefinitions", "JSON of the hooks").rule(redact.Rule{Gate: redact.ToolDetails | redact.DetailedBeta, Mode: redact.Omit, Content: true}),
		},
	},
	{
		Name: "hook_execution_complete", Type: "HookExecutionComplete", Since: "2026-04-21",
		Doc: "Hooks for an event finished. All counts are strings on the wire.",
		Attrs: []Attr{
			reqStr("hook_event", "HookEvent", ""),
			str("hook_name", "HookName", ""),
			numStr("num_hooks", "NumHooks", ""),
			numStr("num_success", "NumSuccess", ""),
			numStr("num_blocking", "NumBlocking", ""),
			numStr("num_non_blocking_error", "NumNonBlockingError", ""),
			numStr("num_cancelled", "NumCancelled", ""),
			numStr("total_duration_ms", "TotalDurationMs", ""),
			numStr("stdout_chars", "StdoutChars", "").since("2.1.330"),
			numStr("additional_context_chars", "AdditionalContextChars", "").since("2.1.330"),
			numStr("system_message_chars", "SystemMessageChars", "").since("2.1.330"),
			numStr("initial_user_message_chars", "InitialUserMessageChars", "").since("2.1.330"),
			numStr("num_outputs_persisted", "NumOutputsPersisted", "").since("2.1.330"),
			flagStr("managed_only", "ManagedOnly", ""),
			str("hook_source", "HookSource", ""),
			flagStr("safe_mode", "SafeMode", ""),
			str("hook_definitions", "HookDefinitions", "JSON of the hooks").rule(redact.Rule{Gate: redact.ToolDetails | redact.DetailedBeta, Mode: redact.Omit, Content: true}),
		},
	},
	{
		Name: "hook_plugin_metrics", Type: "HookPluginMetrics", Since: "2026-05-19",
		Doc: "Metrics a plugin hook reported.",
		Attrs: []Attr{
			// The strings are copied (strings.Clone) so that only they reach
			// the record: Go's escape analysis does not tell the fields of
			// ev apart, and a string stored as it is would put the host's
			// Metrics slice literal on the heap even with telemetry off.
			reqStr("plugin_id", "PluginID", "<name>@<marketplace>").value("strings.Clone(ev.PluginID)"),
			str("hook_event", "HookEvent", "").value("strings.Clone(ev.HookEvent)"),
			{Key: "*", Field: "Metrics", Go: GoKeyValues, Wire: Dynamic, Presence: NonZero,
				Doc: "up to 20 keys matching ^[a-z][a-z0-9_]{0,39}$ with bool or number values; others are dropped"},
		},
	},
	{
		Name: "compaction", Type: "Compaction", Since: "2026-04-21",
		Doc: "The conversation was compacted.",
		Attrs: []Attr{
			reqStr("trigger", "Trigger", "auto or manual"),
			flagStr("success", "Success", ""),
			numStr("duration_ms", "DurationMs", ""),
			numStr("pre_tokens", "PreTokens", ""),
			numStr("post_tokens", "PostTokens", ""),
			str("error", "Error", ""),
			str("precompute_reuse", "PrecomputeReuse", "hit, miss_custom_instructions, miss_hook, miss_not_ready; manual only").since("2.1.153"),
		},
	},
	{
		Name: "subagent_completed", Type: "SubagentCompleted", Since: "2026-08-11",
		Doc: "A subagent finished.",
		Attrs: []Attr{
			reqStr("agent_type", "AgentType", "the agent type; custom agents are sent as custom").rule(placeholder(redact.Custom)).firstParty("ev.IsBuiltIn"),
			str("agent.source", "AgentSource", "built-in, plugin, userSettings, projectSettings…"),
			flag("is_built_in", "IsBuiltIn", ""),
			flag("is_async", "IsAsync", ""),
			num("total_tokens", "TotalTokens", "tokens of the final request"),
			num("total_tool_uses", "TotalToolUses", ""),
			num("duration_ms", "DurationMs", ""),
			str("model", "Model", ""),
			str("final_model", "FinalModel", "").since("2.1.212"),
			flag("model_swapped", "ModelSwapped", "").since("2.1.212"),
			str("agent_id", "AgentID", "17 hex characters").since("2.1.330"),
			str("plugin_id_hash", "PluginIDHash", ""),
			str("plugin.name", "PluginName", "").rule(placeholder(redact.ThirdParty)).firstParty("ev.PluginOfficial"),
			goOnly("PluginOfficial", GoBool, "the plugin is official, so its name is sent as is"),
		},
	},
	{
		Name: "feedback_survey", Type: "FeedbackSurvey", Since: "2026-05-19",
		Doc: "The feedback survey appeared or was answered (Claude Code needs CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL; the caller checks it).",
		Attrs: []Attr{
			reqStr("event_type", "EventType", "appeared, responded, transcript_prompt_appeared…"),
			str("appearance_id", "AppearanceID", ""),
			str("survey_type", "SurveyType", "session…"),
			str("response", "Response", "the survey answer"),
			flag("enabled_via_override", "EnabledViaOverride", "").opt(),
		},
	},
	{
		Name: "retention_sweep", Type: "RetentionSweep", Since: "2.1.227",
		Doc: "The transcript retention sweep ran. Counts are sent only when Result is complete.",
		Attrs: []Attr{
			reqStr("result", "Result", "complete or skipped"),
			numStr("period_days", "PeriodDays", "30 by default"),
			flagStr("used_default", "UsedDefault", ""),
			str("skip_reason", "SkipReason", "user_source_disabled, settings_unknowable, settings_invalid_key_set"),
			numStr("transcripts_deleted", "TranscriptsDeleted", "").when(`ev.Result == "complete"`),
			numStr("transcripts_exempted_desktop", "TranscriptsExemptedDesktop", "").when(`ev.Result == "complete"`).since("2.1.330"),
			numStr("session_files_deleted", "SessionFilesDeleted", "").when(`ev.Result == "complete"`),
			numStr("artifacts_deleted", "ArtifactsDeleted", "").when(`ev.Result == "complete"`),
			numStr("files_retained_fresh", "FilesRetainedFresh", "").when(`ev.Result == "complete"`),
			numStr("files_past_cutoff", "FilesPastCutoff", "").when(`ev.Result == "complete"`),
			numStr("error_count", "ErrorCount", "").when(`ev.Result == "complete"`),
			numStr("history_entries_pruned", "HistoryEntriesPruned", "").when(`ev.Result == "complete"`).since("2.1.330"),
		},
	},
	{
		Name: "managed_settings_resolved", Type: "ManagedSettingsResolved", Since: "2.1.330", Early: true,
		Doc: "Managed settings were resolved; the first event of a session.",
		Attrs: []Attr{
			reqStr("managed_settings.trigger", "Trigger", "startup…"),
			attr("managed_settings.sources", "Sources", GoStrings, StringArray, Always, "the managed settings sources that applied; an empty array when none"),
			str("managed_settings.source_behavior", "SourceBehavior", "first-wins…"),
			str("managed_settings.helper.state", "HelperState", "none…"),
			str("managed_settings.helper.applied", "HelperApplied", "none…"),
		},
	},
	{
		Name: "tool", Type: "Tool", Since: "2.1.330", Gate: redact.DetailedBeta,
		Doc: "One tool definition sent to the model (detailed beta tracing only, one per tool).",
		Attrs: []Attr{
			reqStr("tool_name", "ToolName", ""),
			str("tool_hash", "ToolHash", "12 hex characters"),
			str("tool", "Tool", "the JSON tool schema").rule(contentRule),
		},
	},
}
