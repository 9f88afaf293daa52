// Package core holds what every signal shares at emit time: the standard
// attributes in Claude Code's order, the session and prompt carried in a
// context, the process-wide event sequence, and the identity detected once at
// start (user id, terminal, provider, repository).
//
// The metrics, events and telemetry packages all build on a *State. It is
// internal so the public packages can change how they use it without breaking
// anyone.
//
// Environment (read by the detection helpers, called from telemetry.Start): TERM_PROGRAM, TERM, TMUX,
// STY, CURSOR_TRACE_ID and other terminal variables (terminal.type); ANTHROPIC_BASE_URL,
// CLAUDE_CODE_USE_BEDROCK, CLAUDE_CODE_USE_VERTEX, CLAUDE_CODE_USE_FOUNDRY (anthropic.provider,
// anthropic.custom_base_url). All default to unset; options win over them.
package core
