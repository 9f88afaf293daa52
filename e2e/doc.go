// Package e2e holds the end-to-end suite's seeded emission: a known workload (3 users × 2 sessions with known
// costs per model, tokens per type, lines added and removed, active time, commits and pull requests) and the totals
// that any correct pipeline must report for it. The tests in this directory (package e2e_test) run it against the
// real OpenTelemetry Collector and Prometheus; other work (for example a "keep delta series contiguous" exporter
// option) can run the same emission and compare with the same numbers.
//
// Environment: OTELCOL_BIN and OTELCOL_PROM_BIN (the Collector builds of scripts/otelcol.sh),
// PROMETHEUS_BIN (scripts/prometheus.sh), found in ~/.cache/ccotel when unset; with CI=true a missing
// binary fails the test instead of skipping it. ccotel itself is configured per test, never from the
// process environment.
package e2e
