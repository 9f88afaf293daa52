package propagation

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// W3C Trace Context names: HTTP headers, and the environment variables
// Claude Code reads and passes on.
const (
	HeaderTraceparent = "traceparent"
	HeaderTracestate  = "tracestate"
	EnvTraceparent    = "TRACEPARENT"
	EnvTracestate     = "TRACESTATE"
)

var tc propagation.TraceContext

// Inbound parses an inbound TRACEPARENT and TRACESTATE into a remote span
// context. ok is false when traceparent is empty or not a valid W3C
// traceparent; an invalid tracestate is dropped without failing, as the
// W3C specification asks.
func Inbound(traceparent, tracestate string) (sc trace.SpanContext, ok bool) {
	traceparent = strings.TrimSpace(traceparent)
	if traceparent == "" {
		return trace.SpanContext{}, false
	}
	c := carrier{tp: traceparent, ts: strings.TrimSpace(tracestate)}
	sc = trace.SpanContextFromContext(tc.Extract(context.Background(), &c))
	return sc, sc.IsValid()
}

// InjectHTTP sets the traceparent (and tracestate) header of req from the
// span in ctx, replacing any already there. It does nothing when ctx holds
// no valid span.
func InjectHTTP(ctx context.Context, req *http.Request) {
	var c carrier
	tc.Inject(ctx, &c)
	if c.tp == "" {
		return
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	req.Header.Set(HeaderTraceparent, c.tp)
	if c.ts != "" {
		req.Header.Set(HeaderTracestate, c.ts)
	} else {
		req.Header.Del(HeaderTracestate)
	}
}

// Environ returns a copy of env, a subprocess environment in os.Environ
// form, with TRACEPARENT and TRACESTATE from the span in ctx, so a child
// process (a shell command, a hook) can join the trace. Stale values are
// replaced. When ctx holds no valid span, env is returned unchanged.
func Environ(ctx context.Context, env []string) []string {
	var c carrier
	tc.Inject(ctx, &c)
	if c.tp == "" {
		return env
	}
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == EnvTraceparent || k == EnvTracestate {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, EnvTraceparent+"="+c.tp)
	if c.ts != "" {
		out = append(out, EnvTracestate+"="+c.ts)
	}
	return out
}

// Allowed reports whether Claude Code would send traceparent to an API at
// baseURL: always with CLAUDE_CODE_PROPAGATE_TRACEPARENT=1 (force), else
// only to Anthropic's own API (an empty baseURL means the default one).
func Allowed(force bool, baseURL string) bool {
	if force || baseURL == "" {
		return true
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "anthropic.com" || strings.HasSuffix(h, ".anthropic.com")
}

// Transport is an http.RoundTripper that adds traceparent and tracestate
// from each request's context before passing it to Base.
type Transport struct {
	// Base sends the request; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Force is CLAUDE_CODE_PROPAGATE_TRACEPARENT: send the headers to every
	// host. Without it only requests to Anthropic's API get them.
	Force bool
}

// RoundTrip implements http.RoundTripper. The request is cloned before its
// headers change, as the RoundTripper contract requires.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req == nil {
		return nil, errors.New("propagation: nil request")
	}
	if t == nil {
		t = &Transport{} // as the zero Transport
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if (t.Force || Allowed(false, req.URL.String())) && trace.SpanContextFromContext(req.Context()).IsValid() {
		req = req.Clone(req.Context())
		InjectHTTP(req.Context(), req)
	}
	return base.RoundTrip(req)
}

// carrier is a two-key TextMapCarrier: a map would allocate on every call.
type carrier struct{ tp, ts string }

func (c *carrier) Get(key string) string {
	switch key {
	case HeaderTraceparent:
		return c.tp
	case HeaderTracestate:
		return c.ts
	}
	return ""
}

func (c *carrier) Set(key, value string) {
	switch key {
	case HeaderTraceparent:
		c.tp = value
	case HeaderTracestate:
		c.ts = value
	}
}

func (c *carrier) Keys() []string { return []string{HeaderTraceparent, HeaderTracestate} }
