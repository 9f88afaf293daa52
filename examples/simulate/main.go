// Simulate generates sample Claude Code telemetry for dashboard authors:
// many users, sessions and prompts with realistic mixes of models, token
// counts (cache reads and writes included), costs priced by the pricing
// package, tools and their durations, accept and reject decisions and their
// sources, API errors and retries, lines changed, commits, pull requests,
// active time, MCP tools, hooks, subagents, compaction, at-mentions,
// skills and plugin loads. A default run sends every claude_code.* metric
// and every event of the specification at least once, in a few seconds.
//
//	go run ./examples/simulate                       # the past hour, to the console
//	go run ./examples/simulate -users 50 -backfill 24h
//	go run ./examples/simulate -realtime -speed 60   # live, 60 simulated seconds a second
//
// Send it where your dashboards read, configured like Claude Code:
//
//	CLAUDE_CODE_ENABLE_TELEMETRY=1 OTEL_METRICS_EXPORTER=otlp OTEL_LOGS_EXPORTER=otlp \
//	OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 \
//	go run ./examples/simulate -users 20 -backfill 6h
//
// # One handle per user
//
// Each simulated user is its own telemetry.Start handle, with its own user.id
// (derived from the seed), user.email, organization and account: separate
// Claude Code processes on separate machines are what dashboards see in
// reality, and each handle keeps its own event.sequence and its own metric
// series. Users run one after the other (or concurrently with -realtime).
//
// # Seeds
//
// A run is reproducible: the same -seed and flags give the same users,
// sessions, prompts, event names and attribute values. Only what ccotel
// generates itself differs between runs: session.id, prompt.id, and the
// timestamps, which are anchored at the current time.
//
// # Backfill and metrics
//
// -backfill D (1h by default) spreads the sessions over the past D and runs
// as fast as the exporters accept: each user's handle has a simulated clock
// (telemetry.WithClock), so events (log records) carry past timestamps, as do
// their event.timestamp attributes. Metric points cannot be backdated over
// OTLP: the OpenTelemetry SDK stamps points with the time of export, so a
// backfill's metrics all arrive at the current time, and a Prometheus scrape
// cannot take past samples at all. For metric history, -prometheus-data DIR
// writes what Prometheus would hold had the sessions run in real time through
// the monitoring guide's Collector pipeline, as Prometheus blocks (via
// promtool) that `prometheus --storage.tsdb.path=DIR` serves; -openmetrics
// FILE writes the same as OpenMetrics text (history.go, docs/DASHBOARDS.md):
//
//	go run ./examples/simulate -users 20 -backfill 24h -prometheus-data ./history
//
// # Options for completeness
//
// With -all-events (the default) the first user turns on what some events
// need: raw API bodies (OTEL_LOG_RAW_API_BODIES=1, api_request_body and
// api_response_body), detailed beta tracing (the tool event) and the feedback
// survey (CLAUDE_CODE_ENABLE_FEEDBACK_SURVEY_FOR_OTEL). The others keep the
// environment's settings. Its first session also emits every rare event once.
// Detailed beta tracing sends spans over OTLP/HTTP to BETA_TRACING_ENDPOINT:
// the environment's when set, else OTEL_EXPORTER_OTLP_ENDPOINT when the
// protocol is http/protobuf or http/json, else (nothing configured) a
// loopback sink of the simulator's own that drops them; with gRPC and no
// BETA_TRACING_ENDPOINT it stays off, as there is no OTLP/HTTP endpoint.
//
// # Summary and exit code
//
// The summary counts what was emitted, and what each exporter delivered and
// lost (telemetry.Stats after each user's Shutdown). A user whose handle
// fails to start or to shut down is reported and the others go on. The exit
// status is 0 when everything was delivered, 3 when anything was lost or a
// user failed, 1 on other errors and 2 on bad flags.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/telemetry"
)

func main() {
	var p params
	flag.Int64Var(&p.Seed, "seed", 1, "random seed: the same seed and flags give the same data")
	flag.IntVar(&p.Users, "users", 5, "number of simulated users, each its own telemetry handle")
	flag.IntVar(&p.Sessions, "sessions", 2, "sessions per user (on average)")
	flag.IntVar(&p.Prompts, "prompts", 4, "prompts per session (on average)")
	flag.DurationVar(&p.Backfill, "backfill", time.Hour, "spread sessions over this past period, as fast as possible")
	flag.BoolVar(&p.Realtime, "realtime", false, "run in real time (scaled by -speed) instead of backfilling")
	flag.Float64Var(&p.Speed, "speed", 60, "with -realtime: simulated seconds per real second")
	flag.BoolVar(&p.AllEvents, "all-events", true, "let the first user turn on raw API bodies, detailed tracing and the survey, and emit every rare event once")
	promData := flag.String("prometheus-data", "", "write the backfill's metric history as Prometheus blocks into this directory (runs promtool), for prometheus --storage.tsdb.path")
	openMetrics := flag.String("openmetrics", "", "write the backfill's metric history as OpenMetrics text with timestamps to this file")
	models := flag.String("models", "", `main-loop model mix, "model=weight,..." (default: today's mix, see defaultModels)`)
	progress := flag.Bool("progress", false, "show a progress bar on stderr even when it is not a terminal")
	quiet := flag.Bool("quiet", false, "no summary")
	flag.Parse()
	// net/http reports some protocol mishaps (a response on an idle
	// connection) to the standard logger; the terminal is the progress bar's
	// and the summary's. ccotel itself reports nothing unless asked.
	log.SetOutput(io.Discard)

	if fi, err := os.Stderr.Stat(); *progress || (err == nil && fi.Mode()&os.ModeCharDevice != 0) {
		p.Progress = os.Stderr
	}
	summary := io.Writer(os.Stderr)
	if *quiet {
		summary = io.Discard
	}
	if *models != "" {
		var err error
		if p.Models, err = parseModels(*models); err != nil {
			fmt.Fprintln(os.Stderr, "simulate:", err)
			os.Exit(2)
		}
	}
	start := starter("console")
	if *promData != "" || *openMetrics != "" {
		p.hist = newHistory()
		start = starter("none")
	}
	sum, err := run(context.Background(), p, start)
	if err == nil && *openMetrics != "" {
		err = writeFile(*openMetrics, p.hist.writeOpenMetrics)
	}
	if err == nil && *promData != "" {
		err = p.hist.writeTSDB(*promData)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
	sum.print(summary)
	if *promData != "" {
		fmt.Fprintf(summary, "simulate: serve the history with\n  prometheus --config.file=%[1]s/prometheus.yml --storage.tsdb.path=%[1]s\n", *promData)
	}
	if sum.lost() {
		os.Exit(3)
	}
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// params are the flags.
type params struct {
	Seed                     int64
	Users, Sessions, Prompts int
	Backfill                 time.Duration
	Realtime                 bool
	Speed                    float64
	AllEvents                bool
	Progress                 io.Writer
	// Models is the main-loop model mix, model id to weight.
	Models map[string]float64
	// tracesSink is BETA_TRACING_ENDPOINT for the first user.
	tracesSink string
	// hist, when set, records the metric history (see history.go).
	hist *history
}

// startFunc starts one user's handle; tests replace it.
type startFunc func(ctx context.Context, opts ...telemetry.Option) (*telemetry.Telemetry, error)

// starter returns a start function for handles configured by the
// environment, or, when no telemetry variable is set, exporting to fallback:
// "console" prints, as the quickstart does; "none" for a run that writes its
// metric history to files (the console would print every record).
func starter(fallback string) startFunc {
	return func(ctx context.Context, opts ...telemetry.Option) (*telemetry.Telemetry, error) {
		base := []telemetry.Option{telemetry.WithServiceVersion("2.1.330")}
		if _, set := os.LookupEnv("CLAUDE_CODE_ENABLE_TELEMETRY"); !set {
			base = append(base, telemetry.WithLoadOptions(
				config.WithVariable("CLAUDE_CODE_ENABLE_TELEMETRY", "1"),
				config.WithVariable("OTEL_METRICS_EXPORTER", fallback),
				config.WithVariable("OTEL_LOGS_EXPORTER", fallback),
			))
		}
		return telemetry.Start(ctx, append(base, opts...)...)
	}
}
