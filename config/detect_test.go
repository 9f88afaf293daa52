package config

import (
	"testing"
)

// TestIdentityDetection: provider, custom base URL and terminal come from
// the environment Load is given, not from the process's.
func TestIdentityDetection(t *testing.T) {
	for _, tc := range []struct {
		name             string
		env              env
		provider, term   string
		customBaseURL    bool
		settingsProvider string
	}{
		{"nothing", env{}, "firstParty", "non-interactive", false, ""},
		{"TERM", env{"TERM": "dumb"}, "firstParty", "dumb", false, ""},
		{"TERM_PROGRAM before TERM", env{"TERM_PROGRAM": "iTerm.app", "TERM": "xterm"}, "firstParty", "iTerm.app", false, ""},
		{"tmux", env{"TMUX": "/tmp/x", "TERM": "screen"}, "firstParty", "tmux", false, ""},
		{"cursor before TERM_PROGRAM", env{"CURSOR_TRACE_ID": "x", "TERM_PROGRAM": "vscode"}, "firstParty", "cursor", false, ""},
		{"windsurf", env{"VSCODE_GIT_ASKPASS_MAIN": "/opt/windsurf/x"}, "firstParty", "windsurf", false, ""},
		{"bedrock and a custom URL", env{"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BASE_URL": "http://127.0.0.1:18787"}, "bedrock", "non-interactive", true, ""},
		{"bedrock before vertex", env{"CLAUDE_CODE_USE_VERTEX": "true", "CLAUDE_CODE_USE_BEDROCK": "yes"}, "bedrock", "non-interactive", false, ""},
		{"vertex", env{"CLAUDE_CODE_USE_VERTEX": "true"}, "vertex", "non-interactive", false, ""},
		{"foundry", env{"CLAUDE_CODE_USE_FOUNDRY": "on"}, "foundry", "non-interactive", false, ""},
		{"falsy", env{"CLAUDE_CODE_USE_BEDROCK": "0"}, "firstParty", "non-interactive", false, ""},
		{"the API host is not custom", env{"ANTHROPIC_BASE_URL": "https://api.anthropic.com"}, "firstParty", "non-interactive", false, ""},
		{"from a settings file", env{}, "vertex", "non-interactive", false, "vertex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The process environment says otherwise; it must not count.
			t.Setenv("CLAUDE_CODE_USE_FOUNDRY", "1")
			t.Setenv("TERM_PROGRAM", "vscode")
			t.Setenv("ANTHROPIC_BASE_URL", "http://proxy.example")
			var opts []LoadOption
			if tc.settingsProvider != "" {
				opts = append(opts, WithSettingsFiles(writeFile(t, t.TempDir(), "s.json", `{"env":{"CLAUDE_CODE_USE_VERTEX":"1"}}`)))
			}
			cfg := mustLoad(t, on(tc.env), opts...)
			id := cfg.Identity
			if id.Provider != tc.provider || id.TerminalType != tc.term || id.CustomBaseURL != tc.customBaseURL {
				t.Errorf("got provider %q terminal %q custom %v, want %q %q %v", id.Provider, id.TerminalType, id.CustomBaseURL, tc.provider, tc.term, tc.customBaseURL)
			}
		})
	}
}

// TestIdentityDetectionProcessEnvironment: without WithGetenv or
// WithEnviron, Load reads the process environment.
func TestIdentityDetectionProcessEnvironment(t *testing.T) {
	t.Setenv("CLAUDE_CODE_ENABLE_TELEMETRY", "1")
	t.Setenv("CLAUDE_CODE_USE_BEDROCK", "1")
	t.Setenv("TERM_PROGRAM", "WezTerm")
	t.Setenv("CURSOR_TRACE_ID", "")
	t.Setenv("VSCODE_GIT_ASKPASS_MAIN", "")
	cfg, err := Load(WithoutManagedSettings())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identity.Provider != "bedrock" || cfg.Identity.TerminalType != "WezTerm" {
		t.Errorf("got %+v", cfg.Identity)
	}
}
