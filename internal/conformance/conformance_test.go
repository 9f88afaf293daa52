package conformance

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/internal/otlptest"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	metricspb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

var versions = []string{"2.1.197", "2.1.330"}

// requireCaptures skips when shared/ is not next to the checkout, except in
// CI, where a missing reference would silently turn every test green.
func requireCaptures(t *testing.T) string {
	t.Helper()
	root, err := Root()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("captures not found: %v", err)
		}
		t.Skipf("captures not found: %v", err)
	}
	return root
}

func load(t *testing.T, version, scenario string) *Capture {
	t.Helper()
	requireCaptures(t)
	c, err := Load(version, scenario)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func shape(t *testing.T, reqs []Request, opts ...ShapeOption) *Telemetry {
	t.Helper()
	s, err := Shape(reqs, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func diffStrings(ds []Difference) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

func TestEveryScenarioLoadsAndShapes(t *testing.T) {
	requireCaptures(t)
	for _, v := range versions {
		names := Scenarios(v)
		// The shipped set; fewer means a capture went missing.
		if min := map[string]int{"2.1.197": 16, "2.1.330": 27}[v]; len(names) < min {
			t.Fatalf("%s: %d scenarios, want at least %d", v, len(names), min)
		}
		for _, name := range names {
			t.Run(v+"/"+name, func(t *testing.T) {
				c := load(t, v, name)
				if c.RunInfo.Name != name && c.RunInfo.Fields["cmd"] == "" {
					t.Errorf("run_info name %q", c.RunInfo.Name)
				}
				for _, r := range c.Requests {
					bodies := 0
					for _, set := range []bool{r.Metrics != nil, r.Logs != nil, r.Traces != nil} {
						if set {
							bodies++
						}
					}
					if bodies != 1 || proto.Size(body(r)) == 0 {
						t.Errorf("%s: %d bodies, %d bytes", r.File, bodies, proto.Size(body(r)))
					}
					if want := map[string]string{"json": "application/json", "protobuf": "application/x-protobuf"}[r.Encoding]; r.Header("content-type") != want {
						t.Errorf("%s: Content-Type %q, want %q", r.File, r.Header("content-type"), want)
					}
				}
				if strings.HasPrefix(name, "prometheus") && len(c.PromScrapes) == 0 {
					t.Error("no Prometheus scrapes")
				}
				s := shape(t, c.Requests)
				// What Claude Code does in every capture, and what the
				// comparison relies on ccotel to reproduce.
				for _, g := range s.Groups {
					if strings.HasPrefix(g.Name, "envelope[") {
						for _, r := range g.Records {
							if r.String() != "resources=1 scopes=1" {
								t.Errorf("%s: %s", g.Name, r)
							}
						}
					}
				}
				if q := s.Groups["logs.sequence"]; q != nil {
					if v, _ := q.Records[0].field("event.sequence"); v != "0-based, +1 per event" {
						t.Errorf("event.sequence: %s", v)
					}
				}
			})
		}
	}
}

func body(r Request) proto.Message {
	switch {
	case r.Metrics != nil:
		return r.Metrics
	case r.Logs != nil:
		return r.Logs
	}
	return r.Traces
}

func TestRunInfoAndHeaders(t *testing.T) {
	c := load(t, "2.1.330", "new_mcp_tool")
	if want := []string{"--mcp-config", "/home/dev/tmp", "--allowedTools", "mcp__mocksrv__echo"}; !slices.Equal(c.RunInfo.ExtraArgs, want) {
		t.Errorf("ExtraArgs %q, want %q", c.RunInfo.ExtraArgs, want)
	}
	if c.RunInfo.Prompt != "Use the mcp tool. SCN:mcp" {
		t.Errorf("Prompt %q", c.RunInfo.Prompt)
	}
	p := load(t, "2.1.330", "proto_write")
	env := p.RunInfo.Env()
	if env["OTEL_EXPORTER_OTLP_PROTOCOL"] != "http/protobuf" || env["TERM"] != "dumb" {
		t.Errorf("extra_env must override base_env: %q %q", env["OTEL_EXPORTER_OTLP_PROTOCOL"], env["TERM"])
	}
	var names []string
	for _, h := range p.Requests[0].Headers {
		names = append(names, h.Name)
	}
	if want := []string{"Content-Type", "User-Agent", "Host", "Content-Length", "Connection"}; !slices.Equal(names, want) {
		t.Errorf("2.1.330 header order %q, want %q", names, want)
	}
	old := load(t, "2.1.197", "text_default")
	if te := old.Requests[0].Header("transfer-encoding"); te != "chunked" {
		t.Errorf("2.1.197 Transfer-Encoding %q, want chunked", te)
	}
}

// TestSelfCompare: a capture has the shape of itself, also when its records
// are re-batched one per request, as ccotel's batching may well do.
func TestSelfCompare(t *testing.T) {
	requireCaptures(t)
	for _, v := range versions {
		for _, name := range Scenarios(v) {
			c := load(t, v, name)
			want := shape(t, c.Requests)
			if d := Compare(want, shape(t, c.Requests)); len(d) > 0 {
				t.Errorf("%s/%s vs itself:\n%s", v, name, Report(d))
			}
			if d := Compare(want, shape(t, rebatch(c.Requests))); len(d) > 0 {
				t.Errorf("%s/%s vs itself re-batched:\n%s", v, name, Report(d))
			}
		}
	}
}

// rebatch sends every log record, span and metric in a request of its own.
func rebatch(reqs []Request) []Request {
	var out []Request
	for _, r := range reqs {
		switch {
		case r.Logs != nil:
			for _, rl := range r.Logs.ResourceLogs {
				for _, sl := range rl.ScopeLogs {
					for _, lr := range sl.LogRecords {
						one := proto.Clone(rl).(*logspb.ResourceLogs)
						one.ScopeLogs = []*logspb.ScopeLogs{proto.Clone(sl).(*logspb.ScopeLogs)}
						one.ScopeLogs[0].LogRecords = []*logspb.LogRecord{lr}
						out = append(out, Request{Signal: r.Signal, Logs: &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{one}}})
					}
				}
			}
		case r.Traces != nil:
			for _, rs := range r.Traces.ResourceSpans {
				for _, ss := range rs.ScopeSpans {
					for _, sp := range ss.Spans {
						one := proto.Clone(rs).(*tracepb.ResourceSpans)
						one.ScopeSpans = []*tracepb.ScopeSpans{proto.Clone(ss).(*tracepb.ScopeSpans)}
						one.ScopeSpans[0].Spans = []*tracepb.Span{sp}
						out = append(out, Request{Signal: r.Signal, Traces: &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{one}}})
					}
				}
			}
		case r.Metrics != nil:
			for _, rm := range r.Metrics.ResourceMetrics {
				for _, sm := range rm.ScopeMetrics {
					for _, m := range sm.Metrics {
						one := proto.Clone(rm).(*metricspb.ResourceMetrics)
						one.ScopeMetrics = []*metricspb.ScopeMetrics{proto.Clone(sm).(*metricspb.ScopeMetrics)}
						one.ScopeMetrics[0].Metrics = []*metricspb.Metric{m}
						out = append(out, Request{Signal: r.Signal, Metrics: &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*metricspb.ResourceMetrics{one}}})
					}
				}
			}
		}
	}
	return out
}

// TestKnownChanges197To330 proves the harness sees real differences: the
// changes listed in observed-claude-code-2.1.330.md §A between two real
// captures of the same scenario, and nothing else. Each entry is a prefix
// of exactly one reported difference.
func TestKnownChanges197To330(t *testing.T) {
	old := shape(t, load(t, "2.1.197", "text_default").Requests)
	cur := shape(t, load(t, "2.1.330", "text_default").Requests)
	std := func(where string) []string { // §A4
		return []string{
			where + `: standard key "anthropic.provider": unexpected (got string "firstParty")`,
			where + `: standard key "anthropic.custom_base_url": unexpected (got bool true)`,
		}
	}
	metric := func(where string) []string { // §A4, sorted keys
		return []string{
			where + `: key "anthropic.custom_base_url": unexpected (got bool true)`,
			where + `: key "anthropic.provider": unexpected (got string "firstParty")`,
		}
	}
	var want []string
	want = append(want, // §A6: startup events, seq 0-3
		"logs.sequence: event order: want user_prompt, api_request, assistant_response, got managed_settings_resolved, plugin_loaded, plugin_loaded, plugin_loaded, user_prompt, api_request, assistant_response",
		"logs[managed_settings_resolved]: unexpected: 1 record(s)",
		"logs[plugin_loaded]: unexpected: 3 record(s)",
	)
	want = append(want, std("logs[api_request]")...)
	want = append(want, // §A6 api_request
		`logs[api_request]: key "cache_creation_5m_tokens": unexpected (got int 0)`,
		`logs[api_request]: key "cache_creation_1h_tokens": unexpected (got int 0)`,
		`logs[api_request]: key "ttft_ms": unexpected (got int)`,
	)
	want = append(want, std("logs[assistant_response]")...)
	want = append(want, `logs[assistant_response]: key "message.uuid": unexpected (got string <uuid>)`)
	want = append(want, std("logs[user_prompt]")...)
	want = append(want,
		`logs[user_prompt]: key "prompt_text": unexpected (got string "<REDACTED>")`,
		`logs[user_prompt]: key "message.uuid": unexpected (got string <uuid>)`,
	)
	for _, m := range []string{"active_time.total", "cost.usage", "session.count", "token.usage"} {
		want = append(want, metric("metrics[claude_code."+m+"]")...)
	}
	want = append(want, std("spans[claude_code.interaction]")...)
	want = append(want, // §A7 interaction
		`spans[claude_code.interaction]: key "gen_ai.provider.name": unexpected (got string "anthropic")`,
		`spans[claude_code.interaction]: key "gen_ai.operation.name": unexpected (got string "invoke_agent")`,
		`spans[claude_code.interaction]: key "gen_ai.conversation.id": unexpected (got string <uuid>)`,
		`spans[claude_code.interaction]: key "parent.source": unexpected (got string "none")`,
		`spans[claude_code.interaction]: key "queued_sends": unexpected (got int 0)`,
	)
	want = append(want, std("spans[claude_code.llm_request]")...)
	want = append(want, // §A7 llm_request
		`spans[claude_code.llm_request]: key "gen_ai.provider.name": unexpected (got string "anthropic")`,
		`spans[claude_code.llm_request]: key "gen_ai.conversation.id": unexpected (got string <uuid>)`,
		`spans[claude_code.llm_request]: key "query_source_safe": unexpected (got string "sdk")`,
		`spans[claude_code.llm_request]: key "first_content_ms": unexpected (got int)`,
	)
	got := diffStrings(Compare(old, cur))
	checkPrefixes(t, got, want)
	if t.Failed() {
		t.Log(Report(Compare(old, cur)))
	}
}

// checkPrefixes requires a one-to-one match between diffs and prefixes.
func checkPrefixes(t *testing.T, got, want []string) {
	t.Helper()
	used := make([]bool, len(want))
	for _, g := range got {
		found := false
		for i, w := range want {
			if !used[i] && strings.HasPrefix(g, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("unexpected difference: %s", g)
		}
	}
	for i, w := range want {
		if !used[i] {
			t.Errorf("difference not reported: %s", w)
		}
	}
}

func TestAllow(t *testing.T) {
	old := shape(t, load(t, "2.1.197", "text_default").Requests)
	cur := shape(t, load(t, "2.1.330", "text_default").Requests)
	all := Compare(old, cur)
	reason := "new in 2.1.330 (observed §A4)"
	left := Compare(old, cur, Allow("anthropic.provider", reason), Allow("anthropic.custom_base_url", reason))
	if len(left) != len(all)-18 {
		t.Errorf("allowing 2 standard keys on 9 groups (3 logs, 2 spans, 4 metrics): %d differences left of %d, want %d\n%s", len(left), len(all), len(all)-18, Report(left))
	}
	for _, d := range left {
		if strings.Contains(d.Where+": "+d.Msg, "anthropic.") {
			t.Errorf("allowed difference still reported: %s", d)
		}
	}
	left = Compare(old, cur, Allow(KindUnexpectedKey, "by kind"), Allow("no such difference", "stale"))
	var unused []Difference
	for _, d := range left {
		if d.Kind == KindUnexpectedKey {
			t.Errorf("allowed kind still reported: %s", d)
		}
		if d.Kind == KindUnusedAllowance {
			unused = append(unused, d)
		}
	}
	if len(unused) != 1 || !strings.Contains(unused[0].Msg, `"no such difference"`) {
		t.Errorf("stale allowance not reported: %v", unused)
	}
	defer func() {
		if recover() == nil {
			t.Error("Allow without a reason must panic")
		}
	}()
	Allow("x", " ")
}

func cloneRequests(reqs []Request) []Request {
	out := make([]Request, len(reqs))
	for i, r := range reqs {
		out[i] = r
		switch {
		case r.Metrics != nil:
			out[i].Metrics = proto.Clone(r.Metrics).(*colmetricpb.ExportMetricsServiceRequest)
		case r.Logs != nil:
			out[i].Logs = proto.Clone(r.Logs).(*collogspb.ExportLogsServiceRequest)
		case r.Traces != nil:
			out[i].Traces = proto.Clone(r.Traces).(*coltracepb.ExportTraceServiceRequest)
		}
	}
	return out
}

// TestProtoWriteMatchesJSON: the protobuf bodies of proto_write have the
// shape of the JSON bodies of write_acceptedits (same prompt, same flags),
// and each .pb decodes to what the capture tooling decoded it to.
func TestProtoWriteMatchesJSON(t *testing.T) {
	for _, v := range versions {
		pb := load(t, v, "proto_write")
		js := load(t, v, "write_acceptedits")
		for _, r := range pb.Requests {
			if r.Encoding != "protobuf" {
				t.Fatalf("%s: encoding %s", r.File, r.Encoding)
			}
			raw, err := os.ReadFile(r.File + ".decoded.json")
			if err != nil {
				t.Fatal(err)
			}
			dec := proto.Clone(body(r))
			proto.Reset(dec)
			if err := protojson.Unmarshal(raw, dec); err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(dec, body(r)) {
				t.Errorf("%s differs from its .decoded.json", r.File)
			}
		}
		// The two scenarios wrote to paths of different lengths.
		var lengths []ShapeOption
		for _, k := range []string{"tool_input_size_bytes", "tool_result_size_bytes", "prompt_length", "user_prompt_length"} {
			lengths = append(lengths, WithValueRule(k, TypeOnly))
		}
		if d := Compare(shape(t, js.Requests, lengths...), shape(t, pb.Requests, lengths...)); len(d) > 0 {
			t.Errorf("%s proto_write vs write_acceptedits:\n%s", v, Report(d))
		}
	}
}

// TestThroughReceiver replays a capture's raw bodies into the in-process
// receiver, as a replay test will with ccotel's, and finds the capture's shape.
func TestThroughReceiver(t *testing.T) {
	c := load(t, "2.1.330", "write_acceptedits")
	rcv := otlptest.Start(t, otlptest.Options{})
	for _, r := range c.Requests {
		b, err := os.ReadFile(r.File)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(rcv.HTTPURL(r.Signal), r.Header("Content-Type"), bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d", filepath.Base(r.File), resp.StatusCode)
		}
	}
	got := FromReceiver(rcv.Requests())
	if len(got) != len(c.Requests) {
		t.Fatalf("receiver kept %d requests of %d", len(got), len(c.Requests))
	}
	if d := Compare(shape(t, c.Requests), shape(t, got)); len(d) > 0 {
		t.Errorf("through the receiver:\n%s", Report(d))
	}
}
