package telemetry

import (
	"context"
	"io"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/pricing"
)

// Option configures Start. An option that stands for configuration
// variables (its doc names them) wins over the environment and settings
// files and never over managed settings: when managed settings set one of
// its variables, it is ignored and the error handler gets a config.Warning
// of kind config.WarningLocked. The config package documentation has the
// whole ladder.
type Option interface{ apply(*options) }

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// variableEdit is an option that stands for configuration variables.
type variableEdit struct {
	option    string // its name, for the warning when managed settings win
	variables []string
	apply     func(*config.Config, *options)
}

// withVariables returns an option standing for variables. Start applies it
// to the loaded (or given) configuration through config.Config.Override,
// which enforces the precedence.
func withVariables(option string, apply func(*config.Config, *options), variables ...string) Option {
	return optionFunc(func(o *options) {
		o.edits = append(o.edits, variableEdit{option: "telemetry." + option, variables: variables, apply: apply})
	})
}

// applyEdits applies the options standing for variables to cfg.
func (o *options) applyEdits(cfg *config.Config) {
	for _, e := range o.edits {
		cfg.Override(e.option, func(c *config.Config) { e.apply(c, o) }, e.variables...)
	}
}

// Redactor is the host's last word on an event, span or metric attribute,
// called after ccotel's own privacy rules and before any exporter. name is the
// event name without its claude_code. prefix, the metric name or the span name.
// Returning keep=false drops the attribute.
type Redactor func(name, key string, v attribute.Value) (out attribute.Value, keep bool)

type options struct {
	config         *config.Config
	loadOptions    []config.LoadOption
	serviceVersion string
	userID         string
	repositoryDir  string
	errorHandler   func(error)
	redactor       Redactor
	headersFunc    func(context.Context) (map[string]string, error)
	stdout         io.Writer
	global         bool
	now            func() time.Time
	readers        []sdkmetric.Reader
	logProcessors  []sdklog.Processor
	spanProcessors []sdktrace.SpanProcessor
	prices         *pricing.Table
	edits          []variableEdit // options standing for variables
	buffer         *Buffer        // buffer.go
	tools          toolKinds      // tool.go
}

// WithConfig uses cfg as the configuration instead of loading it: the host
// passes its configuration whole, and Start reads no environment variable
// and no settings file, managed settings included. The options standing for
// variables still apply to cfg, except where cfg.Provenance says managed
// settings set the variable (a hand-built Config has none). By default,
// Start calls config.Load with the options of WithLoadOptions.
func WithConfig(cfg config.Config) Option {
	return optionFunc(func(o *options) { o.config = &cfg })
}

// WithLoadOptions passes options to config.Load, for example the host's own
// settings files. By default, config.Load reads the process environment and
// the managed settings files.
func WithLoadOptions(opts ...config.LoadOption) Option {
	return optionFunc(func(o *options) { o.loadOptions = append(o.loadOptions, opts...) })
}

// WithServiceName sets service.name, standing for OTEL_SERVICE_NAME. By
// default, it is OTEL_SERVICE_NAME, else the service.name pair of
// OTEL_RESOURCE_ATTRIBUTES, else "claude-code", so that dashboards filtering
// on Claude Code's service name keep working.
func WithServiceName(name string) Option {
	return withVariables("WithServiceName", func(c *config.Config, _ *options) { c.ServiceName = name }, "OTEL_SERVICE_NAME")
}

// WithServiceVersion sets the host program's version: service.version, the
// meter and logger scope versions, and app.version. By default, it is the main
// module's version from the build information, or "0.0.0" when unknown.
func WithServiceVersion(version string) Option {
	return optionFunc(func(o *options) { o.serviceVersion = version })
}

// WithUserID sets user.id, which should be 64 lowercase hex characters and
// stable per installation. By default, it is derived from the machine id and
// the OS user, so it is stable without writing any file.
func WithUserID(id string) Option {
	return optionFunc(func(o *options) { o.userID = id })
}

// WithEntrypoint sets app.entrypoint (sent only with
// OTEL_METRICS_INCLUDE_ENTRYPOINT), standing for CLAUDE_CODE_ENTRYPOINT. By
// default, it is CLAUDE_CODE_ENTRYPOINT, else "cli".
func WithEntrypoint(entrypoint string) Option {
	return withVariables("WithEntrypoint", func(c *config.Config, _ *options) { c.Identity.Entrypoint = entrypoint },
		"CLAUDE_CODE_ENTRYPOINT")
}

// WithProvider sets anthropic.provider ("firstParty", "bedrock", "vertex",
// "foundry"), standing for CLAUDE_CODE_USE_BEDROCK, CLAUDE_CODE_USE_VERTEX
// and CLAUDE_CODE_USE_FOUNDRY. By default, it follows those variables, else
// it is "firstParty".
func WithProvider(provider string) Option {
	return withVariables("WithProvider", func(c *config.Config, _ *options) { c.Identity.Provider = provider },
		"CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX", "CLAUDE_CODE_USE_FOUNDRY")
}

// WithCustomBaseURL sets anthropic.custom_base_url, standing for
// ANTHROPIC_BASE_URL. By default, it is true when ANTHROPIC_BASE_URL names a
// host other than api.anthropic.com.
func WithCustomBaseURL(custom bool) Option {
	return withVariables("WithCustomBaseURL", func(c *config.Config, _ *options) { c.Identity.CustomBaseURL = custom },
		"ANTHROPIC_BASE_URL")
}

// WithTerminalType sets terminal.type. By default, it is detected from the
// environment as Claude Code does (TERM_PROGRAM, multiplexers, TERM); those
// variables describe the process, so no settings file sets them and this
// option always applies.
func WithTerminalType(terminal string) Option {
	return withVariables("WithTerminalType", func(c *config.Config, _ *options) { c.Identity.TerminalType = terminal })
}

// WithRepositoryDir names the working directory whose git origin becomes the
// vcs.* attributes under OTEL_METRICS_INCLUDE_REPOSITORY. By default, it is the
// process's working directory.
func WithRepositoryDir(dir string) Option {
	return optionFunc(func(o *options) { o.repositoryDir = dir })
}

// WithErrorHandler receives every background problem. Emit calls never
// return errors. Reports of lost telemetry (failed exports, full queues,
// metric overflow) match ErrLost, and a failed OTLP export is an
// *ExportError; a model without a price is a *pricing.UnknownModelError,
// reported once per model; configuration warnings are config.Warning
// values; a failing headers helper is reported too. By default, problems are
// dropped, or written to stderr when CLAUDE_CODE_OTEL_DIAG_STDERR is set.
func WithErrorHandler(handle func(error)) Option {
	return optionFunc(func(o *options) { o.errorHandler = handle })
}

// WithRedactor installs the host's own redaction, run after ccotel's privacy
// rules and before any exporter. By default, there is none.
func WithRedactor(r Redactor) Option {
	return optionFunc(func(o *options) { o.redactor = r })
}

// WithHeadersFunc supplies OTLP headers from Go code, refreshed like the
// otelHeadersHelper setting and overriding static headers, for gRPC and HTTP
// alike. It stands for otelHeadersHelper and the OTLP headers variables:
// when managed settings set any of them, the managed headers are sent and f
// is never called. By default, the otelHeadersHelper command is used when
// configured.
func WithHeadersFunc(f func(context.Context) (map[string]string, error)) Option {
	return withVariables("WithHeadersFunc", func(_ *config.Config, o *options) { o.headersFunc = f },
		"otelHeadersHelper", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_HEADERS",
		"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS")
}

// WithConsoleWriter sets where the console exporters write. By default, they
// write to standard output, as Claude Code's do.
func WithConsoleWriter(w io.Writer) Option {
	return optionFunc(func(o *options) { o.stdout = w })
}

// WithGlobal installs the providers as the OpenTelemetry globals and routes
// the global error handler to ccotel's, before the providers are built so
// that what the SDK finds wrong in the process environment while building
// them reaches ccotel's handler rather than stderr. By default, no global
// state is touched.
func WithGlobal() Option {
	return optionFunc(func(o *options) { o.global = true })
}

// WithClock sets the clock of event timestamps. By default, it is time.Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(o *options) { o.now = now })
}

// WithMetricReader adds a reader besides the configured exporters, for tests
// (sdkmetric.NewManualReader) or an exporter ccotel does not configure itself.
// Readers added this way are used even when telemetry is disabled by the
// environment. By default, there is none.
func WithMetricReader(r sdkmetric.Reader) Option {
	return optionFunc(func(o *options) { o.readers = append(o.readers, r) })
}

// WithLogProcessor adds a log processor besides the configured exporters, as
// WithMetricReader does for metrics. By default, there is none.
//
// With only the SDK's batch and simple processors (which export records and
// change none), ccotel's provider leaves out the SDK's key de-duplication,
// about two thirds of an event's cost, as ccotel builds unique keys itself.
// Any other processor may change the records it is handed, so with one the
// SDK's de-duplication stays on and every processor sees what it would see
// on a provider with the SDK's defaults.
func WithLogProcessor(p sdklog.Processor) Option {
	return optionFunc(func(o *options) { o.logProcessors = append(o.logProcessors, p) })
}

// WithSpanProcessor adds a span processor besides the configured exporters.
// Spans are produced only when the traces beta is on or a processor is added.
// By default, there is none.
func WithSpanProcessor(p sdktrace.SpanProcessor) Option {
	return optionFunc(func(o *options) { o.spanProcessors = append(o.spanProcessors, p) })
}

// WithPrices sets the price table used when a recorded API response has no
// cost of its own. By default, it is pricing.Default(), the embedded table.
func WithPrices(t *pricing.Table) Option {
	return optionFunc(func(o *options) { o.prices = t })
}
