package exporter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// prometheus builds the pull exporter on its own registry and starts the
// /metrics server. It listens here, so a busy port fails Build.
//
// Names follow Claude Code's native exporter: dots become underscores,
// counters get _total (a name already ending in _total is not doubled), and
// no unit suffix is ever added. Claude Code (2.1.330) also prints "# UNIT"
// lines when another metrics exporter is configured next to prometheus; the
// Go exporter cannot, so unitHandler adds them from Settings.PrometheusUnits.
func (b *builder) prometheus() (sdkmetric.Reader, error) {
	reg := prometheus.NewRegistry()
	opts := []otelprom.Option{
		otelprom.WithRegisterer(reg),
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
		//lint:ignore SA1019 no translation strategy keeps _total while dropping the unit suffix, as Claude Code's exporter does; upstream keeps this option for exactly that
		otelprom.WithoutUnits(),
	}
	if b.s.Resource != nil {
		// target_info from ccotel's resource, not the provider's.
		ti, err := newTargetInfo(b.s.Resource)
		if err != nil {
			return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: target_info: %w", err)
		}
		if err := reg.Register(ti); err != nil {
			return nil, fmt.Errorf("OTEL_METRICS_EXPORTER=prometheus: %w", err)
		}
		opts = append(opts, otelprom.WithoutTargetInfo())
	}
	exp, err := otelprom.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("OTEL_METRICS_EXPORTER=prometheus: %w", err)
	}
	pc := b.cfg.Metrics.Prometheus
	addr := net.JoinHostPort(pc.Host, strconv.Itoa(pc.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = exp.Shutdown(context.Background())
		return nil, fmt.Errorf("OTEL_EXPORTER_PROMETHEUS_PORT: cannot serve /metrics on %s: %w", addr, err)
	}
	t := newTally(config.SignalMetrics, config.ExporterPrometheus, ln.Addr().String(), "metrics prometheus exporter ("+ln.Addr().String()+")", "data points", 0, b.report)
	b.p.counts = append(b.p.counts, t)
	b.foldSeries(t, true) // Prometheus is cumulative
	handler := unitHandler{gatherer: reg, report: b.report, tally: t, limit: CardinalityLimit(b.cfg)}
	if len(b.cfg.Metrics.Exporters) > 1 {
		handler.units = b.s.PrometheusUnits
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", handler)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          newStdLogger(b.report, "ccotel: prometheus server: "),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			b.report(fmt.Errorf("ccotel: prometheus server on %s: %w", addr, err))
		}
	}()
	if b.p.promAddr == "" {
		b.p.promAddr = ln.Addr().String()
	}
	b.p.closers = append(b.p.closers, func(ctx context.Context) error {
		err := srv.Shutdown(ctx)
		if err != nil {
			srv.Close()
		}
		<-done
		return err
	})
	return exp, nil
}

// targetInfo is the target_info family of a resource, built as the
// exporter builds it (label names translated, the values of names that
// translate alike sorted and joined with ";").
type targetInfo struct{ m prometheus.Metric }

func newTargetInfo(res *resource.Resource) (targetInfo, error) {
	namer := otlptranslator.LabelNamer{UTF8Allowed: !otlptranslator.UnderscoreEscapingWithSuffixes.ShouldEscape()}
	values := map[string][]string{}
	var keys []string
	for it := res.Iter(); it.Next(); {
		kv := it.Attribute()
		key, err := namer.Build(string(kv.Key))
		if err != nil {
			return targetInfo{}, err
		}
		if _, ok := values[key]; !ok {
			keys = append(keys, key)
		}
		values[key] = append(values[key], kv.Value.String())
	}
	vals := make([]string, len(keys))
	for i, k := range keys {
		slices.Sort(values[k])
		vals[i] = strings.Join(values[k], ";")
	}
	desc := prometheus.NewDesc(otlptranslator.TargetInfoMetricName, "Target metadata", keys, nil)
	m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, 1, vals...)
	return targetInfo{m: m}, err
}

// Describe describes nothing: the collector is unchecked.
func (targetInfo) Describe(chan<- *prometheus.Desc) {}

func (t targetInfo) Collect(ch chan<- prometheus.Metric) { ch <- t.m }
