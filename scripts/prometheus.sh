#!/usr/bin/env bash
# Puts Debian's Prometheus (package `prometheus`) binaries in a cache without installing the package (installing it
# would register and try to start a service): apt-get download + dpkg-deb -x.
#
# Cache: $CCOTEL_PROMETHEUS_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/ccotel/prometheus)/usr/bin/{prometheus,promtool}
# (internal/promtest looks in the same place as a fallback). Already extracted binaries are reused.
# Runs `apt-get update` only when apt has no candidate for the package, unless CCOTEL_APT_UPDATED=1 says it ran.
#
# stdout: shell lines to eval:  export PROMETHEUS_BIN=...;  export PROMTOOL_BIN=...
# stderr: progress.
set -euo pipefail

cache="${CCOTEL_PROMETHEUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ccotel/prometheus}"
log() { echo "prometheus.sh: $*" >&2; }

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
exec 9>"$cache/.lock"
flock 9

prom="$cache/usr/bin/prometheus"
promtool="$cache/usr/bin/promtool"

if [[ -x "$prom" && -x "$promtool" ]]; then
	log "cached at $prom"
else
	start=$SECONDS
	work=$(mktemp -d "$cache/dl.XXXXXX")
	updated="${CCOTEL_APT_UPDATED:-0}"
	apt_update() {
		log "running apt-get update"
		apt-get update >&2
		updated=1
	}
	candidate() { apt-cache policy prometheus 2>/dev/null | sed -n 's/^ *Candidate: *//p'; }
	cand=$(candidate)
	if [[ -z "$cand" || "$cand" == "(none)" ]] && [[ "$updated" != 1 ]]; then
		apt_update
		cand=$(candidate)
	fi
	if [[ -z "$cand" || "$cand" == "(none)" ]]; then
		log "apt has no candidate for package prometheus"
		exit 1
	fi
	log "downloading prometheus $cand"
	if ! (cd "$work" && apt-get download "prometheus=$cand" >&2); then
		# Stale package lists name a file the mirror no longer has: refresh once and retry.
		if [[ "$updated" == 1 ]]; then
			exit 1
		fi
		apt_update
		cand=$(candidate)
		(cd "$work" && apt-get download "prometheus=$cand" >&2)
	fi
	deb=$(ls "$work"/prometheus_*.deb)
	dpkg-deb -x "$deb" "$work/root"
	mkdir -p "$cache/usr/bin"
	mv "$work/root/usr/bin/promtool" "$promtool"
	mv "$work/root/usr/bin/prometheus" "$prom"
	echo "$cand" >"$cache/VERSION"
	rm -rf "$work"
	log "extracted prometheus $cand in $((SECONDS - start))s -> $prom"
fi

"$prom" --version 2>&1 | head -n1 >&2
printf 'export PROMETHEUS_BIN=%q\n' "$prom"
printf 'export PROMTOOL_BIN=%q\n' "$promtool"
