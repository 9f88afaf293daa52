package config

import (
	"cmp"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The defaults that are not plain variable defaults.
const (
	defaultGRPCEndpoint = "http://localhost:4317"
	defaultHTTPEndpoint = "http://localhost:4318"
	maxRetriesCap       = 15
)

// Load reads the telemetry configuration: the process environment (see
// WithGetenv), the settings files the host names (WithSettingsFiles,
// WithProjectSettingsFiles), the managed settings file of the platform
// and the options, merged as the package documentation describes.
//
// When CLAUDE_CODE_ENABLE_TELEMETRY is not truthy, Load returns a Config
// with Enabled false and a nil error, whatever else is set.
//
// Otherwise every problem found is returned at once in an *Error; the
// Config returned with it is for diagnosis only (Describe).
func Load(opts ...LoadOption) (Config, error) {
	lc := newLoadConfig(opts)
	var ps problems
	l := merge(lc, &ps)
	cfg := Config{
		Provenance:      map[string]Source{},
		ProvenanceFiles: map[string]string{},
		Values:          map[string]string{},
		Secrets:         map[string]Secret{},
		SettingsFiles:   l.files,
		Warnings:        l.warnings,
	}
	for name, e := range l.vals {
		cfg.Values[name] = Mask(name, e.value)
		if IsSecret(name) {
			cfg.Secrets[name] = Secret(e.value)
		}
		cfg.Provenance[name] = e.source
		if e.file != "" {
			cfg.ProvenanceFiles[name] = e.file
		}
	}
	p := &parser{vals: l.vals, cfg: &cfg, ps: &ps}
	cfg.Enabled = p.flag("CLAUDE_CODE_ENABLE_TELEMETRY")
	// Read with telemetry off too: it is how a host asks to see the
	// warnings (a mistyped variable) that explain why telemetry is off.
	cfg.DiagStderr = p.flag("CLAUDE_CODE_OTEL_DIAG_STDERR")
	if lc.names != nil {
		cfg.Warnings = append(mistakes(lc.names()), cfg.Warnings...)
	}
	p.provider(&cfg.Identity)
	cfg.Identity.TerminalType = detectTerminal(lc.getenv)
	if !cfg.Enabled {
		for _, pr := range ps.list {
			cfg.Warnings = append(cfg.Warnings, Warning{Kind: WarningDisabled, Variable: pr.Variable, Source: pr.Source, File: pr.File, Message: pr.String()})
		}
		return cfg, nil
	}
	p.parse()
	for _, pr := range sdkProcessProblems(func(name string) bool {
		// The same value, read by ccotel from the process environment and
		// refused already.
		if !lc.process {
			return false
		}
		for _, q := range ps.list {
			if q.Variable == name && q.Source == SourceEnvironment {
				return true
			}
		}
		return false
	}) {
		if lc.process {
			ps.add(pr)
			continue
		}
		// ccotel reads another environment (WithEnviron, the test kit): a
		// value it does not use must not stop it, only be told.
		cfg.Warnings = append(cfg.Warnings, Warning{Kind: WarningProcess, Variable: pr.Variable, Source: SourceProcess, Message: pr.String()})
	}
	return cfg, ps.err()
}

// parser turns the merged raw values into the Config fields, collecting
// problems.
type parser struct {
	vals  map[string]entry
	cfg   *Config
	ps    *problems
	shown map[string]string // variable -> its value as problems quote it
}

// get returns the trimmed value of a variable and whether it is set to a
// non-empty value; an empty value means unset, as in Claude Code. It
// records the provenance of the variables it reads.
func (p *parser) get(name string) (string, bool) {
	e, ok := p.vals[name]
	if !ok {
		p.cfg.Provenance[name] = SourceDefault
		return "", false
	}
	v := strings.TrimSpace(e.value)
	return v, v != ""
}

// first returns the first of names that is set, per-signal before generic.
func (p *parser) first(names ...string) (name, value string, ok bool) {
	for _, n := range names {
		if v, ok := p.get(n); ok {
			return n, v, true
		}
	}
	return "", "", false
}

// problem records a problem with a variable's value.
func (p *parser) problem(name, reason, allowed string) {
	e := p.vals[name]
	shown, ok := p.shown[name]
	if !ok {
		// Once per variable: a long list with many bad entries gives one
		// problem per entry, and masking is linear in the value.
		shown = shorten(Mask(name, strings.TrimSpace(e.value)))
		if p.shown == nil {
			p.shown = map[string]string{}
		}
		p.shown[name] = shown
	}
	p.ps.add(Problem{
		Variable: name,
		Value:    shown,
		Source:   e.source,
		File:     e.file,
		Reason:   reason,
		Allowed:  allowed,
	})
}

// maxProblemValue bounds the value a Problem quotes. Without it a 1 MB
// comma list with many bad entries made one problem per entry, each quoting
// the whole value: quadratic time and memory in Load.
const maxProblemValue = 200

// shorten cuts v to maxProblemValue bytes on a rune boundary, saying how
// long it was.
func shorten(v string) string {
	if len(v) <= maxProblemValue {
		return v
	}
	cut := maxProblemValue
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", v[:cut], len(v))
}

// flag is a plain switch: truthy means on, anything else off.
func (p *parser) flag(name string) bool {
	v, _ := p.get(name)
	return truthy(v)
}

// toggle is an include toggle: unset means def, otherwise truthy.
func (p *parser) toggle(name string, def bool) bool {
	v, ok := p.get(name)
	if !ok {
		return def
	}
	return truthy(v)
}

// integer reads a whole number in [min, max], or def when unset.
func (p *parser) integer(name string, def, min, max int64) int64 {
	v, ok := p.get(name)
	if !ok {
		return def
	}
	n, isInt := parseInteger(v)
	allowed := fmt.Sprintf("a whole number from %d to %d", min, max)
	if !isInt {
		p.problem(name, "not a whole number", allowed)
		return def
	}
	if n < min || n > max {
		p.problem(name, "out of range", allowed)
		return def
	}
	return n
}

// millis reads a positive number of milliseconds, or def when unset.
func (p *parser) millis(name string, def int64) time.Duration {
	return time.Duration(p.integer(name, def, 1, math.MaxInt64/int64(time.Millisecond))) * time.Millisecond
}

// maxQueue bounds queue sizes and the cardinality limit, so that no
// setting can make ccotel's memory unbounded by mistake.
const maxQueue = 1000000

// batch reads a batch processor's delay (Claude Code's interval variable,
// else the standard prefix+SCHEDULE_DELAY) and queue settings.
func (p *parser) batch(interval, prefix string) (time.Duration, Batch) {
	delay := interval
	if name, _, ok := p.first(interval, prefix+"SCHEDULE_DELAY"); ok {
		delay = name
	}
	b := Batch{
		MaxQueueSize:       int(p.integer(prefix+"MAX_QUEUE_SIZE", defaultOf(prefix+"MAX_QUEUE_SIZE"), 1, maxQueue)),
		MaxExportBatchSize: int(p.integer(prefix+"MAX_EXPORT_BATCH_SIZE", defaultOf(prefix+"MAX_EXPORT_BATCH_SIZE"), 1, maxQueue)),
		ExportTimeout:      p.millis(prefix+"EXPORT_TIMEOUT", defaultOf(prefix+"EXPORT_TIMEOUT")),
	}
	if b.MaxExportBatchSize > b.MaxQueueSize {
		p.problem(prefix+"MAX_EXPORT_BATCH_SIZE", "larger than "+prefix+"MAX_QUEUE_SIZE", fmt.Sprintf("a whole number from 1 to %d", b.MaxQueueSize))
		b.MaxExportBatchSize = b.MaxQueueSize
	}
	return p.millis(delay, defaultOf(delay)), b
}

// defaultOf returns the table default of a variable as a number.
func defaultOf(name string) int64 {
	n, _ := strconv.ParseInt(variableIndex[name].Default, 10, 64)
	return n
}

func (p *parser) parse() {
	c := p.cfg
	c.Metrics.Exporters = p.exporters("OTEL_METRICS_EXPORTER", true)
	c.Logs.Exporters = p.exporters("OTEL_LOGS_EXPORTER", false)
	c.Traces.Beta = p.beta()
	if c.Traces.Beta {
		c.Traces.Exporters = p.exporters("OTEL_TRACES_EXPORTER", false)
	}

	if hasExporter(c.Metrics.Exporters, ExporterOTLP) {
		c.Metrics.OTLP = p.otlp(SignalMetrics, "OTEL_METRICS_EXPORTER")
	}
	if hasExporter(c.Logs.Exporters, ExporterOTLP) {
		c.Logs.OTLP = p.otlp(SignalLogs, "OTEL_LOGS_EXPORTER")
	}
	if hasExporter(c.Traces.Exporters, ExporterOTLP) {
		c.Traces.OTLP = p.otlp(SignalTraces, "OTEL_TRACES_EXPORTER")
	}

	c.Metrics.Interval = p.millis("OTEL_METRIC_EXPORT_INTERVAL", defaultOf("OTEL_METRIC_EXPORT_INTERVAL"))
	c.Metrics.ExportTimeout = p.millis("OTEL_METRIC_EXPORT_TIMEOUT", defaultOf("OTEL_METRIC_EXPORT_TIMEOUT"))
	c.Metrics.CardinalityLimit = int(p.integer("CCOTEL_METRICS_CARDINALITY_LIMIT", defaultOf("CCOTEL_METRICS_CARDINALITY_LIMIT"), 1, maxQueue))
	c.Logs.Interval, c.Logs.Batch = p.batch("OTEL_LOGS_EXPORT_INTERVAL", "OTEL_BLRP_")
	c.Traces.Interval, c.Traces.Batch = p.batch("OTEL_TRACES_EXPORT_INTERVAL", "OTEL_BSP_")
	c.Traces.Sampler, c.Traces.SamplerRatio = p.sampler()
	c.Metrics.Temporality = TemporalityDelta
	if hasExporter(c.Metrics.Exporters, ExporterOTLP) {
		c.Metrics.Temporality = p.temporality()
	}
	c.Metrics.Prometheus.Port = int(defaultOf("OTEL_EXPORTER_PROMETHEUS_PORT"))
	if hasExporter(c.Metrics.Exporters, ExporterPrometheus) {
		c.Metrics.Prometheus.Host = p.listenHost("OTEL_EXPORTER_PROMETHEUS_HOST")
		c.Metrics.Prometheus.Port = int(p.integer("OTEL_EXPORTER_PROMETHEUS_PORT", int64(c.Metrics.Prometheus.Port), 0, 65535))
	}

	c.ServiceName, _ = p.get("OTEL_SERVICE_NAME")
	c.ResourceAttributes = p.resourceAttributes()

	c.Include = Include{
		SessionID:          p.toggle("OTEL_METRICS_INCLUDE_SESSION_ID", true),
		Version:            p.toggle("OTEL_METRICS_INCLUDE_VERSION", false),
		AccountUUID:        p.toggle("OTEL_METRICS_INCLUDE_ACCOUNT_UUID", true),
		Entrypoint:         p.toggle("OTEL_METRICS_INCLUDE_ENTRYPOINT", false),
		ResourceAttributes: p.toggle("OTEL_METRICS_INCLUDE_RESOURCE_ATTRIBUTES", true),
		Repository:         p.toggle("OTEL_METRICS_INCLUDE_REPOSITORY", false),
		Host:               p.toggle("OTEL_RESOURCE_INCLUDE_HOST", false),
	}
	c.Content = p.content()
	p.extensions()
	p.identity(&c.Identity)

	helper, _ := p.get(headersHelperKey)
	c.HeadersHelper = Secret(helper)
	c.HeadersHelperDebounce = p.millis("CLAUDE_CODE_OTEL_HEADERS_HELPER_DEBOUNCE_MS", defaultOf("CLAUDE_CODE_OTEL_HEADERS_HELPER_DEBOUNCE_MS"))
	c.ShutdownTimeout = p.millis("CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", defaultOf("CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS"))
	c.FlushTimeout = p.millis("CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS", defaultOf("CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS"))
	c.FeedbackSurveyForOTel = p.flag("CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL")
	c.MaxRetries = int(min(p.integer("CLAUDE_CODE_MAX_RETRIES", defaultOf("CLAUDE_CODE_MAX_RETRIES"), 0, math.MaxInt32), maxRetriesCap))

	p.tracing()
}

func hasExporter(list []Exporter, e Exporter) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// exporters parses an exporter selector: a comma list, trimmed and
// case-insensitive, "none" and duplicates dropped, unknown names rejected.
func (p *parser) exporters(name string, metrics bool) []Exporter {
	v, ok := p.get(name)
	if !ok {
		return nil
	}
	allowed := "otlp, console, none (comma-separated)"
	if metrics {
		allowed = "otlp, prometheus, console, none (comma-separated)"
	}
	var out []Exporter
	for _, part := range splitList(v) {
		e := Exporter(strings.ToLower(part))
		switch {
		case e == "none":
			continue
		case e == ExporterOTLP, e == ExporterConsole, e == ExporterPrometheus && metrics:
		case e == ExporterPrometheus:
			p.problem(name, "prometheus is for metrics only", allowed)
			continue
		default:
			p.problem(name, fmt.Sprintf("unknown exporter %q", part), allowed)
			continue
		}
		if !hasExporter(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// beta is the traces beta switch: CLAUDE_CODE_ENHANCED_TELEMETRY_BETA when
// set (a falsy value forces it off), else ENABLE_ENHANCED_TELEMETRY_BETA.
func (p *parser) beta() bool {
	_, v, _ := p.first("CLAUDE_CODE_ENHANCED_TELEMETRY_BETA", "ENABLE_ENHANCED_TELEMETRY_BETA")
	return truthy(v)
}

// protocols lists the accepted OTLP protocols.
const protocols = "grpc, http/protobuf, http/json"

// otlp resolves the OTLP exporter of one signal.
func (p *parser) otlp(signal Signal, selector string) OTLP {
	var o OTLP
	perProto, genProto := otlpVar(signal, "PROTOCOL"), otlpVar("", "PROTOCOL")
	if name, v, ok := p.first(perProto, genProto); !ok {
		p.ps.add(Problem{
			Variable: perProto,
			Reason:   fmt.Sprintf("%s includes otlp but neither %s nor %s is set (there is no default protocol)", selector, genProto, perProto),
			Allowed:  protocols,
		})
	} else {
		switch proto := Protocol(strings.ToLower(v)); proto {
		case ProtocolGRPC, ProtocolHTTPProtobuf, ProtocolHTTPJSON:
			o.Protocol = proto
		case "http":
			p.problem(name, `"http" is not a protocol: use http/protobuf or http/json`, protocols)
		default:
			p.problem(name, "unknown protocol", protocols)
		}
	}
	grpc := o.Protocol == ProtocolGRPC
	http := o.Protocol == ProtocolHTTPProtobuf || o.Protocol == ProtocolHTTPJSON

	if o.Protocol != "" {
		o.Endpoint = p.endpoint(signal, grpc)
	}
	o.Headers = mergeHeaders(p.headers(otlpVar("", "HEADERS"), grpc), p.headers(otlpVar(signal, "HEADERS"), grpc))
	if _, v, ok := p.first(otlpVar(signal, "INSECURE"), otlpVar("", "INSECURE")); ok {
		o.Insecure = truthy(v)
	}
	if strings.HasPrefix(strings.ToLower(o.Endpoint), "http://") {
		o.Insecure = true
	}
	if name, v, ok := p.first(otlpVar(signal, "COMPRESSION"), otlpVar("", "COMPRESSION")); ok {
		switch strings.ToLower(v) {
		case "gzip":
			o.Compression = "gzip"
		case "none":
		default:
			p.problem(name, "unknown compression", "gzip, none")
		}
	}
	timeout := otlpVar("", "TIMEOUT")
	if name, _, ok := p.first(otlpVar(signal, "TIMEOUT"), timeout); ok {
		timeout = name
	}
	o.Timeout = p.millis(timeout, defaultOf(otlpVar("", "TIMEOUT")))
	switch {
	case grpc:
		o.TLS = p.grpcTLS(signal)
	case http:
		o.TLS = p.httpTLS(signal)
	}
	return o
}

// endpoint resolves the endpoint of a signal: the per-signal variable as
// is, else the generic one (with /v1/<signal> appended for HTTP), else the
// default. A gRPC endpoint without a scheme ("collector:4317") is read as
// https://collector:4317.
func (p *parser) endpoint(signal Signal, grpc bool) string {
	name, v, ok := p.first(otlpVar(signal, "ENDPOINT"))
	perSignal := ok
	if !ok {
		name, v, ok = p.first(otlpVar("", "ENDPOINT"))
	}
	if !ok {
		if grpc {
			return defaultGRPCEndpoint
		}
		return appendSignalPath(defaultHTTPEndpoint, signal)
	}
	if grpc && !strings.Contains(v, "://") {
		v = "https://" + v
	}
	s, reason := checkURL(v)
	if reason != "" {
		allowed := "an http:// or https:// URL"
		if grpc {
			allowed += ", or host:port"
		}
		p.problem(name, reason, allowed)
		return ""
	}
	if !grpc && !perSignal {
		s = appendSignalPath(s, signal)
	}
	return s
}

// pairs reads a variable of comma-separated key=value pairs, reporting
// each malformed pair.
func (p *parser) pairs(name string, decodeKeys bool, allowed string) [][2]string {
	v, ok := p.get(name)
	if !ok {
		return nil
	}
	pairs, reasons := parsePairs(v, decodeKeys)
	for _, r := range reasons {
		p.problem(name, r, allowed)
	}
	return pairs
}

// headersAllowed describes a valid headers variable.
const headersAllowed = "name=value pairs separated by commas, values percent-encoded"

// headers parses one headers variable, refusing what the wire would
// reject: names that are not HTTP tokens (or, over gRPC, not metadata
// keys) and values with control characters (or, over gRPC, not printable
// ASCII). Problems name the pair by position, never quote it.
func (p *parser) headers(name string, grpc bool) []Header {
	allowed := headersAllowed + "; names are HTTP tokens, values have no control characters"
	if grpc {
		allowed = headersAllowed + "; over grpc names are 0-9 a-z - _ . (not grpc-...) and values printable ASCII"
	}
	var out []Header
	for i, kv := range p.pairs(name, false, headersAllowed) {
		switch {
		case !validHeaderName(kv[0]):
			p.problem(name, fmt.Sprintf("header %d: the name is not a valid HTTP token", i+1), allowed)
			continue
		case grpc && !validGRPCHeaderName(kv[0]):
			p.problem(name, fmt.Sprintf("header %d: the name is not a valid gRPC metadata key", i+1), allowed)
			continue
		}
		if reason := badHeaderValue(kv[1], grpc); reason != "" {
			p.problem(name, fmt.Sprintf("header %d: %s", i+1, reason), allowed)
			continue
		}
		out = append(out, Header{Name: kv[0], Value: Secret(kv[1])})
	}
	return mergeHeaders(nil, out)
}

// listenHost reads a host to listen on: a name or an IP address, without
// a port, a scheme or brackets.
func (p *parser) listenHost(name string) string {
	v, ok := p.get(name)
	if !ok {
		return ""
	}
	if net.ParseIP(v) == nil && !validHostname(v) {
		p.problem(name, "not a host name or IP address", "a host name or an IP address, without a port (e.g. 127.0.0.1, ::1, localhost)")
		return ""
	}
	return v
}

// pairProblem reports a certificate without its key, or the reverse.
func (p *parser) pairProblem(certName, cert, keyName, key string) {
	if cert != "" && key == "" {
		p.problem(certName, "set without "+keyName, "a certificate file together with its key file")
	}
	if key != "" && cert == "" {
		p.problem(keyName, "set without "+certName, "a key file together with its certificate file")
	}
}

// grpcTLS reads the OTEL_EXPORTER_OTLP_*CERTIFICATE and *CLIENT_* files.
func (p *parser) grpcTLS(signal Signal) TLS {
	var t TLS
	_, t.CAFile, _ = p.first(otlpVar(signal, "CERTIFICATE"), otlpVar("", "CERTIFICATE"))
	certName, cert, _ := p.first(otlpVar(signal, "CLIENT_CERTIFICATE"), otlpVar("", "CLIENT_CERTIFICATE"))
	keyName, key, _ := p.first(otlpVar(signal, "CLIENT_KEY"), otlpVar("", "CLIENT_KEY"))
	if certName == "" {
		certName = otlpVar("", "CLIENT_CERTIFICATE")
	}
	if keyName == "" {
		keyName = otlpVar("", "CLIENT_KEY")
	}
	p.pairProblem(certName, cert, keyName, key)
	t.CertFile, t.KeyFile = cert, key
	return t
}

// httpTLS reads Claude Code's client certificate variables, the CA and the
// proxy.
func (p *parser) httpTLS(signal Signal) TLS {
	var t TLS
	_, t.CAFile, _ = p.first("NODE_EXTRA_CA_CERTS", otlpVar(signal, "CERTIFICATE"), otlpVar("", "CERTIFICATE"))
	t.CertFile, _ = p.get("CLAUDE_CODE_CLIENT_CERT")
	t.KeyFile, _ = p.get("CLAUDE_CODE_CLIENT_KEY")
	pass, _ := p.get("CLAUDE_CODE_CLIENT_KEY_PASSPHRASE")
	t.KeyPassphrase = Secret(pass)
	p.pairProblem("CLAUDE_CODE_CLIENT_CERT", t.CertFile, "CLAUDE_CODE_CLIENT_KEY", t.KeyFile)
	if t.KeyPassphrase != "" && t.KeyFile == "" {
		p.problem("CLAUDE_CODE_CLIENT_KEY_PASSPHRASE", "set without CLAUDE_CODE_CLIENT_KEY", "a passphrase together with its key file")
	}
	if name, v, ok := p.first("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"); ok {
		if s, reason := checkURL(v); reason != "" {
			p.problem(name, reason, "an http:// or https:// proxy URL")
		} else {
			t.ProxyURL = Secret(s)
		}
	}
	_, t.NoProxy, _ = p.first("NO_PROXY", "no_proxy")
	return t
}

// temporality reads the metrics temporality preference. "lowmemory" is
// read as delta: every Claude Code instrument is a counter, for which the
// OpenTelemetry lowmemory preference selects delta.
func (p *parser) temporality() Temporality {
	const name = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"
	v, ok := p.get(name)
	if !ok {
		return TemporalityDelta
	}
	switch strings.ToLower(v) {
	case "delta", "lowmemory":
		return TemporalityDelta
	case "cumulative":
		return TemporalityCumulative
	}
	p.problem(name, "unknown temporality", "delta, cumulative, lowmemory (read as delta)")
	return TemporalityDelta
}

// resourceAttributes parses OTEL_RESOURCE_ATTRIBUTES: order kept, a later
// duplicate key replaces the earlier value in place, quotes kept.
func (p *parser) resourceAttributes() []Attribute {
	var out []Attribute
	index := map[string]int{}
	for _, kv := range p.pairs("OTEL_RESOURCE_ATTRIBUTES", true, "key=value pairs separated by commas, percent-encoded") {
		if i, ok := index[kv[0]]; ok {
			out[i].Value = kv[1]
			continue
		}
		index[kv[0]] = len(out)
		out = append(out, Attribute{Key: kv[0], Value: kv[1]})
	}
	return out
}

// content reads the privacy flags and the content limit.
func (p *parser) content() Content {
	var c Content
	c.UserPrompts = p.flag("OTEL_LOG_USER_PROMPTS")
	c.AssistantResponses = p.toggle("OTEL_LOG_ASSISTANT_RESPONSES", c.UserPrompts)
	c.ToolDetails = p.flag("OTEL_LOG_TOOL_DETAILS")
	c.ToolContent = p.flag("OTEL_LOG_TOOL_CONTENT")
	const raw = "OTEL_LOG_RAW_API_BODIES"
	if v, ok := p.get(raw); ok {
		switch dir, file := strings.CutPrefix(v, "file:"); {
		case file && strings.TrimSpace(dir) == "":
			p.problem(raw, "file: needs a directory", "1 (inline), file:<dir>, or 0 (off)")
		case file:
			c.RawAPIBodies = RawAPIBodies{Enabled: true, Dir: strings.TrimSpace(dir)}
		case truthy(v):
			c.RawAPIBodies = RawAPIBodies{Enabled: true}
		}
	}
	c.MaxLength = int(p.integer("CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH", defaultOf("CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH"), 1, math.MaxInt32))
	limits := map[string]int{}
	for _, limit := range []string{"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT"} {
		n := int(p.integer(limit, 0, 1, math.MaxInt32))
		if n > 0 && n < c.MaxLength {
			c.MaxLength = n
		}
		limits[limit] = n
	}
	// The SDKs' own limits, per signal before generic, as OTel JS reads
	// them; ccotel passes them to the providers, which then never read
	// these variables from the process environment themselves.
	p.cfg.Logs.AttributeValueLengthLimit = cmp.Or(limits["OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT"], limits["OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"])
	p.cfg.Traces.AttributeValueLengthLimit = cmp.Or(limits["OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT"], limits["OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"])
	return c
}

// samplerAllowed lists the accepted OTEL_TRACES_SAMPLER values.
const samplerAllowed = "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio"

// sampler reads OTEL_TRACES_SAMPLER and, for the ratio samplers,
// OTEL_TRACES_SAMPLER_ARG. OTel JS logs an unknown sampler or a bad ratio
// through its diagnostic logger and samples everything; ccotel refuses
// them, naming the variable, so that no SDK ever builds a provider with a
// value it would print about.
func (p *parser) sampler() (Sampler, float64) {
	v, ok := p.get("OTEL_TRACES_SAMPLER")
	if !ok {
		return SamplerParentBasedAlwaysOn, 1
	}
	s := Sampler(strings.ToLower(v))
	switch s {
	case SamplerAlwaysOn, SamplerAlwaysOff, SamplerParentBasedAlwaysOn, SamplerParentBasedAlwaysOff:
		return s, 1
	case SamplerTraceIDRatio, SamplerParentBasedTraceIDRatio:
	default:
		p.problem("OTEL_TRACES_SAMPLER", "unknown sampler", samplerAllowed)
		return SamplerParentBasedAlwaysOn, 1
	}
	arg, ok := p.get("OTEL_TRACES_SAMPLER_ARG")
	if !ok {
		return s, 1
	}
	r, err := strconv.ParseFloat(arg, 64)
	if err != nil || !(r >= 0 && r <= 1) { // NaN too
		p.problem("OTEL_TRACES_SAMPLER_ARG", "not a ratio from 0 to 1", "a number from 0 to 1, such as 0.25")
		return s, 1
	}
	return s, r
}

// identity reads what the host knows of its user.
func (p *parser) identity(id *Identity) {
	id.AccountUUID, _ = p.get("CLAUDE_CODE_ACCOUNT_UUID")
	id.UserEmail, _ = p.get("CLAUDE_CODE_USER_EMAIL")
	id.OrganizationID, _ = p.get("CLAUDE_CODE_ORGANIZATION_UUID")
	id.AccountTaggedID, _ = p.get("CLAUDE_CODE_ACCOUNT_TAGGED_ID")
	id.Entrypoint, _ = p.get("CLAUDE_CODE_ENTRYPOINT")
	if v, ok := p.get("CLAUDE_CODE_WORKSPACE_HOST_PATHS"); ok {
		for _, path := range strings.Split(v, "|") {
			if path = strings.TrimSpace(path); path != "" {
				id.WorkspaceHostPaths = append(id.WorkspaceHostPaths, path)
			}
		}
	}
}

// tracing reads the detailed beta tracing pair and the trace context
// variables. An invalid TRACEPARENT is ignored with a warning (with its
// TRACESTATE): an ambient value must not stop the host.
func (p *parser) tracing() {
	t := &p.cfg.Traces
	if p.flag("ENABLE_BETA_TRACING_DETAILED") {
		const name = "BETA_TRACING_ENDPOINT"
		if v, ok := p.get(name); !ok {
			p.problem("ENABLE_BETA_TRACING_DETAILED", "set without "+name, "a BETA_TRACING_ENDPOINT URL with it")
		} else if s, reason := checkURL(v); reason != "" {
			p.problem(name, reason, "an http:// or https:// URL")
		} else {
			t.Detailed, t.DetailedEndpoint = true, s
		}
	}
	t.PropagateTraceparent = p.flag("CLAUDE_CODE_PROPAGATE_TRACEPARENT")
	tp, ok := p.get("TRACEPARENT")
	ts, _ := p.get("TRACESTATE")
	switch {
	case !ok:
	case validTraceparent(tp):
		t.Traceparent, t.Tracestate = tp, ts
	default:
		p.cfg.Warnings = append(p.cfg.Warnings, Warning{Kind: WarningInvalid, Variable: "TRACEPARENT", Source: p.vals["TRACEPARENT"].source,
			Message: fmt.Sprintf("TRACEPARENT=%q is not a valid W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>, ids not all zero); ignored", shorten(tp))})
	}
}
