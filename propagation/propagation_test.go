package propagation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

const (
	tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	ts = "vendor=opaque,other=x"
)

func spanCtx(t *testing.T) context.Context {
	t.Helper()
	sc, ok := Inbound(tp, ts)
	if !ok {
		t.Fatal("valid traceparent rejected")
	}
	return trace.ContextWithSpanContext(context.Background(), sc)
}

func TestInbound(t *testing.T) {
	sc, ok := Inbound(" "+tp+"\n", ts)
	if !ok || !sc.IsRemote() || !sc.IsSampled() {
		t.Fatalf("Inbound = %v %v", sc, ok)
	}
	if sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || sc.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("ids %s %s", sc.TraceID(), sc.SpanID())
	}
	if sc.TraceState().Get("vendor") != "opaque" {
		t.Errorf("tracestate %q", sc.TraceState())
	}
	if sc, ok := Inbound(tp, "not a tracestate!!"); !ok || sc.TraceState().Len() != 0 {
		t.Error("a bad tracestate must be dropped, not fail the traceparent")
	}
	for _, bad := range []string{
		"",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero span id
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // forbidden version
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
		"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
		"garbage",
	} {
		if _, ok := Inbound(bad, ""); ok {
			t.Errorf("Inbound(%q) accepted", bad)
		}
	}
	if _, ok := Inbound("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future", ""); !ok {
		t.Error("a future version with extra fields is valid per W3C")
	}
}

func TestInjectHTTP(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "https://api.anthropic.com/v1/messages", nil)
	req.Header.Set(HeaderTracestate, "stale=1")
	InjectHTTP(context.Background(), req)
	if req.Header.Get(HeaderTraceparent) != "" || req.Header.Get(HeaderTracestate) != "stale=1" {
		t.Error("no span in ctx: the request must be left alone")
	}
	InjectHTTP(spanCtx(t), req)
	if got := req.Header.Get(HeaderTraceparent); got != tp {
		t.Errorf("traceparent %q", got)
	}
	if got := req.Header.Get(HeaderTracestate); got != ts {
		t.Errorf("tracestate %q", got)
	}
	sc, _ := Inbound(tp, "")
	InjectHTTP(trace.ContextWithSpanContext(context.Background(), sc), req)
	if _, ok := req.Header[http.CanonicalHeaderKey(HeaderTracestate)]; ok {
		t.Error("a stale tracestate must go when the span has none")
	}
}

func TestEnviron(t *testing.T) {
	env := []string{"PATH=/bin", "TRACEPARENT=old", "TRACESTATE=old", "TRACEPARENTX=keep"}
	if got := Environ(context.Background(), env); !slices.Equal(got, env) {
		t.Errorf("no span: %v", got)
	}
	got := Environ(spanCtx(t), env)
	want := []string{"PATH=/bin", "TRACEPARENTX=keep", "TRACEPARENT=" + tp, "TRACESTATE=" + ts}
	if !slices.Equal(got, want) {
		t.Errorf("Environ\n got %v\nwant %v", got, want)
	}
	if env[1] != "TRACEPARENT=old" {
		t.Error("the input slice must not be modified")
	}
}

func TestAllowed(t *testing.T) {
	for _, tc := range []struct {
		force bool
		url   string
		want  bool
	}{
		{false, "", true},
		{false, "https://api.anthropic.com", true},
		{false, "http://127.0.0.1:18787", false},
		{false, "https://evilanthropic.com", false},
		{true, "http://127.0.0.1:18787", true},
		{false, "://bad", false},
	} {
		if got := Allowed(tc.force, tc.url); got != tc.want {
			t.Errorf("Allowed(%v, %q) = %v", tc.force, tc.url, got)
		}
	}
}

func TestTransport(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get(HeaderTraceparent))
	}))
	defer srv.Close()
	for _, force := range []bool{false, true} {
		c := &http.Client{Transport: &Transport{Force: force}}
		req, _ := http.NewRequestWithContext(spanCtx(t), http.MethodGet, srv.URL, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if req.Header.Get(HeaderTraceparent) != "" {
			t.Error("the caller's request must not be modified")
		}
	}
	if !slices.Equal(seen, []string{"", tp}) {
		t.Errorf("a custom host gets traceparent only when forced: %q", seen)
	}
}

func TestCarrierKeys(t *testing.T) {
	var c carrier
	c.Set("other", "x")
	if c.Get("other") != "" || strings.Join(c.Keys(), ",") != "traceparent,tracestate" {
		t.Error("carrier holds only the two trace context keys")
	}
}
