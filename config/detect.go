package config

import (
	"net/url"
	"strings"
)

// providerVariables are the variables Claude Code reads to pick its API
// provider, in the order it tests them.
var providerVariables = []struct{ name, provider string }{
	{"CLAUDE_CODE_USE_BEDROCK", "bedrock"},
	{"CLAUDE_CODE_USE_VERTEX", "vertex"},
	{"CLAUDE_CODE_USE_FOUNDRY", "foundry"},
}

// provider sets anthropic.provider and anthropic.custom_base_url from the
// variables Claude Code itself reads to pick its API provider.
func (p *parser) provider(id *Identity) {
	id.Provider = "firstParty"
	for _, v := range providerVariables {
		if p.flag(v.name) {
			id.Provider = v.provider
			break
		}
	}
	if base, ok := p.get("ANTHROPIC_BASE_URL"); ok {
		u, err := url.Parse(base)
		id.CustomBaseURL = err != nil || u.Hostname() != "api.anthropic.com"
	}
}

// terminalVariables give the terminal away when set, after the editors and
// TERM_PROGRAM and before TERM.
var terminalVariables = []struct{ env, name string }{
	{"TMUX", "tmux"}, {"STY", "screen"}, {"KONSOLE_VERSION", "konsole"},
	{"GNOME_TERMINAL_SERVICE", "gnome-terminal"}, {"KITTY_WINDOW_ID", "kitty"},
	{"ALACRITTY_LOG", "alacritty"}, {"WT_SESSION", "windows-terminal"},
}

// detectTerminal names the terminal the way Claude Code's terminal.type
// does: the editor or emulator when an environment variable gives it away,
// else TERM, else "non-interactive". These variables describe the process,
// not the telemetry, so they are read from the environment only (never from
// settings files) and are not in Variables.
func detectTerminal(getenv func(string) (string, bool)) string {
	get := func(name string) string { v, _ := getenv(name); return v }
	switch {
	case get("CURSOR_TRACE_ID") != "":
		return "cursor"
	case strings.Contains(get("VSCODE_GIT_ASKPASS_MAIN"), "cursor"):
		return "cursor"
	case strings.Contains(get("VSCODE_GIT_ASKPASS_MAIN"), "windsurf"):
		return "windsurf"
	}
	if tp := get("TERM_PROGRAM"); tp != "" {
		return tp // iTerm.app, Apple_Terminal, vscode, WezTerm, ghostty, ...
	}
	for _, c := range terminalVariables {
		if get(c.env) != "" {
			return c.name
		}
	}
	if t := get("TERM"); t != "" {
		return t
	}
	return "non-interactive"
}
