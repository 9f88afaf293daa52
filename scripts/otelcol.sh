#!/usr/bin/env bash
# Builds the two OpenTelemetry Collector distributions that the end-to-end tests run against, once, into a cache:
#
#   otelcol-test  from internal/otelcoltest/testdata/builder-config.yaml       (OTLP receiver -> file/debug exporters)
#   otelcol-prom  from internal/otelcoltest/testdata/builder-config-prom.yaml  (adds the prometheus exporter,
#                                                                               memory_limiter, deltatocumulative)
#   otelcol-fleet from internal/otelcoltest/testdata/builder-config-fleet.yaml (the two tiers of the fleet layouts:
#                                                                               deltatocumulative, otlp/otlphttp,
#                                                                               prometheusremotewrite and loadbalancing
#                                                                               exporters; the config's replaces pin a
#                                                                               dependency the proxy serves)
#
# Cache layout: $CCOTEL_OTELCOL_CACHE/<sha256 of the builder config>/<dist name>, where CCOTEL_OTELCOL_CACHE defaults
# to ${XDG_CACHE_HOME:-$HOME/.cache}/ccotel/otelcol (internal/otelcoltest looks in the same place as a fallback).
# A binary that is already there is not rebuilt.
#
# The recipe (from shared/tools/otelcol/README.md): builder v0.162.0 generates the sources; its own `go mod tidy`
# fails because the module proxy refuses a module used only by the file exporter's tests, so we run
# `go mod tidy -e` ourselves and then `go build`.
#
# stdout: shell lines to eval, e.g.  export OTELCOL_BIN=...;  export OTELCOL_PROM_BIN=...;  export OTELCOL_FLEET_BIN=...
# stderr: progress and timings.
set -euo pipefail

BUILDER_VERSION=v0.162.0
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
testdata="$repo_root/internal/otelcoltest/testdata"
cache="${CCOTEL_OTELCOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ccotel/otelcol}"

log() { echo "otelcol.sh: $*" >&2; }

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# One build at a time per cache, even if two runs start together.
exec 9>"$cache/.lock"
flock 9

builder="$cache/builder-$BUILDER_VERSION/builder"
ensure_builder() {
	if [[ -x "$builder" ]]; then
		return
	fi
	log "installing builder $BUILDER_VERSION"
	GOBIN="$(dirname "$builder")" GOFLAGS=-mod=mod go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
}

# build_variant CONFIG -> prints the binary path
build_variant() {
	local cfg="$1"
	local key name outdir dir bin work start
	key=$(sha256sum "$cfg" | cut -d' ' -f1)
	name=$(sed -n 's/^  name: *//p' "$cfg" | head -n1)
	outdir=$(sed -n 's/^  output_path: *//p' "$cfg" | head -n1)
	if [[ -z "$name" || -z "$outdir" ]]; then
		log "cannot read dist.name / dist.output_path from $cfg"
		return 1
	fi
	dir="$cache/$key"
	bin="$dir/$name"
	if [[ -x "$bin" ]]; then
		log "$name: cached at $bin"
		echo "$bin"
		return
	fi
	ensure_builder
	start=$SECONDS
	log "$name: building from $cfg (takes a few minutes on 2 cores)"
	work=$(mktemp -d "$cache/build.XXXXXX")
	cp "$cfg" "$work/builder-config.yaml"
	# The builder's get-modules step fails (see the header); we only need the generated sources and go.mod.
	if ! (cd "$work" && "$builder" --config builder-config.yaml --skip-compilation) >"$work/builder.log" 2>&1; then
		log "$name: builder exited non-zero (expected: its go mod tidy cannot fetch a test-only module)"
	fi
	if [[ ! -f "$work/$outdir/go.mod" || ! -f "$work/$outdir/components.go" ]]; then
		log "$name: builder did not generate sources; its log:"
		cat "$work/builder.log" >&2
		return 1
	fi
	(
		cd "$work/$outdir"
		export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
		go mod tidy -e >&2
		go build -trimpath -ldflags='-s -w' -o "$work/$name" .
	)
	"$work/$name" --version >&2
	mkdir -p "$dir"
	cp "$cfg" "$dir/builder-config.yaml"
	mv "$work/$name" "$bin"
	rm -rf "$work"
	log "$name: built in $((SECONDS - start))s -> $bin"
	echo "$bin"
}

# Sequential on purpose: each build takes both cores.
test_bin=$(build_variant "$testdata/builder-config.yaml")
prom_bin=$(build_variant "$testdata/builder-config-prom.yaml")
fleet_bin=$(build_variant "$testdata/builder-config-fleet.yaml")

printf 'export OTELCOL_BIN=%q\n' "$test_bin"
printf 'export OTELCOL_PROM_BIN=%q\n' "$prom_bin"
printf 'export OTELCOL_FLEET_BIN=%q\n' "$fleet_bin"
