package ccanthropic

import (
	"context"
	"net/http"
)

// NewTransport returns an http.RoundTripper that records every Messages API
// call sent through it, exactly as Middleware does, for programs that reach
// the SDK only through option.WithHTTPClient (frameworks that wrap it):
//
//	hc := &http.Client{Transport: ccanthropic.NewTransport(nil)}
//	client := anthropic.NewClient(option.WithHTTPClient(hc))
//
// By default, base is http.DefaultTransport. The SDK sends each attempt of a
// call through the client, so the transport sees what the middleware sees,
// and the same rules apply (see Middleware). A client given both forms
// records each call once: the transport passes through what the middleware
// already records.
func NewTransport(base http.RoundTripper, opts ...Option) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{m: newMiddleware(opts), base: base}
}

type transport struct {
	m    *middleware
	base http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.m.handle(req, t.base.RoundTrip)
}

// recordingKey marks the requests that a Middleware or transport records, so
// that another one further down the same request passes them through.
type recordingKey struct{}

func recording(ctx context.Context) bool { return ctx.Value(recordingKey{}) != nil }

func markRecording(req *http.Request) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), recordingKey{}, true))
}
