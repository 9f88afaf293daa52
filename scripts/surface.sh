#!/bin/sh
# Prints the exported identifiers of each public package (top-level, methods,
# fields of exported types), read from the source by internal/apicheck.
# Usage: scripts/surface.sh [-list] [repository root, default .]
set -e
cd "$(dirname "$0")/.."
exec go run ./internal/apicheck/surface "$@"
