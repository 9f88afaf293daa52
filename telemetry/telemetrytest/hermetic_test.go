package telemetrytest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ccotel/ccotel/config"
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

// TestKitIgnoresShellSDKVariables: the developer's shell sets the
// variables the OpenTelemetry SDK's providers read by themselves (sampler,
// span and log record limits); the kit records what ccotel's own
// configuration says, and its own OTEL_TRACES_SAMPLER decides.
func TestKitIgnoresShellSDKVariables(t *testing.T) {
	for name, value := range map[string]string{
		"OTEL_TRACES_SAMPLER": "always_off", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "2", "OTEL_ATTRIBUTE_COUNT_LIMIT": "1",
		"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT": "2", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "1",
		"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "2", "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "1",
	} {
		t.Setenv(name, value)
	}
	emit := func(kit *telemetrytest.Kit) {
		ctx, s := kit.Telemetry.StartSession(context.Background())
		pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
		p.End(pctx)
	}
	kit := telemetrytest.New(t)
	emit(kit)
	spans := kit.Spans("claude_code.interaction")
	if len(spans) != 1 {
		t.Fatalf("%d interaction spans, want 1: the shell's sampler decided", len(spans))
	}
	if len(spans[0].Attributes) < 2 || spans[0].DroppedAttributes != 0 {
		t.Errorf("span attributes %v, %d dropped: the shell's span limits applied", spans[0].Attributes, spans[0].DroppedAttributes)
	}
	if id := kit.Events("user_prompt")[0].Attr("session.id").Str(); len(id) != 36 {
		t.Errorf("user_prompt session.id %q: the shell's log record limits applied", id)
	}
	for _, kv := range spans[0].Attributes {
		if kv.Key == "session.id" && len(kv.Value.AsString()) != 36 {
			t.Errorf("span session.id %q: the shell's span limits applied", kv.Value.AsString())
		}
	}

	off := telemetrytest.New(t, telemetrytest.WithVariable("OTEL_TRACES_SAMPLER", "always_off"))
	emit(off)
	if n := len(off.Spans()); n != 0 {
		t.Errorf("OTEL_TRACES_SAMPLER=always_off in ccotel's configuration: %d spans", n)
	}
}

// TestKitSurvivesInvalidShellSDKVariables: values the OpenTelemetry SDK
// would refuse in the developer's shell do not fail the kit, which reads
// none of them; they are told as a config.WarningProcess.
func TestKitSurvivesInvalidShellSDKVariables(t *testing.T) {
	for name, value := range map[string]string{
		"OTEL_TRACES_SAMPLER": "bogus", "OTEL_GO_X_CARDINALITY_LIMIT": "lots", "OTEL_RESOURCE_ATTRIBUTES": "x=y,",
	} {
		t.Setenv(name, value)
	}
	kit := telemetrytest.New(t)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
	p.End(pctx)
	if n := len(kit.Spans("claude_code.interaction")); n != 1 {
		t.Errorf("%d interaction spans, want 1", n)
	}
	told := 0
	for _, err := range kit.Errors() {
		var w config.Warning
		if errors.As(err, &w) && w.Kind == config.WarningProcess {
			told++
		}
	}
	if told != 3 {
		t.Errorf("%d WarningProcess reported, want 3: %v", told, kit.Errors())
	}
}
