// Package promtest runs Debian's Prometheus server for end-to-end tests: it scrapes targets the test names every
// second (by default) and answers PromQL over its HTTP API.
//
// The binary comes from $PROMETHEUS_BIN, else prometheus on PATH, else the cache of scripts/prometheus.sh. When
// it cannot be found the test is skipped, except when CI=true, where it fails.
package promtest
