package conformance

import (
	"regexp"
	"strconv"
	"strings"
)

// ValueRule says how much of an attribute value a Shape keeps. The type of
// every attribute is always kept: consumers break on "9" versus 9.
type ValueRule int

const (
	// Class keeps a format class instead of the value: <uuid>, <hex64>,
	// <digits>, <timestamp>, <string>. It is the default for strings, so an
	// id still has to look like an id without having to be the same id.
	Class ValueRule = iota
	// Keep compares the literal value: closed sets (type, decision...) and
	// values fixed by the scenario (model, terminal.type, OTEL_RESOURCE_ATTRIBUTES).
	Keep
	// TypeOnly drops the value: host-dependent text, measurements.
	TypeOnly
	// AppVersion replaces the application's version by $APP_VERSION, so a
	// capture of Claude Code 2.1.330 compares with a ccotel host at 0.4.0.
	AppVersion
	// Redacted keeps the literal "<REDACTED>" and classes anything else:
	// whether content is redacted is the point, the content is not.
	Redacted
	// GoArch keeps that host.arch is a Go GOARCH name (amd64, not x86_64)
	// without tying the comparison to the machine that ran it.
	GoArch
)

// StandardKeys are the attributes Claude Code puts first on every data
// point, log record and span (observed-claude-code-2.1.330.md §A4). Their
// presence depends on the environment (toggles, auth, git remote), so log
// records and spans compare them as one block, then the record's own keys.
// Resource attributes copied onto records belong to the block too.
var StandardKeys = []string{
	"user.id", "session.id", "app.version", "app.entrypoint",
	"vcs.*",
	"organization.id", "user.email", "user.account_uuid", "user.account_id",
	"anthropic.provider", "anthropic.custom_base_url", "terminal.type",
}

func isStandardKey(k string) bool {
	for _, s := range StandardKeys {
		if s == k || strings.HasSuffix(s, "*") && strings.HasPrefix(k, strings.TrimSuffix(s, "*")) {
			return true
		}
	}
	return false
}

// ResourceRules are the value rules for resource attributes. A resource key
// not listed is kept: it came from OTEL_RESOURCE_ATTRIBUTES, which the
// scenario fixes. The host-dependent keys keep only their type.
var ResourceRules = map[string]ValueRule{
	"service.name":    Keep,
	"service.version": AppVersion,
	"os.type":         Keep,
	"os.version":      TypeOnly, // kernel release of the capture machine
	"host.arch":       GoArch,
	"host.name":       TypeOnly,
	"host.id":         TypeOnly, // /etc/machine-id on Linux, something else elsewhere
}

// AttributeRules are the value rules for record attributes (data points, log
// records, spans, span events). Unlisted strings get Class, bools are kept
// (two values, both meaningful), unlisted numbers keep only their type:
// durations and times come from a clock. Token counts, costs, lengths and
// sizes come from the scenario and its mock, so they are kept. Attributes that
// copy a resource attribute follow ResourceRules.
var AttributeRules = map[string]ValueRule{
	// standard attributes
	"app.version": AppVersion, "app.entrypoint": Keep, "anthropic.provider": Keep, "terminal.type": Keep,
	"vcs.repository.url.full": Keep, "vcs.owner.name": Keep, "vcs.repository.name": Keep,
	"vcs.provider.name": Keep, "vcs.ref.head.type": Keep,

	// closed sets and scenario-fixed values shared by the signals
	"event.name": Keep, "type": Keep, "decision": Keep, "source": Keep, "tool_name": Keep,
	"tool_source": Keep, "permission_mode": Keep, "language": Keep, "start_type": Keep,
	"query_source": Keep, "query_source_safe": Keep, "model": Keep, "final_model": Keep,
	"speed": Keep, "success": Keep, "mcp_server.name": Keep, "mcp_tool.name": Keep,
	"agent.name": Keep, "mcp_server_scope": Keep, "error_class": Keep, "status_code": Keep,
	"attempt": Keep, "total_attempts": Keep,

	// spans
	"span.type": Keep, "gen_ai.system": Keep, "gen_ai.provider.name": Keep,
	"gen_ai.operation.name": Keep, "gen_ai.request.model": Keep, "gen_ai.tool.name": Keep,
	"gen_ai.response.finish_reasons": Keep, "llm_request.context": Keep, "stop_reason": Keep,
	"tool_name_safe": Keep, "anthropic.mcp.server.name": Keep, "bash_command_class": Keep,
	"bash_argv0": Keep, "parent.source": Keep, "interaction.sequence": Keep, "queued_sends": Keep,

	// events of 2.1.330 (§B)
	"hook_event": Keep, "hook_type": Keep, "hook_source": Keep, "hook_name": Keep,
	"safe_mode": Keep, "managed_only": Keep, "status": Keep, "transport_type": Keep,
	"server_scope": Keep, "mention_type": Keep, "trigger": Keep, "skill.name": Keep,
	"invocation_trigger": Keep, "skill.source": Keep, "agent_type": Keep, "agent.source": Keep,
	"from_mode": Keep, "to_mode": Keep, "plugin.name": Keep, "marketplace.name": Keep,
	"plugin.scope": Keep, "enabled_via": Keep, "result": Keep, "period_days": Keep,
	"used_default": Keep, "precompute_reuse": Keep, "body_truncated": Keep,
	"managed_settings.trigger": Keep, "managed_settings.sources": Keep,
	"managed_settings.source_behavior": Keep, "managed_settings.helper.state": Keep,
	"managed_settings.helper.applied": Keep,

	// deterministic values: the mock's token counts and what they cost,
	// lengths and sizes of fixed content, counts the scenario fixes
	"input_tokens": Keep, "output_tokens": Keep, "cache_read_tokens": Keep, "cache_creation_tokens": Keep,
	"cache_creation_5m_tokens": Keep, "cache_creation_1h_tokens": Keep, "cost_usd": Keep, "cost_usd_micros": Keep,
	"gen_ai.usage.input_tokens": Keep, "gen_ai.usage.output_tokens": Keep,
	"gen_ai.usage.cache_read.input_tokens": Keep, "gen_ai.usage.cache_write.input_tokens": Keep,
	"gen_ai.response.model": Keep, "prompt_length": Keep, "user_prompt_length": Keep, "response_length": Keep,
	"tool_result_size_bytes": Keep, "tool_input_size_bytes": Keep, "body_length": Keep, "total_tokens": Keep,
	"total_tool_uses": Keep, "num_hooks": Keep, "num_success": Keep, "num_blocking": Keep,
	"num_non_blocking_error": Keep, "num_cancelled": Keep, "skill_path_count": Keep, "command_path_count": Keep,
	"agent_path_count": Keep, "files_retained_fresh": Keep,

	// content that is "<REDACTED>" unless a toggle reveals it
	"prompt": Redacted, "prompt_text": Redacted, "response": Redacted, "user_prompt": Redacted,
}

var goArchs = map[string]bool{
	"386": true, "amd64": true, "arm": true, "arm64": true, "loong64": true, "mips": true,
	"mipsle": true, "mips64": true, "mips64le": true, "ppc64": true, "ppc64le": true,
	"riscv64": true, "s390x": true, "wasm": true,
}

var (
	uuidRE      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	hexRE       = regexp.MustCompile(`^[0-9a-f]{8,}$`)
	digitsRE    = regexp.MustCompile(`^-?[0-9]+$`)
	timestampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
)

// classify names the format of a volatile string. The classes are coarse on
// purpose: they catch a number sent as a string or an id in the wrong form,
// and nothing that depends on the run.
func classify(s string) string {
	switch {
	case s == "":
		return `""`
	case digitsRE.MatchString(s):
		return "<digits>"
	case uuidRE.MatchString(s):
		return "<uuid>"
	case hexRE.MatchString(s):
		return "<hex" + strconv.Itoa(len(s)) + ">"
	case timestampRE.MatchString(s):
		return "<timestamp>"
	}
	return "<string>"
}
