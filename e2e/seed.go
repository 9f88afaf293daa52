package e2e

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// The seed's models: each user's first session uses ModelSonnet, the second ModelOpus.
const (
	ModelSonnet = "claude-sonnet-4-5-20250929"
	ModelOpus   = "claude-opus-4-1-20250805"
)

// Users is the number of users of the seed, one telemetry handle each (as three machines would have).
const Users = 3

// SessionsPerUser is the number of sessions each user runs.
const SessionsPerUser = 2

// TurnsPerSession is the number of turns each session runs. Turns are emitted round-robin over the sessions
// (turn 0 of every session, then turn 1 of every session), each followed by a flush of its user's handle, so the
// series of one session skip export intervals: with delta temporality that is the case the Collector's prometheus
// exporter gets wrong (shared/tools/otelcol/README.md).
const TurnsPerSession = 2

// Turn is what one session does in one turn. Every value is exact in binary floating point, so sums do not
// depend on the order of addition.
type Turn struct {
	Model          string
	CostUSD        float64
	Usage          pricing.Usage
	Added, Removed int
	UserActive     time.Duration
	CLIActive      time.Duration
	Commits        int
	PullRequests   int
}

// TurnOf is the turn t of session s of user u: distinct, known values for every combination.
func TurnOf(u, s, t int) Turn {
	model := ModelSonnet
	if s == 1 {
		model = ModelOpus
	}
	k := int64(u*SessionsPerUser*TurnsPerSession + s*TurnsPerSession + t + 1) // 1..12
	return Turn{
		Model:   model,
		CostUSD: float64(k) * 0.125, // 0.125 .. 1.5
		Usage: pricing.Usage{
			InputTokens:         100 * k,
			OutputTokens:        10*k + 1,
			CacheReadTokens:     1000 * k,
			CacheCreationTokens: 50 * k,
		},
		Added:        int(k) + 2,
		Removed:      int(k%3) + 1,
		UserActive:   time.Duration(k) * 500 * time.Millisecond,
		CLIActive:    time.Duration(k) * 2 * time.Second,
		Commits:      int(k % 2),
		PullRequests: boolInt(k%4 == 0),
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Totals is what the seed emits, added up the ways the dashboards group it.
type Totals struct {
	CostUSD       float64
	CostByModel   map[string]float64
	CostByUser    map[string]float64 // by user.id
	TokensByType  map[string]float64 // input, output, cacheRead, cacheCreation
	LinesByType   map[string]float64 // added, removed
	ActiveByType  map[string]float64 // seconds; user, cli
	Commits       float64
	PullRequests  float64
	Sessions      int
	Users         int
	EditDecisions float64
	APIRequests   int // api_request events
	UserPrompts   int // user_prompt events
	EventsPerTurn int
	StartupEvents int // managed_settings_resolved, once per handle
}

func newTotals() Totals {
	return Totals{
		CostByModel:  map[string]float64{},
		CostByUser:   map[string]float64{},
		TokensByType: map[string]float64{},
		LinesByType:  map[string]float64{},
		ActiveByType: map[string]float64{},
	}
}

func (x *Totals) add(userID string, tr Turn) {
	x.CostUSD += tr.CostUSD
	x.CostByModel[tr.Model] += tr.CostUSD
	x.CostByUser[userID] += tr.CostUSD
	x.TokensByType["input"] += float64(tr.Usage.InputTokens)
	x.TokensByType["output"] += float64(tr.Usage.OutputTokens)
	x.TokensByType["cacheRead"] += float64(tr.Usage.CacheReadTokens)
	x.TokensByType["cacheCreation"] += float64(tr.Usage.CacheCreationTokens)
	x.LinesByType["added"] += float64(tr.Added)
	x.LinesByType["removed"] += float64(tr.Removed)
	x.ActiveByType["user"] += tr.UserActive.Seconds()
	x.ActiveByType["cli"] += tr.CLIActive.Seconds()
	x.Commits += float64(tr.Commits)
	x.PullRequests += float64(tr.PullRequests)
	x.EditDecisions++
	x.APIRequests++
	x.UserPrompts++
}

// UserID is the user.id of user u: 64 lowercase hex characters, as Claude Code's.
func UserID(u int) string { return strings.Repeat(fmt.Sprintf("%02x", 0xa0+u), 32) }

// Expected is the seed's totals. zeroFirst is Run's: the zero phase adds one api_request event and one edit
// decision per session, and nothing to any sum.
func Expected(zeroFirst bool) Totals {
	x := newTotals()
	for u := 0; u < Users; u++ {
		for s := 0; s < SessionsPerUser; s++ {
			for t := 0; t < TurnsPerSession; t++ {
				x.add(UserID(u), TurnOf(u, s, t))
			}
		}
	}
	x.Sessions = Users * SessionsPerUser
	x.Users = Users
	x.StartupEvents = Users
	x.EventsPerTurn = 2 // user_prompt, api_request
	if zeroFirst {
		x.APIRequests += x.Sessions
		x.EditDecisions += float64(x.Sessions)
	}
	return x
}

// LastTurnOnly is what a pipeline that keeps only the last turn of every series reports: the Collector's
// prometheus exporter fed delta points whose series skipped an export interval (see TurnsPerSession).
func LastTurnOnly() Totals {
	x := newTotals()
	for u := 0; u < Users; u++ {
		for s := 0; s < SessionsPerUser; s++ {
			x.add(UserID(u), TurnOf(u, s, TurnsPerSession-1))
		}
	}
	x.Sessions = Users * SessionsPerUser
	x.Users = Users
	return x
}

// Run emits the seed through handles (one per user, len(handles) == Users, each started with
// telemetry.WithUserID(UserID(u))). It first starts every session and, when zeroFirst is set, records a zero for
// every series the turns will add to (a 0-cost API response, a 0-line accepted edit, zero active time), then
// calls flush(u) for every handle: that gives Prometheus a 0 sample to compute increase() from, as a long-running
// agent's earlier exports would. Then it emits the turns round-robin, calling flush(u) after each. flush may be
// nil; it may block (e.g. to wait for a scrape). Run returns the sessions' own totals (telemetry.Session.Totals).
func Run(ctx context.Context, handles []*telemetry.Telemetry, zeroFirst bool, flush func(u int)) ([]telemetry.Totals, error) {
	if len(handles) != Users {
		return nil, fmt.Errorf("e2e.Run: %d handles, want %d", len(handles), Users)
	}
	if flush == nil {
		flush = func(int) {}
	}
	type sess struct {
		ctx context.Context
		s   *telemetry.Session
	}
	var all [Users][SessionsPerUser]sess
	for u, h := range handles {
		for s := 0; s < SessionsPerUser; s++ {
			c, ss := h.StartSession(ctx)
			all[u][s] = sess{c, ss}
			if zeroFirst {
				model := TurnOf(u, s, 0).Model
				zero := 0.0
				ss.APIResponse(c, telemetry.APIResponse{Model: model, CostUSD: &zero, RequestID: fmt.Sprintf("req_zero_%d_%d", u, s)})
				if a, r := ss.EditDecision(c, telemetry.Edit{ToolName: "Edit", FilePath: "main.go", Model: model}); a != 0 || r != 0 {
					return nil, fmt.Errorf("e2e.Run: an empty edit counted %d added, %d removed", a, r)
				}
				h.Metrics().ActiveTime(c, 0, metrics.ActiveUser)
				h.Metrics().ActiveTime(c, 0, metrics.ActiveCLI)
			}
		}
	}
	if zeroFirst {
		for u := range handles {
			flush(u)
		}
	}
	for t := 0; t < TurnsPerSession; t++ {
		for u := range handles {
			for s := 0; s < SessionsPerUser; s++ {
				se := all[u][s]
				tr := TurnOf(u, s, t)
				pctx, _ := se.s.StartPrompt(se.ctx, events.UserPrompt{Prompt: fmt.Sprintf("turn %d of session %d", t, s)})
				cost := tr.CostUSD
				se.s.APIResponse(pctx, telemetry.APIResponse{
					Model:     tr.Model,
					Usage:     tr.Usage,
					CostUSD:   &cost,
					Duration:  1500 * time.Millisecond,
					RequestID: fmt.Sprintf("req_%d_%d_%d", u, s, t),
				})
				a, r := se.s.EditDecision(pctx, telemetry.Edit{
					ToolName: "Edit",
					FilePath: "main.go",
					Model:    tr.Model,
					OldText:  lines("old", tr.Removed),
					NewText:  lines("new", tr.Added),
				})
				if a != tr.Added || r != tr.Removed {
					return nil, fmt.Errorf("e2e.Run: edit counted %d added, %d removed; want %d, %d", a, r, tr.Added, tr.Removed)
				}
				se.s.ActiveTime(pctx, tr.UserActive, metrics.ActiveUser)
				se.s.ActiveTime(pctx, tr.CLIActive, metrics.ActiveCLI)
				for i := 0; i < tr.Commits; i++ {
					se.s.Commit(pctx)
				}
				for i := 0; i < tr.PullRequests; i++ {
					se.s.PullRequest(pctx)
				}
				flush(u)
			}
		}
	}
	var out []telemetry.Totals
	for u := range handles {
		for s := 0; s < SessionsPerUser; s++ {
			out = append(out, all[u][s].s.Totals())
		}
	}
	return out, nil
}

// lines is n distinct lines "<prefix><i>" joined by "\n", without a trailing newline (which would count as one
// more line).
func lines(prefix string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return strings.Join(parts, "\n")
}
