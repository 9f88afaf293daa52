// Package conformance compares the OTLP telemetry that ccotel sends with real
// captures of Claude Code (shared/conformance/claude-code-<version>/<scenario>).
//
// A byte comparison cannot work: ids, times, the host, token counts and
// prices differ on every run, and the Go SDK batches and sorts differently
// from the JS SDK. Shape therefore reduces requests to what consumers of
// Claude Code's telemetry depend on, and Compare diffs two such shapes.
//
// # What is compared
//
//   - Envelope: every request carries exactly one resource and one scope.
//   - Resource (per signal): keys in order with value types; values only for
//     stable keys (ResourceRules).
//   - Scope: name and version, with the application's version replaced by
//     $APP_VERSION, so Claude Code 2.1.330 compares with a host at 0.4.0.
//   - Metrics (per name): one record per series (its attribute keys with
//     their types, as a set, plus the values of closed-set keys): the
//     description, unit, kind, monotonic, temporality and value type
//     (asDouble or asInt); how many points the series had; its total (the
//     sum of a delta series, the last value of a cumulative one; not for
//     MeasuredMetrics, whose values come from a clock); and its start times
//     as Claude Code sets them (delta points "apart": a point starts after
//     the previous one ended; a cumulative series keeps "one start"). Across
//     series, "metrics.start" says whether the series start at their own
//     first measurements or all at one instant.
//   - Log records (per event.name): body, severity, eventName, whether
//     traceId/spanId/flags are present and which span they point at; the
//     standard-attribute block (StandardKeys and resource copies) as one
//     ordered block, then the event's own keys in order with types and,
//     where AttributeRules say so, values ("<REDACTED>", event.name...).
//     Across all records, event.sequence must run 0, 1, 2... in emission
//     order, and the event names in that order are compared.
//   - Spans (per name): parent span by name, kind, status code and whether a
//     message is set, flags, standard block then own keys as for logs, span
//     events with their attributes.
//
// # What is ignored, and why
//
//   - Request boundaries. Logs and spans are compared as multisets per
//     group (so a record sent twice is a count difference), metric points
//     per series.
//   - Metric attribute order: the Go SDK sorts attribute sets.
//   - Timestamps, ids, durations: they come from a clock. (Token counts,
//     costs, lengths, sizes, attempts and status codes are kept: the
//     scenario and its mock fix them; see AttributeRules.) Strings that
//     are not kept are reduced to a format class (<uuid>, <hex64>,
//     <digits>, <timestamp>, <string>), so a number sent as a string or an
//     id in the wrong form is still caught.
//   - Host-dependent resource values (os.version, host.name, host.id).
//     host.arch keeps only that it is a Go GOARCH name.
//   - JSON key order and HTTP headers: Shape works on decoded protos. The
//     headers are loaded (Request.Headers, in capture order) for tests of
//     the transport to check on their own.
//
// A deliberate difference is declared with Allow(match, reason); an
// allowance that matches nothing is itself reported.
//
// # Replay tests
//
// A replay test drives ccotel's public API through a scenario and compares
// what it sent with the capture:
//
//	capture, err := conformance.Load("2.1.330", "text_default")
//	rcv := otlptest.Start(t, otlptest.Options{})
//	// run ccotel with capture.RunInfo.Env(), OTEL_EXPORTER_OTLP_ENDPOINT=rcv.HTTPEndpoint()
//	// and OTEL_EXPORTER_OTLP_PROTOCOL=http/json, replay the scenario, shut down
//	want, err := capture.Shape()
//	got, err := conformance.Shape(conformance.FromReceiver(rcv.Requests()))
//	if d := conformance.Compare(want, got,
//		conformance.Allow("logs[plugin_loaded]", "a Go host loads no Claude Code plugins")); len(d) > 0 {
//		t.Error(conformance.Report(d))
//	}
package conformance
