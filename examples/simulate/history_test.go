package main

import (
	"bytes"
	"context"
	"maps"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/dashboards"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/promtest"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// truth is what the api_request events of a run say: the numbers a dashboard's cost and token panels stand for.
type truth struct {
	cost, tokens float64
	costByModel  map[string]float64
	tokensByType map[string]float64
}

func eventTruth(kits []*telemetrytest.Kit) truth {
	tr := truth{costByModel: map[string]float64{}, tokensByType: map[string]float64{}}
	for _, kit := range kits {
		for _, e := range kit.Events("api_request") {
			c := e.Attr("cost_usd").Float()
			tr.cost += c
			tr.costByModel[e.Attr("model").Str()] += c
			for typ, key := range map[string]string{"input": "input_tokens", "output": "output_tokens",
				"cacheRead": "cache_read_tokens", "cacheCreation": "cache_creation_tokens"} {
				n := float64(e.Attr(key).Int())
				tr.tokens += n
				tr.tokensByType[typ] += n
			}
		}
	}
	return tr
}

// increaseBounds is what increase() over a range holding every sample of the history's series of one family
// (filtered by label) can return, whatever the truth: each series contributes its last value minus its first
// (a series with one sample contributes nothing), stretched by Prometheus' extrapolation by at most one average
// sample spacing at each end (Prometheus extrapolates up to 1.1 spacings, towards zero at the start). truth is the sum of the last values: each session's counters start at zero and its last
// sample is its exit flush.
func (h *history) increaseBounds(family string, keep func(labels string) bool) (lo, hi, truth float64) {
	for _, s := range h.series {
		if s.family != family || !keep(s.labels) {
			continue
		}
		n := len(s.vs)
		truth += s.vs[n-1]
		if n < 2 {
			continue
		}
		d := s.vs[n-1] - s.vs[0]
		lo += d
		hi += d + 2.2*d/float64(n-1)
	}
	return lo, hi, truth
}

func all(string) bool { return true }

// TestHistoryInPrometheus writes a day of history for 20 users, loads it into Debian's Prometheus with promtool as
// the README says, and runs every metric panel of the monitoring guide's, rockdarko's and ColeMurray's dashboards
// over the 24 hours: each returns data; the raw counters (max_over_time) add up to the events' sums exactly; the
// guide's cost and token panels return what increase() computes from the stored samples (see increaseBounds).
//
// As Claude Code sends them, increase() cannot see what a series counted before its first sample: the panels
// read less than the events say (logged). With CCOTEL_METRICS_ZERO_START every series starts with a 0 sample, and
// the panels equal the events' sums within increase()'s extrapolation, which only adds.
func TestHistoryInPrometheus(t *testing.T) {
	promtool := promtest.FindPromtool(t)
	t.Setenv("PROMTOOL_BIN", promtool)
	for _, zeroStart := range []bool{false, true} {
		t.Run(map[bool]string{false: "as-claude-code", true: "zero-start"}[zeroStart], func(t *testing.T) {
			testHistoryInPrometheus(t, zeroStart)
		})
	}
}

func testHistoryInPrometheus(t *testing.T, zeroStart bool) {
	p := defaults
	p.Users, p.Backfill, p.AllEvents = 20, 24*time.Hour, false
	p.hist = newHistory()
	p.hist.zeroStart = zeroStart
	kits, _ := simulateIntoKits(t, p)
	end := time.Now()
	dir := t.TempDir()
	if err := p.hist.writeTSDB(dir); err != nil {
		t.Fatal(err)
	}
	prom := promtest.Start(t, nil, promtest.WithDataDir(dir))
	tr := eventTruth(kits)
	if tr.cost <= 0 || tr.tokens <= 0 {
		t.Fatalf("the run cost nothing: %+v", tr)
	}

	// The counters as stored, and docs/DASHBOARDS.md's exact recipes: exact.
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want)) }
	exact := []struct {
		query string
		want  float64
	}{
		{`sum(max_over_time(claude_code_cost_usage_USD_total[24h]))`, tr.cost},
		{`sum(max_over_time(claude_code_token_usage_tokens_total[24h]))`, tr.tokens},
	}
	if zeroStart {
		exact = append(exact, []struct {
			query string
			want  float64
		}{
			{`sum(max_over_time(claude_code_cost_usage_USD_total[24h]) - min_over_time(claude_code_cost_usage_USD_total[24h]))`, tr.cost},
			{`sum(max_over_time(claude_code_token_usage_tokens_total[24h]) - min_over_time(claude_code_token_usage_tokens_total[24h]))`, tr.tokens},
		}...)
	}
	for _, c := range exact {
		if got := prom.QueryAt(t, c.query, end).Sum(); !near(got, c.want) {
			t.Errorf("%s = %v, the events say %v", c.query, got, c.want)
		}
	}

	// Every panel returns data over the day (without its "or vector(0)" fallback); the guide's eight are not 0.
	for _, panel := range dashboards.Panels {
		q := strings.TrimSuffix(panel.Expand("24h", "5m"), " or vector(0)")
		if panel.Instant() {
			v := prom.QueryAt(t, q, end)
			if len(v) == 0 || panel.Dashboard == dashboards.Guide && v.Sum() == 0 {
				t.Errorf("%s %q: %s: no data\n%s", panel.Dashboard, panel.Title, q, v)
			}
			continue
		}
		// Time series and fixed-window panels: some points across the day, at Grafana's 5-minute step.
		var points int
		for _, s := range prom.QueryRange(t, q, end.Add(-24*time.Hour), end, 5*time.Minute) {
			points += len(s.Values)
		}
		if points == 0 {
			t.Errorf("%s %q: %s: no data over the day", panel.Dashboard, panel.Title, q)
		}
	}

	// The guide's cost and token panels against the events, within increase()'s own tolerance.
	check := func(query, family string, keep func(string) bool, want float64) {
		t.Helper()
		lo, hi, stored := p.hist.increaseBounds(family, keep)
		if !near(stored, want) {
			t.Errorf("%s: the history holds %v, the events say %v", family, stored, want)
		}
		got := prom.QueryAt(t, query, end).Sum()
		if got < lo*(1-1e-9) || got > hi*(1+1e-9) {
			t.Errorf("%s = %v, outside increase()'s [%v, %v]", query, got, lo, hi)
		}
		if zeroStart && !near(lo, want) {
			t.Errorf("%s: with a zero start, increase() sees %v of the events' %v", query, lo, want)
		}
		if !zeroStart && !(got < want) {
			t.Errorf("%s = %v, the events' %v: the first samples no longer hide anything; revisit the docs", query, got, want)
		}
		t.Logf("%s = %.6g: %.1f%% of the events' %.6g (increase() allows %.1f%%..%.1f%%)", query, got, 100*got/want, want,
			100*lo/want, 100*hi/want)
	}
	check(`sum(increase(claude_code_cost_usage_USD_total[24h]))`, "claude_code_cost_usage_USD", all, tr.cost)
	check(`sum(increase(claude_code_token_usage_tokens_total[24h]))`, "claude_code_token_usage_tokens", all, tr.tokens)
	for model, want := range tr.costByModel {
		check(`sum(increase(claude_code_cost_usage_USD_total{model="`+model+`"}[24h]))`, "claude_code_cost_usage_USD",
			func(l string) bool { return strings.Contains(l, `model="`+model+`"`) }, want)
	}
	for typ, want := range tr.tokensByType {
		check(`sum(increase(claude_code_token_usage_tokens_total{type="`+typ+`"}[24h]))`, "claude_code_token_usage_tokens",
			func(l string) bool { return strings.Contains(l, `type="`+typ+`"`) }, want)
	}
}

// The OpenMetrics text is what promtool reads: families together, each series in time order, # EOF last.
func TestHistoryOpenMetrics(t *testing.T) {
	p := defaults
	p.Users, p.Backfill = 3, 6*time.Hour
	p.hist = newHistory()
	simulateIntoKits(t, p)
	var b bytes.Buffer
	if err := p.hist.writeOpenMetrics(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if !strings.HasSuffix(text, "# EOF\n") {
		t.Fatal("no # EOF at the end")
	}
	families := map[string]bool{}
	lastAt := map[string]string{}
	current := ""
	for _, line := range strings.Split(strings.TrimSuffix(text, "# EOF\n"), "\n") {
		if line == "" {
			continue
		}
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name := strings.Fields(f)[0]
			if families[name] {
				t.Fatalf("family %s twice", name)
			}
			families[name], current = true, name
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.HasPrefix(line, current+"_total{") {
			t.Fatalf("sample outside its family %s: %s", current, line)
		}
		i := strings.LastIndexByte(line, '}')
		series, rest := line[:i+1], strings.Fields(line[i+1:])
		if len(rest) != 2 {
			t.Fatalf("no value and timestamp: %s", line)
		}
		if prev, ok := lastAt[series]; ok && !timeBefore(prev, rest[1]) {
			t.Fatalf("%s: %s after %s", series, rest[1], prev)
		}
		lastAt[series] = rest[1]
	}
	var names []string
	for f := range families {
		names = append(names, f)
	}
	sort.Strings(names)
	want := []string{"claude_code_active_time_seconds", "claude_code_code_edit_tool_decision", "claude_code_commit_count",
		"claude_code_cost_usage_USD", "claude_code_lines_of_code_count", "claude_code_pull_request_count",
		"claude_code_session_count", "claude_code_token_usage_tokens"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("families %v, want %v", names, want)
	}
}

func timeBefore(a, b string) bool {
	// Fixed three decimals and equal digit counts for the same era: numeric order is string order by length then text.
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// The history's series have exactly the label names the guide's real pipeline gives the same run's series:
// ccotel (cumulative) → otelcol-prom with the guide's processors and exporter settings → Prometheus scraping it as
// job "otel-collector".
func TestHistoryLabelsAsThePipeline(t *testing.T) {
	c := otelcoltest.Start(t, otelcoltest.WithPrometheus(otelcoltest.GuideProcessors))
	prom := promtest.Start(t, []string{c.PrometheusAddr()}, promtest.WithJobName("otel-collector"))
	env := []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_EXPORTER=otlp", "OTEL_LOGS_EXPORTER=none",
		"OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_ENDPOINT=" + c.GRPCEndpoint(),
		"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative"}
	start := func(ctx context.Context, opts ...telemetry.Option) (*telemetry.Telemetry, error) {
		base := []telemetry.Option{telemetry.WithServiceVersion("2.1.330"),
			telemetry.WithLoadOptions(config.WithEnviron(env), config.WithoutManagedSettings())}
		return telemetry.Start(ctx, append(base, opts...)...)
	}
	p := defaults
	p.Users, p.AllEvents = 2, false
	p.hist = newHistory()
	if _, err := run(context.Background(), p, start); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]bool{} // metric name → the label names of all its series, from the history
	for _, s := range p.hist.series {
		names := want[s.family+"_total"]
		if names == nil {
			names = map[string]bool{"__name__": true}
			want[s.family+"_total"] = names
		}
		for _, kv := range strings.Split(strings.Trim(s.labels, "{}"), `",`) {
			names[kv[:strings.IndexByte(kv, '=')]] = true
		}
	}
	// Every family is awaited with all its label names, not one family's first sample: the Collector's prometheus
	// exporter updates its registry metric by metric, so a scrape can hold some families of an export and not others.
	for name, labels := range want {
		var v promtest.Vector
		got := map[string]bool{}
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(promtest.PollInterval) {
			v = prom.Query(t, name)
			clear(got)
			for _, s := range v {
				for k := range s.Metric {
					got[k] = true
				}
			}
			if maps.Equal(got, labels) || time.Now().After(deadline) {
				break
			}
		}
		if len(v) == 0 {
			t.Errorf("%s: not in Prometheus", name)
			continue
		}
		for k := range labels {
			if !got[k] {
				t.Errorf("%s: the history has label %s, the pipeline does not (%v)", name, k, v[0].Metric)
			}
		}
		for k := range got {
			if !labels[k] {
				t.Errorf("%s: the pipeline has label %s, the history does not", name, k)
			}
		}
	}
}
