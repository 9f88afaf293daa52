package main

import (
	"math"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/ccotel/ccotel/internal/promtest"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// rulesFile is the recording rules docs/DASHBOARDS.md ships.
var rulesFile = filepath.Join("..", "..", "docs", "prometheus", "claude-code-rules.yml")

// TestRecordingRulesUnit runs docs/prometheus/claude-code-rules.test.yml with `promtool test rules`: what the rules
// record when a series appears, grows, resets, and for two sessions of one user.
func TestRecordingRulesUnit(t *testing.T) {
	promtool := promtest.FindPromtool(t)
	cmd := exec.Command(promtool, "test", "rules", "claude-code-rules.test.yml")
	cmd.Dir = filepath.Dir(rulesFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// TestRecordingRules follows docs/DASHBOARDS.md's recording-rules path on a day of history: promtool checks the
// rules file, the history is loaded as the README says, `promtool tsdb create-blocks-from rules` evaluates the rules
// over the day against that Prometheus and writes the blocks into its data directory, which Prometheus picks up.
// Then the recipes read the events' sums exactly: cost and tokens over the day by user, model and type, and the
// other counters (sessions, commits, pull requests, lines, decisions, active time) by their labels; and, hour by
// hour, the cost and the sessions started equal what the stored samples added in that hour (one evaluation late).
// The same day read with increase() is logged for comparison.
func TestRecordingRules(t *testing.T) {
	promtool := promtest.FindPromtool(t)
	t.Setenv("PROMTOOL_BIN", promtool)
	if out, err := exec.Command(promtool, "check", "rules", rulesFile).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules %s: %v\n%s", rulesFile, err, out)
	}

	p := defaults
	p.Users, p.Backfill, p.AllEvents = 20, 24*time.Hour, false
	p.hist = newHistory()
	kits, _ := simulateIntoKits(t, p)
	dir := t.TempDir()
	if err := p.hist.writeTSDB(dir); err != nil {
		t.Fatal(err)
	}
	first, last := p.hist.span()
	prom := promtest.Start(t, nil, promtest.WithDataDir(dir))

	// The documented command, with --end past the last sample by the rules' two-minute lag and a step.
	start, end := first.Add(-5*time.Minute), last.Add(4*time.Minute)
	cmd := exec.Command(promtool, "tsdb", "create-blocks-from", "rules", "--url="+prom.URL(),
		"--start="+strconv.FormatInt(start.Unix(), 10), "--end="+strconv.FormatInt(end.Unix(), 10),
		"--output-dir="+dir, rulesFile)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want)) }
	tr := eventTruth(kits)
	day := "[25h]"
	// Prometheus loads new blocks on its next compaction cycle (every minute): no restart needed. promtool writes
	// its blocks one by one (a rule and a time range each), so a cycle during its run loads part of them and the
	// next one the rest: completion is every rule's day total being the events' (a block missing lowers it).
	for rule, metric := range map[string]string{
		"claude_code:cost_usage_USD:added1m":          "claude_code.cost.usage",
		"claude_code:token_usage_tokens:added1m":      "claude_code.token.usage",
		"claude_code:session_count:added1m":           "claude_code.session.count",
		"claude_code:commit_count:added1m":            "claude_code.commit.count",
		"claude_code:pull_request_count:added1m":      "claude_code.pull_request.count",
		"claude_code:lines_of_code_count:added1m":     "claude_code.lines_of_code.count",
		"claude_code:code_edit_tool_decision:added1m": "claude_code.code_edit_tool.decision",
		"claude_code:active_time_seconds:added1m":     "claude_code.active_time.total",
	} {
		want := kitSums(kits, metric, "")[""]
		prom.WaitForQueryAt(t, `sum(sum_over_time(`+rule+day+`))`, end,
			func(v promtest.Vector) bool { return len(v) == 1 && near(v[0].Value, want) }, 5*time.Minute)
	}

	// A grid time of the rules' evaluations at or before end: every hour back from it is one too.
	grid := time.UnixMilli(int64(math.Round(1000 * prom.QueryAt(t, `max(timestamp(claude_code:cost_usage_USD:added1m))`, end).Sum())))
	at := grid
	byUser := map[string]float64{}
	for _, kit := range kits {
		for _, e := range kit.Events("api_request") {
			byUser[e.Attr("user.id").Str()] += e.Attr("cost_usd").Float()
		}
	}
	checkBy := func(rule, by string, want map[string]float64) {
		t.Helper()
		q := `sum by (` + by + `) (sum_over_time(` + rule + day + `))`
		got := map[string]float64{}
		for _, s := range prom.QueryAt(t, q, at) {
			got[s.Metric[by]] = s.Value
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d groups, the truth has %d:\n got %v\nwant %v", q, len(got), len(want), got, want)
		}
		for k, w := range want {
			if !near(got[k], w) {
				t.Errorf("%s{%s=%q} = %v, the truth is %v", q, by, k, got[k], w)
			}
		}
	}
	checkTotal := func(rule string, want float64) {
		t.Helper()
		q := `sum(sum_over_time(` + rule + day + `))`
		if got := prom.QueryAt(t, q, at).Sum(); !near(got, want) {
			t.Errorf("%s = %v, the truth is %v", q, got, want)
		}
	}
	checkTotal("claude_code:cost_usage_USD:added1m", tr.cost)
	checkTotal("claude_code:token_usage_tokens:added1m", tr.tokens)
	checkBy("claude_code:cost_usage_USD:added1m", "model", tr.costByModel)
	checkBy("claude_code:cost_usage_USD:added1m", "user_id", byUser)
	checkBy("claude_code:token_usage_tokens:added1m", "type", tr.tokensByType)
	active := 0
	for _, c := range byUser {
		if c > 0 {
			active++
		}
	}
	q := `count(sum by (user_id) (sum_over_time(claude_code:cost_usage_USD:added1m` + day + `)) > 0)`
	if got := prom.QueryAt(t, q, at).Sum(); got != float64(active) || active == 0 {
		t.Errorf("%s = %v, %d users spent something", q, got, active)
	}
	for _, c := range []struct{ rule, metric, by string }{
		{"claude_code:session_count:added1m", "claude_code.session.count", ""},
		{"claude_code:commit_count:added1m", "claude_code.commit.count", ""},
		{"claude_code:pull_request_count:added1m", "claude_code.pull_request.count", ""},
		{"claude_code:lines_of_code_count:added1m", "claude_code.lines_of_code.count", "type"},
		{"claude_code:code_edit_tool_decision:added1m", "claude_code.code_edit_tool.decision", "decision"},
		{"claude_code:active_time_seconds:added1m", "claude_code.active_time.total", "type"},
	} {
		want := kitSums(kits, c.metric, c.by)
		if c.by == "" {
			if want[""] == 0 {
				t.Errorf("%s: the run counted nothing", c.metric)
			}
			checkTotal(c.rule, want[""])
			continue
		}
		checkBy(c.rule, c.by, want)
	}

	// Hour by hour: ColeMurray's Active Sessions (1h) and the guide's cost as recipes, against the stored samples.
	for hour := at; hour.After(first); hour = hour.Add(-time.Hour) {
		for _, c := range []struct{ rule, family string }{
			{"claude_code:session_count:added1m", "claude_code_session_count"},
			{"claude_code:cost_usage_USD:added1m", "claude_code_cost_usage_USD"},
		} {
			q := `sum(sum_over_time(` + c.rule + `[1h]))`
			want := p.hist.added(c.family, hour.Add(-time.Hour-2*time.Minute), hour.Add(-2*time.Minute))
			// Between two evaluations, as a dashboard's query time usually is: Prometheus 2's ranges include
			// their start, so at an evaluation's time [1h] would hold 61 of them.
			if got := prom.QueryAt(t, q, hour.Add(30*time.Second)).Sum(); !near(got, want) {
				t.Errorf("%s at %s = %v, the samples added %v", q, hour.Format(time.TimeOnly), got, want)
			}
		}
	}

	t.Logf("the events: cost %.6g USD, %.6g tokens, %v sessions, %v commits", tr.cost, tr.tokens,
		kitSums(kits, "claude_code.session.count", "")[""], kitSums(kits, "claude_code.commit.count", "")[""])
	for _, q := range []string{`sum(increase(claude_code_cost_usage_USD_total[25h]))`, `sum(increase(claude_code_session_count_total[25h]))`,
		`sum(increase(claude_code_commit_count_total[25h]))`} {
		t.Logf("for comparison, %s = %.6g", q, prom.QueryAt(t, q, at).Sum())
	}
}

// kitSums adds up a metric over the kits, grouped by one attribute ("" for the total).
func kitSums(kits []*telemetrytest.Kit, metric, by string) map[string]float64 {
	out := map[string]float64{}
	for _, kit := range kits {
		for _, pt := range kit.Metric(metric).Points {
			out[pt.Attr(by)] += pt.Value
		}
	}
	return out
}

// span is the time of the history's first and last sample.
func (h *history) span() (first, last time.Time) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, s := range h.series {
		lo, hi = min(lo, s.ts[0]), max(hi, s.ts[len(s.ts)-1])
	}
	return time.UnixMilli(lo), time.UnixMilli(hi)
}

// added is what the family's stored samples added in (from, to]: each series' last value at or before to minus its
// last value at or before from (0 before its first sample, as a session's counters start at 0).
func (h *history) added(family string, from, to time.Time) float64 {
	valueAt := func(s *histSeries, t time.Time) float64 {
		i := sort.Search(len(s.ts), func(i int) bool { return s.ts[i] > t.UnixMilli() })
		if i == 0 {
			return 0
		}
		return s.vs[i-1]
	}
	var sum float64
	for _, s := range h.series {
		if s.family == family {
			sum += valueAt(s, to) - valueAt(s, from)
		}
	}
	return sum
}
