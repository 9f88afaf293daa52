// Package telemetry starts ccotel: from the same environment variables and
// settings files that configure Claude Code, it builds the meter, logger and
// (with the traces beta) tracer providers, and hands out the typed recorders
// of the metrics and events packages, plus sessions and prompts that emit
// what Claude Code emits together.
//
//	tel, err := telemetry.Start(ctx, telemetry.WithServiceVersion("1.4.2"))
//	if err != nil {
//		return err // one error naming every misconfigured variable
//	}
//	defer tel.Shutdown(context.Background())
//	ctx, session := tel.StartSession(ctx)
//
// # Environment
//
// Start reads nothing itself: the config package reads every variable (see
// its documentation for the full table, defaults and settings-file
// precedence). The ones that decide what Start builds:
//
//	CLAUDE_CODE_ENABLE_TELEMETRY       unset: a no-op Telemetry (no goroutine, socket or file)
//	OTEL_METRICS_EXPORTER              otlp, prometheus, console (comma list); unset: no metrics
//	OTEL_LOGS_EXPORTER                 otlp, console; unset: no events
//	OTEL_TRACES_EXPORTER               otlp, console; used only with the beta below
//	CLAUDE_CODE_ENHANCED_TELEMETRY_BETA  turns traces on
//	OTEL_EXPORTER_OTLP_PROTOCOL        grpc, http/protobuf, http/json; no default
//	CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS 2000: Shutdown's budget when ctx has no earlier deadline
//	CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS  5000: ForceFlush's budget
//	CLAUDE_CODE_OTEL_DIAG_STDERR       background errors to stderr (else silent, or WithErrorHandler)
//
// The environment is read by config.Load only, identity detection included
// (config.Identity: anthropic.provider, anthropic.custom_base_url,
// terminal.type); this package never calls os.Getenv, so a Start given
// config.WithEnviron ignores the shell. Options win over the environment and
// settings files, never over managed settings (see Option).
//
// # What ccotel does differently
//
// No OpenTelemetry globals are set unless WithGlobal is given; errors never
// reach the terminal unless CLAUDE_CODE_OTEL_DIAG_STDERR is set; the
// otelHeadersHelper output also applies to gRPC exports (Claude Code applies
// it to HTTP only). docs/COMPATIBILITY.md lists every deliberate difference.
package telemetry
