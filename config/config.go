package config

import "time"

// Exporter names one exporter of OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER or
// OTEL_TRACES_EXPORTER. The value "none" never appears in a loaded Config.
type Exporter string

// The exporters Claude Code accepts.
const (
	ExporterOTLP       Exporter = "otlp"
	ExporterConsole    Exporter = "console"
	ExporterPrometheus Exporter = "prometheus" // metrics only
)

// Protocol is an OTLP transport, as in OTEL_EXPORTER_OTLP_PROTOCOL.
type Protocol string

// The OTLP protocols. Claude Code has no default protocol, and neither has ccotel.
const (
	ProtocolGRPC         Protocol = "grpc"
	ProtocolHTTPProtobuf Protocol = "http/protobuf"
	ProtocolHTTPJSON     Protocol = "http/json"
)

// Temporality is the aggregation temporality of the OTLP metrics exporter.
type Temporality string

// The temporalities. Delta is the default, as in Claude Code.
const (
	TemporalityDelta      Temporality = "delta"
	TemporalityCumulative Temporality = "cumulative"
)

// Signal names one of the three OpenTelemetry signals.
type Signal string

// The signals.
const (
	SignalMetrics Signal = "metrics"
	SignalLogs    Signal = "logs"
	SignalTraces  Signal = "traces"
)

// Config is the effective telemetry configuration: the environment, the
// settings files' env blocks and the defaults, merged and validated. It holds
// plain data only, so it can be built by hand, compared and printed.
type Config struct {
	// Enabled is CLAUDE_CODE_ENABLE_TELEMETRY. When false nothing is exported
	// and no other field needs to be valid.
	Enabled bool

	Metrics MetricsConfig
	Logs    LogsConfig
	Traces  TracesConfig

	// ServiceName is OTEL_SERVICE_NAME; empty means "claude-code" (or the
	// service.name pair of ResourceAttributes).
	ServiceName string
	// ResourceAttributes are the OTEL_RESOURCE_ATTRIBUTES pairs, in order.
	ResourceAttributes []Attribute

	Include  Include
	Content  Content
	Identity Identity
	// Extensions are ccotel's opt-in additions; the zero value is Claude
	// Code's behaviour.
	Extensions Extensions

	// HeadersHelper is the otelHeadersHelper settings key: an executable or a
	// shell command line printing a JSON object of headers.
	HeadersHelper Secret
	// HeadersHelperDebounce is CLAUDE_CODE_OTEL_HEADERS_HELPER_DEBOUNCE_MS.
	HeadersHelperDebounce time.Duration

	// ShutdownTimeout is CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS (2s).
	ShutdownTimeout time.Duration
	// FlushTimeout is CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS (5s).
	FlushTimeout time.Duration
	// DiagStderr is CLAUDE_CODE_OTEL_DIAG_STDERR: background errors go to stderr.
	DiagStderr bool
	// FeedbackSurveyForOTel is CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL.
	FeedbackSurveyForOTel bool
	// MaxRetries is CLAUDE_CODE_MAX_RETRIES (10, at most 15).
	MaxRetries int

	// Provenance tells, for each variable that was read, where its value
	// came from. Keys are variable names.
	Provenance map[string]Source
	// SettingsFiles lists the settings files that were read, managed first.
	SettingsFiles []string

	// ProvenanceFiles names, for each variable whose value came from a
	// settings file, that file.
	ProvenanceFiles map[string]string
	// Values holds the effective text of every variable that was set, before
	// parsing, masked as [Mask] does: secret values are Masked and URLs'
	// credentials too.
	Values map[string]string
	// Secrets holds the raw value of every secret variable that was set
	// (see [IsSecret]); each prints as Masked.
	Secrets map[string]Secret
	// Warnings are things Load ignored or suspects without failing: values
	// removed by the managed lock (Kind WarningLocked, with the managed
	// variable that locks them), variables dropped from settings files, an
	// invalid inbound TRACEPARENT, environment variables that look like
	// ccotel's but are not, and, when telemetry is off, the problems that
	// would otherwise have been errors. telemetry.Start hands each to the
	// error handler.
	Warnings []Warning
}

// MetricsConfig is the metrics pipeline.
type MetricsConfig struct {
	// Exporters is OTEL_METRICS_EXPORTER without "none" and duplicates.
	Exporters []Exporter
	// OTLP is used when Exporters holds ExporterOTLP.
	OTLP OTLP
	// Interval is OTEL_METRIC_EXPORT_INTERVAL (60s).
	Interval time.Duration
	// Temporality is OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (delta).
	Temporality Temporality
	// Prometheus is where the prometheus exporter serves /metrics.
	Prometheus Prometheus
	// ExportTimeout is OTEL_METRIC_EXPORT_TIMEOUT (30s).
	ExportTimeout time.Duration
	// CardinalityLimit is CCOTEL_METRICS_CARDINALITY_LIMIT (2000): attribute
	// sets kept per instrument and collection. There is no "no limit": the
	// memory of a cumulative series lives as long as the process.
	CardinalityLimit int
}

// Batch is a batch processor's queue: OTEL_BLRP_* for events, OTEL_BSP_*
// for spans.
type Batch struct {
	// MaxQueueSize is *_MAX_QUEUE_SIZE (2048). Records beyond it are dropped
	// and counted.
	MaxQueueSize int
	// MaxExportBatchSize is *_MAX_EXPORT_BATCH_SIZE (512), at most MaxQueueSize.
	MaxExportBatchSize int
	// ExportTimeout is *_EXPORT_TIMEOUT (30s).
	ExportTimeout time.Duration
}

// LogsConfig is the events pipeline.
type LogsConfig struct {
	Exporters []Exporter
	OTLP      OTLP
	// Interval is OTEL_LOGS_EXPORT_INTERVAL, else OTEL_BLRP_SCHEDULE_DELAY
	// (5s): the batch delay.
	Interval time.Duration
	Batch    Batch
	// AttributeValueLengthLimit is OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT,
	// else OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: the SDK cuts longer event
	// attribute values to it, as OTel JS does for Claude Code. 0 means no
	// limit.
	AttributeValueLengthLimit int
}

// TracesConfig is the beta traces pipeline.
type TracesConfig struct {
	// Beta is CLAUDE_CODE_ENHANCED_TELEMETRY_BETA or ENABLE_ENHANCED_TELEMETRY_BETA.
	// Without it no tracer provider is built, whatever Exporters says.
	Beta      bool
	Exporters []Exporter
	OTLP      OTLP
	// Interval is OTEL_TRACES_EXPORT_INTERVAL, else OTEL_BSP_SCHEDULE_DELAY
	// (5s): the batch delay.
	Interval time.Duration
	Batch    Batch
	// Detailed is ENABLE_BETA_TRACING_DETAILED with BETA_TRACING_ENDPOINT.
	Detailed         bool
	DetailedEndpoint string
	// PropagateTraceparent is CLAUDE_CODE_PROPAGATE_TRACEPARENT.
	PropagateTraceparent bool
	// Sampler is OTEL_TRACES_SAMPLER; empty means
	// SamplerParentBasedAlwaysOn, the default.
	Sampler Sampler
	// SamplerRatio is OTEL_TRACES_SAMPLER_ARG, in [0, 1] (1): the share of
	// traces the traceidratio samplers keep. Other samplers ignore it.
	SamplerRatio float64
	// AttributeValueLengthLimit is OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
	// else OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: the SDK cuts longer span
	// attribute values to it, as OTel JS does for Claude Code. 0 means no
	// limit.
	AttributeValueLengthLimit int
	// Traceparent and Tracestate are the inbound TRACEPARENT and TRACESTATE.
	Traceparent string
	Tracestate  string
}

// OTLP is the resolved OTLP exporter of one signal: generic and per-signal
// variables already merged.
type OTLP struct {
	Protocol Protocol
	// Endpoint is the full URL to send to. For HTTP it includes the path
	// (/v1/metrics, /v1/logs or /v1/traces appended to a generic endpoint;
	// a per-signal endpoint as given). For gRPC only scheme, host and port count.
	Endpoint string
	// Headers are the static headers: generic merged with per-signal, in order.
	Headers []Header
	// Insecure is true for an http:// endpoint or OTEL_EXPORTER_OTLP_*INSECURE.
	Insecure bool
	// Compression is "gzip" or "" (OTEL_EXPORTER_OTLP_*COMPRESSION).
	Compression string
	// Timeout is OTEL_EXPORTER_OTLP_*TIMEOUT (10s).
	Timeout time.Duration
	TLS     TLS
}

// TLS holds the certificate files of an OTLP exporter. For gRPC they come from
// OTEL_EXPORTER_OTLP_*CERTIFICATE, *CLIENT_CERTIFICATE and *CLIENT_KEY; for
// HTTP from CLAUDE_CODE_CLIENT_CERT, CLAUDE_CODE_CLIENT_KEY and
// CLAUDE_CODE_CLIENT_KEY_PASSPHRASE, with the CA from NODE_EXTRA_CA_CERTS or
// OTEL_EXPORTER_OTLP_*CERTIFICATE.
type TLS struct {
	CAFile        string
	CertFile      string
	KeyFile       string
	KeyPassphrase Secret
	ProxyURL      Secret // HTTPS_PROXY or HTTP_PROXY, HTTP protocols only
	NoProxy       string // NO_PROXY
}

// Header is one static header.
type Header struct {
	Name  string
	Value Secret
}

// Attribute is one OTEL_RESOURCE_ATTRIBUTES pair.
type Attribute struct {
	Key   string
	Value string
}

// Prometheus is OTEL_EXPORTER_PROMETHEUS_HOST and _PORT.
type Prometheus struct {
	Host string // "" means all interfaces
	Port int    // 9464
}

// Include holds the cardinality toggles. Despite their METRICS_ prefix they
// apply to every signal, as in Claude Code.
type Include struct {
	SessionID          bool // OTEL_METRICS_INCLUDE_SESSION_ID (true)
	Version            bool // OTEL_METRICS_INCLUDE_VERSION (false)
	AccountUUID        bool // OTEL_METRICS_INCLUDE_ACCOUNT_UUID (true)
	Entrypoint         bool // OTEL_METRICS_INCLUDE_ENTRYPOINT (false)
	ResourceAttributes bool // OTEL_METRICS_INCLUDE_RESOURCE_ATTRIBUTES (true)
	Repository         bool // OTEL_METRICS_INCLUDE_REPOSITORY (false)
	Host               bool // OTEL_RESOURCE_INCLUDE_HOST (false)

	// MetricsSessionID and EventsSessionID override SessionID for one
	// signal (CCOTEL_METRICS_INCLUDE_SESSION_ID,
	// CCOTEL_EVENTS_INCLUDE_SESSION_ID, ccotel extensions); nil follows
	// SessionID. See [Include.SessionIDOn].
	MetricsSessionID *bool
	EventsSessionID  *bool
}

// Content holds the privacy flags and the content length limit.
type Content struct {
	UserPrompts        bool // OTEL_LOG_USER_PROMPTS
	AssistantResponses bool // OTEL_LOG_ASSISTANT_RESPONSES, falling back to UserPrompts
	ToolDetails        bool // OTEL_LOG_TOOL_DETAILS
	ToolContent        bool // OTEL_LOG_TOOL_CONTENT
	// RawAPIBodies is OTEL_LOG_RAW_API_BODIES: off, inline ("1") or to files ("file:<dir>").
	RawAPIBodies RawAPIBodies
	// MaxLength is CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH (61440 UTF-16 code
	// units, marker included), lowered by the smallest of the
	// OTEL_*ATTRIBUTE_VALUE_LENGTH_LIMIT variables that are set.
	MaxLength int
}

// RawAPIBodies is the mode of OTEL_LOG_RAW_API_BODIES.
type RawAPIBodies struct {
	Enabled bool
	// Dir is set in file mode ("file:<dir>"): bodies are written there whole and
	// the events carry body_ref instead of body.
	Dir string
}

// Identity is what the host knows of its user, from
// CLAUDE_CODE_ACCOUNT_UUID, CLAUDE_CODE_USER_EMAIL,
// CLAUDE_CODE_ORGANIZATION_UUID, CLAUDE_CODE_ACCOUNT_TAGGED_ID,
// CLAUDE_CODE_WORKSPACE_HOST_PATHS and CLAUDE_CODE_ENTRYPOINT, and what
// Claude Code detects of its provider and terminal.
type Identity struct {
	AccountUUID        string
	UserEmail          string
	OrganizationID     string
	AccountTaggedID    string
	WorkspaceHostPaths []string
	Entrypoint         string

	// Provider is anthropic.provider: bedrock, vertex or foundry when
	// CLAUDE_CODE_USE_BEDROCK, _VERTEX or _FOUNDRY is truthy (tested in that
	// order), else firstParty. Empty in a hand-built Config means firstParty.
	Provider string
	// CustomBaseURL is anthropic.custom_base_url: ANTHROPIC_BASE_URL names a
	// host other than api.anthropic.com.
	CustomBaseURL bool
	// TerminalType is terminal.type, detected as Claude Code does from
	// environment variables that are not telemetry settings (the editors'
	// markers, TERM_PROGRAM, multiplexers and emulators, TERM); they are read
	// from the environment only. Empty in a hand-built Config means
	// "non-interactive".
	TerminalType string
}

// Sampler is an OTEL_TRACES_SAMPLER value: the samplers the OpenTelemetry
// specification names that OTel JS (Claude Code's SDK) and the Go SDK both
// build from the environment.
type Sampler string

// The samplers.
const (
	SamplerAlwaysOn                Sampler = "always_on"
	SamplerAlwaysOff               Sampler = "always_off"
	SamplerTraceIDRatio            Sampler = "traceidratio"
	SamplerParentBasedAlwaysOn     Sampler = "parentbased_always_on"
	SamplerParentBasedAlwaysOff    Sampler = "parentbased_always_off"
	SamplerParentBasedTraceIDRatio Sampler = "parentbased_traceidratio"
)

// Source tells where a variable's value came from.
type Source string

// The sources. Precedence, strongest first: managed settings, options
// (SourceOption, WithVariable), settings files, the environment, defaults;
// see the package documentation.
const (
	SourceManaged     Source = "managed settings"
	SourceEnvironment Source = "environment"
	SourceSettings    Source = "settings file"
	SourceDefault     Source = "default"
	// SourceProcess marks a Problem with a value of the process environment
	// that the OpenTelemetry Go SDK reads by itself (see the package
	// documentation, "The process environment"), when ccotel's own source
	// is another one (WithEnviron, WithGetenv) or ccotel accepts the value
	// and the SDK does not.
	SourceProcess Source = "process environment, read by the OpenTelemetry Go SDK"
)
