// Package config reads the telemetry configuration exactly as Claude Code
// does: the same environment variables, the same settings files, the same
// defaults and the same precedence. [Load] returns a validated [Config] of
// plain data; it never builds OpenTelemetry objects.
//
// # Sources and precedence
//
// For each variable the strongest source that sets it wins, strongest first:
//
//  1. Managed settings: the "env" object (and otelHeadersHelper) of the
//     platform's managed-settings.json (/etc/claude-code/ on Linux,
//     /Library/Application Support/ClaudeCode/ on macOS,
//     C:\Program Files\ClaudeCode\ on Windows; see WithManagedSettingsPath)
//     and of the *.json drop-ins of managed-settings.d next to it, merged
//     after the file in alphabetical order (a later drop-in wins; names
//     starting with "." are skipped). Managed values cannot be overridden.
//  2. Options set in code: [WithVariable] (the counterpart of Claude Code's
//     --settings) and the telemetry package's options that stand for
//     variables (telemetry.WithServiceName for OTEL_SERVICE_NAME,
//     WithProvider for CLAUDE_CODE_USE_*, WithHeadersFunc for
//     otelHeadersHelper and the OTLP headers, ...), which Start applies to
//     the loaded Config through [Config.Override] and which win over
//     WithVariable for the same variable. An option is ignored, with a
//     [WarningLocked] naming it, when managed settings set one of its
//     variables.
//  3. Project settings files ([WithProjectSettingsFiles]), a later file
//     winning, restricted as below.
//  4. User settings files ([WithSettingsFiles]), a later file winning.
//  5. The process environment ([WithGetenv], [WithEnviron]).
//  6. The defaults of the table below.
//
// No option beats a managed setting. The one way for a host to decide
// everything is to pass its configuration whole (telemetry.WithConfig): then
// nothing is loaded, managed settings included, and the telemetry options
// apply to that Config except where its Provenance says managed settings
// set the variable.
//
// A settings file's env value wins over the process environment: Claude
// Code's environment variable reference says "When the same variable is set
// in both your shell and a settings file env block, the settings file value
// applies", because Claude Code writes each env entry into its process
// environment. An empty value means unset, so a settings file can cancel a
// shell export with "". A missing settings file is skipped; an unreadable
// file, invalid JSON, or an env value that is not a JSON string is a
// [Problem] naming the file. Variables the table does not list are ignored
// in env blocks.
//
// Project settings files (a checked-out repository's) cannot set the
// variables that turn telemetry on, choose where it goes, or choose what
// content it captures (the "not project" and "project: off only" rows): they
// are dropped with a warning in [Config.Warnings]. They may still turn a
// feature off: "none" for an exporter selector, a falsy value for
// OTEL_LOG_USER_PROMPTS, OTEL_LOG_TOOL_DETAILS or OTEL_LOG_TOOL_CONTENT. Such
// an off value beats user settings files but not the environment, options or
// managed settings. CLAUDE_CODE_ACCOUNT_UUID is read from the environment
// and options only ("environment only").
//
// # The managed lock
//
// Managed values cannot be overridden, and managed settings also remove
// the values of every other source (the environment, settings files,
// options) that would get around them. Each removed value is a
// [Warning] of kind [WarningLocked] in [Config.Warnings], naming the
// managed variable that locks it (the doctor lists them).
//
// Claude Code's destination lock (v2.1.217), kept as it is:
//
//   - a managed OTEL_EXPORTER_OTLP_ENDPOINT removes every per-signal endpoint;
//   - a managed OTEL_EXPORTER_OTLP_PROTOCOL removes every per-signal protocol;
//   - a managed OTEL_EXPORTER_OTLP_HEADERS, _CLIENT_KEY or
//     _CLIENT_CERTIFICATE removes the per-signal versions of that variable
//     and every endpoint variable, generic or per-signal;
//   - a managed per-signal credential removes that signal's endpoint
//     variable.
//
// ccotel closes the holes Claude Code leaves (docs/COMPATIBILITY.md):
//
//   - The destination is pinned when managed settings set any endpoint
//     (generic or per-signal), any OTLP credential, otelHeadersHelper,
//     BETA_TRACING_ENDPOINT or the prometheus host or port. Then no other
//     source may set any OTLP endpoint, BETA_TRACING_ENDPOINT,
//     ENABLE_BETA_TRACING_DETAILED (detailed tracing sends spans to its own
//     endpoint), OTEL_EXPORTER_PROMETHEUS_HOST or _PORT, nor the way there:
//     the proxy variables and NODE_EXTRA_CA_CERTS from any other source are
//     ignored too (the managed ones stay). Signals managed settings give no
//     endpoint go to the defaults (localhost).
//   - A content flag managed settings turn off (a set, non-truthy value)
//     cannot be got around through another variable exporting the same
//     content: OTEL_LOG_USER_PROMPTS off removes OTEL_LOG_RAW_API_BODIES
//     (request bodies hold the prompts) and OTEL_LOG_ASSISTANT_RESPONSES
//     (which follows it when unset); OTEL_LOG_ASSISTANT_RESPONSES and
//     OTEL_LOG_TOOL_CONTENT off remove OTEL_LOG_RAW_API_BODIES (bodies hold
//     responses, tool inputs and results); OTEL_LOG_TOOL_DETAILS off removes
//     OTEL_LOG_RAW_API_BODIES and ENABLE_BETA_TRACING_DETAILED (tool and hook
//     definitions).
//
// Per-signal variables set in managed settings themselves stay. Exporter
// selectors, the generic protocol, headers and TLS files managed settings
// leave alone, and content flags turned on, follow the normal per-key
// precedence: none sends telemetry to a place the developer chose instead of
// the managed one.
//
// There is no variable that relocates the managed settings file: that would
// let a user escape the lock. [WithManagedSettingsPath] is for the host's
// code (and the doctor's -managed preview).
//
// Claude Code's "telemetry unit" rule (the OTLP, OTEL_LOG_*,
// OTEL_LOGS_EXPORTER and beta tracing variables and otelHeadersHelper come
// as a unit from the highest admin source that sets any of them) chooses
// between admin sources: server-managed settings, MDM or registry policy,
// and the managed settings file. ccotel reads one admin source, the managed
// file with its drop-ins (which Claude Code merges into one source), so the
// rule has nothing to choose between and is not implemented.
//
// # Parsing
//
// Truthy is 1, true, yes or on, case-insensitive, spaces trimmed. Switches
// are on only when truthy. The include toggles keep their default when
// unset; any other value than a truthy one turns them off.
// OTEL_LOG_ASSISTANT_RESPONSES follows OTEL_LOG_USER_PROMPTS when unset; a
// falsy value forces redaction. The beta switch is
// CLAUDE_CODE_ENHANCED_TELEMETRY_BETA when set (a falsy value forces it off),
// else ENABLE_ENHANCED_TELEMETRY_BETA.
//
// Numbers accept plain digits, digit separators (64_000) and scientific
// notation (2e3), as Claude Code does. Intervals, timeouts and the content
// limit must be positive; the prometheus port is 0 (any free port) to
// 65535, and its host a name or an IP address without a port;
// CLAUDE_CODE_MAX_RETRIES must not be negative and is capped at 15.
//
// Exporter selectors are comma lists, trimmed and case-insensitive; "none"
// and duplicates are dropped; unknown names are rejected; prometheus is for
// metrics only. OTEL_TRACES_EXPORTER is read only when the traces beta is on.
//
// The OTLP variables of a signal are validated only when that signal's
// selector includes otlp. There is no default protocol: an otlp exporter
// without OTEL_EXPORTER_OTLP_PROTOCOL or the per-signal protocol is a
// problem naming both, and "http" alone is rejected in favour of
// http/protobuf or http/json. A per-signal variable wins over the generic one
// (headers merge, per-signal winning on a name, case-insensitive). The
// generic endpoint gets /v1/metrics, /v1/logs or /v1/traces appended for HTTP
// protocols (with one slash, whatever trailing slash it had); a per-signal
// endpoint is used as is. Endpoints must be http:// or https:// URLs with a
// host; for grpc a bare host:port is accepted and read as
// https://host:port (TLS unless an INSECURE variable says otherwise).
// Insecure is set by an http:// endpoint or a truthy INSECURE variable.
// A port in an endpoint or proxy URL must be 1 to 65535.
//
// Header values are percent-decoded, then everything the wire would refuse
// is a problem naming the variable and the pair by position (never its
// text): a name that is not an HTTP token, a value holding a control
// character (CR, LF, NUL, any other below 0x20 but tab, or DEL), and over
// grpc a name outside 0-9 a-z - _ . (or starting grpc-) or a value that is
// not printable ASCII. The list parses in linear time.
//
// TLS files are not opened here (the doctor opens them), only paired: a client certificate without
// its key (or the reverse) is a problem. gRPC uses the
// OTEL_EXPORTER_OTLP_*CERTIFICATE, *CLIENT_CERTIFICATE and *CLIENT_KEY
// variables; HTTP uses CLAUDE_CODE_CLIENT_CERT, CLAUDE_CODE_CLIENT_KEY and
// CLAUDE_CODE_CLIENT_KEY_PASSPHRASE, the CA from NODE_EXTRA_CA_CERTS or else
// OTEL_EXPORTER_OTLP_*CERTIFICATE, and the proxy variables.
//
// Decisions where Claude Code's documentation is silent:
//
//   - OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=lowmemory is read as
//     delta: every Claude Code instrument is a counter, for which the
//     OpenTelemetry lowmemory preference selects delta.
//   - An invalid inbound TRACEPARENT (not 00-<32 hex>-<16 hex>-<2 hex>
//     lowercase, or an all-zero id) is ignored with its TRACESTATE and a
//     warning: an ambient value must not stop the host.
//   - OTEL_LOG_RAW_API_BODIES does not turn the other content flags on.
//     The documentation says raw bodies imply consent to what those flags
//     reveal, because the bodies contain it; the other events keep their
//     own flags, as Claude Code's do. Any value other than a truthy one or
//     file:<dir> turns raw bodies off.
//   - ENABLE_BETA_TRACING_DETAILED without BETA_TRACING_ENDPOINT is a
//     problem rather than silently off.
//   - WithVariable with a name the table does not list is a problem.
//
// # Errors and secrets
//
// Load reports every problem at once in one [*Error]. When
// CLAUDE_CODE_ENABLE_TELEMETRY is not truthy, Load returns Enabled=false and
// no error, whatever else is wrong; the problems become warnings. Secret
// values (the Secret rows: every *HEADERS*, *KEY*, *TOKEN*, *SECRET*,
// *PASSWORD*, *PASSPHRASE* name, and the proxy URLs, which may hold
// credentials) are printed as "****" in errors, warnings and
// [Config.Describe], never in part; so are the credentials of a URL
// (user:password@ or token@) and, in a URL with a scheme, its query values
// (?api_key=****) and fragment ([MaskURL], the one masking of endpoints that
// the doctor, export errors and telemetry.DeliveryError use too). In a
// Config, secrets have the
// type [Secret], which every fmt verb, json.Marshal and slog print as
// "****"; the endpoints' credentials are masked the same way; Config.Values
// is masked and Config.Secrets holds the raw secret values, as Secrets.
//
// # Mistakes
//
// Load lists the environment (the process's, or [WithEnviron]'s; a
// [WithGetenv] function cannot be listed) and gives one [Warning] of kind
// [WarningUnknownVariable] for each variable that looks like one of the
// table but is not: a name starting OTEL_, CLAUDE_CODE_ or CCOTEL_ (in any
// case) within two edits of a variable of the table, or equal to one but
// for case, with the variable probably meant ("OTEL_METRICS_EXPORTERS is
// set but is not a variable ccotel reads; did you mean
// OTEL_METRICS_EXPORTER?"). The OpenTelemetry specification's other
// variables (OTEL_SERVICE_NAME is read; OTEL_SDK_DISABLED, OTEL_BSP_*,
// OTEL_BLRP_*, OTEL_PROPAGATORS, ... are not) and Claude Code's own
// non-telemetry variables are never reported. This runs even with telemetry
// off, since a mistaken CLAUDE_CODE_ENABLE_TELEMETRY is what leaves it off.
// telemetry.Start hands every warning to the error handler, which
// CLAUDE_CODE_OTEL_DIAG_STDERR (read with telemetry off too) sends to
// stderr.
//
// # The process environment
//
// ccotel passes every setting to the OpenTelemetry SDK explicitly (sampler,
// span and log record limits, batch and reader settings, resource), but
// the SDK's providers still read a few variables from the process
// environment themselves when they are built, whatever ccotel's source
// ([WithEnviron], [WithGetenv], settings files), and print an invalid value
// on stderr through OpenTelemetry's global error handler. With telemetry
// on and the process environment as Load's source, Load refuses those
// values, each as a [Problem] whose Source is [SourceProcess], so that no
// provider is built with them:
// OTEL_TRACES_SAMPLER (an unknown sampler) and OTEL_TRACES_SAMPLER_ARG (with
// a ratio sampler, not a number from 0 to 1), OTEL_GO_X_CARDINALITY_LIMIT
// (not a whole number) and OTEL_RESOURCE_ATTRIBUTES (a pair without '=',
// an empty one after a trailing comma included, or a bad percent-encoding
// in a value). Their values change nothing else: ccotel's configuration
// decides the sampler, the limit and the resource. When Load reads another
// environment ([WithEnviron], [WithGetenv], the test kit), those process
// values are not ccotel's and do not stop it: each is a [Warning] of kind
// [WarningProcess], and the SDK prints its own line about it.
//
// # Variables
//
// Besides the table, Load reads, from the environment only, the variables
// Claude Code detects its terminal with (CURSOR_TRACE_ID,
// VSCODE_GIT_ASKPASS_MAIN, TERM_PROGRAM, TMUX, STY, KONSOLE_VERSION,
// GNOME_TERMINAL_SERVICE, KITTY_WINDOW_ID, ALACRITTY_LOG, WT_SESSION, TERM)
// for [Identity].TerminalType; nothing outside this package reads the
// environment.
//
// Every variable Load reads, from the table [Variables]. "Files" says which
// settings files may set it; every variable can also be set in code with
// WithVariable(name, value), which the Option column repeats.
//
// BEGIN VARIABLES (generated from Variables by go test -run TestDocTable -update; do not edit)
//
//	Variable                                           Default                Files              Option        Secret  Meaning
//	CLAUDE_CODE_ENABLE_TELEMETRY                       -                      not project        WithVariable          Master switch (truthy: 1, true, yes, on). Off: Load returns Enabled=false and never an error.
//	OTEL_METRICS_EXPORTER                              -                      project: off only  WithVariable          Comma list of otlp, prometheus, console, none.
//	OTEL_LOGS_EXPORTER                                 -                      project: off only  WithVariable          Comma list of otlp, console, none (events).
//	OTEL_TRACES_EXPORTER                               -                      project: off only  WithVariable          Comma list of otlp, console, none; used only with the traces beta.
//	OTEL_EXPORTER_OTLP_PROTOCOL                        -                      not project        WithVariable          grpc, http/protobuf or http/json; no default: required for an otlp exporter.
//	OTEL_EXPORTER_OTLP_METRICS_PROTOCOL                -                      not project        WithVariable          Per-signal PROTOCOL for metrics; falls back to OTEL_EXPORTER_OTLP_PROTOCOL.
//	OTEL_EXPORTER_OTLP_LOGS_PROTOCOL                   -                      not project        WithVariable          Per-signal PROTOCOL for logs; falls back to OTEL_EXPORTER_OTLP_PROTOCOL.
//	OTEL_EXPORTER_OTLP_TRACES_PROTOCOL                 -                      not project        WithVariable          Per-signal PROTOCOL for traces; falls back to OTEL_EXPORTER_OTLP_PROTOCOL.
//	OTEL_EXPORTER_OTLP_ENDPOINT                        -                      not project        WithVariable          Collector URL; generic default http://localhost:4317 (grpc) or http://localhost:4318 (http, /v1/<signal> appended); per-signal used as is.
//	OTEL_EXPORTER_OTLP_METRICS_ENDPOINT                -                      not project        WithVariable          Per-signal ENDPOINT for metrics; falls back to OTEL_EXPORTER_OTLP_ENDPOINT.
//	OTEL_EXPORTER_OTLP_LOGS_ENDPOINT                   -                      not project        WithVariable          Per-signal ENDPOINT for logs; falls back to OTEL_EXPORTER_OTLP_ENDPOINT.
//	OTEL_EXPORTER_OTLP_TRACES_ENDPOINT                 -                      not project        WithVariable          Per-signal ENDPOINT for traces; falls back to OTEL_EXPORTER_OTLP_ENDPOINT.
//	OTEL_EXPORTER_OTLP_HEADERS                         -                      not project        WithVariable  yes     Static headers name=value,... (values percent-decoded); per-signal merged over generic.
//	OTEL_EXPORTER_OTLP_METRICS_HEADERS                 -                      not project        WithVariable  yes     Per-signal HEADERS for metrics; falls back to OTEL_EXPORTER_OTLP_HEADERS.
//	OTEL_EXPORTER_OTLP_LOGS_HEADERS                    -                      not project        WithVariable  yes     Per-signal HEADERS for logs; falls back to OTEL_EXPORTER_OTLP_HEADERS.
//	OTEL_EXPORTER_OTLP_TRACES_HEADERS                  -                      not project        WithVariable  yes     Per-signal HEADERS for traces; falls back to OTEL_EXPORTER_OTLP_HEADERS.
//	OTEL_EXPORTER_OTLP_INSECURE                        false                  not project        WithVariable          Truthy: no TLS (also implied by an http:// endpoint).
//	OTEL_EXPORTER_OTLP_METRICS_INSECURE                -                      not project        WithVariable          Per-signal INSECURE for metrics; falls back to OTEL_EXPORTER_OTLP_INSECURE.
//	OTEL_EXPORTER_OTLP_LOGS_INSECURE                   -                      not project        WithVariable          Per-signal INSECURE for logs; falls back to OTEL_EXPORTER_OTLP_INSECURE.
//	OTEL_EXPORTER_OTLP_TRACES_INSECURE                 -                      not project        WithVariable          Per-signal INSECURE for traces; falls back to OTEL_EXPORTER_OTLP_INSECURE.
//	OTEL_EXPORTER_OTLP_COMPRESSION                     none                   any                WithVariable          gzip or none.
//	OTEL_EXPORTER_OTLP_METRICS_COMPRESSION             -                      any                WithVariable          Per-signal COMPRESSION for metrics; falls back to OTEL_EXPORTER_OTLP_COMPRESSION.
//	OTEL_EXPORTER_OTLP_LOGS_COMPRESSION                -                      any                WithVariable          Per-signal COMPRESSION for logs; falls back to OTEL_EXPORTER_OTLP_COMPRESSION.
//	OTEL_EXPORTER_OTLP_TRACES_COMPRESSION              -                      any                WithVariable          Per-signal COMPRESSION for traces; falls back to OTEL_EXPORTER_OTLP_COMPRESSION.
//	OTEL_EXPORTER_OTLP_TIMEOUT                         10000                  not project        WithVariable          Export timeout, milliseconds.
//	OTEL_EXPORTER_OTLP_METRICS_TIMEOUT                 -                      not project        WithVariable          Per-signal TIMEOUT for metrics; falls back to OTEL_EXPORTER_OTLP_TIMEOUT.
//	OTEL_EXPORTER_OTLP_LOGS_TIMEOUT                    -                      not project        WithVariable          Per-signal TIMEOUT for logs; falls back to OTEL_EXPORTER_OTLP_TIMEOUT.
//	OTEL_EXPORTER_OTLP_TRACES_TIMEOUT                  -                      not project        WithVariable          Per-signal TIMEOUT for traces; falls back to OTEL_EXPORTER_OTLP_TIMEOUT.
//	OTEL_EXPORTER_OTLP_CERTIFICATE                     -                      not project        WithVariable          CA certificate file (grpc; http when NODE_EXTRA_CA_CERTS is unset).
//	OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE             -                      not project        WithVariable          Per-signal CERTIFICATE for metrics; falls back to OTEL_EXPORTER_OTLP_CERTIFICATE.
//	OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE                -                      not project        WithVariable          Per-signal CERTIFICATE for logs; falls back to OTEL_EXPORTER_OTLP_CERTIFICATE.
//	OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE              -                      not project        WithVariable          Per-signal CERTIFICATE for traces; falls back to OTEL_EXPORTER_OTLP_CERTIFICATE.
//	OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE              -                      not project        WithVariable          Client certificate file (grpc mTLS); needs CLIENT_KEY.
//	OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE      -                      not project        WithVariable          Per-signal CLIENT_CERTIFICATE for metrics; falls back to OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE.
//	OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE         -                      not project        WithVariable          Per-signal CLIENT_CERTIFICATE for logs; falls back to OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE.
//	OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE       -                      not project        WithVariable          Per-signal CLIENT_CERTIFICATE for traces; falls back to OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE.
//	OTEL_EXPORTER_OTLP_CLIENT_KEY                      -                      not project        WithVariable  yes     Client key file (grpc mTLS); needs CLIENT_CERTIFICATE.
//	OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY              -                      not project        WithVariable  yes     Per-signal CLIENT_KEY for metrics; falls back to OTEL_EXPORTER_OTLP_CLIENT_KEY.
//	OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY                 -                      not project        WithVariable  yes     Per-signal CLIENT_KEY for logs; falls back to OTEL_EXPORTER_OTLP_CLIENT_KEY.
//	OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY               -                      not project        WithVariable  yes     Per-signal CLIENT_KEY for traces; falls back to OTEL_EXPORTER_OTLP_CLIENT_KEY.
//	OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE  delta                  any                WithVariable          delta or cumulative (case-insensitive); lowmemory is read as delta.
//	OTEL_METRIC_EXPORT_INTERVAL                        60000                  not project        WithVariable          Metrics export interval, milliseconds.
//	OTEL_LOGS_EXPORT_INTERVAL                          5000                   not project        WithVariable          Events batch delay, milliseconds.
//	OTEL_TRACES_EXPORT_INTERVAL                        5000                   not project        WithVariable          Spans batch delay, milliseconds.
//	OTEL_TRACES_SAMPLER                                parentbased_always_on  any                WithVariable          Sampler: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio.
//	OTEL_TRACES_SAMPLER_ARG                            1                      any                WithVariable          Ratio of the traceidratio samplers, 0 to 1.
//	OTEL_METRIC_EXPORT_TIMEOUT                         30000                  not project        WithVariable          Metrics export timeout, milliseconds.
//	OTEL_BLRP_SCHEDULE_DELAY                           5000                   not project        WithVariable          Events batch delay, milliseconds, when OTEL_LOGS_EXPORT_INTERVAL is unset.
//	OTEL_BLRP_MAX_QUEUE_SIZE                           2048                   not project        WithVariable          Events waiting for export (1 to 1000000); beyond it they are dropped and counted.
//	OTEL_BLRP_MAX_EXPORT_BATCH_SIZE                    512                    not project        WithVariable          Events per export request (1 to OTEL_BLRP_MAX_QUEUE_SIZE).
//	OTEL_BLRP_EXPORT_TIMEOUT                           30000                  not project        WithVariable          Events export timeout, milliseconds.
//	OTEL_BSP_SCHEDULE_DELAY                            5000                   not project        WithVariable          Spans batch delay, milliseconds, when OTEL_TRACES_EXPORT_INTERVAL is unset.
//	OTEL_BSP_MAX_QUEUE_SIZE                            2048                   not project        WithVariable          Spans waiting for export (1 to 1000000); beyond it they are dropped and counted.
//	OTEL_BSP_MAX_EXPORT_BATCH_SIZE                     512                    not project        WithVariable          Spans per export request (1 to OTEL_BSP_MAX_QUEUE_SIZE).
//	OTEL_BSP_EXPORT_TIMEOUT                            30000                  not project        WithVariable          Spans export timeout, milliseconds.
//	OTEL_SERVICE_NAME                                  claude-code            not project        WithVariable          service.name of the resource.
//	OTEL_RESOURCE_ATTRIBUTES                           -                      not project        WithVariable          Resource attributes key=value,... (percent-decoded, order kept, quotes kept).
//	OTEL_EXPORTER_PROMETHEUS_HOST                      -                      not project        WithVariable          Host the prometheus exporter listens on; empty: all interfaces.
//	OTEL_EXPORTER_PROMETHEUS_PORT                      9464                   not project        WithVariable          Port of the prometheus exporter (0 to 65535).
//	CLAUDE_CODE_CLIENT_CERT                            -                      not project        WithVariable          Client certificate file for http/protobuf and http/json; needs CLAUDE_CODE_CLIENT_KEY.
//	CLAUDE_CODE_CLIENT_KEY                             -                      not project        WithVariable  yes     Client key file for http/protobuf and http/json; needs CLAUDE_CODE_CLIENT_CERT.
//	CLAUDE_CODE_CLIENT_KEY_PASSPHRASE                  -                      not project        WithVariable  yes     Passphrase of CLAUDE_CODE_CLIENT_KEY.
//	NODE_EXTRA_CA_CERTS                                -                      not project        WithVariable          CA certificate file for http/protobuf and http/json.
//	HTTPS_PROXY                                        -                      not project        WithVariable  yes     Proxy for OTLP over HTTP (first set of HTTPS_PROXY, https_proxy, HTTP_PROXY, http_proxy).
//	https_proxy                                        -                      not project        WithVariable  yes     As HTTPS_PROXY.
//	HTTP_PROXY                                         -                      not project        WithVariable  yes     As HTTPS_PROXY, when neither HTTPS_PROXY nor https_proxy is set.
//	http_proxy                                         -                      not project        WithVariable  yes     As HTTP_PROXY.
//	NO_PROXY                                           -                      not project        WithVariable          Hosts that bypass the proxy (or no_proxy).
//	no_proxy                                           -                      not project        WithVariable          As NO_PROXY.
//	OTEL_METRICS_INCLUDE_SESSION_ID                    true                   any                WithVariable          session.id on every metric, event and span.
//	OTEL_METRICS_INCLUDE_VERSION                       false                  any                WithVariable          app.version on every metric, event and span.
//	OTEL_METRICS_INCLUDE_ACCOUNT_UUID                  true                   any                WithVariable          user.account_uuid and user.account_id.
//	OTEL_METRICS_INCLUDE_ENTRYPOINT                    false                  any                WithVariable          app.entrypoint.
//	OTEL_METRICS_INCLUDE_RESOURCE_ATTRIBUTES           true                   any                WithVariable          Copy OTEL_RESOURCE_ATTRIBUTES onto datapoints and events.
//	OTEL_METRICS_INCLUDE_REPOSITORY                    false                  any                WithVariable          Repository attributes.
//	OTEL_RESOURCE_INCLUDE_HOST                         false                  any                WithVariable          host.name on the resource.
//	OTEL_LOG_USER_PROMPTS                              false                  project: off only  WithVariable          Log prompt text instead of <REDACTED>.
//	OTEL_LOG_ASSISTANT_RESPONSES                       -                      not project        WithVariable          Log response text; unset: follows OTEL_LOG_USER_PROMPTS; falsy forces redaction.
//	OTEL_LOG_TOOL_DETAILS                              false                  project: off only  WithVariable          Log tool parameters, names of MCP servers, skills, plugins.
//	OTEL_LOG_TOOL_CONTENT                              false                  project: off only  WithVariable          tool.output span events with tool input and output.
//	OTEL_LOG_RAW_API_BODIES                            -                      not project        WithVariable          Truthy: api_request_body/api_response_body events inline; file:<dir>: bodies written to dir.
//	CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH                61440                  any                WithVariable          Content limit in UTF-16 code units, marker included.
//	OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT                  -                      any                WithVariable          Lowers the content limit when smaller.
//	OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT        -                      any                WithVariable          Lowers the content limit when smaller.
//	OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT             -                      any                WithVariable          Lowers the content limit when smaller.
//	otelHeadersHelper                                  -                      not project        WithVariable  yes     Settings key: command printing a JSON object of headers (http protocols only).
//	CLAUDE_CODE_OTEL_HEADERS_HELPER_DEBOUNCE_MS        1740000                not project        WithVariable  yes     Headers helper refresh interval, milliseconds.
//	CLAUDE_CODE_ENHANCED_TELEMETRY_BETA                -                      not project        WithVariable          Traces beta switch; when set it decides, else ENABLE_ENHANCED_TELEMETRY_BETA.
//	ENABLE_ENHANCED_TELEMETRY_BETA                     -                      not project        WithVariable          Alias of CLAUDE_CODE_ENHANCED_TELEMETRY_BETA.
//	ENABLE_BETA_TRACING_DETAILED                       -                      not project        WithVariable          Detailed beta tracing; needs BETA_TRACING_ENDPOINT.
//	BETA_TRACING_ENDPOINT                              -                      not project        WithVariable          Base URL of the detailed beta tracing pipeline.
//	CLAUDE_CODE_PROPAGATE_TRACEPARENT                  false                  any                WithVariable          Send traceparent even through a custom ANTHROPIC_BASE_URL.
//	TRACEPARENT                                        -                      any                WithVariable          Inbound W3C traceparent; an invalid one is ignored with a warning.
//	TRACESTATE                                         -                      any                WithVariable          Inbound W3C tracestate; used only with a valid TRACEPARENT.
//	CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS               2000                   not project        WithVariable          Exporter shutdown timeout, milliseconds.
//	CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS                  5000                   not project        WithVariable          Flush timeout, milliseconds.
//	CLAUDE_CODE_OTEL_DIAG_STDERR                       false                  any                WithVariable          Write exporter errors to stderr.
//	CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL        false                  any                WithVariable          Route feedback surveys to OTel.
//	CLAUDE_CODE_MAX_RETRIES                            10                     any                WithVariable          API retries (at most 15); sets the attempt numbers.
//	CLAUDE_CODE_ACCOUNT_UUID                           -                      environment only   WithVariable          user.account_uuid.
//	CLAUDE_CODE_USER_EMAIL                             -                      not project        WithVariable          user.email.
//	CLAUDE_CODE_ORGANIZATION_UUID                      -                      not project        WithVariable          organization.id.
//	CLAUDE_CODE_ACCOUNT_TAGGED_ID                      -                      not project        WithVariable          Overrides the computed user.account_id.
//	CLAUDE_CODE_WORKSPACE_HOST_PATHS                   -                      any                WithVariable          |-separated paths: workspace.host_paths.
//	CLAUDE_CODE_ENTRYPOINT                             -                      any                WithVariable          app.entrypoint (cli, sdk-go, ...).
//	CLAUDE_CODE_USE_BEDROCK                            -                      any                WithVariable          Truthy: anthropic.provider=bedrock.
//	CLAUDE_CODE_USE_VERTEX                             -                      any                WithVariable          Truthy: anthropic.provider=vertex (unless bedrock).
//	CLAUDE_CODE_USE_FOUNDRY                            -                      any                WithVariable          Truthy: anthropic.provider=foundry (unless bedrock or vertex); none: firstParty.
//	ANTHROPIC_BASE_URL                                 -                      any                WithVariable          A host other than api.anthropic.com: anthropic.custom_base_url=true.
//	OTEL_SEMCONV_STABILITY_OPT_IN                      -                      any                WithVariable          Comma list; gen_ai_latest_experimental adds the GenAI client histograms (ccotel extension).
//	CCOTEL_DELTA_CONTIGUOUS                            false                  any                WithVariable          ccotel extension: with delta temporality, keep recently active series contiguous (zero points, chained start times).
//	CCOTEL_DELTA_CONTIGUOUS_TTL_MS                     1800000                any                WithVariable          ccotel extension: how long an idle series keeps getting zero points, milliseconds.
//	CCOTEL_METRICS_ZERO_START                          false                  any                WithVariable          ccotel extension: every counter series starts on the wire with a 0 point (its first value one export later), so increase() sees one-off series.
//	CCOTEL_METRICS_CARDINALITY_LIMIT                   2000                   not project        WithVariable          ccotel extension: attribute sets kept per instrument and collection (1 to 1000000); the rest fold into otel.metric.overflow=true.
//	CCOTEL_SERVICE_INSTANCE_ID                         false                  any                WithVariable          ccotel extension: a per-process UUIDv4 service.instance.id on the resource.
//	CCOTEL_METRICS_INCLUDE_SESSION_ID                  -                      any                WithVariable          ccotel extension: session.id on metrics; unset: follows OTEL_METRICS_INCLUDE_SESSION_ID.
//	CCOTEL_EVENTS_INCLUDE_SESSION_ID                   -                      any                WithVariable          ccotel extension: session.id on events; unset: follows OTEL_METRICS_INCLUDE_SESSION_ID.
package config
