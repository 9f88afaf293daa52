package telemetry_test

import (
	"context"
	"testing"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// new_at_mention (2.1.330): at_mention comes before user_prompt and shares
// its prompt.id and trace.
func TestAtMentionsInsideThePrompt(t *testing.T) {
	kit := telemetrytest.New(t)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "Summarize @notes.txt please."},
		telemetry.WithAtMentions(events.AtMention{MentionType: "file", Success: true}))
	p.End(ctx)
	if err := kit.CheckEventNames("managed_settings_resolved", "at_mention", "user_prompt"); err != nil {
		t.Fatal(err)
	}
	mention, prompt := kit.Events("at_mention")[0], kit.Events("user_prompt")[0]
	if mention.Attr("prompt.id").Str() == "" || mention.Attr("prompt.id").Str() != prompt.Attr("prompt.id").Str() {
		t.Errorf("prompt.id: at_mention %q, user_prompt %q", mention.Attr("prompt.id").Str(), prompt.Attr("prompt.id").Str())
	}
	if mention.TraceID != prompt.TraceID || mention.Attr("success").Str() != "true" {
		t.Errorf("at_mention must share the prompt's trace and send success as a string: %v", mention)
	}
}
