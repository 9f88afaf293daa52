package events

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/events/internal/gen"
	"github.com/ccotel/ccotel/internal/eventspec"
)

// TestGeneratedFilesUpToDate fails when zz_events.go or docs/EVENTS.md
// differ from what the table generates: run go generate ./events.
func TestGeneratedFilesUpToDate(t *testing.T) {
	src, err := gen.Go()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]byte{"zz_events.go": src, filepath.Join("..", "docs", "EVENTS.md"): gen.Markdown()} {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./events", path)
		}
	}
}

// conformanceDir finds shared/conformance by walking up from here.
func conformanceDir(t *testing.T) string {
	dir, _ := filepath.Abs(".")
	for {
		for _, c := range []string{filepath.Join(dir, "shared", "conformance"), filepath.Join(dir, "..", "shared", "conformance")} {
			if fi, err := os.Stat(c); err == nil && fi.IsDir() {
				return c
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			if os.Getenv("CI") == "true" {
				t.Fatal("shared/conformance not found")
			}
			t.Skip("shared/conformance not found")
		}
		dir = parent
	}
}

type otlpValue map[string]json.RawMessage

func otlpWire(v otlpValue) eventspec.Wire {
	for k := range v {
		switch k {
		case "stringValue":
			return eventspec.String
		case "intValue":
			return eventspec.Int
		case "doubleValue":
			return eventspec.Double
		case "boolValue":
			return eventspec.Bool
		case "arrayValue":
			return eventspec.StringArray
		}
	}
	return 0
}

// allowed197 lists keys whose 2.1.197 type or presence 2.1.330 changed, so
// the table (which follows 2.1.330) may disagree with the older capture. The
// 2.1.197 captures turn out to be a subset of 2.1.330 with the same types,
// so the list is empty; an entry would read "event/key".
var allowed197 = map[string]bool{}

// TestTableMatchesCaptures checks every log record Claude Code 2.1.330 and
// 2.1.197 sent in the captures: the event is in the table, and each key
// after the prefix is declared, with the observed wire type, in table order.
func TestTableMatchesCaptures(t *testing.T) {
	root := conformanceDir(t)
	seen := map[string]bool{}
	for _, version := range []string{"claude-code-2.1.330", "claude-code-2.1.197"} {
		files, _ := filepath.Glob(filepath.Join(root, version, "*", "otlp", "*_logs.json"))
		if len(files) == 0 {
			t.Fatalf("no log captures under %s", version)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				ResourceLogs []struct {
					ScopeLogs []struct {
						LogRecords []struct {
							Body       otlpValue `json:"body"`
							Attributes []struct {
								Key   string    `json:"key"`
								Value otlpValue `json:"value"`
							} `json:"attributes"`
						} `json:"logRecords"`
					} `json:"scopeLogs"`
				} `json:"resourceLogs"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			rel, _ := filepath.Rel(root, f)
			for _, rl := range doc.ResourceLogs {
				for _, sl := range rl.ScopeLogs {
					for _, r := range sl.LogRecords {
						var body string
						_ = json.Unmarshal(r.Body["stringValue"], &body)
						name, ok := strings.CutPrefix(body, "claude_code.")
						ev, found := eventspec.Find(name)
						if !ok || !found {
							t.Errorf("%s: event %q is not in the table", rel, body)
							continue
						}
						seen[name] = true
						start := -1
						for i, a := range r.Attributes {
							if a.Key == "event.sequence" {
								start = i + 1
							}
						}
						if start < 0 {
							t.Errorf("%s: %s has no event.sequence", rel, name)
							continue
						}
						pos := -1
						for _, a := range r.Attributes[start:] {
							if a.Key == "prompt.id" || a.Key == "workspace.host_paths" {
								continue
							}
							if version == "claude-code-2.1.197" && allowed197[name+"/"+a.Key] {
								continue
							}
							idx := -1
							for j := range ev.Attrs {
								if ev.Attrs[j].Key == a.Key {
									idx = j
								}
							}
							if idx < 0 {
								t.Errorf("%s: %s.%s is not declared", rel, name, a.Key)
								continue
							}
							if w := otlpWire(a.Value); w != ev.Attrs[idx].Wire {
								t.Errorf("%s: %s.%s is %s, the table says %s", rel, name, a.Key, w, ev.Attrs[idx].Wire)
							}
							if idx < pos {
								t.Errorf("%s: %s.%s comes after a key the table puts later", rel, name, a.Key)
							}
							pos = idx
						}
					}
				}
			}
		}
	}
	// The captures are rich: make sure the test looked at them.
	for _, name := range []string{"user_prompt", "api_request", "tool_result", "tool_decision", "managed_settings_resolved",
		"plugin_loaded", "hook_execution_complete", "subagent_completed", "api_request_body", "retention_sweep"} {
		if !seen[name] {
			t.Errorf("no %s in the captures", name)
		}
	}
}

// TestEarlyMatchesCaptures: the events the captures show without vcs.* are
// exactly the early events of the table.
func TestEarlyMatchesCaptures(t *testing.T) {
	root := conformanceDir(t)
	files, _ := filepath.Glob(filepath.Join(root, "claude-code-2.1.330", "v_include_repository", "otlp", "*_logs.json"))
	if len(files) == 0 {
		t.Fatal("no v_include_repository capture")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, rec := range bytes.Split(b, []byte(`"body":{"stringValue":"claude_code.`))[1:] {
			name := string(rec[:bytes.IndexByte(rec, '"')])
			end := bytes.Index(rec, []byte(`"body":`))
			if end < 0 {
				end = len(rec)
			}
			vcs := bytes.Contains(rec[:end], []byte(`"vcs.repository.url.full"`))
			ev, _ := eventspec.Find(name)
			if ev == nil || ev.Early == vcs {
				t.Errorf("%s: vcs.* present = %v, table early = %v", name, vcs, ev != nil && ev.Early)
			}
		}
	}
}
