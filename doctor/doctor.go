package doctor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/exporter"
	"github.com/ccotel/ccotel/internal/headers"
)

// Scope is the instrumentation scope, and the metric, log body and span name,
// of the test exports.
const Scope = "ccotel.doctor.check"

// DefaultTimeout bounds one test export.
const DefaultTimeout = 15 * time.Second

// Option configures Check.
type Option interface{ apply(*options) }

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

type options struct {
	loadOptions []config.LoadOption
	managed     string
	config      *config.Config
	timeout     time.Duration
	headersFunc func(context.Context) (map[string]string, error)
	noExports   bool
}

// WithLoadOptions passes options to config.Load, as telemetry.WithLoadOptions
// does: give the doctor the settings files the host gives telemetry.Start.
//
// By default, config.Load reads the process environment and the managed
// settings files only.
func WithLoadOptions(opts ...config.LoadOption) Option {
	return optionFunc(func(o *options) { o.loadOptions = append(o.loadOptions, opts...) })
}

// WithManagedPreview loads the configuration as if path (and the drop-ins of
// the managed-settings.d directory next to it) were the platform's managed
// settings file, so an administrator can preview a managed file before
// installing it, without root. It changes this check only: there is no
// variable that relocates the real managed file, which would let a user
// escape the administrator's lock.
//
// By default, the platform's managed settings file is read.
func WithManagedPreview(path string) Option {
	return optionFunc(func(o *options) { o.managed = path })
}

// WithConfig checks cfg instead of loading the configuration. By default,
// the configuration is loaded with config.Load and the options of
// WithLoadOptions.
func WithConfig(cfg config.Config) Option {
	return optionFunc(func(o *options) { o.config = &cfg })
}

// WithTimeout bounds each test export. By default, it is DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return optionFunc(func(o *options) { o.timeout = d })
}

// WithHeadersFunc supplies dynamic headers as telemetry.WithHeadersFunc does.
// By default, the otelHeadersHelper command is run once.
func WithHeadersFunc(f func(context.Context) (map[string]string, error)) Option {
	return optionFunc(func(o *options) { o.headersFunc = f })
}

// WithoutExports describes the configuration without sending anything. By
// default, Check test-exports to every configured endpoint.
func WithoutExports() Option {
	return optionFunc(func(o *options) { o.noExports = true })
}

// Status is the outcome of one check.
type Status string

// The statuses.
const (
	StatusOK      Status = "ok"
	StatusFailed  Status = "failed"
	StatusSkipped Status = "skipped"
)

// Report is what Check found. It holds no secret: print it or marshal it
// as JSON freely.
type Report struct {
	// Enabled is CLAUDE_CODE_ENABLE_TELEMETRY: when false nothing is exported
	// and nothing is checked.
	Enabled bool `json:"enabled"`
	// ConfigError is config.Load's error (every variable at fault), masked.
	ConfigError string `json:"config_error,omitempty"`
	// Settings are the variables that matter: every one that is set, and
	// the main switches with their defaults.
	Settings []Setting `json:"settings"`
	// Redaction says what is left out of events and metrics, and why.
	Redaction []Redaction `json:"redaction,omitempty"`
	// Exporters are the configured exporters, per signal, with their checks.
	Exporters []Exporter `json:"exporters,omitempty"`
	// HeadersHelper is the check of otelHeadersHelper, when configured.
	HeadersHelper *Result `json:"headers_helper,omitempty"`
	// Mistakes are variables of the environment that look like ccotel's
	// but are not (a typo, a wrong case), each saying which variable was
	// probably meant. They fail the report: the setting meant is not in
	// effect.
	Mistakes []string `json:"mistakes,omitempty"`
	// Ignored are the values the managed lock removed and those a project
	// settings file may not set, and why.
	Ignored []Ignored `json:"ignored,omitempty"`
	// TLSFiles are the checks of the certificate and key files of each OTLP
	// exporter: they exist, parse, and the key (decrypted with its
	// passphrase) matches the certificate. A failure fails the report.
	TLSFiles []Result `json:"tls_files,omitempty"`
	// Warnings are config.Load's other warnings.
	Warnings []string `json:"warnings,omitempty"`
	// ManagedPreview is the file read as the managed settings file
	// (WithManagedPreview), when it was not the platform's.
	ManagedPreview string `json:"managed_preview,omitempty"`
}

// Ignored is one value the managed lock removed, or that a project settings
// file may not set.
type Ignored struct {
	Variable string        `json:"variable"`
	Source   config.Source `json:"source"`
	File     string        `json:"file,omitempty"`
	// Because is the managed variable that locks Variable; "" for a value
	// a project settings file may not set.
	Because string `json:"because"`
	// Why is the whole explanation.
	Why string `json:"why"`
}

// Setting is one variable: its value (masked when secret), and where it came
// from.
type Setting struct {
	Variable string        `json:"variable"`
	Value    string        `json:"value"`
	Source   config.Source `json:"source"`
	File     string        `json:"file,omitempty"`
}

// Redaction is one privacy switch and its effect.
type Redaction struct {
	Variable string `json:"variable"`
	On       bool   `json:"on"`
	Effect   string `json:"effect"`
}

// Exporter is one exporter of one signal.
type Exporter struct {
	Signal   config.Signal   `json:"signal"`
	Kind     config.Exporter `json:"kind"`
	Protocol string          `json:"protocol,omitempty"`
	// Endpoint is the URL (userinfo and query removed) or, for prometheus,
	// the listen address.
	Endpoint string `json:"endpoint,omitempty"`
	// TLS describes the transport security: "none (plain text)", or the CA,
	// client certificate and proxy in use.
	TLS string `json:"tls,omitempty"`
	// Headers are the names of the static headers; values are never shown.
	Headers     []string `json:"headers,omitempty"`
	Compression string   `json:"compression,omitempty"`
	Timeout     string   `json:"timeout,omitempty"`
	Check       Result   `json:"check"`
}

// Result is the outcome of one check: a one-line summary, the error as the
// exporter gave it (secrets scrubbed) and a hint naming the likely fix.
type Result struct {
	Status   Status        `json:"status"`
	Summary  string        `json:"summary"`
	Error    string        `json:"error,omitempty"`
	Hint     string        `json:"hint,omitempty"`
	Duration time.Duration `json:"duration_ns,omitempty"`
}

// Failed reports whether the configuration is invalid or a check failed.
func (r Report) Failed() bool {
	if r.ConfigError != "" || len(r.Mistakes) > 0 || (r.HeadersHelper != nil && r.HeadersHelper.Status == StatusFailed) {
		return true
	}
	for _, f := range r.TLSFiles {
		if f.Status == StatusFailed {
			return true
		}
	}
	for _, e := range r.Exporters {
		if e.Check.Status == StatusFailed {
			return true
		}
	}
	return false
}

// Check loads the configuration as telemetry.Start would, describes it and,
// unless WithoutExports, tries every OTLP exporter and Prometheus port.
func Check(ctx context.Context, opts ...Option) Report {
	o := options{timeout: DefaultTimeout}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	var cfg config.Config
	var loadErr error
	if o.config != nil {
		cfg = *o.config
	} else {
		opts := o.loadOptions
		if o.managed != "" {
			opts = append(append([]config.LoadOption(nil), opts...), config.WithManagedSettingsPath(o.managed))
		}
		cfg, loadErr = config.Load(opts...)
	}
	sc := newScrubber(cfg)
	r := Report{Enabled: cfg.Enabled, Settings: settings(cfg), ManagedPreview: o.managed}
	for _, w := range cfg.Warnings {
		switch w.Kind {
		case config.WarningUnknownVariable:
			r.Mistakes = append(r.Mistakes, w.Message)
		case config.WarningLocked, config.WarningProject:
			r.Ignored = append(r.Ignored, Ignored{Variable: w.Variable, Source: w.Source, File: w.File, Because: w.Because, Why: w.Message})
		default:
			r.Warnings = append(r.Warnings, w.Message)
		}
	}
	if loadErr != nil {
		r.ConfigError = loadErr.Error() // config masks secret values itself
	}
	if !cfg.Enabled {
		return sc.report(r)
	}
	r.Redaction = redaction(cfg)
	r.Exporters = exporters(cfg)
	r.TLSFiles = tlsFiles(ctx, cfg)
	if loadErr != nil || o.noExports {
		for i := range r.Exporters {
			r.Exporters[i].Check = Result{Status: StatusSkipped, Summary: "not tried: " + map[bool]string{true: "the configuration has errors", false: "WithoutExports"}[loadErr != nil]}
		}
		return sc.report(r)
	}

	dyn := o.headersFunc
	if dyn == nil && cfg.HeadersHelper != "" && usesOTLP(cfg) {
		res, h := runHelper(ctx, cfg.HeadersHelper.Reveal(), o.timeout)
		r.HeadersHelper = &res
		sc.addMap(h)
		dyn = func(context.Context) (map[string]string, error) { return h, nil }
	} else if dyn != nil {
		f := dyn
		dyn = func(ctx context.Context) (map[string]string, error) {
			h, err := f(ctx)
			sc.addMap(h)
			return h, err
		}
	}
	for i := range r.Exporters {
		e := &r.Exporters[i]
		switch e.Kind {
		case config.ExporterOTLP:
			e.Check = tryOTLP(ctx, cfg, e.Signal, dyn, o.timeout)
		case config.ExporterPrometheus:
			e.Check = tryPrometheus(cfg.Metrics.Prometheus)
		default:
			e.Check = Result{Status: StatusSkipped, Summary: "writes to standard output; nothing to try"}
		}
	}
	return sc.report(r)
}

// mainVariables are always listed, set or not.
var mainVariables = []string{
	"CLAUDE_CODE_ENABLE_TELEMETRY", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER", "OTEL_TRACES_EXPORTER",
	"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_METRIC_EXPORT_INTERVAL",
	"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA",
}

func settings(cfg config.Config) []Setting {
	var out []Setting
	for _, s := range cfg.Describe() {
		if s.Source == config.SourceDefault && !slices.Contains(mainVariables, s.Variable) {
			continue
		}
		if _, set := cfg.Values[s.Variable]; !set {
			s.Source = config.SourceDefault
		}
		out = append(out, Setting{Variable: s.Variable, Value: s.Value, Source: s.Source, File: s.File})
	}
	return out
}

func redaction(cfg config.Config) []Redaction {
	c := cfg.Content
	eff := func(on bool, yes, no string) string {
		if on {
			return yes
		}
		return no
	}
	raw := "off: no api_request_body / api_response_body events"
	if c.RawAPIBodies.Enabled {
		raw = "on: request and response bodies are sent inline"
		if c.RawAPIBodies.Dir != "" {
			raw = "on: bodies are written to " + c.RawAPIBodies.Dir + " and events carry body_ref"
		}
	}
	return []Redaction{
		{"OTEL_LOG_USER_PROMPTS", c.UserPrompts, eff(c.UserPrompts, "on: prompt text is sent", "off: prompt text is sent as <REDACTED> (only its length is kept)")},
		{"OTEL_LOG_ASSISTANT_RESPONSES", c.AssistantResponses, eff(c.AssistantResponses, "on: response text is sent", "off: assistant_response text is redacted")},
		{"OTEL_LOG_TOOL_DETAILS", c.ToolDetails, eff(c.ToolDetails, "on: tool parameters and MCP, skill, plugin and agent names are sent", "off: tool parameters are left out; user-defined names become custom / third-party")},
		{"OTEL_LOG_TOOL_CONTENT", c.ToolContent, eff(c.ToolContent, "on: tool input and output on tool.output span events (traces beta)", "off: no tool input or output on spans")},
		{"OTEL_LOG_RAW_API_BODIES", c.RawAPIBodies.Enabled, raw},
		{"CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH", true, fmt.Sprintf("content longer than %d UTF-16 code units is truncated", c.MaxLength)},
	}
}

func usesOTLP(cfg config.Config) bool {
	return slices.Contains(cfg.Metrics.Exporters, config.ExporterOTLP) || slices.Contains(cfg.Logs.Exporters, config.ExporterOTLP) ||
		(cfg.Traces.Beta && slices.Contains(cfg.Traces.Exporters, config.ExporterOTLP))
}

func exporters(cfg config.Config) []Exporter {
	var out []Exporter
	add := func(sig config.Signal, list []config.Exporter, o config.OTLP) {
		for _, k := range list {
			e := Exporter{Signal: sig, Kind: k}
			switch k {
			case config.ExporterOTLP:
				e.Protocol, e.Endpoint, e.TLS = string(o.Protocol), config.MaskURL(o.Endpoint), describeTLS(o)
				for _, h := range o.Headers {
					e.Headers = append(e.Headers, h.Name)
				}
				e.Compression = o.Compression
				if e.Compression == "" {
					e.Compression = "none"
				}
				e.Timeout = o.Timeout.String()
			case config.ExporterPrometheus:
				e.Endpoint = net.JoinHostPort(cfg.Metrics.Prometheus.Host, strconv.Itoa(cfg.Metrics.Prometheus.Port))
			}
			out = append(out, e)
		}
	}
	add(config.SignalMetrics, cfg.Metrics.Exporters, cfg.Metrics.OTLP)
	add(config.SignalLogs, cfg.Logs.Exporters, cfg.Logs.OTLP)
	if cfg.Traces.Beta {
		add(config.SignalTraces, cfg.Traces.Exporters, cfg.Traces.OTLP)
	}
	return out
}

func describeTLS(o config.OTLP) string {
	if o.Insecure || strings.HasPrefix(strings.ToLower(o.Endpoint), "http://") {
		return "none (plain text)"
	}
	parts := []string{"TLS"}
	if o.TLS.CAFile != "" {
		parts = append(parts, "CA "+o.TLS.CAFile)
	} else {
		parts = append(parts, "system CAs")
	}
	if o.TLS.CertFile != "" {
		parts = append(parts, "client certificate "+o.TLS.CertFile)
	}
	if o.TLS.ProxyURL != "" {
		parts = append(parts, "proxy "+config.MaskURL(o.TLS.ProxyURL.Reveal()))
	}
	return strings.Join(parts, ", ")
}

func runHelper(ctx context.Context, command string, timeout time.Duration) (Result, map[string]string) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	h, err := headers.Run(ctx, command)
	res := Result{Duration: time.Since(start)}
	if err != nil {
		res.Status, res.Summary, res.Error = StatusFailed, "otelHeadersHelper failed", err.Error()
		res.Hint = "run the command by hand: it must print one JSON object of string values and exit 0"
		return res, nil
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	res.Status, res.Summary = StatusOK, fmt.Sprintf("otelHeadersHelper printed %d headers: %s", len(h), strings.Join(names, ", "))
	return res, h
}

// tryOTLP sends one test export of sig through exporter.Build, exactly as
// telemetry.Start builds it, without retries.
func tryOTLP(ctx context.Context, cfg config.Config, sig config.Signal, dyn func(context.Context) (map[string]string, error), timeout time.Duration) Result {
	one := cfg
	one.Metrics.Exporters, one.Logs.Exporters, one.Traces.Exporters, one.Traces.Beta = nil, nil, nil, false
	one.Traces.Detailed = false
	one.Extensions.DeltaContiguous = 0
	otlp := []config.Exporter{config.ExporterOTLP}
	var o config.OTLP
	switch sig {
	case config.SignalMetrics:
		one.Metrics.Exporters, o = otlp, cfg.Metrics.OTLP
	case config.SignalLogs:
		one.Logs.Exporters, o = otlp, cfg.Logs.OTLP
	case config.SignalTraces:
		one.Traces.Beta, one.Traces.Exporters, o = true, otlp, cfg.Traces.OTLP
	}
	var mu sync.Mutex
	var errs []error
	collect := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	p, err := exporter.Build(ctx, one, exporter.Settings{ErrorHandler: collect, HeadersFunc: dyn, RetryMaxElapsed: -1})
	if err != nil {
		return Result{Status: StatusFailed, Summary: "the exporter cannot be built", Error: err.Error(), Hint: "fix the variable the error names"}
	}
	defer func() { _ = p.Close(context.Background()) }()
	res := resource.NewSchemaless(attribute.String("service.name", Scope))
	var flushErr error
	switch sig {
	case config.SignalMetrics:
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(p.MetricReaders[0]))
		c, _ := mp.Meter(Scope).Int64Counter(Scope)
		c.Add(ctx, 1)
		flushErr = mp.ForceFlush(ctx)
		_ = mp.Shutdown(ctx)
	case config.SignalLogs:
		lp := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(p.LogProcessors[0]))
		var rec otellog.Record
		rec.SetTimestamp(time.Now())
		rec.SetBody(attribute.StringValue(Scope))
		lp.Logger(Scope).Emit(ctx, rec)
		flushErr = lp.ForceFlush(ctx)
		_ = lp.Shutdown(ctx)
	case config.SignalTraces:
		tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithSpanProcessor(p.SpanProcessors[0]))
		_, span := tp.Tracer(Scope).Start(ctx, Scope)
		span.End()
		flushErr = tp.ForceFlush(ctx)
		_ = tp.Shutdown(ctx)
	}
	elapsed := time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	if flushErr != nil {
		errs = append(errs, flushErr)
	}
	if len(errs) == 0 {
		return Result{Status: StatusOK, Summary: fmt.Sprintf("accepted a test %s export", what(sig)), Duration: elapsed}
	}
	var uniq []error
	for _, e := range errs {
		if !slices.ContainsFunc(uniq, func(u error) bool { return u.Error() == e.Error() }) {
			uniq = append(uniq, e)
		}
	}
	r := diagnose(o, errors.Join(uniq...))
	r.Duration = elapsed
	return r
}

func what(sig config.Signal) string {
	switch sig {
	case config.SignalMetrics:
		return "metric"
	case config.SignalLogs:
		return "log record"
	}
	return "span"
}

// tlsFiles checks the certificate and key files of each OTLP exporter, once
// per distinct set of files, even when nothing is exported: a missing or
// unreadable file fails every export.
func tlsFiles(ctx context.Context, cfg config.Config) []Result {
	var out []Result
	seen := map[string]bool{}
	for _, s := range []struct {
		sig config.Signal
		on  bool
		o   config.OTLP
	}{
		{config.SignalMetrics, slices.Contains(cfg.Metrics.Exporters, config.ExporterOTLP), cfg.Metrics.OTLP},
		{config.SignalLogs, slices.Contains(cfg.Logs.Exporters, config.ExporterOTLP), cfg.Logs.OTLP},
		{config.SignalTraces, cfg.Traces.Beta && slices.Contains(cfg.Traces.Exporters, config.ExporterOTLP), cfg.Traces.OTLP},
	} {
		t := s.o.TLS
		if !s.on || (t.CAFile == "" && t.CertFile == "" && t.KeyFile == "") {
			continue
		}
		key := strings.Join([]string{string(s.o.Protocol), t.CAFile, t.CertFile, t.KeyFile}, "\x00")
		if seen[key] {
			continue
		}
		seen[key] = true
		var files []string
		for _, f := range []struct{ what, path string }{{"CA", t.CAFile}, {"certificate", t.CertFile}, {"key", t.KeyFile}} {
			if f.path != "" {
				files = append(files, f.what+" "+f.path)
			}
		}
		what := fmt.Sprintf("%s (%s): %s", s.sig, s.o.Protocol, strings.Join(files, ", "))
		if err := exporter.CheckTLS(ctx, cfg, s.sig, s.o); err != nil {
			out = append(out, Result{Status: StatusFailed, Summary: what, Error: err.Error(),
				Hint: "the files must exist and hold PEM: the CA certificates, the client certificate and its key (encrypted keys need CLAUDE_CODE_CLIENT_KEY_PASSPHRASE)"})
			continue
		}
		out = append(out, Result{Status: StatusOK, Summary: what + ": readable, and the key matches the certificate"})
	}
	return out
}

// tryPrometheus checks that the exporter could bind its port.
func tryPrometheus(p config.Prometheus) Result {
	addr := net.JoinHostPort(p.Host, strconv.Itoa(p.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return Result{Status: StatusFailed, Summary: "port " + strconv.Itoa(p.Port) + " is already bound", Error: err.Error(),
			Hint: "another process (or a running agent) serves there; set OTEL_EXPORTER_PROMETHEUS_PORT to a free port"}
	}
	_ = ln.Close()
	return Result{Status: StatusOK, Summary: "port " + strconv.Itoa(p.Port) + " is free: /metrics can be served on " + addr}
}
