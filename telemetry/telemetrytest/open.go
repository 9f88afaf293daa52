package telemetrytest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// openSpans is a span processor that keeps the spans started and not ended:
// a prompt without End, a tool run without Done.
type openSpans struct {
	mu    sync.Mutex
	spans map[trace.SpanID]sdktrace.ReadWriteSpan
}

func (o *openSpans) OnStart(_ context.Context, s sdktrace.ReadWriteSpan) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.spans == nil {
		o.spans = make(map[trace.SpanID]sdktrace.ReadWriteSpan)
	}
	o.spans[s.SpanContext().SpanID()] = s
}

func (o *openSpans) OnEnd(s sdktrace.ReadOnlySpan) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.spans, s.SpanContext().SpanID())
}

func (*openSpans) Shutdown(context.Context) error   { return nil }
func (*openSpans) ForceFlush(context.Context) error { return nil }

// left describes what is still open, oldest first. The children of an open
// tool run (its permission wait, its execution) are part of it.
func (o *openSpans) left() []string {
	o.mu.Lock()
	spans := make([]sdktrace.ReadWriteSpan, 0, len(o.spans))
	for _, s := range o.spans {
		spans = append(spans, s)
	}
	o.mu.Unlock()
	slices.SortFunc(spans, func(a, b sdktrace.ReadWriteSpan) int { return a.StartTime().Compare(b.StartTime()) })
	var out []string
	for _, s := range spans {
		attr := func(key string) string {
			for _, kv := range s.Attributes() {
				if string(kv.Key) == key {
					return fmt.Sprint(kv.Value.AsInterface())
				}
			}
			return ""
		}
		switch s.Name() {
		case "claude_code.interaction":
			out = append(out, words("prompt", attr("interaction.sequence"), "(StartPrompt without End)"))
		case "claude_code.tool":
			out = append(out, words("tool run", attr("tool_name"), attr("tool_use_id"), "(StartTool without Done or a rejecting Decide)"))
		case "claude_code.tool.blocked_on_user", "claude_code.tool.execution":
		default:
			out = append(out, "span "+s.Name())
		}
	}
	return out
}

// CheckOpen reports the prompts, tool runs and hooks started and not yet
// ended: a StartPrompt without End (no active time, and every later span
// of the session under it), a StartTool without Done or a rejecting Decide
// (no tool_result), a StartHooks without Complete (no
// hook_execution_complete). Sessions have no end in Claude Code's
// telemetry, so none can be left open. New checks it when the test ends.
func (k *Kit) CheckOpen() error {
	if k == nil {
		return nil
	}
	left := k.open.left()
	started := map[string]int{}
	for _, e := range k.Events("hook_execution_start", "hook_execution_complete") {
		n := 1
		if e.Name == "hook_execution_complete" {
			n = -1
		}
		started[e.Attr("hook_name").Str()] += n
	}
	for _, name := range slices.Sorted(maps.Keys(started)) {
		for range started[name] {
			left = append(left, words("hooks", name, "(StartHooks without Complete)"))
		}
	}
	if len(left) == 0 {
		return nil
	}
	return errors.New("left open: " + strings.Join(left, "; "))
}

// words joins the non-empty parts with spaces: a tool run or hook started
// without a name reads "tool run (StartTool ...", not "tool run  (".
func words(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " ")
}
