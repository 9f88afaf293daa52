package config

import "strings"

// Variable describes one environment variable (or settings key) that Load
// reads. [Variables] is the one table of them: the loader, the masking of
// secrets, [Config.Describe] and the table in the package documentation all
// come from it.
type Variable struct {
	// Name is the variable name, or the settings key for otelHeadersHelper.
	Name string
	// Default is the value used when the variable is unset, as text; empty
	// means "unset": the feature is off or has no value.
	Default string
	// Doc says what the variable means, in one line.
	Doc string
	// Secret values are never printed: errors and Describe show "****".
	Secret bool
	// Files says which settings files may set the variable.
	Files FileRule
	// SettingsKey is true for a top-level settings key (otelHeadersHelper)
	// rather than an environment variable: it is never read from the
	// environment, only from settings files and WithVariable.
	SettingsKey bool
}

// FileRule says which settings files may set a variable, as Claude Code's
// settings reference ("Variables Claude Code ignores in env") does.
type FileRule int

// The file rules.
const (
	// AnyFile: every settings file may set the variable.
	AnyFile FileRule = iota
	// NotFromProject: project settings files (WithProjectSettingsFiles)
	// cannot set the variable; it is dropped from them with a warning.
	NotFromProject
	// OffOnlyFromProject: project settings files can only turn the feature
	// off ("none" for an exporter selector, a non-truthy value for a content
	// flag). Such an off value beats user settings files but not the
	// environment, WithVariable or managed settings.
	OffOnlyFromProject
	// NoFile: no settings file may set the variable; only the environment
	// and WithVariable can.
	NoFile
)

func (r FileRule) String() string {
	switch r {
	case NotFromProject:
		return "not project"
	case OffOnlyFromProject:
		return "project: off only"
	case NoFile:
		return "environment only"
	default:
		return "any"
	}
}

// headersHelperKey is the settings key of the dynamic headers helper.
const headersHelperKey = "otelHeadersHelper"

// otlpPrefix is the common prefix of the OTLP exporter variables.
const otlpPrefix = "OTEL_EXPORTER_OTLP_"

// signalInfix is the per-signal part of the OTLP variable names.
var signalInfix = map[Signal]string{
	SignalMetrics: "METRICS_",
	SignalLogs:    "LOGS_",
	SignalTraces:  "TRACES_",
}

// allSignals lists the signals in a fixed order.
var allSignals = []Signal{SignalMetrics, SignalLogs, SignalTraces}

// otlpVar returns the name of an OTLP exporter variable: the generic one for
// signal "" and the per-signal one otherwise. suffix is e.g. "ENDPOINT".
func otlpVar(signal Signal, suffix string) string {
	return otlpPrefix + signalInfix[signal] + suffix
}

// Variables lists every variable Load reads, grouped as in the
// specification (A.1 to A.7).
var Variables = buildVariables()

func buildVariables() []Variable {
	vs := []Variable{
		{Name: "CLAUDE_CODE_ENABLE_TELEMETRY", Doc: "Master switch (truthy: 1, true, yes, on). Off: Load returns Enabled=false and never an error.", Files: NotFromProject},
		{Name: "OTEL_METRICS_EXPORTER", Doc: "Comma list of otlp, prometheus, console, none.", Files: OffOnlyFromProject},
		{Name: "OTEL_LOGS_EXPORTER", Doc: "Comma list of otlp, console, none (events).", Files: OffOnlyFromProject},
		{Name: "OTEL_TRACES_EXPORTER", Doc: "Comma list of otlp, console, none; used only with the traces beta.", Files: OffOnlyFromProject},
	}
	type otlpKind struct {
		suffix, def, doc string
		files            FileRule
	}
	kinds := []otlpKind{
		{"PROTOCOL", "", "grpc, http/protobuf or http/json; no default: required for an otlp exporter.", NotFromProject},
		{"ENDPOINT", "", "Collector URL; generic default http://localhost:4317 (grpc) or http://localhost:4318 (http, /v1/<signal> appended); per-signal used as is.", NotFromProject},
		{"HEADERS", "", "Static headers name=value,... (values percent-decoded); per-signal merged over generic.", NotFromProject},
		{"INSECURE", "false", "Truthy: no TLS (also implied by an http:// endpoint).", NotFromProject},
		{"COMPRESSION", "none", "gzip or none.", AnyFile},
		{"TIMEOUT", "10000", "Export timeout, milliseconds.", NotFromProject},
		{"CERTIFICATE", "", "CA certificate file (grpc; http when NODE_EXTRA_CA_CERTS is unset).", NotFromProject},
		{"CLIENT_CERTIFICATE", "", "Client certificate file (grpc mTLS); needs CLIENT_KEY.", NotFromProject},
		{"CLIENT_KEY", "", "Client key file (grpc mTLS); needs CLIENT_CERTIFICATE.", NotFromProject},
	}
	for _, k := range kinds {
		vs = append(vs, Variable{Name: otlpVar("", k.suffix), Default: k.def, Doc: k.doc, Files: k.files})
		for _, s := range allSignals {
			vs = append(vs, Variable{Name: otlpVar(s, k.suffix), Doc: "Per-signal " + k.suffix + " for " + string(s) + "; falls back to " + otlpVar("", k.suffix) + ".", Files: k.files})
		}
	}
	vs = append(vs, []Variable{
		{Name: "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", Default: "delta", Doc: "delta or cumulative (case-insensitive); lowmemory is read as delta."},
		{Name: "OTEL_METRIC_EXPORT_INTERVAL", Default: "60000", Doc: "Metrics export interval, milliseconds.", Files: NotFromProject},
		{Name: "OTEL_LOGS_EXPORT_INTERVAL", Default: "5000", Doc: "Events batch delay, milliseconds.", Files: NotFromProject},
		{Name: "OTEL_TRACES_EXPORT_INTERVAL", Default: "5000", Doc: "Spans batch delay, milliseconds.", Files: NotFromProject},
		{Name: "OTEL_TRACES_SAMPLER", Default: "parentbased_always_on", Doc: "Sampler: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio."},
		{Name: "OTEL_TRACES_SAMPLER_ARG", Default: "1", Doc: "Ratio of the traceidratio samplers, 0 to 1."},
		{Name: "OTEL_METRIC_EXPORT_TIMEOUT", Default: "30000", Doc: "Metrics export timeout, milliseconds.", Files: NotFromProject},
		{Name: "OTEL_BLRP_SCHEDULE_DELAY", Default: "5000", Doc: "Events batch delay, milliseconds, when OTEL_LOGS_EXPORT_INTERVAL is unset.", Files: NotFromProject},
		{Name: "OTEL_BLRP_MAX_QUEUE_SIZE", Default: "2048", Doc: "Events waiting for export (1 to 1000000); beyond it they are dropped and counted.", Files: NotFromProject},
		{Name: "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", Default: "512", Doc: "Events per export request (1 to OTEL_BLRP_MAX_QUEUE_SIZE).", Files: NotFromProject},
		{Name: "OTEL_BLRP_EXPORT_TIMEOUT", Default: "30000", Doc: "Events export timeout, milliseconds.", Files: NotFromProject},
		{Name: "OTEL_BSP_SCHEDULE_DELAY", Default: "5000", Doc: "Spans batch delay, milliseconds, when OTEL_TRACES_EXPORT_INTERVAL is unset.", Files: NotFromProject},
		{Name: "OTEL_BSP_MAX_QUEUE_SIZE", Default: "2048", Doc: "Spans waiting for export (1 to 1000000); beyond it they are dropped and counted.", Files: NotFromProject},
		{Name: "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", Default: "512", Doc: "Spans per export request (1 to OTEL_BSP_MAX_QUEUE_SIZE).", Files: NotFromProject},
		{Name: "OTEL_BSP_EXPORT_TIMEOUT", Default: "30000", Doc: "Spans export timeout, milliseconds.", Files: NotFromProject},
		{Name: "OTEL_SERVICE_NAME", Default: "claude-code", Doc: "service.name of the resource.", Files: NotFromProject},
		{Name: "OTEL_RESOURCE_ATTRIBUTES", Doc: "Resource attributes key=value,... (percent-decoded, order kept, quotes kept).", Files: NotFromProject},
		{Name: "OTEL_EXPORTER_PROMETHEUS_HOST", Doc: "Host the prometheus exporter listens on; empty: all interfaces.", Files: NotFromProject},
		{Name: "OTEL_EXPORTER_PROMETHEUS_PORT", Default: "9464", Doc: "Port of the prometheus exporter (0 to 65535).", Files: NotFromProject},

		{Name: "CLAUDE_CODE_CLIENT_CERT", Doc: "Client certificate file for http/protobuf and http/json; needs CLAUDE_CODE_CLIENT_KEY.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_CLIENT_KEY", Doc: "Client key file for http/protobuf and http/json; needs CLAUDE_CODE_CLIENT_CERT.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE", Doc: "Passphrase of CLAUDE_CODE_CLIENT_KEY.", Files: NotFromProject},
		{Name: "NODE_EXTRA_CA_CERTS", Doc: "CA certificate file for http/protobuf and http/json.", Files: NotFromProject},
		{Name: "HTTPS_PROXY", Doc: "Proxy for OTLP over HTTP (first set of HTTPS_PROXY, https_proxy, HTTP_PROXY, http_proxy).", Secret: true, Files: NotFromProject},
		{Name: "https_proxy", Doc: "As HTTPS_PROXY.", Secret: true, Files: NotFromProject},
		{Name: "HTTP_PROXY", Doc: "As HTTPS_PROXY, when neither HTTPS_PROXY nor https_proxy is set.", Secret: true, Files: NotFromProject},
		{Name: "http_proxy", Doc: "As HTTP_PROXY.", Secret: true, Files: NotFromProject},
		{Name: "NO_PROXY", Doc: "Hosts that bypass the proxy (or no_proxy).", Files: NotFromProject},
		{Name: "no_proxy", Doc: "As NO_PROXY.", Files: NotFromProject},

		{Name: "OTEL_METRICS_INCLUDE_SESSION_ID", Default: "true", Doc: "session.id on every metric, event and span."},
		{Name: "OTEL_METRICS_INCLUDE_VERSION", Default: "false", Doc: "app.version on every metric, event and span."},
		{Name: "OTEL_METRICS_INCLUDE_ACCOUNT_UUID", Default: "true", Doc: "user.account_uuid and user.account_id."},
		{Name: "OTEL_METRICS_INCLUDE_ENTRYPOINT", Default: "false", Doc: "app.entrypoint."},
		{Name: "OTEL_METRICS_INCLUDE_RESOURCE_ATTRIBUTES", Default: "true", Doc: "Copy OTEL_RESOURCE_ATTRIBUTES onto datapoints and events."},
		{Name: "OTEL_METRICS_INCLUDE_REPOSITORY", Default: "false", Doc: "Repository attributes."},
		{Name: "OTEL_RESOURCE_INCLUDE_HOST", Default: "false", Doc: "host.name on the resource."},

		{Name: "OTEL_LOG_USER_PROMPTS", Default: "false", Doc: "Log prompt text instead of <REDACTED>.", Files: OffOnlyFromProject},
		{Name: "OTEL_LOG_ASSISTANT_RESPONSES", Doc: "Log response text; unset: follows OTEL_LOG_USER_PROMPTS; falsy forces redaction.", Files: NotFromProject},
		{Name: "OTEL_LOG_TOOL_DETAILS", Default: "false", Doc: "Log tool parameters, names of MCP servers, skills, plugins.", Files: OffOnlyFromProject},
		{Name: "OTEL_LOG_TOOL_CONTENT", Default: "false", Doc: "tool.output span events with tool input and output.", Files: OffOnlyFromProject},
		{Name: "OTEL_LOG_RAW_API_BODIES", Doc: "Truthy: api_request_body/api_response_body events inline; file:<dir>: bodies written to dir.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH", Default: "61440", Doc: "Content limit in UTF-16 code units, marker included."},
		{Name: "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", Doc: "Lowers the content limit when smaller."},
		{Name: "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", Doc: "Lowers the content limit when smaller."},
		{Name: "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", Doc: "Lowers the content limit when smaller."},

		{Name: headersHelperKey, Doc: "Settings key: command printing a JSON object of headers (http protocols only).", SettingsKey: true, Files: NotFromProject},
		{Name: "CLAUDE_CODE_OTEL_HEADERS_HELPER_DEBOUNCE_MS", Default: "1740000", Doc: "Headers helper refresh interval, milliseconds.", Files: NotFromProject},

		{Name: "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA", Doc: "Traces beta switch; when set it decides, else ENABLE_ENHANCED_TELEMETRY_BETA.", Files: NotFromProject},
		{Name: "ENABLE_ENHANCED_TELEMETRY_BETA", Doc: "Alias of CLAUDE_CODE_ENHANCED_TELEMETRY_BETA.", Files: NotFromProject},
		{Name: "ENABLE_BETA_TRACING_DETAILED", Doc: "Detailed beta tracing; needs BETA_TRACING_ENDPOINT.", Files: NotFromProject},
		{Name: "BETA_TRACING_ENDPOINT", Doc: "Base URL of the detailed beta tracing pipeline.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_PROPAGATE_TRACEPARENT", Default: "false", Doc: "Send traceparent even through a custom ANTHROPIC_BASE_URL."},
		{Name: "TRACEPARENT", Doc: "Inbound W3C traceparent; an invalid one is ignored with a warning."},
		{Name: "TRACESTATE", Doc: "Inbound W3C tracestate; used only with a valid TRACEPARENT."},

		{Name: "CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", Default: "2000", Doc: "Exporter shutdown timeout, milliseconds.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS", Default: "5000", Doc: "Flush timeout, milliseconds.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_OTEL_DIAG_STDERR", Default: "false", Doc: "Write exporter errors to stderr."},
		{Name: "CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL", Default: "false", Doc: "Route feedback surveys to OTel."},
		{Name: "CLAUDE_CODE_MAX_RETRIES", Default: "10", Doc: "API retries (at most 15); sets the attempt numbers."},
		{Name: "CLAUDE_CODE_ACCOUNT_UUID", Doc: "user.account_uuid.", Files: NoFile},
		{Name: "CLAUDE_CODE_USER_EMAIL", Doc: "user.email.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_ORGANIZATION_UUID", Doc: "organization.id.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_ACCOUNT_TAGGED_ID", Doc: "Overrides the computed user.account_id.", Files: NotFromProject},
		{Name: "CLAUDE_CODE_WORKSPACE_HOST_PATHS", Doc: "|-separated paths: workspace.host_paths."},
		{Name: "CLAUDE_CODE_ENTRYPOINT", Doc: "app.entrypoint (cli, sdk-go, ...)."},
		{Name: "CLAUDE_CODE_USE_BEDROCK", Doc: "Truthy: anthropic.provider=bedrock."},
		{Name: "CLAUDE_CODE_USE_VERTEX", Doc: "Truthy: anthropic.provider=vertex (unless bedrock)."},
		{Name: "CLAUDE_CODE_USE_FOUNDRY", Doc: "Truthy: anthropic.provider=foundry (unless bedrock or vertex); none: firstParty."},
		{Name: "ANTHROPIC_BASE_URL", Doc: "A host other than api.anthropic.com: anthropic.custom_base_url=true."},

		// Not Claude Code's: the OpenTelemetry semantic conventions opt-in and
		// ccotel's own extensions. Unset, each keeps Claude Code's behaviour.
		{Name: "OTEL_SEMCONV_STABILITY_OPT_IN", Doc: "Comma list; gen_ai_latest_experimental adds the GenAI client histograms (ccotel extension)."},
		{Name: "CCOTEL_DELTA_CONTIGUOUS", Default: "false", Doc: "ccotel extension: with delta temporality, keep recently active series contiguous (zero points, chained start times)."},
		{Name: "CCOTEL_DELTA_CONTIGUOUS_TTL_MS", Default: "1800000", Doc: "ccotel extension: how long an idle series keeps getting zero points, milliseconds."},
		{Name: "CCOTEL_METRICS_ZERO_START", Default: "false", Doc: "ccotel extension: every counter series starts on the wire with a 0 point (its first value one export later), so increase() sees one-off series."},
		{Name: "CCOTEL_METRICS_CARDINALITY_LIMIT", Default: "2000", Doc: "ccotel extension: attribute sets kept per instrument and collection (1 to 1000000); the rest fold into otel.metric.overflow=true.", Files: NotFromProject},
		{Name: "CCOTEL_SERVICE_INSTANCE_ID", Default: "false", Doc: "ccotel extension: a per-process UUIDv4 service.instance.id on the resource."},
		{Name: "CCOTEL_METRICS_INCLUDE_SESSION_ID", Doc: "ccotel extension: session.id on metrics; unset: follows OTEL_METRICS_INCLUDE_SESSION_ID."},
		{Name: "CCOTEL_EVENTS_INCLUDE_SESSION_ID", Doc: "ccotel extension: session.id on events; unset: follows OTEL_METRICS_INCLUDE_SESSION_ID."},
	}...)
	for i := range vs {
		if secretName(vs[i].Name) {
			vs[i].Secret = true
		}
	}
	return vs
}

// variableIndex maps a name to its entry in Variables.
var variableIndex = func() map[string]Variable {
	m := make(map[string]Variable, len(Variables))
	for _, v := range Variables {
		m[v.Name] = v
	}
	return m
}()

// LookupVariable returns the table entry of a variable.
func LookupVariable(name string) (Variable, bool) {
	v, ok := variableIndex[name]
	return v, ok
}

// secretWords mark a variable name as secret wherever they appear in it.
var secretWords = []string{"HEADERS", "KEY", "TOKEN", "SECRET", "PASSWORD", "PASSPHRASE"}

// secretName reports whether a name looks like it holds a secret.
func secretName(name string) bool {
	upper := strings.ToUpper(name)
	for _, w := range secretWords {
		if strings.Contains(upper, w) {
			return true
		}
	}
	return false
}

// IsSecret reports whether the value of the named variable must never be
// printed: a variable of the table marked Secret, or any name containing
// HEADERS, KEY, TOKEN, SECRET, PASSWORD or PASSPHRASE.
func IsSecret(name string) bool {
	if v, ok := variableIndex[name]; ok && v.Secret {
		return true
	}
	return secretName(name)
}

// Masked is what a secret value is shown as.
const Masked = "****"

// Mask returns value as it may be printed for the named variable: Masked
// for a non-empty secret, the value with any URL credentials masked (see
// [MaskURL]) otherwise.
func Mask(name, value string) string {
	if value != "" && IsSecret(name) {
		return Masked
	}
	return MaskURL(value)
}
