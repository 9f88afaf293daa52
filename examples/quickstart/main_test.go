package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"testing"
)

// The quickstart must show every signal it records on the console when no
// telemetry variable is set, as README promises.
func TestQuickstartPrintsToConsole(t *testing.T) {
	if _, set := os.LookupEnv("CLAUDE_CODE_ENABLE_TELEMETRY"); set {
		t.Skip("CLAUDE_CODE_ENABLE_TELEMETRY is set: the example would follow it")
	}
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	bodies := map[string]int{}
	metricNames := map[string]bool{}
	dec := json.NewDecoder(&out)
	for {
		var v struct {
			Body         struct{ Value string }
			ScopeMetrics []struct {
				Metrics []struct{ Name string }
			}
		}
		if err := dec.Decode(&v); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("console output is not a JSON stream: %v", err)
		}
		if v.Body.Value != "" {
			bodies[v.Body.Value]++
		}
		for _, sm := range v.ScopeMetrics {
			for _, m := range sm.Metrics {
				metricNames[m.Name] = true
			}
		}
	}
	for _, want := range []string{"claude_code.user_prompt", "claude_code.api_request", "claude_code.tool_decision", "claude_code.tool_result"} {
		if bodies[want] != 1 {
			t.Errorf("%s: %d records, want 1 (all: %v)", want, bodies[want], bodies)
		}
	}
	for _, want := range []string{"claude_code.session.count", "claude_code.cost.usage", "claude_code.token.usage",
		"claude_code.lines_of_code.count", "claude_code.code_edit_tool.decision", "claude_code.active_time.total"} {
		if !metricNames[want] {
			t.Errorf("metric %s not printed (got %v)", want, metricNames)
		}
	}
}
