package propagation_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/propagation"
)

func ExampleInbound() {
	// TRACEPARENT as a CI job or an SDK caller would set it.
	sc, ok := propagation.Inbound("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "")
	fmt.Println(ok, sc.TraceID(), sc.IsRemote())
	_, ok = propagation.Inbound("not-a-traceparent", "")
	fmt.Println(ok)
	// Output:
	// true 4bf92f3577b34da6a3ce929d0e0e4736 true
	// false
}

func ExampleEnviron() {
	sc, _ := propagation.Inbound("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "")
	ctx := trace.ContextWithSpanContext(context.Background(), sc)

	// The environment of a Bash command or hook the agent is about to run.
	env := propagation.Environ(ctx, []string{"HOME=/home/me", "TRACEPARENT=stale"})
	for _, kv := range env {
		fmt.Println(kv)
	}
	// Output:
	// HOME=/home/me
	// TRACEPARENT=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
}

func ExampleTransport() {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("gateway saw", r.Header.Get("traceparent"))
	}))
	defer gateway.Close()

	// Force is CLAUDE_CODE_PROPAGATE_TRACEPARENT=1: without it a custom
	// ANTHROPIC_BASE_URL such as this gateway gets no traceparent.
	client := &http.Client{Transport: &propagation.Transport{Force: true}}

	sc, _ := propagation.Inbound("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "")
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, gateway.URL+"/v1/messages", nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	// Output:
	// gateway saw 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
}
