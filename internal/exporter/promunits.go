package exporter

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// unitHandler serves the text exposition the way Claude Code's exporter
// (OpenTelemetry JS) writes it: a "# UNIT" line between a family's HELP and
// TYPE lines when units is set (Claude Code sets them only when prometheus is
// not its only metrics exporter: Prometheus reads them as comments, some
// other scrapers did not), and no otel_scope_schema_url label, which the Go
// exporter adds and the JS one does not.
type unitHandler struct {
	gatherer prometheus.Gatherer
	units    map[string]string // family name -> unit; nil: no # UNIT lines
	report   func(error)
	tally    *tally
	limit    int // the cardinality limit, for the overflow report
}

// ServeHTTP counts every sample of a scrape as exported once the response
// is written (failed when it cannot be), samples of an overflow series as
// dropped: Prometheus pulls, so a point is delivered when it is served.
func (h unitHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	mfs, err := h.gatherer.Gather()
	if err != nil {
		h.report(fmt.Errorf("ccotel: prometheus scrape: %w", err)) // serve what was gathered, as promhttp.ContinueOnError does
	}
	var text bytes.Buffer
	samples, overflow := 0, 0
	for _, mf := range mfs {
		if mf.GetName() != "target_info" { // the resource, not a data point
			samples += len(mf.Metric)
		}
		for _, m := range mf.Metric {
			labels := m.Label[:0]
			for _, l := range m.Label {
				if l.GetName() == "otel_metric_overflow" && l.GetValue() == "true" {
					overflow++
					h.tally.overflowed(mf.GetName(), h.limit)
				}
				if l.GetName() != "otel_scope_schema_url" || l.GetValue() != "" {
					labels = append(labels, l)
				}
			}
			m.Label = labels
		}
		if _, err := expfmt.MetricFamilyToText(&text, mf); err != nil {
			h.report(fmt.Errorf("ccotel: prometheus scrape: %s: %w", mf.GetName(), err))
		}
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(&text)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line)
		out.WriteByte('\n')
		if name, ok := strings.CutPrefix(line, "# HELP "); ok {
			name, _, _ = strings.Cut(name, " ")
			if u := h.units[name]; u != "" {
				fmt.Fprintf(&out, "# UNIT %s %s\n", name, u)
			}
		}
	}
	w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
	_, err = w.Write(out.Bytes())
	h.tally.settle(samples, overflow, err)
}
