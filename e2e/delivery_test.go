package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/otlptest"
	"github.com/ccotel/ccotel/telemetry"
)

var protocols = []string{"grpc", "http/protobuf", "http/json"}

// tracedEnv is otlpEnv with the traces beta on, so all three signals export.
func tracedEnv(protocol, endpoint string) env {
	return otlpEnv(protocol, endpoint, "delta").with(
		"CLAUDE_CODE_ENHANCED_TELEMETRY_BETA", "1",
		"OTEL_TRACES_EXPORTER", "otlp",
		"OTEL_TRACES_EXPORT_INTERVAL", "3600000")
}

// workload emits n prompts, each with a user_prompt event, an API response (api_request event, cost and
// token points, llm_request span) and the interaction span.
func workload(tel *telemetry.Telemetry, n int) {
	workloadModel(tel, n, "claude-sonnet-4-5-20250929")
}

// workloadModel is workload with another model.
func workloadModel(tel *telemetry.Telemetry, n int, model string) {
	ctx, s := tel.StartSession(context.Background())
	cost := 0.25
	for i := 0; i < n; i++ {
		pctx, p := s.StartPrompt(ctx, events.UserPrompt{Prompt: "hello"})
		s.APIResponse(pctx, telemetry.APIResponse{Model: model, CostUSD: &cost, RequestID: fmt.Sprint("req", i)})
		p.End(pctx)
	}
}

// bySignal sums the stats of each signal.
func bySignal(s telemetry.Stats) map[string]telemetry.ExporterStats {
	out := map[string]telemetry.ExporterStats{}
	for _, e := range s.Exporters {
		x := out[e.Signal]
		x.Signal, x.Unit = e.Signal, e.Unit
		x.Exported += e.Exported
		x.Dropped += e.Dropped
		x.Failed += e.Failed
		x.Queued += e.Queued
		out[e.Signal] = x
	}
	return out
}

// received counts what a peer accepted, in ccotel's units: data points, log records, spans.
type peerCounts struct{ points, records, spans int }

func countReceived(m []*collectormetrics.ExportMetricsServiceRequest, l []*collectorlogs.ExportLogsServiceRequest, tr []*collectortrace.ExportTraceServiceRequest) peerCounts {
	var r peerCounts
	for _, req := range m {
		for _, rm := range req.GetResourceMetrics() {
			for _, sm := range rm.GetScopeMetrics() {
				for _, x := range sm.GetMetrics() {
					r.points += len(x.GetSum().GetDataPoints()) + len(x.GetHistogram().GetDataPoints()) + len(x.GetGauge().GetDataPoints())
				}
			}
		}
	}
	r.records = len(otelcoltest.FlattenLogs(l))
	r.spans = len(otelcoltest.FlattenSpans(tr))
	return r
}

func receiverCounts(rcv *otlptest.Receiver) peerCounts {
	var (
		m  []*collectormetrics.ExportMetricsServiceRequest
		l  []*collectorlogs.ExportLogsServiceRequest
		tr []*collectortrace.ExportTraceServiceRequest
	)
	for _, q := range rcv.Requests() {
		switch {
		case q.Metrics != nil:
			m = append(m, q.Metrics)
		case q.Logs != nil:
			l = append(l, q.Logs)
		case q.Traces != nil:
			tr = append(tr, q.Traces)
		}
	}
	return countReceived(m, l, tr)
}

// With a healthy peer, Stats counts as exported exactly what the peer received, nothing is lost, and Shutdown
// returns nil: on every protocol, with the in-process receiver and with the real Collector.
func TestStatsCountWhatArrives(t *testing.T) {
	const n = 40
	check := func(t *testing.T, tel *telemetry.Telemetry, got func(want peerCounts) peerCounts) {
		t.Helper()
		workload(tel, n)
		if err := tel.ForceFlush(context.Background()); err != nil {
			t.Fatalf("ForceFlush: %v", err)
		}
		workload(tel, n)
		if err := tel.Shutdown(context.Background()); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
		s := bySignal(tel.Stats())
		want := peerCounts{points: int(s["metrics"].Exported), records: int(s["logs"].Exported), spans: int(s["traces"].Exported)}
		if r := got(want); r != want {
			t.Errorf("the peer received %+v, Stats counts %+v as exported", r, want)
		}
		if tel.Stats().Lost() != 0 {
			t.Errorf("loss counted with a healthy peer: %+v", tel.Stats())
		}
		// 2n prompts: user_prompt and api_request each (plus the first session's managed_settings_resolved).
		if r := s["logs"].Exported; r < 4*n {
			t.Errorf("%d events exported, want at least %d", r, 4*n)
		}
		if s["traces"].Exported < 4*n || s["metrics"].Exported == 0 {
			t.Errorf("exported %+v", s)
		}
		for _, e := range tel.Stats().Exporters {
			if e.Queued != 0 {
				t.Errorf("%s: %d still queued after Shutdown", e.Signal, e.Queued)
			}
		}
	}
	for _, protocol := range protocols {
		t.Run("receiver "+protocol, func(t *testing.T) {
			t.Parallel()
			rcv := otlptest.Start(t, otlptest.Options{})
			endpoint := rcv.HTTPEndpoint()
			if protocol == "grpc" {
				endpoint = rcv.GRPCEndpoint()
			}
			check(t, start(t, tracedEnv(protocol, endpoint)), func(peerCounts) peerCounts { return receiverCounts(rcv) })
		})
		t.Run("collector "+protocol, func(t *testing.T) {
			t.Parallel()
			c := otelcoltest.Start(t)
			check(t, start(t, tracedEnv(protocol, c.Endpoint(protocol))), func(want peerCounts) peerCounts {
				return waitCounts(t, c, want)
			})
		})
	}
}

// hangingPeer accepts TCP connections and never answers: as a gRPC or HTTP endpoint every export hangs. It
// counts the connections it accepted.
type hangingPeer struct {
	ln      net.Listener
	accepts atomic.Int64
	mu      sync.Mutex
	conns   []net.Conn
}

func newHangingPeer(t *testing.T) *hangingPeer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &hangingPeer{ln: ln}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.accepts.Add(1)
			p.mu.Lock()
			p.conns = append(p.conns, c)
			p.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

func (p *hangingPeer) endpoint(protocol, signal string) string {
	if protocol == "grpc" {
		return "http://" + p.ln.Addr().String()
	}
	return "http://" + p.ln.Addr().String() + "/v1/" + signal
}

// ccotelGoroutines lists the goroutines started since before that belong to ccotel's pipelines: exporters,
// batch processors, readers, gRPC client connections and HTTP client connections. The test's peers are
// excluded.
func ccotelGoroutines(before map[string]string) []string {
	var out []string
	for _, s := range newGoroutines(before) {
		if strings.Contains(s, "otlptest") || strings.Contains(s, "http2Server") || strings.Contains(s, "grpc.(*Server)") ||
			strings.Contains(s, "net/http.(*conn).serve") || strings.Contains(s, "hangingPeer") {
			continue
		}
		out = append(out, s)
	}
	return out
}

// waitNoCcotelGoroutine polls (a generous deadline, not a time bound: it ends as soon as the count is 0) until
// no goroutine of ccotel's started after before runs.
func waitNoCcotelGoroutine(t *testing.T, before map[string]string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		left := ccotelGoroutines(before)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutine(s) of ccotel still run after Shutdown returned:\n%s", len(left), strings.Join(left, "\n\n"))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// One signal's endpoint hangs: the others still deliver everything (each pipeline has the whole budget, side
// by side), the hanging one's loss is named in a *DeliveryError, and once Shutdown returns no goroutine of
// ccotel's is left and the hanging endpoint sees no new connection. Not parallel: it counts goroutines.
func TestShutdownWithOneSignalHanging(t *testing.T) {
	const n = 30
	for _, protocol := range protocols {
		for _, hanging := range []string{"metrics", "logs", "traces"} {
			t.Run(protocol+" "+hanging+" hangs", func(t *testing.T) {
				rcv := otlptest.Start(t, otlptest.Options{})
				peer := newHangingPeer(t)
				endpoint := rcv.HTTPEndpoint()
				if protocol == "grpc" {
					endpoint = rcv.GRPCEndpoint()
				}
				e := tracedEnv(protocol, endpoint).with(
					"OTEL_EXPORTER_OTLP_"+strings.ToUpper(hanging)+"_ENDPOINT", peer.endpoint(protocol, hanging),
					// The healthy signals must deliver within the budget, which is therefore far longer than
					// any scheduler delay on a loaded machine; the hanging one spends all of it.
					"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "4000")
				before := goroutineSnapshot()
				tel := start(t, e)
				workload(tel, n)
				t0 := time.Now()
				err := tel.Shutdown(context.Background())
				took := time.Since(t0)
				accepted := peer.accepts.Load()
				t.Logf("Shutdown took %v with %s hanging (budget 4 s): %v", took, hanging, err)

				var de *telemetry.DeliveryError
				if !errors.As(err, &de) {
					t.Fatalf("Shutdown: %v, want a *telemetry.DeliveryError", err)
				}
				if len(de.Exporters) != 1 || de.Exporters[0].Signal != hanging || de.Exporters[0].Lost() == 0 || de.Exporters[0].Exported != 0 {
					t.Errorf("DeliveryError names %+v, want only %s with everything lost", de.Exporters, hanging)
				}
				if !strings.Contains(err.Error(), peer.ln.Addr().String()) {
					t.Errorf("the error does not name the hanging endpoint %s: %v", peer.ln.Addr(), err)
				}
				s := bySignal(tel.Stats())
				got := receiverCounts(rcv)
				for sig, n := range map[string]int{"metrics": got.points, "logs": got.records, "traces": got.spans} {
					if sig == hanging {
						continue
					}
					if s[sig].Lost() != 0 || int(s[sig].Exported) != n || n == 0 {
						t.Errorf("%s (healthy) lost data while %s hung: %+v, receiver got %d", sig, hanging, s[sig], n)
					}
				}
				waitNoCcotelGoroutine(t, before)
				if a := peer.accepts.Load(); a != accepted {
					t.Errorf("the hanging endpoint accepted %d connection(s) after Shutdown returned", a-accepted)
				}
			})
		}
	}
}

// The same outage gives the same DeliveryError (signals, exporters, counts) on every protocol: with nothing
// listening, and with an endpoint that hangs. Shutdown after it leaves no goroutine and dials no more.
func TestDeliveryErrorAlikeOnEveryProtocol(t *testing.T) {
	const n = 25
	type outcome struct {
		Signal, Exporter, Unit    string
		Exported, Dropped, Failed int64
	}
	for _, outage := range []string{"refused", "hangs"} {
		t.Run(outage, func(t *testing.T) {
			results := map[string][]outcome{}
			for _, protocol := range protocols {
				var endpoint string
				var peer *hangingPeer
				if outage == "refused" {
					endpoint = fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
				} else {
					peer = newHangingPeer(t)
					endpoint = "http://" + peer.ln.Addr().String()
				}
				before := goroutineSnapshot()
				tel := start(t, tracedEnv(protocol, endpoint).with("CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "1000"))
				workload(tel, n)
				err := tel.Shutdown(context.Background())
				var accepted int64
				if peer != nil {
					accepted = peer.accepts.Load()
				}
				var de *telemetry.DeliveryError
				if !errors.As(err, &de) {
					t.Fatalf("%s: Shutdown: %v, want a *telemetry.DeliveryError", protocol, err)
				}
				t.Logf("%s: %v", protocol, err)
				var got []outcome
				for _, e := range de.Exporters {
					got = append(got, outcome{e.Signal, e.Exporter, e.Unit, e.Exported, e.Dropped, e.Failed})
					if e.Exported != 0 || e.Failed == 0 {
						t.Errorf("%s: %+v: want everything failed", protocol, e)
					}
					if !strings.Contains(err.Error(), e.Endpoint) || e.Endpoint == "" {
						t.Errorf("%s: the error does not name the endpoint %q", protocol, e.Endpoint)
					}
				}
				if len(got) != 3 {
					t.Errorf("%s: %d exporters named, want metrics, logs and traces: %+v", protocol, len(got), got)
				}
				results[protocol] = got
				waitNoCcotelGoroutine(t, before)
				if peer != nil && peer.accepts.Load() != accepted {
					t.Errorf("%s: %d connection(s) after Shutdown returned", protocol, peer.accepts.Load()-accepted)
				}
			}
			for _, protocol := range protocols[1:] {
				if !reflect.DeepEqual(results[protocol], results[protocols[0]]) {
					t.Errorf("%s outage: %s says %+v, %s says %+v", outage, protocol, results[protocol], protocols[0], results[protocols[0]])
				}
			}
		})
	}
}

// The events and spans queues follow OTEL_BLRP_MAX_QUEUE_SIZE / OTEL_BSP_MAX_QUEUE_SIZE and WithQueueSize: with
// the endpoint hanging, what exceeds a small queue is dropped (and counted), while the default queue holds it all
// until the shutdown deadline fails it.
func TestQueueSizeFollowsSettings(t *testing.T) {
	const prompts = 200 // 400 events and 400 spans: within the default queue of 2048
	for _, tc := range []struct {
		name  string
		vars  []string
		opts  []telemetry.Option
		queue int64 // 0: the default, nothing dropped
	}{
		{"default", nil, nil, 0},
		{"variables", []string{"OTEL_BLRP_MAX_QUEUE_SIZE", "16", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "8", "OTEL_BSP_MAX_QUEUE_SIZE", "16", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8"}, nil, 16},
		{"option", nil, []telemetry.Option{telemetry.WithQueueSize(16)}, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			peer := newHangingPeer(t)
			e := tracedEnv("http/protobuf", "http://"+peer.ln.Addr().String()).with("CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS", "1000").with(tc.vars...)
			tel := start(t, e, tc.opts...)
			workload(tel, prompts)
			_ = tel.Shutdown(context.Background())
			s := bySignal(tel.Stats())
			for _, sig := range []string{"logs", "traces"} {
				x := s[sig]
				if x.Exported != 0 || x.Queued != 0 || x.Lost() < 2*prompts {
					t.Errorf("%s: %+v: want all %d+ lost", sig, x, 2*prompts)
				}
				if tc.queue == 0 && x.Dropped != 0 {
					t.Errorf("%s: %d dropped with the default queue of 2048", sig, x.Dropped)
				}
				// The queue holds tc.queue, the exporter one batch in flight; the rest is dropped.
				if tc.queue > 0 && x.Dropped < x.Lost()-2*tc.queue {
					t.Errorf("%s: %d dropped of %d lost with a queue of %d", sig, x.Dropped, x.Lost(), tc.queue)
				}
			}
		})
	}
}

// waitCounts polls until the Collector has written what it acknowledged (its
// file exporter writes after the acknowledgement) and returns what it holds.
func waitCounts(t testing.TB, c *otelcoltest.Collector, want peerCounts) peerCounts {
	deadline := time.Now().Add(waitTimeout)
	for {
		got := countReceived(c.Metrics(t), c.Logs(t), c.Traces(t))
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}
