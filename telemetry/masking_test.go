package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/doctor"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
)

// An endpoint's user information and query token are masked, spelled
// config.Masked, on every surface that prints an endpoint: the Config under
// each fmt verb, JSON and slog, Describe, a config error, the doctor's text
// and JSON, the *telemetry.DeliveryError, the *ExportError reached with
// errors.As and the error handler's messages; on every protocol.
func TestEndpointMaskedEverywhere(t *testing.T) {
	const user, pass, token, frag, header = "Zq9user", "Zq9pass", "Zq9token", "Zq9frag", "Zq9header"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // refused: every export fails and is reported
	for _, protocol := range []string{"grpc", "http/protobuf", "http/json"} {
		t.Run(protocol, func(t *testing.T) {
			endpoint := "http://" + user + ":" + pass + "@" + addr + "/v1/logs?api_key=" + token + "#" + frag
			if protocol == "grpc" {
				endpoint = "http://" + user + ":" + pass + "@" + addr + "?api_key=" + token
			}
			env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=" + protocol,
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=" + endpoint, "OTEL_EXPORTER_OTLP_TIMEOUT=2000",
				"OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer " + header}
			cfg, err := config.Load(config.WithEnviron(env), config.WithoutManagedSettings())
			if err != nil {
				t.Fatal(err)
			}
			surfaces := map[string]string{}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				surfaces["Config "+verb] = fmt.Sprintf(verb, cfg)
				surfaces["OTLP "+verb] = fmt.Sprintf(verb, cfg.Logs.OTLP)
			}
			js, _ := json.Marshal(cfg)
			surfaces["json.Marshal"] = string(js)
			var text, jsonLog bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("cfg", "cfg", cfg)
			slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("cfg", "cfg", cfg)
			surfaces["slog text"], surfaces["slog json"] = text.String(), jsonLog.String()
			for _, s := range cfg.Describe() {
				surfaces["Describe"] += s.Variable + "=" + s.Value + "\n"
			}
			_, cerr := config.Load(config.WithEnviron(append(env, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="+strings.Replace(endpoint, addr, "127.0.0.1:99999", 1))),
				config.WithoutManagedSettings())
			if cerr == nil {
				t.Fatal("port 99999 was accepted")
			}
			surfaces["config error"] = cerr.Error()

			r := doctor.Check(context.Background(), doctor.WithTimeout(5*time.Second),
				doctor.WithLoadOptions(config.WithEnviron(env), config.WithoutManagedSettings()))
			rj, _ := json.Marshal(r)
			surfaces["doctor text"], surfaces["doctor json"] = r.String(), string(rj)

			var sink errSink
			tel := start(t, env, telemetry.WithErrorHandler(sink.handle))
			ctx, s := tel.StartSession(context.Background())
			pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "print me"})
			_, run := s.StartTool(pctx, telemetry.ToolCall{Name: "Bash"})
			hooks := s.StartHooks(pctx, telemetry.HookRun{Event: "PreToolUse"})
			handles := map[string]any{"Telemetry": tel, "Session": s, "Prompt": p, "ToolRun": run, "RunningHooks": hooks,
				"Metrics": tel.Metrics(), "Events": tel.Events(), "Stats": tel.Stats()}
			for name, h := range handles {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
					surfaces[name+" "+verb] = fmt.Sprintf(verb, h)
				}
			}
			hooks.Complete(pctx, telemetry.HookOutcome{})
			run.Done(pctx, telemetry.ToolOutcome{})
			p.End(pctx)
			s.Commit(ctx)
			s.PullRequest(ctx)
			lost := tel.Shutdown(context.Background())
			var de *telemetry.DeliveryError
			if !errors.As(lost, &de) {
				t.Fatalf("Shutdown: %v, want a *telemetry.DeliveryError", lost)
			}
			surfaces["DeliveryError"], surfaces["DeliveryError %+v"] = de.Error(), fmt.Sprintf("%+v", de)
			for i, e := range sink.all() {
				surfaces[fmt.Sprintf("handler %d", i)] = e.Error()
			}
			if len(sink.all()) == 0 {
				t.Fatal("no export error reached the handler")
			}

			for where, out := range surfaces {
				for _, secret := range []string{user, pass, token, frag, header, "xxxxx", "***@"} {
					if strings.Contains(out, secret) && !(secret == "***@" && strings.Contains(out, config.Masked+"@")) {
						t.Errorf("%s shows %q: %.400s", where, secret, out)
					}
				}
				if strings.Contains(out, addr) && !strings.Contains(out, config.Masked+"@"+addr) {
					t.Errorf("%s prints the endpoint without %s@: %.400s", where, config.Masked, out)
				}
			}
			// Background errors read once: one prefix, the endpoint once.
			for where, out := range surfaces {
				if strings.HasPrefix(where, "handler") || strings.HasPrefix(where, "DeliveryError") {
					if strings.Count(out, "ccotel:") != 1 || strings.Count(out, config.Masked+"@"+addr) != 1 {
						t.Errorf("%s repeats itself: %s", where, out)
					}
				}
			}
			for _, where := range []string{"Config %+v", "doctor text", "DeliveryError", "handler 0"} {
				if !strings.Contains(surfaces[where], "api_key="+config.Masked) {
					t.Errorf("%s: the masked endpoint is not spelled the one way (api_key=%s): %.400s", where, config.Masked, surfaces[where])
				}
			}
		})
	}
}
