package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/metrics"
)

// A history is the metric samples Prometheus would hold after a backfill's
// sessions had run in real time through the monitoring guide's pipeline:
// Claude Code (one process per session) → the Collector's prometheus
// exporter (send_timestamps: true) → Prometheus scraping job "otel-collector".
//
// The OpenTelemetry SDK stamps metric points with the wall clock, so a
// backfill cannot send past metric points over OTLP, and Prometheus cannot
// scrape the past. Instead each user's handle gets a manual reader, collected
// on the simulated clock every export interval (OTEL_METRIC_EXPORT_INTERVAL,
// 60 s by default) while a session runs and once more when it ends (the
// flush of a process that exits). The collected values are what a cumulative
// pipeline delivers (cumulative temporality, or delta with
// CCOTEL_DELTA_CONTIGUOUS or deltatocumulative): every series of a process,
// from the export after its first increment until the process exits, one
// sample per export, stamped with the export's time. Each session starts
// its counters at zero, as a new process does.
//
// Names and labels are the Collector's: the unit and type suffixes of
// metrics.Definition.PrometheusName, attribute keys with "." as "_",
// otel_scope_name and otel_scope_version, job and instance of the scrape
// job, and service.name as exported_job. With zeroStart (the handles'
// CCOTEL_METRICS_ZERO_START), a series' first sample is a 0 at the export
// before its first value, as that option puts on the wire.
type history struct {
	mu        sync.Mutex
	series    map[string]*histSeries // by family name + labels
	job, inst string
	zeroStart bool
}

type histSeries struct {
	family string // the name without _total
	help   string
	labels string // {...}
	ts     []int64
	vs     []float64
}

func newHistory() *history {
	return &history{series: map[string]*histSeries{}, job: "otel-collector", inst: "otel-collector:8889"}
}

// userHistory samples one user's handle.
type userHistory struct {
	h        *history
	reader   *sdkmetric.ManualReader
	interval time.Duration
	next     time.Time // the next export, zero when no session runs
	base     map[string]float64
	live     map[string]bool // series this process has exported
}

func (h *history) user(reader *sdkmetric.ManualReader) *userHistory {
	return &userHistory{h: h, reader: reader, interval: time.Minute}
}

// sessionStart is a process starting at t: counters start from zero.
func (uh *userHistory) sessionStart(t time.Time) {
	uh.base = map[string]float64{}
	uh.live = map[string]bool{}
	for key, pt := range uh.collect() {
		uh.base[key] = pt.value
	}
	uh.next = t.Add(uh.interval)
}

// until exports at every export time up to t.
func (uh *userHistory) until(t time.Time) {
	for !uh.next.IsZero() && !uh.next.After(t) {
		uh.export(uh.next)
		uh.next = uh.next.Add(uh.interval)
	}
}

// sessionEnd is the process exiting at t: a last export, then no more.
func (uh *userHistory) sessionEnd(t time.Time) {
	uh.until(t)
	if last := uh.next.Add(-uh.interval); t.After(last) {
		uh.export(t)
	}
	uh.next = time.Time{}
}

type histPoint struct {
	family, help, labels string
	value                float64
}

func (uh *userHistory) export(at time.Time) {
	ms := at.UnixMilli()
	uh.h.mu.Lock()
	defer uh.h.mu.Unlock()
	for key, pt := range uh.collect() {
		v := pt.value - uh.base[key]
		if !uh.live[key] {
			if v == 0 {
				continue
			}
			uh.live[key] = true
			s := uh.h.series[key]
			if s == nil {
				s = &histSeries{family: pt.family, help: pt.help, labels: pt.labels}
				uh.h.series[key] = s
			}
			if uh.h.zeroStart {
				s.ts = append(s.ts, ms-uh.interval.Milliseconds())
				s.vs = append(s.vs, 0)
			}
		}
		s := uh.h.series[key]
		s.ts = append(s.ts, ms)
		s.vs = append(s.vs, v)
	}
}

// promNames maps an instrument name to its Collector series name.
var promNames = func() map[string]metrics.Definition {
	m := map[string]metrics.Definition{}
	for _, d := range metrics.Definitions() {
		m[d.Name] = d
	}
	return m
}()

// collect reads the handle's cumulative sums, keyed by series.
func (uh *userHistory) collect() map[string]histPoint {
	var rm metricdata.ResourceMetrics
	if err := uh.reader.Collect(context.Background(), &rm); err != nil {
		return nil
	}
	job := "claude-code"
	if v, ok := rm.Resource.Set().Value("service.name"); ok {
		job = v.AsString()
	}
	out := map[string]histPoint{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			d, ok := promNames[m.Name]
			if !ok {
				continue // gen_ai histograms and host extensions
			}
			scope := []attribute.KeyValue{
				attribute.String("otel_scope_name", sm.Scope.Name),
				attribute.String("otel_scope_version", sm.Scope.Version),
				attribute.String("exported_job", job),
				attribute.String("job", uh.h.job),
				attribute.String("instance", uh.h.inst),
			}
			add := func(set attribute.Set, v float64) {
				labels := promLabels(set, scope)
				key := d.PrometheusName + labels
				pt := out[key]
				pt.family, pt.help, pt.labels = strings.TrimSuffix(d.PrometheusName, "_total"), d.Description, labels
				pt.value += v
				out[key] = pt
			}
			switch data := m.Data.(type) {
			case metricdata.Sum[float64]:
				for _, dp := range data.DataPoints {
					add(dp.Attributes, dp.Value)
				}
			case metricdata.Sum[int64]:
				for _, dp := range data.DataPoints {
					add(dp.Attributes, float64(dp.Value))
				}
			}
		}
	}
	return out
}

// promLabels renders a point's labels as the Collector's prometheus exporter
// names them, sorted, in exposition syntax.
func promLabels(set attribute.Set, extra []attribute.KeyValue) string {
	kv := map[string]string{}
	for _, a := range set.ToSlice() {
		kv[promLabelName(string(a.Key))] = a.Value.String()
	}
	for _, a := range extra {
		kv[string(a.Key)] = a.Value.AsString()
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(kv[k]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// promLabelName is the Prometheus translator's label sanitizing: every
// character outside [a-zA-Z0-9_] becomes "_", and a leading digit gets a
// "key_" prefix.
func promLabelName(k string) string {
	b := []byte(k)
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	if len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		return "key_" + string(b)
	}
	return string(b)
}

// writeOpenMetrics writes the history as OpenMetrics text with timestamps,
// the input of `promtool tsdb create-blocks-from openmetrics`: one family at
// a time, each series' samples in time order.
func (h *history) writeOpenMetrics(w io.Writer) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]string, 0, len(h.series))
	for k := range h.series {
		keys = append(keys, k)
	}
	sort.Strings(keys) // family names sort before their labels: families stay together
	bw := bufio.NewWriter(w)
	family := ""
	for _, k := range keys {
		s := h.series[k]
		if s.family != family {
			family = s.family
			fmt.Fprintf(bw, "# HELP %s %s\n# TYPE %s counter\n", family, s.help, family)
		}
		last := int64(math.MinInt64)
		for i, t := range s.ts {
			if t <= last {
				continue // two exports in the same millisecond: keep the first
			}
			last = t
			fmt.Fprintf(bw, "%s_total%s %s %d.%03d\n", family, s.labels,
				strconv.FormatFloat(s.vs[i], 'g', -1, 64), t/1000, t%1000)
		}
	}
	bw.WriteString("# EOF\n")
	return bw.Flush()
}

// writeTSDB writes the history as Prometheus blocks into dir with promtool,
// plus an empty prometheus.yml, so that
//
//	prometheus --config.file=DIR/prometheus.yml --storage.tsdb.path=DIR
//
// serves it.
func (h *history) writeTSDB(dir string) error {
	promtool := os.Getenv("PROMTOOL_BIN")
	if promtool == "" {
		var err error
		if promtool, err = exec.LookPath("promtool"); err != nil {
			return fmt.Errorf("promtool (Debian's prometheus package) is not on PATH and PROMTOOL_BIN is not set: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	om := filepath.Join(dir, "history.om")
	f, err := os.Create(om)
	if err != nil {
		return err
	}
	if err := h.writeOpenMetrics(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	out, err := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", om, dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if _, err := os.Stat(cfg); os.IsNotExist(err) {
		return os.WriteFile(cfg, []byte("# Written by examples/simulate: no scrape jobs, the history is in the blocks here.\nglobal: {}\n"), 0o644)
	}
	return nil
}
