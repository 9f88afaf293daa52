package telemetry_test

import (
	"context"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/doctor"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// TestNilOptions: a nil option, of any option type, is skipped rather than
// panicking in the host (a conditionally built option list may hold one).
func TestNilOptions(t *testing.T) {
	ctx := context.Background()
	tel, err := telemetry.Start(ctx, nil, telemetry.WithLoadOptions(nil, config.WithEnviron(nil), config.WithoutManagedSettings()))
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(ctx)
	kit := telemetrytest.New(t, nil)
	ctx, s := kit.Telemetry.StartSession(ctx, nil)
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{}, nil)
	_, run := s.StartTool(ctx, telemetry.ToolCall{Name: "Bash"})
	run.Decide(ctx, "accept", "config", nil)
	run.Done(ctx, telemetry.ToolOutcome{Success: true})
	p.End(ctx)
	doctor.Check(ctx, nil, doctor.WithoutExports(), doctor.WithConfig(config.Config{}))
}
