package e2e_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/internal/promtest"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// The fleet: fleetProcesses ccotel processes of fleetUsersPerProcess users each, on fleetHosts hosts.
const (
	fleetProcesses = 4
	fleetHosts     = 2
	fleetSessions  = 2
	fleetTurns     = 3
	fleetGateways  = 2
)

// fleetTurn is what turn t of session s of user u costs: distinct values, exact in binary floating point.
func fleetTurn(u, s, t int) (model string, cost float64, usage pricing.Usage) {
	k := int64(u*fleetSessions*fleetTurns + s*fleetTurns + t + 1)
	model = "claude-sonnet-5-5"
	if s == 1 {
		model = "claude-opus-5-5"
	}
	return model, float64(k) * 0.0625, pricing.Usage{InputTokens: 10 * k, OutputTokens: k + 1, CacheReadTokens: 100 * k, CacheCreationTokens: 5 * k}
}

// fleetUsersPerProcess is 6, or CCOTEL_FLEET_USERS_PER_PROCESS for the scale figures of docs/PERFORMANCE.md.
var fleetUsersPerProcess = func() int {
	if n, err := strconv.Atoi(os.Getenv("CCOTEL_FLEET_USERS_PER_PROCESS")); err == nil && n > 0 {
		return n
	}
	return 6
}()

func fleetUserID(u int) string { return fmt.Sprintf("%064x", 0xf1ee7000+u) }

type fleetTotals struct {
	cost         float64
	costByModel  map[string]float64
	tokensByType map[string]float64
	sessions     int
}

func fleetTruth() fleetTotals {
	tr := fleetTotals{costByModel: map[string]float64{}, tokensByType: map[string]float64{}}
	for u := range fleetProcesses * fleetUsersPerProcess {
		for s := range fleetSessions {
			tr.sessions++
			for t := range fleetTurns {
				model, cost, usage := fleetTurn(u, s, t)
				tr.cost += cost
				tr.costByModel[model] += cost
				tr.tokensByType["input"] += float64(usage.InputTokens)
				tr.tokensByType["output"] += float64(usage.OutputTokens)
				tr.tokensByType["cacheRead"] += float64(usage.CacheReadTokens)
				tr.tokensByType["cacheCreation"] += float64(usage.CacheCreationTokens)
			}
		}
	}
	return tr
}

// TestFleetProcess is one ccotel process of the fleet, run by TestFleetLayout as a subprocess of the test binary:
// its users' sessions take turns, each turn followed by a flush of its user's handle, so every series skips
// export intervals (delta temporality, Claude Code's default, leaves it out of those exports).
func TestFleetProcess(t *testing.T) {
	first, err := strconv.Atoi(os.Getenv("CCOTEL_FLEET_FIRST_USER"))
	if err != nil {
		t.Skip("a subprocess of TestFleetLayout")
	}
	cfg := otlpEnv("http/protobuf", os.Getenv("CCOTEL_FLEET_ENDPOINT"), "delta").with("OTEL_LOGS_EXPORTER", "none")
	var errs errorLog
	ctx := context.Background()
	type sess struct {
		ctx context.Context
		s   *telemetry.Session
	}
	handles := make([]*telemetry.Telemetry, fleetUsersPerProcess)
	sessions := make([][]sess, fleetUsersPerProcess)
	for i := range handles {
		handles[i] = start(t, cfg, telemetry.WithUserID(fleetUserID(first+i)), telemetry.WithErrorHandler(errs.handle))
		for range fleetSessions {
			c, s := handles[i].StartSession(ctx)
			sessions[i] = append(sessions[i], sess{c, s})
		}
	}
	for turn := range fleetTurns {
		for i, h := range handles {
			for s, se := range sessions[i] {
				model, cost, usage := fleetTurn(first+i, s, turn)
				pctx, _ := se.s.StartPrompt(se.ctx, events.UserPrompt{Prompt: "turn"})
				se.s.APIResponse(pctx, telemetry.APIResponse{Model: model, CostUSD: &cost, Usage: usage,
					RequestID: fmt.Sprintf("req_%d_%d_%d", first+i, s, turn)})
				if err := h.ForceFlush(ctx); err != nil {
					t.Errorf("ForceFlush: %v", err)
				}
			}
		}
	}
	for _, h := range handles {
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	}
	if len(errs.all()) > 0 {
		t.Errorf("errors reported:\n%s", &errs)
	}
}

// roundRobin is a load balancer in front of gateway replicas: each request goes to the next replica, as a
// Kubernetes Service or DNS round robin spreads connections and requests.
func roundRobin(t *testing.T, backends []string) string {
	t.Helper()
	var next atomic.Uint64
	targets := make([]*url.URL, len(backends))
	for i, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		targets[i] = u
	}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(targets[next.Add(1)%uint64(len(targets))])
	}}
	return serve(t, proxy)
}

// serve serves h on a free loopback port until the test ends and returns its base URL.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := &http.Server{Handler: h}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // ErrServerClosed
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// counting is a reverse proxy to target that counts the requests it forwards.
func counting(t *testing.T, target string, n *atomic.Int64) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		proxy.ServeHTTP(w, r)
	}))
}

func readConfig(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "collector", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startGateways starts fleetGateways replicas of a gateway configuration writing to p, and a round-robin load
// balancer in front of them, whose URL it returns.
func startGateways(t *testing.T, p *promtest.Server, config string) ([]*otelcoltest.Collector, string) {
	t.Helper()
	cfg := readConfig(t, config)
	var gateways []*otelcoltest.Collector
	var urls []string
	for range fleetGateways {
		g := otelcoltest.Start(t, otelcoltest.WithFleetConfig(cfg, "REMOTE_WRITE_URL="+p.URL()+"/api/v1/write"))
		gateways = append(gateways, g)
		urls = append(urls, g.HTTPEndpoint())
	}
	return gateways, roundRobin(t, urls)
}

// runFleet starts the fleet's processes, each sending to endpointOf(process), waits for them to exit and returns
// the CPU time they used.
func runFleet(t *testing.T, endpointOf func(process int) string) time.Duration {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var cpu time.Duration
	for p := range fleetProcesses {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestFleetProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(),
				"CCOTEL_FLEET_FIRST_USER="+strconv.Itoa(p*fleetUsersPerProcess),
				"CCOTEL_FLEET_ENDPOINT="+endpointOf(p))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("fleet process %d: %v\n%s", p, err, out)
			}
			if st := cmd.ProcessState; st != nil {
				mu.Lock()
				cpu += st.UserTime() + st.SystemTime()
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return cpu
}

// TestFleetLayout runs 24 simulated users in 4 ccotel processes on 2 hosts, with delta temporality, through two
// Collector layouts into Prometheus' remote-write receiver (Debian's 2.42), and runs the monitoring guide's
// total queries.
//
//   - agent-tier (docs/collector/fleet-agent.yaml, fleet-gateway.yaml): one agent Collector per host converts
//     with deltatocumulative; a round-robin load balancer spreads its cumulative exports over 2 stateless gateway
//     replicas writing to Prometheus. Every total equals the events' sums exactly.
//   - naive (docs/collector/fleet-naive-gateway.yaml): the processes send delta straight to the load balancer over
//     2 gateways that each run deltatocumulative. Each keeps a partial total of every series it saw part of, and
//     Prometheus holds whichever arrived last: the total cost is wrong (less than the truth).
//
// Completion is by count, not by time: the processes exit after Shutdown (every export acknowledged through the
// load balancer), then each tier's Collectors are stopped in order, which flushes their batches and queues.
func TestFleetLayout(t *testing.T) {
	if _, err := otelcoltest.FleetBinaryPath(); err != nil && os.Getenv("CI") != "true" {
		t.Skipf("no otelcol-fleet: %v", err)
	}
	truth := fleetTruth()
	guide := func(t *testing.T, p *promtest.Server) (cost float64) {
		t.Helper()
		return p.Query(t, `sum(claude_code_cost_usage_USD_total)`).Sum()
	}
	checkTotals := func(t *testing.T, p *promtest.Server) {
		t.Helper()
		if got := guide(t, p); !near(got, truth.cost) {
			t.Errorf("sum(claude_code_cost_usage_USD_total) = %v, the events say %v", got, truth.cost)
		}
		checkVector(t, p.Query(t, `sum(claude_code_cost_usage_USD_total) by (model)`), "model", truth.costByModel)
		checkVector(t, p.Query(t, `sum(claude_code_token_usage_tokens_total) by (type)`), "type", truth.tokensByType)
		checkVector(t, p.Query(t, `count(count by (user_id)(claude_code_cost_usage_USD_total))`), "",
			map[string]float64{"": float64(fleetProcesses * fleetUsersPerProcess)})
		checkVector(t, p.Query(t, `sum(claude_code_session_count_total)`), "", map[string]float64{"": float64(truth.sessions)})
		series := p.Query(t, `count({__name__=~"claude_code_.*"})`).Sum()
		t.Logf("%v claude_code series written by %d gateways", series, fleetGateways)
	}

	t.Run("agent-tier", func(t *testing.T) {
		p := promtest.Start(t, nil, promtest.WithRemoteWriteReceiver(), promtest.WithOutOfOrderWindow(10*time.Minute))
		gateways, lb := startGateways(t, p, "fleet-gateway.yaml")
		agentCfg := readConfig(t, "fleet-agent.yaml")
		var agents []*otelcoltest.Collector
		for range fleetHosts {
			agents = append(agents, otelcoltest.Start(t, otelcoltest.WithFleetConfig(agentCfg, "GATEWAY_ENDPOINT="+lb)))
		}
		procCPU := runFleet(t, func(process int) string { return agents[process%fleetHosts].HTTPEndpoint() })
		// Sessions per CPU-second of each component of this combined run, for comparison; docs/PERFORMANCE.md's
		// figures come from TestFleetScale, which measures each tier alone.
		sessions := float64(truth.sessions)
		t.Logf("ccotel processes: %d sessions in %v CPU: %.0f sessions per CPU-second", truth.sessions, procCPU, sessions/procCPU.Seconds())
		for i, a := range agents {
			t.Logf("agent %d: peak RSS %d MiB, CPU %v: %.0f sessions per CPU-second", i, a.PeakRSS()>>20, a.CPUTime(),
				sessions/fleetHosts/a.CPUTime().Seconds())
			a.Stop(t)
		}
		for i, g := range gateways {
			t.Logf("gateway %d: peak RSS %d MiB, CPU %v: %.0f sessions per CPU-second", i, g.PeakRSS()>>20, g.CPUTime(),
				sessions/fleetGateways/g.CPUTime().Seconds())
			g.Stop(t)
		}
		checkTotals(t, p)
	})

	t.Run("loadbalancing", func(t *testing.T) {
		p := promtest.Start(t, nil, promtest.WithRemoteWriteReceiver(), promtest.WithOutOfOrderWindow(10*time.Minute))
		gwCfg := readConfig(t, "fleet-lb-gateway.yaml")
		var gateways []*otelcoltest.Collector
		var writes []*atomic.Int64 // remote writes per gateway: the routing spreads the streams over both
		env := []string{}
		for i := range fleetGateways {
			n := new(atomic.Int64)
			writes = append(writes, n)
			g := otelcoltest.Start(t, otelcoltest.WithFleetConfig(gwCfg, "REMOTE_WRITE_URL="+counting(t, p.URL(), n)+"/api/v1/write"))
			gateways = append(gateways, g)
			env = append(env, fmt.Sprintf("GATEWAY_%d=%s", i+1, g.GRPCAddr()))
		}
		agentCfg := readConfig(t, "fleet-lb-agent.yaml")
		var agents []*otelcoltest.Collector
		for range fleetHosts {
			agents = append(agents, otelcoltest.Start(t, otelcoltest.WithFleetConfig(agentCfg, env...)))
		}
		runFleet(t, func(process int) string { return agents[process%fleetHosts].HTTPEndpoint() })
		for _, a := range agents {
			a.Stop(t)
		}
		for i, g := range gateways {
			rss := g.PeakRSS()
			g.Stop(t)
			t.Logf("gateway %d: %d remote writes, peak RSS %d MiB", i, writes[i].Load(), rss>>20)
			if writes[i].Load() == 0 {
				t.Errorf("gateway %d wrote nothing: the agents did not spread the streams", i)
			}
		}
		checkTotals(t, p)
	})

	t.Run("naive", func(t *testing.T) {
		p := promtest.Start(t, nil, promtest.WithRemoteWriteReceiver(), promtest.WithOutOfOrderWindow(10*time.Minute))
		gateways, lb := startGateways(t, p, "fleet-naive-gateway.yaml")
		_ = runFleet(t, func(int) string { return lb })
		for _, g := range gateways {
			g.Stop(t)
		}
		got := guide(t, p)
		if !(got < truth.cost*(1-1e-9)) {
			t.Fatalf("naive layout: sum(claude_code_cost_usage_USD_total) = %v, the events say %v: the wrong layout adds up; revisit docs/COLLECTORS.md", got, truth.cost)
		}
		t.Logf("naive layout: total cost %v of the events' %v (%.0f%%)", got, truth.cost, 100*got/truth.cost)
	})
}

// sink is an HTTP endpoint that accepts and discards OTLP/HTTP exports (200, an empty response message) and remote
// writes (204), counting them: the next tier, at no cost to the tier measured.
type sink struct {
	requests, bytes atomic.Int64
	last            atomic.Int64 // unix nanoseconds of the last request
	url             string
}

func startSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{}
	s.url = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		s.requests.Add(1)
		s.bytes.Add(n)
		s.last.Store(time.Now().UnixNano())
		if r.URL.Path == "/api/v1/write" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	return s
}

// quiet waits until the sink has received something and then nothing for 5 s (the tiers' batches time out after
// 1 s): the measured Collector has sent what it received. It only ends a measurement; no result depends on it.
func (s *sink) quiet(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if s.requests.Load() > 0 && time.Since(time.Unix(0, s.last.Load())) > 5*time.Second {
			return
		}
	}
	t.Fatalf("the sink received %d requests and never went quiet", s.requests.Load())
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// TestFleetScale measures docs/PERFORMANCE.md's scale figures, one tier at a time, with the fleet's sessions
// (fleetSessions sessions of fleetTurns turns per user, one API response and one flush per turn, delta): the CPU
// time of the tier measured, with the next tier replaced by a sink that discards. Sessions per CPU-second is what
// one fully used core handles; the machine's load (logged) slows wall time, not CPU time. Opt-in, as it runs for
// minutes and only logs:
//
//	CCOTEL_FLEET_SCALE=1 CCOTEL_FLEET_USERS_PER_PROCESS=150 go test -count=1 -run '^TestFleetScale$' -v ./e2e/
func TestFleetScale(t *testing.T) {
	if os.Getenv("CCOTEL_FLEET_SCALE") != "1" {
		t.Skip("set CCOTEL_FLEET_SCALE=1 to measure (docs/PERFORMANCE.md)")
	}
	sessions := float64(fleetTruth().sessions)
	report := func(t *testing.T, what string, cpu time.Duration, share float64, s *sink, load string) {
		t.Helper()
		if s.requests.Load() == 0 {
			t.Fatalf("%s: nothing reached the sink", what)
		}
		t.Logf("%s: %.0f sessions in %v CPU: %.0f sessions per CPU-second (sink: %d requests, %d KiB; load average %s, then %s)",
			what, sessions*share, cpu.Round(time.Millisecond), sessions*share/cpu.Seconds(), s.requests.Load(), s.bytes.Load()>>10, load, loadAvg())
	}

	t.Run("process", func(t *testing.T) {
		s := startSink(t)
		load := loadAvg()
		cpu := runFleet(t, func(int) string { return s.url })
		report(t, fmt.Sprintf("ccotel process (%d processes, CPU per process)", fleetProcesses), cpu/fleetProcesses, 1.0/fleetProcesses, s, load)
	})

	// measure runs the fleet into entry and reports the CPU time of the measured Collectors, added up, once the
	// sink has gone quiet.
	measure := func(t *testing.T, what string, s *sink, entry *otelcoltest.Collector, measured ...*otelcoltest.Collector) {
		t.Helper()
		cpu := func() (d time.Duration) {
			for _, c := range measured {
				d += c.CPUTime()
			}
			return d
		}
		load, cpu0 := loadAvg(), cpu()
		runFleet(t, func(int) string { return entry.HTTPEndpoint() })
		s.quiet(t)
		report(t, what, cpu()-cpu0, 1, s, load)
		for i, c := range measured {
			t.Logf("measured Collector %d: peak RSS %d MiB", i, c.PeakRSS()>>20)
		}
	}

	t.Run("agent", func(t *testing.T) {
		s := startSink(t)
		agent := otelcoltest.Start(t, otelcoltest.WithFleetConfig(readConfig(t, "fleet-agent.yaml"), "GATEWAY_ENDPOINT="+s.url))
		measure(t, "agent-tier Collector (fleet-agent.yaml, every process)", s, agent, agent)
	})

	t.Run("gateway", func(t *testing.T) {
		s := startSink(t)
		gw := otelcoltest.Start(t, otelcoltest.WithFleetConfig(readConfig(t, "fleet-gateway.yaml"), "REMOTE_WRITE_URL="+s.url+"/api/v1/write"))
		agent := otelcoltest.Start(t, otelcoltest.WithFleetConfig(readConfig(t, "fleet-agent.yaml"), "GATEWAY_ENDPOINT="+gw.HTTPEndpoint()))
		measure(t, "gateway replica (fleet-gateway.yaml, all the agent's data)", s, agent, gw)
	})

	// The alternative layout's converting gateways: two replicas (the agents' static resolver lists two), their
	// CPU added up, as if one replica took every stream.
	t.Run("loadbalancing-gateway", func(t *testing.T) {
		s := startSink(t)
		var gws []*otelcoltest.Collector
		var env []string
		for i := range 2 {
			g := otelcoltest.Start(t, otelcoltest.WithFleetConfig(readConfig(t, "fleet-lb-gateway.yaml"), "REMOTE_WRITE_URL="+s.url+"/api/v1/write"))
			gws = append(gws, g)
			env = append(env, fmt.Sprintf("GATEWAY_%d=%s", i+1, g.GRPCAddr()))
		}
		agent := otelcoltest.Start(t, otelcoltest.WithFleetConfig(readConfig(t, "fleet-lb-agent.yaml"), env...))
		measure(t, "converting gateway replicas (fleet-lb-gateway.yaml, 2, CPU added)", s, agent, gws...)
	})
}
