package config

import (
	"net/url"
	"os"
	"strconv"
	"strings"
)

// The OpenTelemetry Go SDK's providers read a few variables from the
// process environment themselves when they are built, whatever options
// ccotel passes them: OTEL_TRACES_SAMPLER (and its argument) in
// sdktrace.NewTracerProvider, OTEL_GO_X_CARDINALITY_LIMIT in
// sdkmetric.NewMeterProvider, OTEL_RESOURCE_ATTRIBUTES in every
// provider's resource. An invalid value goes to OpenTelemetry's global
// error handler, which prints it on stderr unless the host has set one.
// ccotel passes its own sampler, limit and resource, so these values
// change nothing but that output; Load refuses them instead, so that
// the providers are never built with them. This matters when ccotel reads
// another source than the process environment (WithEnviron, WithGetenv,
// the test kit) or accepts a value the SDK does not (an empty pair in
// OTEL_RESOURCE_ATTRIBUTES).

// sdkProcessProblems reports the process environment's values the Go
// SDK would print about, each as a Problem from SourceProcess. skip names
// the variables already refused from the same value.
func sdkProcessProblems(skip func(name string) bool) []Problem {
	var out []Problem
	add := func(name, v, reason, allowed string) {
		if skip(name) {
			return
		}
		out = append(out, Problem{
			Variable: name,
			Value:    shorten(Mask(name, v)),
			Source:   SourceProcess,
			Reason:   "the OpenTelemetry Go SDK reads it whatever ccotel's configuration says and would print an error on stderr: " + reason,
			Allowed:  allowed + "; or unset it",
		})
	}
	// sdk/trace sampler_env.go: samplerFromEnv.
	if s := strings.ToLower(strings.TrimSpace(os.Getenv("OTEL_TRACES_SAMPLER"))); s != "" {
		switch Sampler(s) {
		case SamplerAlwaysOn, SamplerAlwaysOff, SamplerParentBasedAlwaysOn, SamplerParentBasedAlwaysOff:
		case SamplerTraceIDRatio, SamplerParentBasedTraceIDRatio:
			if arg := strings.TrimSpace(os.Getenv("OTEL_TRACES_SAMPLER_ARG")); arg != "" {
				if r, err := strconv.ParseFloat(arg, 64); err != nil || r < 0 || r > 1 {
					add("OTEL_TRACES_SAMPLER_ARG", arg, "not a ratio from 0 to 1", "a number from 0 to 1")
				}
			}
		default:
			add("OTEL_TRACES_SAMPLER", s, "unknown sampler", samplerAllowed)
		}
	}
	// sdk/metric config.go: cardinalityLimitFromEnv.
	if v := strings.TrimSpace(os.Getenv("OTEL_GO_X_CARDINALITY_LIMIT")); v != "" {
		if _, err := strconv.Atoi(v); err != nil {
			add("OTEL_GO_X_CARDINALITY_LIMIT", v, "not a whole number (ccotel's limit is CCOTEL_METRICS_CARDINALITY_LIMIT)", "a whole number")
		}
	}
	// sdk/resource env.go: constructOTResources.
	if v := strings.TrimSpace(os.Getenv("OTEL_RESOURCE_ATTRIBUTES")); v != "" {
		for i, pair := range strings.Split(v, ",") {
			_, val, found := strings.Cut(pair, "=")
			reason := ""
			if !found {
				reason = "pair " + strconv.Itoa(i+1) + " has no '=' (an empty pair, as after a trailing comma, included)"
			} else if _, err := url.PathUnescape(strings.TrimSpace(val)); err != nil {
				reason = "pair " + strconv.Itoa(i+1) + " has a bad percent-encoding in its value"
			}
			if reason != "" {
				add("OTEL_RESOURCE_ATTRIBUTES", v, reason, "key=value pairs separated by commas, percent-encoded, no empty pair")
				break
			}
		}
	}
	return out
}
