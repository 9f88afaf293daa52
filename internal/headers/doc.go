// Package headers runs Claude Code's otelHeadersHelper: a command that
// prints a JSON object of HTTP headers, typically short-lived auth tokens.
//
// The helper is run in the background, never on an emit path: at start and
// then every debounce period. Exports read the last good result; until the
// first run finishes they wait for it (bounded by the helper timeout) so
// the first batch is not sent without credentials. A failing or hanging
// helper is reported and the previous headers stay in use. Its output is
// bounded (MaxOutput, 64 KiB: a helper printing more is killed and
// reported) and its headers are checked as the configuration's are. Errors
// contain neither the output (credentials) nor the command (a secret
// setting: it may carry a token).
//
// It reads no environment variables itself: the command and its debounce come from config
// (otelHeadersHelper, CLAUDE_CODE_OTEL_HEADERS_HELPER_DEBOUNCE_MS, default 1740000 ms).
package headers
