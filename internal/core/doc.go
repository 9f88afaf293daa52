// Package core holds what every signal shares at emit time: the standard
// attributes in Claude Code's order, the session and prompt carried in a
// context, the process-wide event sequence, and the identity detected once at
// start (user id, terminal, provider, repository).
//
// The metrics, events and telemetry packages all build on a *State. It is
// internal so the public packages can change how they use it without breaking
// anyone.
//
// Environment: none. Provider and terminal detection live in config.Load
// (config.Identity); this package reads only files (the machine id, the git
// origin for the repository attributes).
package core
