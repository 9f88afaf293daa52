package metrics

import (
	"context"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/otlptranslator"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// TestPrometheusNames runs the table's metrics through the Go prometheus
// exporter, which translates names with the same otlptranslator rules as the
// Collector's prometheus exporter: with units and suffixes it must give the
// names the dashboards query, and without units the names of Claude Code's
// own exporter.
func TestPrometheusNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []otelprom.Option
		want func(Definition) string
	}{
		{"collector", []otelprom.Option{otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes)},
			func(d Definition) string { return d.PrometheusName }},
		{"native", []otelprom.Option{otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
			//lint:ignore SA1019 the one switch that drops units but keeps _total
			otelprom.WithoutUnits()},
			func(d Definition) string { return d.PrometheusNativeName }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			exp, err := otelprom.New(append(tc.opts, otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())...)
			if err != nil {
				t.Fatal(err)
			}
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
			defer func() { _ = mp.Shutdown(context.Background()) }()
			r, err := newRecorder(mp.Meter("com.anthropic.claude_code"), core.NewState(config.Config{}, core.Static{UserID: "u"}))
			if err != nil {
				t.Fatal(err)
			}
			for _, call := range allMethods(UsageAttrs{Model: "m", Attribution: Attribution{Query: QueryMain}}) {
				call(r, context.Background())
			}
			families, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, f := range families {
				got = append(got, f.GetName())
			}
			for _, d := range Definitions() {
				want = append(want, tc.want(d))
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("families\n got %v\nwant %v", got, want)
			}
		})
	}
}
