package conformance

import (
	"slices"
	"testing"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// Helpers that reach into a capture's requests to mutate one thing.

func eachLog(reqs []Request, event string, f func(*logspb.LogRecord)) {
	for _, r := range reqs {
		for _, rl := range r.Logs.GetResourceLogs() {
			for _, sl := range rl.ScopeLogs {
				for _, lr := range sl.LogRecords {
					if kv := attr(lr.Attributes, "event.name"); kv != nil && kv.Value.GetStringValue() == event {
						f(lr)
					}
				}
			}
		}
	}
}

func eachMetric(reqs []Request, f func(*metricspb.Metric)) {
	for _, r := range reqs {
		for _, rm := range r.Metrics.GetResourceMetrics() {
			for _, sm := range rm.ScopeMetrics {
				for _, m := range sm.Metrics {
					f(m)
				}
			}
		}
	}
}

func eachSpan(reqs []Request, name string, f func(*tracepb.Span)) {
	for _, r := range reqs {
		for _, rs := range r.Traces.GetResourceSpans() {
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					if sp.Name == name {
						f(sp)
					}
				}
			}
		}
	}
}

func attr(kvs []*commonpb.KeyValue, key string) *commonpb.KeyValue {
	for _, kv := range kvs {
		if kv.Key == key {
			return kv
		}
	}
	return nil
}

func drop(kvs []*commonpb.KeyValue, key string) []*commonpb.KeyValue {
	return slices.DeleteFunc(kvs, func(kv *commonpb.KeyValue) bool { return kv.Key == key })
}

func swap(kvs []*commonpb.KeyValue, a, b string) {
	i := slices.IndexFunc(kvs, func(kv *commonpb.KeyValue) bool { return kv.Key == a })
	j := slices.IndexFunc(kvs, func(kv *commonpb.KeyValue) bool { return kv.Key == b })
	kvs[i], kvs[j] = kvs[j], kvs[i]
}

// TestMutations: one deliberate change to a real capture must be reported,
// exactly and with nothing else. Each case is what an emitter bug would
// look like.
func TestMutations(t *testing.T) {
	base := load(t, "2.1.332", "text_default")
	want := shape(t, base.Requests)
	cases := []struct {
		name   string
		mutate func([]Request)
		diffs  []string
	}{
		{"string number sent as int", func(rs []Request) {
			eachLog(rs, "user_prompt", func(lr *logspb.LogRecord) {
				attr(lr.Attributes, "prompt_length").Value = &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 19}}
			})
		}, []string{`logs[user_prompt]: key "prompt_length": want string, got int`}},

		{"key dropped", func(rs []Request) {
			eachLog(rs, "api_request", func(lr *logspb.LogRecord) { lr.Attributes = drop(lr.Attributes, "ttft_ms") })
		}, []string{`logs[api_request]: key "ttft_ms": missing (want int)`}},

		{"event keys reordered", func(rs []Request) {
			eachLog(rs, "api_request", func(lr *logspb.LogRecord) { swap(lr.Attributes, "request_id", "speed") })
		}, []string{`logs[api_request]: key order: "request_id" want after "ttft_ms", got after "speed"`}},

		{"standard keys reordered", func(rs []Request) {
			eachSpan(rs, "claude_code.llm_request", func(sp *tracepb.Span) { swap(sp.Attributes, "user.id", "session.id") })
		}, []string{`spans[claude_code.llm_request]: standard key order: "user.id" want after (start), got after "session.id"`}},

		{"unit changed", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				if m.Name == "claude_code.cost.usage" {
					m.Unit = "usd"
				}
			})
		}, []string{`metrics[claude_code.cost.usage]: unit: want "USD", got "usd"`}},

		{"temporality changed", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				m.GetSum().AggregationTemporality = metricspb.AggregationTemporality_AGGREGATION_TEMPORALITY_CUMULATIVE
			})
		}, []string{
			"metrics[claude_code.active_time.total]: temporality: want delta, got cumulative",
			"metrics[claude_code.cost.usage]: temporality: want delta, got cumulative",
			"metrics[claude_code.session.count]: temporality: want delta, got cumulative",
			"metrics[claude_code.token.usage]: temporality: want delta, got cumulative",
		}},

		{"asDouble sent as asInt", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				if m.Name == "claude_code.session.count" {
					m.GetSum().DataPoints[0].Value = &metricspb.NumberDataPoint_AsInt{AsInt: 1}
				}
			})
		}, []string{"metrics[claude_code.session.count]: value: want double, got int"}},

		{"token type renamed", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				for _, p := range m.GetSum().GetDataPoints() {
					if kv := attr(p.Attributes, "type"); kv != nil && kv.Value.GetStringValue() == "cacheRead" {
						kv.Value = &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "cache_read"}}
					}
				}
			})
		}, []string{`metrics[claude_code.token.usage]: key "type": want "cacheRead", got "cache_read"`}},

		{"token type point missing", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				if m.Name == "claude_code.token.usage" {
					m.GetSum().DataPoints = m.GetSum().DataPoints[:3]
				}
			})
		}, []string{`metrics[claude_code.token.usage]: missing record: `}},

		{"redaction lost", func(rs []Request) {
			eachLog(rs, "user_prompt", func(lr *logspb.LogRecord) {
				attr(lr.Attributes, "prompt").Value = &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "Say hello."}}
			})
		}, []string{`logs[user_prompt]: key "prompt": want "<REDACTED>", got <string>`}},

		{"log outside its span", func(rs []Request) {
			eachLog(rs, "api_request", func(lr *logspb.LogRecord) { lr.TraceId, lr.SpanId, lr.Flags = nil, nil, 0 })
		}, []string{
			"logs[api_request]: trace: want traceId+spanId, got none",
			"logs[api_request]: flags: want 1, got 0",
			"logs[api_request]: span: want claude_code.interaction, got (none)",
		}},

		{"severity set", func(rs []Request) {
			eachLog(rs, "api_request", func(lr *logspb.LogRecord) { lr.SeverityNumber = logspb.SeverityNumber_SEVERITY_NUMBER_INFO })
		}, []string{`logs[api_request]: severity: want 0/"", got 9/""`}},

		{"event emitted twice", func(rs []Request) {
			for _, r := range rs {
				if r.Logs != nil {
					sl := r.Logs.ResourceLogs[0].ScopeLogs[0]
					sl.LogRecords = append(sl.LogRecords, sl.LogRecords[len(sl.LogRecords)-1])
				}
			}
		}, []string{
			"logs[assistant_response]: want 1 record(s), got 2",
			"logs.sequence: event.sequence: want 0-based, +1 per event, got 6 repeated (assistant_response); 6 follows 6 in one request (assistant_response)",
		}},

		{"span re-parented", func(rs []Request) {
			eachSpan(rs, "claude_code.llm_request", func(sp *tracepb.Span) { sp.ParentSpanId = nil })
		}, []string{"spans[claude_code.llm_request]: parent: want claude_code.interaction, got (root)"}},

		{"span kind and status", func(rs []Request) {
			eachSpan(rs, "claude_code.interaction", func(sp *tracepb.Span) {
				sp.Kind = tracepb.Span_SPAN_KIND_CLIENT
				sp.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "boom"}
			})
		}, []string{
			"spans[claude_code.interaction]: kind: want SPAN_KIND_INTERNAL, got SPAN_KIND_CLIENT",
			"spans[claude_code.interaction]: status: want STATUS_CODE_UNSET, got STATUS_CODE_ERROR",
			"spans[claude_code.interaction]: status.message: want absent, got present",
		}},

		{"span event attribute type", func(rs []Request) {
			eachSpan(rs, "claude_code.llm_request", func(sp *tracepb.Span) {
				sp.Events[0].Attributes[0].Value = &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "1"}}
			})
		}, []string{"spans[claude_code.llm_request]: events: want [gen_ai.request.attempt[attempt:int=1]], got [gen_ai.request.attempt[attempt:string=\"1\"]]"}},

		{"two resources in one request", func(rs []Request) {
			for _, r := range rs {
				if r.Logs != nil {
					extra := &logspb.ResourceLogs{Resource: &resourcepb.Resource{Attributes: r.Logs.ResourceLogs[0].Resource.Attributes}}
					r.Logs.ResourceLogs = append(r.Logs.ResourceLogs, extra)
				}
			}
		}, []string{"envelope[logs]: resources: want 1, got 2"}},

		{"scope renamed", func(rs []Request) {
			for _, r := range rs {
				if r.Traces != nil {
					r.Traces.ResourceSpans[0].ScopeSpans[0].Scope.Name = "ccotel"
				}
			}
		}, []string{`scope[traces]: name: want "com.anthropic.claude_code.tracing", got "ccotel"`}},

		{"token count changed", func(rs []Request) {
			eachSpan(rs, "claude_code.llm_request", func(sp *tracepb.Span) {
				attr(sp.Attributes, "gen_ai.usage.input_tokens").Value = &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 107}}
			})
		}, []string{`spans[claude_code.llm_request]: key "gen_ai.usage.input_tokens": want 2407, got 107`}},

		{"cost changed", func(rs []Request) {
			eachLog(rs, "api_request", func(lr *logspb.LogRecord) {
				attr(lr.Attributes, "cost_usd").Value = &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: 0.0026}}
			})
		}, []string{`logs[api_request]: key "cost_usd": want 0.0025709999999999995, got 0.0026`}},

		{"metric total changed", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				if m.Name == "claude_code.cost.usage" {
					m.GetSum().DataPoints[0].Value = &metricspb.NumberDataPoint_AsDouble{AsDouble: 0.005}
				}
			})
		}, []string{"metrics[claude_code.cost.usage]: total: want 0.002571, got 0.005"}},

		{"span exported twice", func(rs []Request) {
			for _, r := range rs {
				if r.Traces != nil {
					ss := r.Traces.ResourceSpans[0].ScopeSpans[0]
					ss.Spans = append(ss.Spans, ss.Spans[0])
				}
			}
		}, []string{"spans[claude_code.llm_request]: want 1 record(s), got 2"}},

		{"events reordered", func(rs []Request) {
			var seq []*commonpb.KeyValue
			for _, ev := range []string{"api_request", "assistant_response"} {
				eachLog(rs, ev, func(lr *logspb.LogRecord) { seq = append(seq, attr(lr.Attributes, "event.sequence")) })
			}
			seq[0].Value, seq[1].Value = seq[1].Value, seq[0].Value
		}, []string{
			"logs.sequence: event order: want managed_settings_resolved, plugin_loaded, plugin_loaded, plugin_loaded, user_prompt, api_request, assistant_response, got managed_settings_resolved, plugin_loaded, plugin_loaded, plugin_loaded, user_prompt, assistant_response, api_request",
			"logs.sequence: event.sequence: want 0-based, +1 per event, got 6 follows 4 in one request (api_request); 5 follows 6 in one request (assistant_response)",
		}},

		{"a delta point split in two", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				if m.Name == "claude_code.session.count" {
					p := m.GetSum().DataPoints[0]
					second := proto.Clone(p).(*metricspb.NumberDataPoint)
					p.Value = &metricspb.NumberDataPoint_AsDouble{AsDouble: 0.5}
					second.Value = &metricspb.NumberDataPoint_AsDouble{AsDouble: 0.5}
					p.TimeUnixNano = p.StartTimeUnixNano + 1e6
					second.StartTimeUnixNano = p.TimeUnixNano + 1e6
					m.GetSum().DataPoints = append(m.GetSum().DataPoints, second)
				}
			})
		}, []string{"metrics[claude_code.session.count]: points: want 1, got 2", "metrics[claude_code.session.count]: start: want -, got apart"}},

		{"series start at one instant", func(rs []Request) {
			eachMetric(rs, func(m *metricspb.Metric) {
				for _, p := range m.GetSum().GetDataPoints() {
					p.StartTimeUnixNano = 1796149057000000000
				}
			})
		}, []string{"metrics.start: first starts: want per series, got one for all series"}},

		{"host arch spelled the Node way", func(rs []Request) {
			for _, r := range rs {
				if r.Metrics != nil {
					attr(r.Metrics.ResourceMetrics[0].Resource.Attributes, "host.arch").Value =
						&commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "x86_64"}}
				}
			}
		}, []string{`resource[metrics]: key "host.arch": want <goarch>, got "x86_64"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reqs := cloneRequests(base.Requests)
			tc.mutate(reqs)
			got := Compare(want, shape(t, reqs))
			checkPrefixes(t, diffStrings(got), tc.diffs)
			if t.Failed() {
				t.Log(Report(got))
			}
		})
	}
	// The mutations worked on copies.
	if d := Compare(want, shape(t, base.Requests)); len(d) > 0 {
		t.Fatalf("the capture itself was mutated:\n%s", Report(d))
	}
}

// TestVolatileValuesIgnored: what legitimately varies between runs must not
// be reported: ids, times, host, measured numbers.
func TestVolatileValuesIgnored(t *testing.T) {
	base := load(t, "2.1.330", "v_resource_include_host")
	want := shape(t, base.Requests)
	reqs := cloneRequests(base.Requests)
	str := func(s string) *commonpb.AnyValue {
		return &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: s}}
	}
	for _, r := range reqs {
		var res *resourcepb.Resource
		switch {
		case r.Logs != nil:
			res = r.Logs.ResourceLogs[0].Resource
		case r.Metrics != nil:
			res = r.Metrics.ResourceMetrics[0].Resource
		case r.Traces != nil:
			res = r.Traces.ResourceSpans[0].Resource
		}
		attr(res.Attributes, "host.name").Value = str("other-host")
		attr(res.Attributes, "host.id").Value = str("0123456789abcdef0123456789abcdef")
		attr(res.Attributes, "os.version").Value = str("24.1.0")
		attr(res.Attributes, "host.arch").Value = str("arm64")
	}
	eachLog(reqs, "api_request", func(lr *logspb.LogRecord) {
		attr(lr.Attributes, "session.id").Value = str("00000000-1111-4222-8333-444444444444")
		attr(lr.Attributes, "event.timestamp").Value = str("2030-01-02T03:04:05.678Z")
		attr(lr.Attributes, "request_id").Value = str("req_other")
		attr(lr.Attributes, "duration_ms").Value = &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 12345}}
		lr.TimeUnixNano++
	})
	eachMetric(reqs, func(m *metricspb.Metric) {
		for _, p := range m.GetSum().GetDataPoints() {
			if m.Name == "claude_code.active_time.total" { // measured with a clock
				p.Value = &metricspb.NumberDataPoint_AsDouble{AsDouble: 42}
			}
			p.StartTimeUnixNano += 7e9 // another run, the same rules
			p.TimeUnixNano += 7e9
		}
	})
	if d := Compare(want, shape(t, reqs)); len(d) > 0 {
		t.Errorf("volatile values reported:\n%s", Report(d))
	}
}

// TestAppVersionIsAVariable: a host application at its own version compares
// equal once both sides name their version.
func TestAppVersionIsAVariable(t *testing.T) {
	base := load(t, "2.1.330", "v_include_version")
	want := shape(t, base.Requests)
	reqs := cloneRequests(base.Requests)
	ver := &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "0.4.0"}}
	setAll := func(kvs []*commonpb.KeyValue, scope *commonpb.InstrumentationScope) {
		for _, kv := range kvs {
			if kv.Key == "app.version" || kv.Key == "service.version" {
				kv.Value = ver
			}
		}
		if scope != nil && scope.Version == "2.1.330" {
			scope.Version = "0.4.0"
		}
	}
	for _, r := range reqs {
		for _, rl := range r.Logs.GetResourceLogs() {
			setAll(rl.Resource.Attributes, nil)
			for _, sl := range rl.ScopeLogs {
				setAll(nil, sl.Scope)
				for _, lr := range sl.LogRecords {
					setAll(lr.Attributes, nil)
				}
			}
		}
		for _, rm := range r.Metrics.GetResourceMetrics() {
			setAll(rm.Resource.Attributes, nil)
			for _, sm := range rm.ScopeMetrics {
				setAll(nil, sm.Scope)
				for _, m := range sm.Metrics {
					for _, p := range m.GetSum().GetDataPoints() {
						setAll(p.Attributes, nil)
					}
				}
			}
		}
		for _, rs := range r.Traces.GetResourceSpans() {
			setAll(rs.Resource.Attributes, nil)
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					setAll(sp.Attributes, nil)
				}
			}
		}
	}
	got := shape(t, reqs)
	if got.AppVersion != "0.4.0" {
		t.Fatalf("detected app version %q", got.AppVersion)
	}
	if d := Compare(want, got); len(d) > 0 {
		t.Errorf("app version not treated as a variable:\n%s", Report(d))
	}
	// Pinning the variable to a value the emitter does not use makes the
	// versions literal again, so the comparison can still see them.
	pinned := shape(t, reqs, WithAppVersion("9.9.9"))
	if d := Compare(want, pinned); len(d) == 0 {
		t.Error("a literal 0.4.0 compared equal to $APP_VERSION")
	}
}

// TestStartRuleMutations: a series with two delta points (the final
// response of prometheus_plus_otlp_write came in a later export interval)
// must keep them apart, as Claude Code's are.
func TestStartRuleMutations(t *testing.T) {
	base := load(t, "2.1.332", "prometheus_plus_otlp_write")
	want := shape(t, base.Requests)
	reqs := cloneRequests(base.Requests)
	var prevEnd uint64
	eachMetric(reqs, func(m *metricspb.Metric) {
		if m.Name != "claude_code.cost.usage" {
			return
		}
		p := m.GetSum().DataPoints[0]
		if prevEnd != 0 {
			p.StartTimeUnixNano = prevEnd // the Go SDK's rule: start at the previous collection
		}
		prevEnd = p.TimeUnixNano
	})
	checkPrefixes(t, diffStrings(Compare(want, shape(t, reqs))), []string{"metrics[claude_code.cost.usage]: start: want apart, got touching"})
}
