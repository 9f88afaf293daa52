package propagation

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

// FuzzInbound checks that any TRACEPARENT either is rejected or survives a
// round trip: re-injected, it names the same trace, span and flags.
func FuzzInbound(f *testing.F) {
	for _, s := range []string{
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",
		"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00--00f067aa0ba902b7-01",
		"",
		"-",
	} {
		f.Add(s, "vendor=opaque")
	}
	f.Fuzz(func(t *testing.T, traceparent, tracestate string) {
		sc, ok := Inbound(traceparent, tracestate)
		if ok != sc.IsValid() {
			t.Fatalf("ok=%v but IsValid=%v", ok, sc.IsValid())
		}
		if !ok {
			return
		}
		if !sc.IsRemote() {
			t.Fatal("an inbound span context must be remote")
		}
		in := strings.TrimSpace(traceparent)
		if !strings.Contains(in, sc.TraceID().String()) || !strings.Contains(in, sc.SpanID().String()) {
			t.Fatalf("ids %s/%s not taken from %q", sc.TraceID(), sc.SpanID(), in)
		}
		req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
		InjectHTTP(trace.ContextWithSpanContext(context.Background(), sc), req)
		again, ok := Inbound(req.Header.Get(HeaderTraceparent), req.Header.Get(HeaderTracestate))
		if !ok || !again.Equal(sc) {
			t.Fatalf("round trip of %q: %v -> %v", traceparent, sc, again)
		}
	})
}
