// Package doctor checks a telemetry configuration the way telemetry.Start
// would load it, and tries it: it describes the effective configuration
// (every variable that matters, its value with secrets masked and where it
// came from), what is redacted and why, and the exporters of each signal,
// then sends one small test export to every configured OTLP exporter through
// the same pipeline telemetry.Start builds (same endpoint, protocol, TLS,
// proxy and headers) and reports the answer in plain words: accepted,
// connection refused, TLS spoken to a plain-HTTP port, the wrong protocol for
// the port, rejected credentials, a timeout.
//
// The test exports are a counter ccotel.doctor.check, a log record with that
// body and a span of that name, on the scope [Scope], so that they never
// mix with Claude Code's data. Secrets (header values, passphrases, proxy
// credentials, the headers helper's output) never appear in a Report.
package doctor
