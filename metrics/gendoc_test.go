package metrics

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/METRICS.md and zz_metrics.go from the table")

const docPath = "../docs/METRICS.md"

// TestMetricsDoc fails when docs/METRICS.md is not what the table generates.
// `go generate ./metrics` (or this test with -update) rewrites it.
func TestMetricsDoc(t *testing.T) { checkGenerated(t, docPath, renderDoc()) }

// checkGenerated fails when the file at path is not want, or with -update
// writes want there.
func checkGenerated(t *testing.T, path string, want []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go generate ./metrics", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go generate ./metrics", path)
	}
}

func TestDocMethodsExist(t *testing.T) {
	typ := reflect.TypeFor[*Recorder]()
	for _, d := range Definitions() {
		if len(d.Methods) == 0 {
			t.Errorf("%s names no method", d.Name)
		}
		for _, m := range d.Methods {
			if _, ok := typ.MethodByName(m); !ok {
				t.Errorf("%s: Recorder has no method %s", d.Name, m)
			}
		}
	}
}

// attributeOrderNote is the text on attribute order shared by METRICS.md and
// COMPATIBILITY.md.
const attributeOrderNote = `Claude Code sends each point's attributes in a fixed order: the standard attributes first, then the
metric's own in the order of the tables above. The OpenTelemetry Go SDK keeps metric attributes in an
` + "`attribute.Set`" + `, which sorts them by key, so a ccotel point carries the same keys, values and value types as Claude
Code's but in sorted order on the wire (OTLP, console and Prometheus alike). Nothing that reads metrics by key
(PromQL, SigNoz, Grafana, the Collector) can tell the difference; only a byte-for-byte comparison of OTLP
bodies can. The table keeps Claude Code's order for the documentation. The positions of ` + "`speed`, `effort`,\n" +
	"`skill.name`, `plugin.name` and `marketplace.name`" + ` follow Claude Code's documentation: no 2.1.330 capture has them.`

func renderDoc() []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Metrics\n\n")
	p("<!-- Generated from metrics/table.go by `go generate ./metrics`. Do not edit. -->\n\n")
	p("ccotel records the eight counters of Claude Code 2.1.330 with the same names, units, descriptions and attributes.\n")
	p("Every one is a `Float64Counter`: a monotonic Sum whose points carry `asDouble`, even for counts. Temporality is\n")
	p("delta unless `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative`. A host records them through\n")
	p("`metrics.Recorder`; a nil Recorder records nothing.\n\n")
	p("## Standard attributes\n\n")
	p("Every point starts with the standard attributes, in this order: the `OTEL_RESOURCE_ATTRIBUTES` pairs\n")
	p("(`OTEL_METRICS_INCLUDE_RESOURCE_ATTRIBUTES`, on by default), `user.id`, `session.id`\n")
	p("(`OTEL_METRICS_INCLUDE_SESSION_ID`, on), `app.version` (`OTEL_METRICS_INCLUDE_VERSION`, off), `app.entrypoint`\n")
	p("(`OTEL_METRICS_INCLUDE_ENTRYPOINT`, off), `vcs.repository.url.full`, `vcs.owner.name`, `vcs.repository.name`,\n")
	p("`vcs.provider.name` (`OTEL_METRICS_INCLUDE_REPOSITORY`, off), `organization.id`, `user.email`, `user.account_uuid`,\n")
	p("`user.account_id` (the last two with `OTEL_METRICS_INCLUDE_ACCOUNT_UUID`, on; all four only with an account),\n")
	p("`anthropic.provider`, `anthropic.custom_base_url` (a **bool**) and `terminal.type`. All but\n")
	p("`anthropic.custom_base_url` are strings. Prometheus labels replace the dots with underscores.\n\n")
	p("## Summary\n\n")
	p("| Metric | Unit | Prometheus (Collector, Prometheus OTLP) | Prometheus (Claude Code's exporter) | Recorder |\n")
	p("|---|---|---|---|---|\n")
	for _, d := range Definitions() {
		p("| [`%s`](#%s) | %s | `%s` | `%s` | %s |\n", d.Name, anchor(d.Name), unitText(d.Unit),
			d.PrometheusName, d.PrometheusNativeName, code(d.Methods))
	}
	p("\nThe Collector's `prometheus` exporter and Prometheus' OTLP receiver add the unit and `_total` suffixes, which the\n")
	p("published dashboards query. Claude Code's own exporter (`OTEL_METRICS_EXPORTER=prometheus`) has no unit suffix.\n")
	for _, d := range Definitions() {
		p("\n## %s\n\n", d.Name)
		p("%s\n\n", d.Description)
		p("* Unit: %s\n", unitText(d.Unit))
		p("* Instrument: `%s` (monotonic Sum, `asDouble`)\n", d.Instrument)
		p("* Recorded: %s\n", d.Recorded)
		p("* Recorder: %s\n", code(d.Methods))
		p("* Prometheus: `%s` (Collector), `%s` (Claude Code's exporter)\n\n", d.PrometheusName, d.PrometheusNativeName)
		if len(d.Attributes) == 0 {
			p("Attributes: only the standard ones.\n")
			continue
		}
		p("Attributes after the standard ones, in Claude Code's order (empty values are never sent):\n\n")
		p("| Key | Values | Notes |\n|---|---|---|\n")
		for _, a := range d.Attributes {
			vals := "any string"
			if a.Values != nil {
				vals = code(a.Values)
			}
			note := a.Doc
			if a.Redacted {
				r := "left out"
				if a.Replacement != "" {
					r = "sent as `" + a.Replacement + "`"
				}
				var kept []string
				for _, o := range a.Verbatim {
					kept = append(kept, o.String())
				}
				note = strings.TrimSpace(note + " A name whose `Origin` is not " + strings.Join(kept, ", ") + " is " + r +
					" unless `OTEL_LOG_TOOL_DETAILS` is on.")
			}
			p("| `%s` | %s | %s |\n", a.Key, vals, note)
		}
	}
	p("\n## Attribute order\n\n%s\n", attributeOrderNote)
	return []byte(b.String())
}

func unitText(u string) string {
	if u == "" {
		return "none (`\"\"`)"
	}
	return "`" + u + "`"
}

func code(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, ", ")
}

func anchor(name string) string { return strings.ReplaceAll(name, ".", "") }
