// Package eventspec is the one table of every event ccotel emits: for each
// Claude Code event its name, and for each attribute its key, Go field, wire
// type, position, presence and content rule. events/internal/gen turns it
// into the typed structs and emit methods of package events and into
// docs/EVENTS.md; tests check it against the real Claude Code captures.
//
// Order of Attrs is the wire order. Where the 2.1.330 captures show an order
// it wins over the documentation; keys the captures never showed sit where
// the documentation lists them.
//
// It reads no environment variables: the gates it names (OTEL_LOG_*) are applied by internal/redact
// from the loaded configuration.
package eventspec
