package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/eventspec"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// simulateIntoKits runs the simulation with one test kit per user, and
// returns the kits in user order.
func simulateIntoKits(t *testing.T, p params) ([]*telemetrytest.Kit, *summary) {
	t.Helper()
	var kits []*telemetrytest.Kit
	sum, err := run(context.Background(), p, kitStarter(t, &kits, nil))
	if err != nil {
		t.Fatal(err)
	}
	return kits, sum
}

// kitStarter starts a test kit per user, appended to kits; fail, when set,
// makes the start of the n-th user (from 0) fail with its error.
func kitStarter(t *testing.T, kits *[]*telemetrytest.Kit, fail func(n int) error) startFunc {
	n := 0
	return func(_ context.Context, opts ...telemetry.Option) (*telemetry.Telemetry, error) {
		n++
		if fail != nil {
			if err := fail(n - 1); err != nil {
				return nil, err
			}
		}
		kit := telemetrytest.New(t, telemetrytest.WithTelemetryOptions(opts...))
		*kits = append(*kits, kit)
		return kit.Telemetry, nil
	}
}

var defaults = params{Seed: 42, Users: 5, Sessions: 2, Prompts: 4, Backfill: time.Hour, AllEvents: true}

func TestEverythingEmittedWithTheRightTypes(t *testing.T) {
	kits, sum := simulateIntoKits(t, defaults)
	if len(kits) != defaults.Users {
		t.Fatalf("%d handles for %d users", len(kits), defaults.Users)
	}
	seen := map[string]int{}
	users := map[string]bool{}
	for _, kit := range kits {
		for _, err := range kit.Errors() {
			t.Errorf("ccotel reported: %v", err)
		}
		for _, e := range kit.Events() {
			seen[e.Name]++
			users[e.Attr("user.id").Str()] = true
			spec, ok := eventspec.Find(e.Name)
			if !ok {
				t.Errorf("event %s is not in the table", e.Name)
				continue
			}
			for _, a := range spec.Attrs {
				if a.Key == "" || a.Key == "*" {
					continue
				}
				v := e.Attr(a.Key)
				if v.Present() && !wireMatches(a.Wire, v.Type()) {
					t.Errorf("%s.%s is %v, the table says %v", e.Name, a.Key, v.Type(), a.Wire)
				}
			}
		}
	}
	for _, ev := range eventspec.Events {
		if seen[ev.Name] == 0 {
			t.Errorf("event %s never emitted", ev.Name)
		}
	}
	if len(users) != defaults.Users {
		t.Errorf("%d distinct user.id values for %d users", len(users), defaults.Users)
	}

	for _, d := range metrics.Definitions() {
		var total float64
		for _, kit := range kits {
			m := kit.Metric(d.Name)
			if !m.Found {
				continue
			}
			if !m.Float || !m.Monotonic || m.Unit != d.Unit || m.Description != d.Description {
				t.Errorf("%s: float %v monotonic %v unit %q description %q", d.Name, m.Float, m.Monotonic, m.Unit, m.Description)
			}
			total += m.Sum()
		}
		if total <= 0 {
			t.Errorf("metric %s never recorded", d.Name)
		}
		if got := sum.metrics[d.Name]; math.Abs(got-total) > 1e-9*math.Max(1, total) {
			t.Errorf("summary says %s = %v, the kits %v", d.Name, got, total)
		}
	}
	for name, n := range seen {
		if sum.events[name] != n {
			t.Errorf("summary says %d %s events, the kits saw %d", sum.events[name], name, n)
		}
	}
	// The mix is realistic, not just present.
	var models []string
	for _, kit := range kits {
		for _, p := range kit.Points("claude_code.cost.usage") {
			if m := p.Attr("model"); !slices.Contains(models, m) {
				models = append(models, m)
			}
		}
	}
	if len(models) < 3 {
		t.Errorf("models = %v", models)
	}
	var rejected, accepted float64
	for _, kit := range kits {
		rejected += kit.Metric("claude_code.code_edit_tool.decision").Sum(attribute.String("decision", "reject"))
		accepted += kit.Metric("claude_code.code_edit_tool.decision").Sum(attribute.String("decision", "accept"))
	}
	if accepted <= rejected {
		t.Errorf("edit decisions: %v accepted, %v rejected", accepted, rejected)
	}
}

func wireMatches(w eventspec.Wire, got attribute.Type) bool {
	switch w {
	case eventspec.String:
		return got == attribute.STRING
	case eventspec.Int:
		return got == attribute.INT64
	case eventspec.Double:
		return got == attribute.FLOAT64
	case eventspec.Bool:
		return got == attribute.BOOL
	case eventspec.StringArray:
		return got == attribute.STRINGSLICE
	}
	return false
}

// fingerprint is every event's name and attributes, without what differs
// between runs by design: ids ccotel generates and timestamps.
func fingerprint(kits []*telemetrytest.Kit) []string {
	var out []string
	for _, kit := range kits {
		for _, e := range kit.Events() {
			var b strings.Builder
			b.WriteString(e.Name)
			for _, kv := range e.Attrs {
				switch kv.Key {
				case "session.id", "prompt.id", "event.timestamp":
					continue
				}
				fmt.Fprintf(&b, " %s=%s", kv.Key, kv.Value.String())
			}
			out = append(out, b.String())
		}
	}
	return out
}

func TestSameSeedSameData(t *testing.T) {
	p := defaults
	p.Users = 3
	a, _ := simulateIntoKits(t, p)
	b, _ := simulateIntoKits(t, p)
	fa, fb := fingerprint(a), fingerprint(b)
	if len(fa) == 0 {
		t.Fatal("nothing emitted")
	}
	for i := range max(len(fa), len(fb)) {
		if i >= len(fa) || i >= len(fb) || fa[i] != fb[i] {
			t.Fatalf("runs differ at event %d of %d/%d:\n%s\n%s", i, len(fa), len(fb), at(fa, i), at(fb, i))
		}
	}
	p.Seed++
	c, _ := simulateIntoKits(t, p)
	if slices.Equal(fa, fingerprint(c)) {
		t.Error("another seed gave the same data")
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// Backfilled events lie in the past period, in order per user.
func TestBackfillTimestamps(t *testing.T) {
	p := defaults
	p.Users, p.Backfill = 2, 24*time.Hour
	before := time.Now()
	kits, _ := simulateIntoKits(t, p)
	for i, kit := range kits {
		var last time.Time
		for _, e := range kit.Events() {
			if e.Time.Before(before.Add(-p.Backfill)) || e.Time.After(time.Now()) {
				t.Fatalf("user %d: %s at %v, outside the past %v", i, e.Name, e.Time, p.Backfill)
			}
			if e.Time.Before(last) {
				t.Fatalf("user %d: %s at %v before the previous event at %v", i, e.Name, e.Time, last)
			}
			last = e.Time
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, p := range []params{{Users: 0, Sessions: 1, Prompts: 1}, {Users: 1, Sessions: 1, Prompts: 1, Realtime: true}} {
		if _, err := run(context.Background(), p, starter("console")); err == nil {
			t.Errorf("run(%+v) accepted", p)
		}
	}
}

// The default mix is today's: no model past its end of life, every one priced; -models replaces it.
func TestModelMix(t *testing.T) {
	for m := range defaultModels {
		if strings.HasPrefix(m, "claude-sonnet-4-5") {
			t.Errorf("default mix has %s, at end of life since 2026-11-30", m)
		}
		if _, ok := pricing.Default().Lookup(m); !ok {
			t.Errorf("default mix has %s, not in the price table", m)
		}
	}
	mix, err := parseModels("claude-opus-5-5=3, claude-haiku-5-5=1")
	if err != nil {
		t.Fatal(err)
	}
	p := defaults
	p.Users, p.Models = 2, mix
	kits, _ := simulateIntoKits(t, p)
	seen := map[string]bool{}
	for _, kit := range kits {
		for _, e := range kit.Events("api_request") {
			seen[e.Attr("model").Str()] = true
		}
	}
	for m := range seen {
		if _, ok := mix[m]; !ok && m != auxModel {
			t.Errorf("api_request for %s, not in -models", m)
		}
	}
	if !seen["claude-opus-5-5"] {
		t.Errorf("models seen %v", seen)
	}
	for _, bad := range []string{"claude-sonnet-9=1", "claude-opus-5-5", "claude-opus-5-5=-1", "claude-opus-5-5=x"} {
		if _, err := parseModels(bad); err == nil {
			t.Errorf("parseModels(%q) accepted", bad)
		}
	}
}

// One user's failure is reported and the others run; the summary then says something was lost.
func TestOneUserFailsOthersRun(t *testing.T) {
	p := defaults
	p.Users = 3
	var kits []*telemetrytest.Kit
	sum, err := run(context.Background(), p, kitStarter(t, &kits, func(n int) error {
		if n == 1 {
			return fmt.Errorf("collector down")
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(kits) != 2 || len(kits[1].Events()) == 0 {
		t.Fatalf("the users after the failed one did not run: %d handles", len(kits))
	}
	if !sum.lost() || sum.failed[1] == nil {
		t.Errorf("failed users %v, lost() = %v", sum.failed, sum.lost())
	}
	var b strings.Builder
	sum.print(&b)
	if !strings.Contains(b.String(), "user 1: start: collector down") {
		t.Errorf("summary does not name the failed user:\n%s", b.String())
	}
}

// Data an exporter could not deliver is counted as lost, per signal, from telemetry.Stats.
func TestSummaryCountsLoss(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT=" + refused,
		"OTEL_EXPORTER_OTLP_TIMEOUT=300"}
	start := func(ctx context.Context, opts ...telemetry.Option) (*telemetry.Telemetry, error) {
		base := []telemetry.Option{telemetry.WithLoadOptions(config.WithEnviron(env), config.WithoutManagedSettings()),
			telemetry.WithErrorHandler(func(error) {})}
		return telemetry.Start(ctx, append(base, opts...)...)
	}
	p := defaults
	p.Users, p.AllEvents, p.tracesSink = 1, false, ""
	sum, err := run(context.Background(), p, start)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.lost() {
		t.Fatalf("nothing lost sending to a refused port: %+v", sum.delivery)
	}
	for _, signal := range []string{"metrics otlp", "logs otlp"} {
		d := sum.delivery[signal]
		if d == nil || d.lost == 0 || d.exported != 0 {
			t.Errorf("%s: %+v, want all lost", signal, d)
		}
	}
}

func TestBetaTracingEndpoint(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string // "sink" for the loopback sink
	}{
		{map[string]string{}, "sink"},
		{map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317"}, ""},
		{map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, "http://c:4318"},
		{map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, "http://c:4318"},
		{map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "BETA_TRACING_ENDPOINT": "http://c:4318"}, "http://c:4318"},
	} {
		got, stop, err := betaTracingEndpoint(func(k string) string { return c.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		stop()
		if c.want == "sink" {
			if !strings.HasPrefix(got, "http://127.0.0.1:") {
				t.Errorf("%v: %q, want the loopback sink", c.env, got)
			}
		} else if got != c.want {
			t.Errorf("%v: %q, want %q", c.env, got, c.want)
		}
	}
}
