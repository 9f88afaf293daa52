package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/telemetry"
)

// generous bounds a call that waits on a misbehaving peer: the hanging peers below never answer, so an emit or
// Shutdown that waited on the network would never return, and one that does not wait returns in milliseconds. No
// scheduler delay on a loaded machine comes near it, so it decides nothing but "blocked for ever".
const generous = 60 * time.Second

// latencies of emits, for p99 and max.
type latencies []time.Duration

func (l latencies) quantile(q float64) time.Duration {
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1))]
}

func (l latencies) max() time.Duration { return l.quantile(1) }

// emitTimed emits n API responses (each one api_request event and five metric points) and n user_prompt events
// through one session, timing each call.
func emitTimed(tel *telemetry.Telemetry, n int) latencies {
	return emitCounted(tel, n, new(atomic.Int64))
}

// emitCounted is emitTimed adding 1 to done after each call.
func emitCounted(tel *telemetry.Telemetry, n int, done *atomic.Int64) latencies {
	ctx, s := tel.StartSession(context.Background())
	out := make(latencies, 0, 2*n)
	cost := 0.5
	for i := 0; i < n; i++ {
		t0 := time.Now()
		s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5-20250929", CostUSD: &cost, RequestID: fmt.Sprint("req", i)}) // distinct: one call is recorded once per session
		t1 := time.Now()
		done.Add(1)
		tel.Events().UserPrompt(ctx, events.UserPrompt{Prompt: "hello"})
		t2 := time.Now()
		done.Add(1)
		out = append(out, t1.Sub(t0), t2.Sub(t1))
	}
	return out
}

// checkLatency logs the emit latencies; emitting at all against a peer that never answers is the proof that no
// emit waits on the network (see emitDone), not a stopwatch.
func checkLatency(t *testing.T, what string, l latencies) {
	t.Helper()
	t.Logf("%s: %d emits: p50 %v p99 %v max %v", what, len(l), l.quantile(0.5), l.quantile(0.99), l.max())
}

// emitDone runs emitTimed in the background and fails the test if one emit has not returned within generous.
// The bound is on each call, not on all of them: n emits take n times longer on a loaded machine (100,000 emits
// under -race beside a CPU hog took more than a minute), while an emit that waited on the network would never
// return at all.
func emitDone(t *testing.T, tel *telemetry.Telemetry, n int) latencies {
	t.Helper()
	var emitted atomic.Int64
	done := make(chan latencies, 1)
	go func() { done <- emitCounted(tel, n, &emitted) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last, since := int64(-1), time.Now()
	for {
		select {
		case l := <-done:
			return l
		case <-tick.C:
			if e := emitted.Load(); e != last {
				last, since = e, time.Now()
			} else if time.Since(since) > generous {
				t.Fatalf("emit %d of %d has not returned within %v: an emit waits on the network", e+1, 2*n, generous)
			}
		}
	}
}

// shutdownWithin calls Shutdown with a background context and fails the test if it has not returned within
// generous: against a peer that never answers only the CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS deadline can end it.
func shutdownWithin(t *testing.T, tel *telemetry.Telemetry, budget time.Duration) {
	t.Helper()
	done := make(chan time.Duration, 1)
	go func() {
		t0 := time.Now()
		_ = tel.Shutdown(context.Background())
		done <- time.Since(t0)
	}()
	select {
	case took := <-done:
		t.Logf("Shutdown took %v (CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS %v)", took, budget)
	case <-time.After(generous):
		t.Fatalf("Shutdown did not return within %v (budget %v): it waits on the peer", generous, budget)
	}
}

// hangingServer accepts OTLP/HTTP requests and answers none of them until the test ends.
func hangingServer(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// TestFaults runs ccotel against endpoints that misbehave. In every case emit calls must not block, Shutdown must
// return by CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS, and problems go to the error handler (never to stderr).
func TestFaults(t *testing.T) {
	const shutdownTimeout = time.Second
	base := func(protocol, endpoint string) env {
		return otlpEnv(protocol, endpoint, "delta").with(
			"OTEL_METRIC_EXPORT_INTERVAL", "200",
			"OTEL_LOGS_EXPORT_INTERVAL", "200",
			"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", strconv.Itoa(int(shutdownTimeout/time.Millisecond)))
	}

	t.Run("absent at start", func(t *testing.T) {
		t.Parallel()
		for _, protocol := range []string{"grpc", "http/protobuf"} {
			var errs errorLog
			tel := start(t, base(protocol, fmt.Sprintf("http://127.0.0.1:%d", freePort(t))), telemetry.WithErrorHandler(errs.handle))
			checkLatency(t, protocol+", nothing listening", emitDone(t, tel, 1000))
			time.Sleep(500 * time.Millisecond) // let exports fail
			shutdownWithin(t, tel, shutdownTimeout)
			if len(errs.all()) == 0 {
				t.Errorf("%s: no error reported for an absent endpoint", protocol)
			}
		}
	})

	t.Run("slow 3s per request", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		got := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
				return
			}
			mu.Lock()
			got++
			mu.Unlock()
			w.WriteHeader(http.StatusOK)
		}))
		t.Cleanup(srv.Close)
		tel := start(t, base("http/protobuf", srv.URL))
		l := emitDone(t, tel, 500)
		time.Sleep(400 * time.Millisecond) // exports are now waiting on the server
		l = append(l, emitDone(t, tel, 500)...)
		checkLatency(t, "3 s per request", l)
		shutdownWithin(t, tel, shutdownTimeout)
	})

	t.Run("hangs", func(t *testing.T) {
		t.Parallel()
		srv := hangingServer(t)
		tel := start(t, base("http/protobuf", srv.URL))
		checkLatency(t, "endpoint hangs", emitDone(t, tel, 1000))
		time.Sleep(400 * time.Millisecond)
		shutdownWithin(t, tel, shutdownTimeout)
	})

	for _, status := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprintf("%d with Retry-After", status), func(t *testing.T) {
			t.Parallel()
			var refused, accepted atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if refused.Load() < 3 {
					refused.Add(1)
					w.Header().Set("Retry-After", "1")
					w.WriteHeader(status)
					return
				}
				accepted.Add(1)
				w.WriteHeader(http.StatusOK)
			}))
			t.Cleanup(srv.Close)
			var errs errorLog
			tel := start(t, base("http/protobuf", srv.URL).with("OTEL_EXPORTER_OTLP_TIMEOUT", "20000",
				"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "20000"), telemetry.WithErrorHandler(errs.handle))
			checkLatency(t, fmt.Sprintf("answering %d", status), emitDone(t, tel, 1000))
			// The exporter honours Retry-After and retries; the data then arrives.
			deadline := time.Now().Add(20 * time.Second)
			for accepted.Load() < 2 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			var de *telemetry.DeliveryError
			if err := tel.Shutdown(context.Background()); err != nil && !errors.As(err, &de) {
				t.Errorf("Shutdown: %v", err)
			}
			// Retries are observable as accepted requests after the refusals. An export in its Retry-After wait
			// when Shutdown begins is cancelled and reported; that is not asserted either way.
			t.Logf("refused %d, then accepted %d requests; errors reported: %d\n%s", refused.Load(), accepted.Load(), len(errs.all()), &errs)
			if accepted.Load() < 2 {
				t.Errorf("after %d refusals only %d requests accepted; errors:\n%s", refused.Load(), accepted.Load(), &errs)
			}
		})
	}

	t.Run("TLS misconfigured", func(t *testing.T) {
		t.Parallel()
		untrusted := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
		}))
		untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failures are expected
		untrusted.StartTLS()
		t.Cleanup(untrusted.Close)
		plain := hangingServer(t)
		c := otelcoltest.Start(t)
		cases := []struct{ name, protocol, endpoint, want string }{
			{"https with an untrusted certificate", "http/protobuf", untrusted.URL, "certificate"},
			{"https to a plain HTTP port", "http/protobuf", strings.Replace(plain.URL, "http://", "https://", 1), "https"},
			{"grpc TLS to a plain port", "grpc", "https://" + c.GRPCAddr(), "handshake"},
		}
		for _, tc := range cases {
			var errs errorLog
			tel := start(t, base(tc.protocol, tc.endpoint), telemetry.WithErrorHandler(errs.handle))
			checkLatency(t, tc.name, emitDone(t, tel, 1000))
			err := tel.ForceFlush(context.Background())
			shutdownWithin(t, tel, shutdownTimeout)
			all := append(errs.all(), err)
			msg := strings.ToLower(fmt.Sprint(all))
			if len(errs.all()) == 0 || !strings.Contains(msg, tc.want) {
				t.Errorf("%s: reported %v, want an error mentioning %q", tc.name, all, tc.want)
			}
			t.Logf("%s: first error: %v", tc.name, errs.all()[0])
		}
		if n := len(otelcoltest.FlattenMetrics(c.Metrics(t), "")); n != 0 {
			t.Errorf("the Collector accepted %d metrics over a broken TLS setup", n)
		}
	})

	t.Run("killed and restarted", func(t *testing.T) {
		t.Parallel()
		c := otelcoltest.Start(t)
		var errs errorLog
		// The export timeout outlasts the outage, so the exporter's retries deliver what it held.
		tel := start(t, base("grpc", c.GRPCEndpoint()).with("OTEL_EXPORTER_OTLP_TIMEOUT", "25000",
			"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "30000"), telemetry.WithErrorHandler(errs.handle))
		ctx := context.Background()
		emitTimed(tel, 200)
		if err := tel.ForceFlush(ctx); err != nil {
			t.Fatalf("ForceFlush before the kill: %v", err)
		}
		// The Collector acknowledges a request before its file exporter has
		// written it; a SIGKILL before that write loses data ccotel delivered.
		// Wait until the pre-kill data is on disk, so every loss counted below
		// is ccotel's.
		c.WaitForLogs(t, func(reqs []*collectorlogs.ExportLogsServiceRequest) bool { return countPrompts(reqs) == 200 }, waitTimeout)
		c.WaitForMetrics(t, func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
			return near(streamTotal(otelcoltest.FlattenMetrics(reqs, "claude_code.cost.usage"), nil), 0.5*200)
		}, waitTimeout)
		c.Kill(t)
		down := emitDone(t, tel, 500) // 1000 events and 500 API responses, within the 2048 queue
		checkLatency(t, "Collector killed", down)
		time.Sleep(time.Second) // periodic exports start and fail while it is down
		c.Restart(t)
		// What was held arrives once the Collector is back, through the exporters' retries (backoff 5 s), while the
		// process keeps running. (Shutting down while a retry is pending cancels it: see the report.)
		want := 2*(200+500) + 1 // and the first session's managed_settings_resolved
		for i := 0; i < 40 && countPrompts(c.Logs(t)) < 700; i++ {
			time.Sleep(time.Second)
		}
		t.Logf("%d of 700 prompts and %d of %d events received 40 s after the restart; cost %v of %v; errors:\n%s",
			countPrompts(c.Logs(t)), len(otelcoltest.FlattenLogs(c.Logs(t))), want,
			streamTotal(otelcoltest.FlattenMetrics(c.Metrics(t), "claude_code.cost.usage"), nil), 0.5*700, &errs)
		c.WaitForLogs(t, func(reqs []*collectorlogs.ExportLogsServiceRequest) bool {
			return countPrompts(reqs) == 700 && len(otelcoltest.FlattenLogs(reqs)) == want
		}, waitTimeout)
		c.WaitForMetrics(t, func(reqs []*collectormetrics.ExportMetricsServiceRequest) bool {
			return near(streamTotal(otelcoltest.FlattenMetrics(reqs, "claude_code.cost.usage"), nil), 0.5*700)
		}, waitTimeout)
		if err := tel.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		t.Logf("errors reported during the outage: %d", len(errs.all()))
	})

	t.Run("memory bounded against a dead endpoint", func(t *testing.T) {
		// Not parallel with the others' allocation: measured alone in this subtest's own loop.
		var errs errorLog
		tel := start(t, base("grpc", fmt.Sprintf("http://127.0.0.1:%d", freePort(t))), telemetry.WithErrorHandler(errs.handle))
		emitTimed(tel, 2000) // warm up: queue full, attribute sets cached
		before := heap()
		const n = 50000
		l := emitDone(t, tel, n)
		after := heap()
		growth := int64(after) - int64(before)
		t.Logf("dead endpoint: %d emits (%d events), heap %d KiB -> %d KiB (growth %d KiB)", 2*n, 2*n, before>>10, after>>10, growth>>10)
		if growth > 64<<20 {
			t.Errorf("heap grew by %d MiB over %d emits against a dead endpoint", growth>>20, 2*n)
		}
		checkLatency(t, "sustained, dead endpoint", l)
		shutdownWithin(t, tel, shutdownTimeout)
	})
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func countPrompts(reqs []*collectorlogs.ExportLogsServiceRequest) int {
	n := 0
	for _, r := range otelcoltest.FlattenLogs(reqs) {
		if r.Record.GetBody().GetStringValue() == "claude_code.user_prompt" {
			n++
		}
	}
	return n
}
