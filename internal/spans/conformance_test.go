package spans

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
)

const captureVersion = "claude-code-2.1.332"

// captureDir finds shared/conformance/<version> above the package directory.
func captureDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "conformance", captureVersion)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("shared/conformance/%s not found above the package", captureVersion)
	}
	t.Skipf("shared/conformance/%s not found above the package", captureVersion)
	return ""
}

type otlpValue struct {
	StringValue *string         `json:"stringValue"`
	IntValue    json.RawMessage `json:"intValue"`
	BoolValue   *bool           `json:"boolValue"`
	DoubleValue *float64        `json:"doubleValue"`
	ArrayValue  json.RawMessage `json:"arrayValue"`
}

func (v otlpValue) code() string {
	switch {
	case v.StringValue != nil:
		return "s"
	case v.IntValue != nil:
		return "i"
	case v.BoolValue != nil:
		return "b"
	case v.DoubleValue != nil:
		return "d"
	case v.ArrayValue != nil:
		return "a"
	}
	return "?"
}

type otlpKV struct {
	Key   string    `json:"key"`
	Value otlpValue `json:"value"`
}

type otlpTraces struct {
	ResourceSpans []struct {
		ScopeSpans []struct {
			Spans []struct {
				Name       string   `json:"name"`
				Kind       int      `json:"kind"`
				Attributes []otlpKV `json:"attributes"`
				Events     []struct {
					Name       string   `json:"name"`
					Attributes []otlpKV `json:"attributes"`
				} `json:"events"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

// built is what the builders produce for one span name: keys in a merged
// canonical order, their types, and event keys.
type built struct {
	order  []string
	types  map[string]string
	events map[string]map[string]string
}

func (b *built) add(kv []attribute.KeyValue) {
	prev := -1
	for _, a := range kv {
		k := string(a.Key)
		i := slices.Index(b.order, k)
		if i < 0 {
			i = prev + 1
			b.order = slices.Insert(b.order, i, k)
		}
		prev = i
		b.types[k] = typeCode(a.Value)
	}
}

// buildAll drives every builder with every field set and every gate open.
func buildAll(t *testing.T) map[string]*built {
	cfg := defaultCfg()
	cfg.Content.UserPrompts, cfg.Content.ToolDetails, cfg.Content.ToolContent = true, true, true
	cfg.Content.MaxLength = 30
	r := newRig(t, cfg, WithDetailed(true))
	long := strings.Repeat("y", 40)

	ctx, in := r.tr.StartInteraction(r.ctx, Interaction{Prompt: "p", QueuedSends: 1})
	r.tr.RecordLLMRequest(ContextWithAgent(ctx, "agent1"), LLMRequest{Model: "m", QuerySource: "sdk",
		SystemPromptHash: "sp", SystemPromptLength: 1, Tools: "[]", ToolsCount: 1, NewContextMessageCount: 1, SystemRemindersCount: 1},
		LLMResult{InputTokens: 1, OutputTokens: 1, RequestID: "r", TTFT: time.Millisecond, StopReason: "end_turn", HasToolCall: true,
			ResponseModel: "m"})
	r.tr.RecordLLMRequest(ctx, LLMRequest{Model: "m"}, LLMResult{Error: "e", StatusCode: 500, Attempt: 3, RequestID: "r"})
	for _, tl := range []Tool{
		{Name: "Bash", UseID: "1", Command: "echo hi"},
		{Name: "mcp__srv__echo", UseID: "2"},
		{Name: "Write", UseID: "3", FilePath: "/f"},
		{Name: "Skill", UseID: "4", SkillName: "s"},
		{Name: "Agent", UseID: "5", SubagentType: "general-purpose"},
	} {
		r.tr.RecordTool(ctx, tl, ToolResult{
			Blocked:   &Blocked{Decision: "accept", Source: "config"},
			Execution: &Execution{Success: tl.UseID != "1", Error: "boom"},
			Output:    &ToolOutput{FilePath: "/f", Content: long, Diff: long, Output: long},
		})
	}
	r.tr.RecordHook(ctx, Hook{Event: "PreToolUse", Name: "PreToolUse:Bash", NumHooks: 1, Definitions: "[]"}, HookResult{NumSuccess: 1})
	in.End()

	out := map[string]*built{}
	for _, s := range r.rec.Ended() {
		b := out[s.Name()]
		if b == nil {
			b = &built{types: map[string]string{}, events: map[string]map[string]string{}}
			out[s.Name()] = b
		}
		b.add(s.Attributes())
		for _, e := range s.Events() {
			if b.events[e.Name] == nil {
				b.events[e.Name] = map[string]string{}
			}
			for _, a := range e.Attributes {
				b.events[e.Name][string(a.Key)] = typeCode(a.Value)
			}
		}
		if s.SpanKind() != 1 {
			t.Errorf("%s kind %v", s.Name(), s.SpanKind())
		}
	}
	return out
}

// TestCaptures checks every span of the 2.1.332 captures: each key after the
// standard ones is produced with the observed type, in the observed order,
// and so is every span event key.
func TestCaptures(t *testing.T) {
	dir := captureDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "otlp", "*_traces.json"))
	if len(files) == 0 {
		t.Fatalf("no trace captures in %s", dir)
	}
	got := buildAll(t)
	seen := map[string]int{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc otlpTraces
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		scenario := filepath.Base(filepath.Dir(filepath.Dir(f)))
		for _, rs := range doc.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					seen[sp.Name]++
					checkCaptured(t, scenario, sp.Name, sp.Kind, sp.Attributes, got[sp.Name])
					for _, e := range sp.Events {
						for _, a := range e.Attributes {
							if b := got[sp.Name]; b == nil || b.events[e.Name][a.Key] != a.Value.code() {
								t.Errorf("%s %s: event %s key %s:%s not produced", scenario, sp.Name, e.Name, a.Key, a.Value.code())
							}
						}
					}
				}
			}
		}
	}
	for _, name := range []string{NameInteraction, NameLLMRequest, NameTool, NameBlockedOnUser, NameToolExecution} {
		if seen[name] == 0 {
			t.Errorf("the captures hold no %s span", name)
		}
	}
	t.Logf("checked %d files: %v", len(files), seen)
}

func checkCaptured(t *testing.T, scenario, name string, kind int, attrs []otlpKV, b *built) {
	t.Helper()
	if b == nil {
		t.Errorf("%s: span %s is not built", scenario, name)
		return
	}
	if kind != 1 {
		t.Errorf("%s %s: captured kind %d", scenario, name, kind)
	}
	std := slices.IndexFunc(attrs, func(a otlpKV) bool { return a.Key == "gen_ai.provider.name" })
	if std < 0 {
		t.Errorf("%s %s: no gen_ai.provider.name", scenario, name)
		return
	}
	last := -1
	for _, a := range attrs[std:] {
		i := slices.Index(b.order, a.Key)
		switch {
		case i < 0:
			t.Errorf("%s %s: key %s is not produced", scenario, name, a.Key)
		case b.types[a.Key] != a.Value.code():
			t.Errorf("%s %s: key %s is %s, captured %s", scenario, name, a.Key, b.types[a.Key], a.Value.code())
		case i < last:
			t.Errorf("%s %s: key %s is out of order (produced order %v)", scenario, name, a.Key, b.order)
		default:
			last = i
		}
	}
	if b.order[0] != "user.id" {
		// The rig's standard attributes come first in every built span.
		t.Errorf("%s: built span starts with %s", name, b.order[0])
	}
}
