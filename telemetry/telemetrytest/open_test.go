package telemetrytest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// recorder is a test whose failures and cleanups are kept, to see what New
// reports when the test ends.
type recorder struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

// A prompt without End, a tool run without Done and hooks without Complete
// are reported, by CheckOpen and when the test ends; ended, they are not.
func TestCheckOpen(t *testing.T) {
	for _, c := range []struct {
		name string
		end  bool
		want []string
	}{
		{"left open", false, []string{"prompt 1 (StartPrompt without End)", "tool run bash toolu_1", "hooks PreToolUse:bash (StartHooks without Complete)"}},
		{"ended", true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{TB: t}
			kit := telemetrytest.New(r)
			ctx, s := kit.Telemetry.StartSession(context.Background())
			ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
			hooks := s.StartHooks(ctx, telemetry.HookRun{Event: "PreToolUse", Name: "PreToolUse:bash", NumHooks: 1})
			tctx, run := s.StartTool(ctx, telemetry.ToolCall{Name: "bash", UseID: "toolu_1"})
			run.Execute(tctx) // its execution span is part of the run, not reported apart
			_, rejected := s.StartTool(ctx, telemetry.ToolCall{Name: "write", UseID: "toolu_2"})
			rejected.Decide(ctx, metrics.DecisionReject, metrics.SourceUserReject) // a rejection ends a run
			if c.end {
				hooks.Complete(ctx, telemetry.HookOutcome{NumSuccess: 1})
				run.Done(ctx, telemetry.ToolOutcome{Success: true})
				p.End(ctx)
			}
			err := kit.CheckOpen()
			r.end()
			if c.want == nil {
				if err != nil || len(r.errs) != 0 {
					t.Errorf("CheckOpen: %v; at the end of the test: %q", err, r.errs)
				}
				return
			}
			if err == nil || len(r.errs) != 1 {
				t.Fatalf("CheckOpen: %v; at the end of the test: %q", err, r.errs)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) || !strings.Contains(r.errs[0], w) {
					t.Errorf("%q not in %q or %q", w, err, r.errs[0])
				}
			}
			if strings.Contains(err.Error(), "toolu_2") || strings.Contains(err.Error(), "execution") {
				t.Errorf("a rejected run or a run's child reported: %v", err)
			}
		})
	}
}

// A run and hooks started without names read without a double space.
func TestCheckOpenUnnamed(t *testing.T) {
	r := &recorder{TB: t}
	kit := telemetrytest.New(r)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	s.StartHooks(ctx, telemetry.HookRun{})
	s.StartTool(ctx, telemetry.ToolCall{})
	err := kit.CheckOpen()
	r.end()
	if err == nil || strings.Contains(err.Error(), "  ") {
		t.Errorf("CheckOpen: %q", err)
	}
}

// CheckEventNames needs no managed_settings_resolved, and CheckEventOrder
// checks a subsequence.
func TestCheckEventNamesAndOrder(t *testing.T) {
	kit := telemetrytest.New(t)
	answer(context.Background(), kit.Telemetry) // user_prompt api_request tool_decision tool_result

	for _, c := range []struct {
		check func(...string) error
		want  []string
		ok    bool
	}{
		{kit.CheckEventNames, []string{"user_prompt", "api_request", "tool_decision", "tool_result"}, true},
		{kit.CheckEventNames, []string{"managed_settings_resolved", "user_prompt", "api_request", "tool_decision", "tool_result"}, true},
		{kit.CheckEventNames, []string{"user_prompt", "managed_settings_resolved", "api_request", "tool_decision", "tool_result"}, false},
		{kit.CheckEventNames, []string{"user_prompt", "tool_decision", "tool_result"}, false},
		{kit.CheckEventOrder, []string{"user_prompt", "tool_decision", "tool_result"}, true},
		{kit.CheckEventOrder, []string{"managed_settings_resolved", "tool_result"}, true},
		{kit.CheckEventOrder, nil, true},
		{kit.CheckEventOrder, []string{"tool_result", "tool_decision"}, false},
		{kit.CheckEventOrder, []string{"user_prompt", "user_prompt"}, false},
	} {
		if err := c.check(c.want...); (err == nil) != c.ok {
			t.Errorf("%v: %v, want ok=%v", c.want, err, c.ok)
		}
	}
}
