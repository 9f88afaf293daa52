#!/usr/bin/env bash
# contrib/anthropic as a program outside this repository uses it: copied to a scratch directory, with the repository
# reached only through `replace` directives (what a consumer of an unpublished ccotel does), no go.work.
#
#   1. its tests against each anthropic-sdk-go version given (default: the oldest it supports, the one its go.mod
#      requires, and the newest on the module proxy);
#   2. a scratch module that requires it at the version of its go.mod, builds, and records a call made through
#      option.WithHTTPClient(&http.Client{Transport: ccanthropic.NewTransport(nil)});
#   3. examples/adopter (the adoption example, its own module) copied out and tested the same way.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GOWORK=off GOFLAGS=-mod=mod
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ccotel_version=$(awk '$1 == "github.com/ccotel/ccotel" {print $2}' "$root/contrib/anthropic/go.mod")
oldest=$(awk '$1 == "github.com/anthropics/anthropic-sdk-go" {print $2}' "$root/contrib/anthropic/go.mod")
echo "contrib/anthropic requires github.com/ccotel/ccotel $ccotel_version and anthropic-sdk-go $oldest (the oldest it supports)"

versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=("$oldest" latest)
for v in "${versions[@]}"; do
	echo "--- contrib/anthropic tests with anthropic-sdk-go@$v"
	rm -rf "$tmp/anthropic"
	cp -r "$root/contrib/anthropic" "$tmp/anthropic"
	(
		cd "$tmp/anthropic"
		go mod edit -replace "github.com/ccotel/ccotel=$root"
		go get "github.com/anthropics/anthropic-sdk-go@$v"
		go list -m github.com/anthropics/anthropic-sdk-go
		go vet ./...
		go test -race -count=1 ./...
	)
done

echo "--- a scratch consumer module"
mkdir -p "$tmp/consumer"
cd "$tmp/consumer"
cat >go.mod <<MOD
module example.com/consumer

go 1.26.8

require github.com/ccotel/ccotel/contrib/anthropic $ccotel_version

replace (
	github.com/ccotel/ccotel => $root
	github.com/ccotel/ccotel/contrib/anthropic => $root/contrib/anthropic
)
MOD
cat >main.go <<'GO'
// A program outside the repository: its Anthropic client is built by a
// framework that only takes an *http.Client.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/anthropics/anthropic-sdk-go"
	"github.com/anthropics/anthropic-sdk-go/option"

	ccanthropic "github.com/ccotel/ccotel/contrib/anthropic"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

func main() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", "req_consumer")
		fmt.Fprint(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-5-5","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":7,"output_tokens":3}}`)
	}))
	defer api.Close()
	kit, err := telemetrytest.Start()
	if err != nil {
		panic(err)
	}
	ctx, _ := kit.Telemetry.StartSession(context.Background())
	hc := &http.Client{Transport: ccanthropic.NewTransport(nil)}
	client := anthropic.NewClient(option.WithHTTPClient(hc), option.WithBaseURL(api.URL), option.WithAPIKey("k"))
	if _, err := client.Messages.New(ctx, anthropic.MessageNewParams{
		Model: "claude-sonnet-5-5", MaxTokens: 16,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hi"))},
	}); err != nil {
		panic(err)
	}
	reqs := kit.Events("api_request")
	if len(reqs) != 1 || reqs[0].Attr("request_id").Str() != "req_consumer" || reqs[0].Attr("input_tokens").Int() != 7 {
		fmt.Println("consumer: want one api_request for req_consumer with 7 input tokens, got", reqs)
		os.Exit(1)
	}
	fmt.Println("consumer: recorded", reqs[0].Attr("request_id").Str(), "through option.WithHTTPClient")
}
GO
go mod tidy
go build -o consumer .
./consumer

echo "--- examples/adopter outside the repository"
cp -r "$root/examples/adopter" "$tmp/adopter"
# As its package doc says a copy does: without conformance_test.go, which compares with the captures in ../shared
# (not beside a copy); the repository's own run of the module (.ci/run) keeps it.
rm "$tmp/adopter/conformance_test.go"
cd "$tmp/adopter"
go mod edit -replace "github.com/ccotel/ccotel=$root" -replace "github.com/ccotel/ccotel/contrib/anthropic=$root/contrib/anthropic"
go vet ./...
go test -count=1 ./...
