package telemetry_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/doctor"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/propagation"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// callAll calls every exported method of recv with zero arguments: nil
// contexts, nil pointers, zero structs, no variadic options. A method added
// later is called too, so none can forget the nil checks.
func callAll(t *testing.T, what string, recv any, skip ...string) {
	t.Helper()
	v := reflect.ValueOf(recv)
	ty := v.Type()
	if ty.NumMethod() == 0 {
		t.Fatalf("%s: no methods", what)
	}
	for i := range ty.NumMethod() {
		m := ty.Method(i)
		if contains(skip, m.Name) {
			continue
		}
		ft := m.Type // the receiver is In(0)
		n := ft.NumIn() - 1
		if ft.IsVariadic() {
			n-- // no options
		}
		args := make([]reflect.Value, n)
		for j := range args {
			args[j] = reflect.Zero(ft.In(j + 1))
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s.%s with nil/zero arguments panicked: %v", what, m.Name, p)
				}
			}()
			v.Method(i).Call(args)
		}()
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestNilReceiversAndContexts: every exported method of the public API's
// handles, on nil receivers, on handles of a disabled Telemetry and on live
// ones, accepts nil contexts and zero arguments without panicking; so do
// the pointer types of every other public package (telemetrytest, events,
// metrics, pricing, config, doctor, propagation) when nil, and their value
// types when zero.
func TestNilReceiversAndContexts(t *testing.T) {
	var nilTel *telemetry.Telemetry
	callAll(t, "nil *Telemetry", nilTel)
	callAll(t, "nil *Session", (*telemetry.Session)(nil))
	callAll(t, "nil *Prompt", (*telemetry.Prompt)(nil))
	callAll(t, "nil *ToolRun", (*telemetry.ToolRun)(nil))
	callAll(t, "nil *RunningHooks", (*telemetry.RunningHooks)(nil))
	callAll(t, "nil *DeliveryError", (*telemetry.DeliveryError)(nil))
	callAll(t, "nil *telemetrytest.Kit", (*telemetrytest.Kit)(nil))
	callAll(t, "nil *events.Emitter", (*events.Emitter)(nil))
	callAll(t, "nil *metrics.Recorder", (*metrics.Recorder)(nil))
	callAll(t, "nil *pricing.Table", (*pricing.Table)(nil))
	callAll(t, "nil *pricing.UnknownModelError", (*pricing.UnknownModelError)(nil))
	callAll(t, "nil *config.Error", (*config.Error)(nil))
	callAll(t, "nil *config.Config", (*config.Config)(nil), "Describe") // value methods: a nil pointer cannot call them
	callAll(t, "zero config.Config", config.Config{})
	callAll(t, "zero config.Secret", config.Secret(""), "Format") // fmt never passes a nil fmt.State
	callAll(t, "zero doctor.Report", doctor.Report{})
	callAll(t, "nil *propagation.Transport", (*propagation.Transport)(nil))
	callAll(t, "nil *telemetry.ExportError", (*telemetry.ExportError)(nil))
	//lint:ignore SA1012 a nil context is what this test is about
	if telemetry.SessionFromContext(nil) != nil || telemetry.ToolRunFromContext(nil) != nil {
		t.Error("a nil context carries a session or a tool run")
	}

	off, err := telemetry.Start(context.Background(), env())
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1012 a nil context is what this test is about
	_, s := off.StartSession(nil)
	callAll(t, "disabled *Session", s)
	callAll(t, "disabled *Telemetry", off)

	// Start, not New: calling every method by reflection starts prompts,
	// tool runs and hooks it cannot end, which New's cleanup would report.
	kit, err := telemetrytest.Start()
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1012 a nil context is what this test is about
	_, s = kit.Telemetry.StartSession(nil)
	//lint:ignore SA1012 a nil context is what this test is about
	pctx, p := s.StartPrompt(nil, eventsPrompt("hi"))
	_, run := s.StartTool(pctx, telemetry.ToolCall{Name: "Bash"})
	callAll(t, "live *ToolRun", run)
	//lint:ignore SA1012 a nil context is what this test is about
	callAll(t, "live *RunningHooks", s.StartHooks(nil, telemetry.HookRun{Event: "Stop"}))
	callAll(t, "live *Prompt", p)
	callAll(t, "live *Session", s)
	// Shutdown last.
	callAll(t, "live *Telemetry", kit.Telemetry)
}

func eventsPrompt(text string) events.UserPrompt { return events.UserPrompt{Prompt: text} }

// TestNilConfigIsFresh: a nil Telemetry's Config is a zero Config of its
// own, so a caller that writes to it changes nothing another caller sees.
func TestNilConfigIsFresh(t *testing.T) {
	var a, b *telemetry.Telemetry
	a.Config().Enabled = true
	a.Config().Provenance = map[string]config.Source{"x": config.Source("shell")}
	if got := b.Config(); got.Enabled || got.Provenance != nil {
		t.Errorf("a nil handle's Config shows another's write: Enabled=%v Provenance=%v", got.Enabled, got.Provenance)
	}
}

// TestOffPathContexts: with telemetry off (a disabled handle, nil handles,
// zero ones) the calls that return a context return the caller's, and a
// usable one for a nil context, with nil handles: the off checks that
// inline into the host's call pass nil contexts on to the slow path.
func TestOffPathContexts(t *testing.T) {
	off, err := telemetry.Start(context.Background(), env())
	if err != nil {
		t.Fatal(err)
	}
	type key struct{}
	host := context.WithValue(context.Background(), key{}, 1)
	var (
		nilTel     *telemetry.Telemetry
		nilSession *telemetry.Session
		nilRun     *telemetry.ToolRun
	)
	for _, tc := range []struct {
		name string
		call func(context.Context) (context.Context, bool) // the context and whether the handle is nil
	}{
		{"disabled Telemetry.StartSession", func(ctx context.Context) (context.Context, bool) {
			ctx, s := off.StartSession(ctx)
			return ctx, s == nil
		}},
		{"nil Telemetry.StartSession", func(ctx context.Context) (context.Context, bool) {
			ctx, s := nilTel.StartSession(ctx)
			return ctx, s == nil
		}},
		{"zero Telemetry.StartSession", func(ctx context.Context) (context.Context, bool) {
			ctx, s := new(telemetry.Telemetry).StartSession(ctx)
			return ctx, s == nil
		}},
		{"nil Session.StartPrompt", func(ctx context.Context) (context.Context, bool) {
			ctx, p := nilSession.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
			return ctx, p == nil
		}},
		{"zero Session.StartPrompt", func(ctx context.Context) (context.Context, bool) {
			ctx, p := new(telemetry.Session).StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
			return ctx, p == nil
		}},
		{"nil Session.StartTool", func(ctx context.Context) (context.Context, bool) {
			ctx, r := nilSession.StartTool(ctx, telemetry.ToolCall{Name: "Bash"})
			return ctx, r == nil
		}},
		{"zero Session.StartTool", func(ctx context.Context) (context.Context, bool) {
			ctx, r := new(telemetry.Session).StartTool(ctx, telemetry.ToolCall{Name: "Bash"})
			return ctx, r == nil
		}},
		{"nil Session.Context", func(ctx context.Context) (context.Context, bool) { return nilSession.Context(ctx), true }},
		{"nil ToolRun.Execute", func(ctx context.Context) (context.Context, bool) { return nilRun.Execute(ctx), true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ctx, isNil := tc.call(host); ctx != host || !isNil {
				t.Errorf("with a context: got %v (the caller's: %v), nil handle %v", ctx, ctx == host, isNil)
			}
			if ctx, isNil := tc.call(nil); ctx == nil || !isNil {
				t.Errorf("with a nil context: got %v, nil handle %v", ctx, isNil)
			}
		})
	}
}
