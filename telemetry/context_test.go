package telemetry_test

import (
	"context"
	"testing"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
)

func TestSessionFromContext(t *testing.T) {
	tel, _ := newKit(t)
	if telemetry.SessionFromContext(context.Background()) != nil {
		t.Error("an empty context carries no session")
	}
	ctx, s := tel.StartSession(context.Background())
	if telemetry.SessionFromContext(ctx) != s {
		t.Error("StartSession's context carries its session")
	}
	pctx, _ := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
	if telemetry.SessionFromContext(pctx) != s {
		t.Error("a prompt's context carries its session")
	}
	_, other := tel.StartSession(context.Background())
	if got := telemetry.SessionFromContext(other.Context(ctx)); got != other {
		t.Error("Session.Context replaces the session ctx carries")
	}
	if s.Context(ctx) != ctx {
		t.Error("Session.Context of a context that already carries it is that context")
	}

	off, err := telemetry.Start(context.Background(), env())
	if err != nil {
		t.Fatal(err)
	}
	dctx, _ := off.StartSession(context.Background())
	if telemetry.SessionFromContext(dctx) != nil {
		t.Error("a disabled handle's context carries no session")
	}
}
