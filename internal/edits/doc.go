// Package edits counts what a file edit changed the way Claude Code's
// lines_of_code metric and code_edit_tool.decision language attribute do.
//
// It reads no environment variables.
package edits
