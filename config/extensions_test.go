package config

import (
	"testing"
	"time"
)

func TestExtensionsOffByDefault(t *testing.T) {
	cfg := mustLoad(t, on(env{}))
	if cfg.Extensions != (Extensions{}) {
		t.Fatalf("Extensions = %+v, want the zero value (Claude Code's behaviour)", cfg.Extensions)
	}
	if cfg.Include.MetricsSessionID != nil || cfg.Include.EventsSessionID != nil {
		t.Fatalf("per-signal session.id overrides set without their variables: %+v", cfg.Include)
	}
	for _, s := range []Signal{SignalMetrics, SignalLogs, SignalTraces} {
		if !cfg.Include.SessionIDOn(s) {
			t.Errorf("SessionIDOn(%s) = false by default", s)
		}
	}
}

func TestGenAIOptIn(t *testing.T) {
	for v, want := range map[string]bool{
		"gen_ai_latest_experimental":               true,
		"http, GEN_AI_LATEST_EXPERIMENTAL":         true,
		"http,database":                            false,
		"gen_ai_latest_experimental_not":           false,
		" , gen_ai_latest_experimental , http/dup": true,
	} {
		cfg := mustLoad(t, on(env{"OTEL_SEMCONV_STABILITY_OPT_IN": v}))
		if cfg.Extensions.GenAISemconv != want {
			t.Errorf("OTEL_SEMCONV_STABILITY_OPT_IN=%q: GenAISemconv = %v, want %v", v, cfg.Extensions.GenAISemconv, want)
		}
	}
}

func TestDeltaContiguous(t *testing.T) {
	cases := []struct {
		e    env
		want time.Duration
	}{
		{env{"CCOTEL_DELTA_CONTIGUOUS": "1"}, 30 * time.Minute},
		{env{"CCOTEL_DELTA_CONTIGUOUS": "true", "CCOTEL_DELTA_CONTIGUOUS_TTL_MS": "5000"}, 5 * time.Second},
		{env{"CCOTEL_DELTA_CONTIGUOUS": "0", "CCOTEL_DELTA_CONTIGUOUS_TTL_MS": "5000"}, 0},
		{env{"CCOTEL_DELTA_CONTIGUOUS_TTL_MS": "5000"}, 0},
	}
	for _, c := range cases {
		if got := mustLoad(t, on(c.e)).Extensions.DeltaContiguous; got != c.want {
			t.Errorf("%v: DeltaContiguous = %v, want %v", c.e, got, c.want)
		}
	}
	_, err := load(t, on(env{"CCOTEL_DELTA_CONTIGUOUS": "1", "CCOTEL_DELTA_CONTIGUOUS_TTL_MS": "soon"}))
	wantProblem(t, err, "CCOTEL_DELTA_CONTIGUOUS_TTL_MS", "not a whole number")
}

func TestServiceInstanceIDSwitch(t *testing.T) {
	if !mustLoad(t, on(env{"CCOTEL_SERVICE_INSTANCE_ID": "yes"})).Extensions.ServiceInstanceID {
		t.Fatal("CCOTEL_SERVICE_INSTANCE_ID=yes did not switch it on")
	}
}

func TestSessionIDPerSignal(t *testing.T) {
	cases := []struct {
		e                     env
		metrics, logs, traces bool
	}{
		// #70210: session.id on events but not on metrics.
		{env{"CCOTEL_METRICS_INCLUDE_SESSION_ID": "false"}, false, true, true},
		{env{"OTEL_METRICS_INCLUDE_SESSION_ID": "false", "CCOTEL_EVENTS_INCLUDE_SESSION_ID": "1"}, false, true, false},
		{env{"OTEL_METRICS_INCLUDE_SESSION_ID": "false", "CCOTEL_METRICS_INCLUDE_SESSION_ID": "true"}, true, false, false},
		{env{"CCOTEL_EVENTS_INCLUDE_SESSION_ID": "0", "CCOTEL_METRICS_INCLUDE_SESSION_ID": "1"}, true, false, true},
	}
	for _, c := range cases {
		inc := mustLoad(t, on(c.e)).Include
		got := [3]bool{inc.SessionIDOn(SignalMetrics), inc.SessionIDOn(SignalLogs), inc.SessionIDOn(SignalTraces)}
		if want := [3]bool{c.metrics, c.logs, c.traces}; got != want {
			t.Errorf("%v: session.id on metrics, logs, traces = %v, want %v", c.e, got, want)
		}
	}
}

func TestExtensionsDescribed(t *testing.T) {
	cfg := mustLoad(t, on(env{"CCOTEL_DELTA_CONTIGUOUS": "1"}))
	for _, s := range cfg.Describe() {
		if s.Variable == "CCOTEL_DELTA_CONTIGUOUS" {
			if s.Value != "1" || s.Source != SourceEnvironment {
				t.Fatalf("Describe: %+v", s)
			}
			return
		}
	}
	t.Fatal("Describe does not list CCOTEL_DELTA_CONTIGUOUS")
}
