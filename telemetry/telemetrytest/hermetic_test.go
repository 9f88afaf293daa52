package telemetrytest_test

import (
	"context"
	"testing"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// TestKitIgnoresShellIdentity: the developer's shell says bedrock, a custom
// base URL and vscode; the kit's events say what an empty environment gives.
func TestKitIgnoresShellIdentity(t *testing.T) {
	t.Setenv("CLAUDE_CODE_USE_BEDROCK", "1")
	t.Setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
	t.Setenv("TERM_PROGRAM", "vscode")
	t.Setenv("TERM", "xterm")
	kit := telemetrytest.New(t)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	_, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
	p.End(ctx)
	for _, e := range kit.Events("user_prompt") {
		for key, want := range map[string]string{"anthropic.provider": "firstParty", "terminal.type": "non-interactive"} {
			if got := e.Attr(key).Str(); got != want {
				t.Errorf("%s = %q, want %q", key, got, want)
			}
		}
		if e.Attr("anthropic.custom_base_url").Bool() {
			t.Error("anthropic.custom_base_url from the shell")
		}
	}
	if len(kit.Events("user_prompt")) != 1 {
		t.Fatalf("events %v", kit.EventNames())
	}
}
