package telemetry_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

func env(vars ...string) telemetry.Option {
	return telemetry.WithLoadOptions(config.WithEnviron(vars), config.WithoutManagedSettings())
}

func TestDisabledIsANoOp(t *testing.T) {
	before := runtime.NumGoroutine()
	tel, err := telemetry.Start(context.Background(), env("OTEL_METRICS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=bogus"))
	if err != nil {
		t.Fatalf("telemetry off must never fail, got %v", err)
	}
	if tel.Enabled() || tel.Metrics() != nil || tel.Events() != nil {
		t.Fatal("disabled handle records")
	}
	ctx, s := tel.StartSession(context.Background())
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
	s.APIResponse(ctx, telemetry.APIResponse{Model: "m"})
	_, run := s.StartTool(ctx, telemetry.ToolCall{Name: "Bash"})
	run.Done(ctx, telemetry.ToolOutcome{Success: true})
	p.End(ctx)
	tel.Metrics().Commit(ctx)
	tel.Events().UserPrompt(ctx, events.UserPrompt{})
	if s.ID() != "" || p.ID() != "" || s.Totals() != (telemetry.Totals{}) {
		t.Error("a disabled session has no id and no totals")
	}
	if err := tel.ForceFlush(ctx); err != nil {
		t.Error(err)
	}
	if err := tel.Shutdown(ctx); err != nil {
		t.Error(err)
	}
	// Polled: a goroutine of an earlier test (a timer's callback, a closing connection) may run a moment; one that
	// telemetry off started would stay for ever.
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(time.Minute); after > before && time.Now().Before(deadline); after = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	if after > before {
		t.Errorf("goroutines %d -> %d: telemetry off must start none", before, after)
	}
}

func TestConfigErrorNamesTheVariable(t *testing.T) {
	_, err := telemetry.Start(context.Background(), env(
		"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http",
		"OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer s3cr3t-canary"))
	var cfgErr *config.Error
	if !errors.As(err, &cfgErr) {
		t.Fatalf("want a *config.Error, got %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "OTEL_EXPORTER_OTLP_PROTOCOL") || !strings.Contains(msg, "http/protobuf") {
		t.Errorf("error should name the variable and suggest http/protobuf: %s", msg)
	}
	if strings.Contains(msg, "s3cr3t-canary") {
		t.Errorf("error leaks a header value: %s", msg)
	}
}

// newKit starts an enabled handle with an in-memory metric reader only.
func newKit(t *testing.T, opts ...telemetry.Option) (*telemetry.Telemetry, *sdkmetric.ManualReader) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	cfg := config.Config{Enabled: true, Include: config.Include{SessionID: true, AccountUUID: true, ResourceAttributes: true}}
	tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{
		telemetry.WithConfig(cfg), telemetry.WithMetricReader(reader), telemetry.WithServiceVersion("1.2.3"),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel, reader
}

func points(t *testing.T, r *sdkmetric.ManualReader) map[string][]metricdata.DataPoint[float64] {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string][]metricdata.DataPoint[float64]{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != telemetry.MeterName || sm.Scope.Version != "1.2.3" {
			t.Errorf("scope %s@%s", sm.Scope.Name, sm.Scope.Version)
		}
		for _, m := range sm.Metrics {
			out[m.Name] = append(out[m.Name], m.Data.(metricdata.Sum[float64]).DataPoints...)
		}
	}
	return out
}

func value(pts []metricdata.DataPoint[float64], key, val string) (float64, bool) {
	for _, p := range pts {
		if v, ok := p.Attributes.Value(attribute.Key(key)); ok && v.String() == val {
			return p.Value, true
		}
	}
	return 0, false
}

func TestSessionHelpersRecordWhatClaudeCodeRecords(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tel, reader := newKit(t, telemetry.WithClock(clock))
	ctx, s := tel.StartSession(context.Background(), telemetry.WithStartType(metrics.StartResume))
	ctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hi"})
	s.APIResponse(ctx, telemetry.APIResponse{
		Model: "claude-sonnet-4-5-20250929",
		Usage: pricing.Usage{InputTokens: 107, OutputTokens: 45, CacheReadTokens: 2000, CacheCreationTokens: 300},
	})
	added, removed := s.EditDecision(ctx, telemetry.Edit{ToolName: "Edit", FilePath: "a.py", OldText: "world", NewText: "there\nnew line"})
	if added != 2 || removed != 1 {
		t.Errorf("edit counted +%d -%d, want +2 -1", added, removed)
	}
	s.EditDecision(ctx, telemetry.Edit{ToolName: "Write", FilePath: "b.txt", Decision: metrics.DecisionReject, NewText: "x\ny"})
	s.Commit(ctx)
	s.PullRequest(ctx)
	mu.Lock()
	now = now.Add(1500 * time.Millisecond)
	mu.Unlock()
	p.End(ctx)
	p.End(ctx) // twice is safe and records once

	got := points(t, reader)
	if v, ok := value(got["claude_code.session.count"], "start_type", "resume"); !ok || v != 1 {
		t.Errorf("session.count start_type=resume: %v %v", v, ok)
	}
	if c := got["claude_code.cost.usage"]; len(c) != 1 || c[0].Value != 0.0027209999999999995 {
		t.Errorf("cost.usage %+v, want the priced 0.0027209999999999995", c)
	}
	for typ, want := range map[string]float64{"input": 107, "output": 45, "cacheRead": 2000, "cacheCreation": 300} {
		if v, ok := value(got["claude_code.token.usage"], "type", typ); !ok || v != want {
			t.Errorf("token.usage type=%s: %v, want %v", typ, v, want)
		}
	}
	if v, _ := value(got["claude_code.lines_of_code.count"], "type", "added"); v != 2 {
		t.Errorf("lines added %v, want 2 (the rejected Write adds none)", v)
	}
	if v, _ := value(got["claude_code.code_edit_tool.decision"], "decision", "reject"); v != 1 {
		t.Errorf("the rejected edit is counted: %v", v)
	}
	if v, _ := value(got["claude_code.code_edit_tool.decision"], "language", "Python"); v != 1 {
		t.Errorf("language from the file name: %v", v)
	}
	if v, _ := value(got["claude_code.active_time.total"], "type", "cli"); v != 1.5 {
		t.Errorf("active_time cli %v, want 1.5 (the prompt's duration)", v)
	}
	if len(got["claude_code.commit.count"]) != 1 || len(got["claude_code.pull_request.count"]) != 1 {
		t.Error("commit and pull request counters")
	}
	tot := s.Totals()
	if tot.APIRequests != 1 || tot.LinesAdded != 2 || tot.LinesRemoved != 1 || tot.Commits != 1 ||
		tot.PullRequests != 1 || tot.Prompts != 1 || tot.CLIActiveTime != 1500*time.Millisecond || tot.CacheReadTokens != 2000 {
		t.Errorf("totals %+v", tot)
	}
}

func TestUnknownModelReportedOnce(t *testing.T) {
	var mu sync.Mutex
	var errs []error
	tel, reader := newKit(t, telemetry.WithErrorHandler(func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }))
	ctx, s := tel.StartSession(context.Background())
	for range 3 {
		s.APIResponse(ctx, telemetry.APIResponse{Model: "not-a-claude-model", Usage: pricing.Usage{InputTokens: 10}})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "not-a-claude-model") {
		t.Errorf("want one report naming the model, got %v", errs)
	}
	if c := points(t, reader)["claude_code.cost.usage"]; len(c) != 1 || c[0].Value != 0 {
		t.Errorf("an unknown model costs 0: %+v", c)
	}
}

func TestShutdownIsIdempotentAndBounded(t *testing.T) {
	tel, err := telemetry.Start(context.Background(), env(
		"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_LOGS_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		// Nothing listens on port 9 (discard): exports fail, and Shutdown must still return by its budget.
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9", "CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS=300"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, s := tel.StartSession(context.Background())
	s.StartPrompt(ctx, events.UserPrompt{Prompt: "x"})
	start := time.Now()
	first := tel.Shutdown(context.Background())
	if d := time.Since(start); d > time.Minute { // a loaded machine is slow; a Shutdown that ignores its budget never returns
		t.Errorf("Shutdown took %v with a 300ms budget", d)
	}
	if second := tel.Shutdown(context.Background()); !errors.Is(second, first) && (first != nil || second != nil) {
		t.Errorf("second Shutdown %v, first %v", second, first)
	}
	s.StartPrompt(ctx, events.UserPrompt{Prompt: "after shutdown"}) // must not panic
}

func TestNoGlobalsUnlessAsked(t *testing.T) {
	before := otel.GetMeterProvider()
	tel, _ := newKit(t)
	if otel.GetMeterProvider() != before {
		t.Fatal("Start changed the global meter provider without WithGlobal")
	}
	_ = tel
	tel2, _ := newKit(t, telemetry.WithGlobal())
	defer otel.SetMeterProvider(before)
	if otel.GetMeterProvider() != tel2.MeterProvider() {
		t.Error("WithGlobal did not install the meter provider")
	}
}

func TestTwoHandlesInOneProcess(t *testing.T) {
	a, ra := newKit(t)
	b, rb := newKit(t)
	ctx, s := a.StartSession(context.Background())
	s.Commit(ctx)
	_, s2 := b.StartSession(context.Background())
	if s.ID() == s2.ID() {
		t.Error("sessions of two handles share an id")
	}
	if len(points(t, ra)["claude_code.commit.count"]) != 1 || len(points(t, rb)["claude_code.commit.count"]) != 0 {
		t.Error("handles must not share instruments or state")
	}
}

func TestResource(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  config.Config
		opts []telemetry.Option
		want map[string]string
	}{
		{"default", config.Config{}, nil, map[string]string{"service.name": "claude-code", "service.version": "1.2.3"}},
		{"resource attribute", config.Config{ResourceAttributes: []config.Attribute{{Key: "service.name", Value: "from-attrs"}, {Key: "team", Value: "a"}}},
			nil, map[string]string{"service.name": "from-attrs", "team": "a"}},
		{"OTEL_SERVICE_NAME wins over the pair", config.Config{ServiceName: "svc", ResourceAttributes: []config.Attribute{{Key: "service.name", Value: "from-attrs"}}},
			nil, map[string]string{"service.name": "svc"}},
		{"option wins", config.Config{ServiceName: "svc"}, []telemetry.Option{telemetry.WithServiceName("opt")}, map[string]string{"service.name": "opt"}},
		{"include host", config.Config{Include: config.Include{Host: true}}, nil, map[string]string{"host.name": "*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reader := sdkmetric.NewManualReader()
			tc.cfg.Enabled = true
			tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{telemetry.WithConfig(tc.cfg),
				telemetry.WithMetricReader(reader), telemetry.WithServiceVersion("1.2.3")}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer tel.Shutdown(context.Background())
			ctx, s := tel.StartSession(context.Background())
			s.Commit(ctx)
			var rm metricdata.ResourceMetrics
			if err := reader.Collect(ctx, &rm); err != nil {
				t.Fatal(err)
			}
			if rm.Resource.SchemaURL() != "" {
				t.Error("the resource must have no schema URL")
			}
			for k, want := range tc.want {
				v, ok := rm.Resource.Set().Value(attribute.Key(k))
				if !ok || (want != "*" && v.AsString() != want) {
					t.Errorf("%s = %q (present %v), want %q", k, v.AsString(), ok, want)
				}
			}
			for _, k := range []string{"os.type", "host.arch"} {
				if _, ok := rm.Resource.Set().Value(attribute.Key(k)); !ok {
					t.Errorf("%s missing", k)
				}
			}
			for _, kv := range rm.Resource.Attributes() {
				if strings.HasPrefix(string(kv.Key), "telemetry.sdk") || strings.HasPrefix(string(kv.Key), "process.") {
					t.Errorf("Claude Code sends no %s", kv.Key)
				}
			}
		})
	}
}
