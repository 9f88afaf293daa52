package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/conformance"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
)

// The agent's telemetry for a write and a bash task, configured as Claude
// Code 2.1.332 was in its captures, against what Claude Code sent for the
// same tasks: counts, keys, order, wire types and values, tool timing
// included. The fake API scripts what the capture's mock answered (text,
// tool input, token counts); only the values the agent's own prompt and
// timing give compare by key, place and type.
//
// This file needs ccotel's internal packages: a copy of the agent outside
// this repository leaves it out.
func TestConformance(t *testing.T) {
	for _, c := range []struct {
		scenario, mode, prompt string
		turns                  []turn
	}{
		{"write_acceptedits", "acceptEdits", "Create the file please. SCN:write path=/home/dev/project/hello.txt", []turn{
			{Text: "I'll create the file.", Tool: "write", Input: `{"file_path":"/home/dev/project/hello.txt","content":"hello\nworld\n!\n"}`, In: 107, Out: 45},
			{Text: "Created the file hello.txt.", In: 121, Out: 35},
		}},
		{"bash_allowed", "default", "Run echo. SCN:bash", []turn{
			{Tool: "bash", Input: `{"command":"echo hello","description":"Say hello"}`, In: 107, Out: 35},
			{Text: "The command printed: hello.", In: 121, Out: 35},
		}},
	} {
		t.Run(c.scenario, func(t *testing.T) {
			capture, err := conformance.Load("2.1.332", c.scenario)
			if err != nil {
				if os.Getenv("CI") != "" {
					t.Fatal(err)
				}
				t.Skip(err)
			}
			rcv := otlptest.Start(t, otlptest.Options{})
			var environ []string
			for k, v := range capture.RunInfo.Env() {
				if k == "OTEL_EXPORTER_OTLP_ENDPOINT" {
					v = rcv.HTTPEndpoint()
				} else if !strings.HasPrefix(k, "OTEL_") && !strings.HasPrefix(k, "CLAUDE_CODE_") {
					continue // ANTHROPIC_BASE_URL among them: the agent keeps its own
				}
				environ = append(environ, k+"="+v)
			}
			tel, err := telemetry.Start(context.Background(), append(telemetryOptions,
				telemetry.WithLoadOptions(config.WithEnviron(environ), config.WithoutManagedSettings()),
				telemetry.WithServiceVersion("2.1.332"), telemetry.WithTerminalType("dumb"), telemetry.WithEntrypoint("sdk-cli"))...)
			if err != nil {
				t.Fatal(err)
			}
			api := httptest.NewServer(fakeAPI(c.turns))
			defer api.Close()
			ctx, _ := tel.StartSession(context.Background(), telemetry.WithSessionProvider(telemetry.Provider{BaseURL: api.URL}))
			if _, err := newAgent(t.TempDir(), c.mode, api.URL).Run(ctx, c.prompt); err != nil {
				t.Fatal(err)
			}
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}

			want, err := capture.Shape(measured...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := conformance.Shape(conformance.FromReceiver(rcv.Requests()), measured...)
			if err != nil {
				t.Fatal(err)
			}
			withoutPluginLoads(t, want)
			if d := conformance.Compare(want, got,
				conformance.Allow("logs[plugin_loaded]", "the agent loads no Claude Code plugins")); len(d) > 0 {
				t.Errorf("%d differences:\n%s", len(d), conformance.Report(d))
			}
		})
	}
}

// measured are the values that come from the agent's own prompt and timing
// rather than from Claude Code's behaviour: only their keys, places and
// types are compared.
var measured = func() []conformance.ShapeOption {
	var opts []conformance.ShapeOption
	for _, k := range []string{"prompt_length", "user_prompt_length", "tool_input_size_bytes", "tool_result_size_bytes"} {
		opts = append(opts, conformance.WithValueRule(k, conformance.TypeOnly))
	}
	return opts
}()

// withoutPluginLoads removes Claude Code's plugin_loaded events from the
// capture's event order, so that the order of everything else is compared.
func withoutPluginLoads(t *testing.T, want *conformance.Telemetry) {
	t.Helper()
	g := want.Groups["logs.sequence"]
	if g == nil || len(g.Records) != 1 {
		t.Fatal("the capture has no event order")
	}
	for i, f := range g.Records[0].Fields {
		if f.Name != "event order" {
			continue
		}
		var kept []string
		for _, name := range strings.Split(f.Value, ", ") {
			if name != "plugin_loaded" {
				kept = append(kept, name)
			}
		}
		g.Records[0].Fields[i].Value = strings.Join(kept, ", ")
		return
	}
	t.Fatal("the capture has no event order")
}
