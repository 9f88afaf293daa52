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
// Before all that it lists the mistakes: environment variables that look
// like ccotel's but are not, each with the variable meant; they fail the
// report, as do certificate files that are missing or do not parse (each
// OTLP exporter's CA, client certificate and key, decrypted with its
// passphrase) and a failing headers helper. It lists the values the managed
// lock ignored and the managed variable that locks each. WithManagedPreview
// reads a managed settings file that is not installed yet, for this check
// only.
//
// The test exports are a counter ccotel.doctor.check, a log record with that
// body and a span of that name, on the scope [Scope], so that they never
// mix with Claude Code's data. Secrets (header values, passphrases, proxy
// credentials, endpoint credentials, the headers helper's command and
// output) never appear in a Report.
package doctor
