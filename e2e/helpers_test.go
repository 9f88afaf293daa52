package e2e_test

import (
	"context"
	"math"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otelcoltest"
	"github.com/ccotel/ccotel/telemetry"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
)

// waitTimeout bounds every wait for the Collector or Prometheus to show what was sent.
const waitTimeout = 30 * time.Second

// env is a set of environment-like variables, the only configuration the tests give ccotel.
type env map[string]string

func (e env) list() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func (e env) with(kv ...string) env {
	out := env{}
	for k, v := range e {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// otlpEnv is the configuration of an agent exporting metrics and events over OTLP to endpoint with protocol,
// with export intervals long enough that only ForceFlush and Shutdown export (the tests decide when), and
// ForceFlush and Shutdown budgets far longer than a loaded machine needs to deliver to a healthy local peer (the
// defaults, 5 s and 2 s, decided tests by the wall clock). Tests against a peer that fails set their own.
func otlpEnv(protocol, endpoint, temporality string) env {
	return env{
		"CLAUDE_CODE_OTEL_FLUSH_TIMEOUT_MS":                 "60000",
		"CLAUDE_CODE_OTEL_SHUTDOWN_TIMEOUT_MS":              "60000",
		"CLAUDE_CODE_ENABLE_TELEMETRY":                      "1",
		"OTEL_METRICS_EXPORTER":                             "otlp",
		"OTEL_LOGS_EXPORTER":                                "otlp",
		"OTEL_EXPORTER_OTLP_PROTOCOL":                       protocol,
		"OTEL_EXPORTER_OTLP_ENDPOINT":                       endpoint,
		"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": temporality,
		"OTEL_METRIC_EXPORT_INTERVAL":                       "3600000",
		"OTEL_LOGS_EXPORT_INTERVAL":                         "3600000",
	}
}

// errorLog collects what ccotel reports to its error handler.
type errorLog struct {
	mu   sync.Mutex
	errs []error
}

func (l *errorLog) handle(err error) {
	l.mu.Lock()
	l.errs = append(l.errs, err)
	l.mu.Unlock()
}

func (l *errorLog) all() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]error(nil), l.errs...)
}

func (l *errorLog) String() string {
	var b strings.Builder
	for _, e := range l.all() {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// start starts ccotel configured only by e (no process environment, no managed settings), with machine-detected
// identity pinned so that the output does not depend on the host. The handle is shut down when the test ends.
func start(t testing.TB, e env, opts ...telemetry.Option) *telemetry.Telemetry {
	t.Helper()
	base := []telemetry.Option{
		telemetry.WithLoadOptions(config.WithEnviron(e.list()), config.WithoutManagedSettings()),
		telemetry.WithProvider("firstParty"),
		telemetry.WithCustomBaseURL(false),
		telemetry.WithTerminalType("e2e"),
		telemetry.WithServiceVersion("9.9.9"),
	}
	tel, err := telemetry.Start(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatalf("telemetry.Start: %v", err)
	}
	if !tel.Enabled() {
		t.Fatal("telemetry is not enabled by the test's variables")
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel
}

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// lastCumulative sums, for a cumulative metric, the last point of every series (keyed by its attributes), and for
// a delta metric every point: the total the export stream implies.
func streamTotal(ms []otelcoltest.Metric, match map[string]string) float64 {
	last := map[string]float64{}
	var delta float64
	for _, m := range ms {
		sum := m.Metric.GetSum()
		for _, p := range sum.GetDataPoints() {
			if !matches(p.GetAttributes(), match) {
				continue
			}
			v := p.GetAsDouble()
			if sum.GetAggregationTemporality() == metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA {
				delta += v
			} else {
				last[seriesKey(p.GetAttributes())] = v
			}
		}
	}
	for _, v := range last {
		delta += v
	}
	return delta
}

func matches(kvs []*commonpb.KeyValue, match map[string]string) bool {
	got := otelcoltest.Attrs(kvs)
	for k, v := range match {
		if got[k] != v {
			return false
		}
	}
	return true
}

func seriesKey(kvs []*commonpb.KeyValue) string {
	a := otelcoltest.Attrs(kvs)
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + a[k] + "\x00")
	}
	return b.String()
}
