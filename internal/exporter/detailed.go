package exporter

import (
	"context"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/ccotel/ccotel/config"
)

// detailed adds Claude Code's detailed beta tracing pipeline
// (ENABLE_BETA_TRACING_DETAILED with BETA_TRACING_ENDPOINT): spans sent over
// OTLP/HTTP with JSON, the encoding of the JavaScript exporter Claude Code
// uses for it, to ${BETA_TRACING_ENDPOINT}/v1/traces. It is separate from the
// OTEL_TRACES_EXPORTER pipeline and needs neither it nor the enhanced beta
// switch. The endpoint gets no OTEL_* headers or certificates, as in Claude
// Code; an https endpoint is verified against the system roots.
//
// Each span reaches a receiver once: when the OTLP traces endpoint is the
// same receiver as BETA_TRACING_ENDPOINT (detailedReaches), the ordinary
// OTLP traces exporter is left out, as Claude Code's captures with both set
// to one receiver show every span once. Different receivers each get every
// span, Claude Code's documented "in addition to the trace exporter".
func (b *builder) detailed(ctx context.Context) error {
	t := b.cfg.Traces
	if !t.Detailed || t.DetailedEndpoint == "" {
		return nil
	}
	endpoint := strings.TrimRight(t.DetailedEndpoint, "/") + "/v1/traces"
	sub := *b
	sub.dynamic = nil
	sub.cfg.Traces.OTLP = config.OTLP{
		Protocol: config.ProtocolHTTPJSON,
		Endpoint: endpoint,
		Insecure: strings.HasPrefix(endpoint, "http://"),
		Timeout:  10 * time.Second,
	}
	exp, err := sub.otlpTraces(ctx)
	if err != nil {
		return err
	}
	b.spanPipeline(exp, config.ExporterOTLP, sub.cfg.Traces.OTLP)
	return nil
}

// detailedReaches reports whether the detailed pipeline is on and sends to
// the receiver at endpoint (an OTLP traces URL): same host and port, the
// path and protocol aside, since one port serves one receiver.
func (b *builder) detailedReaches(endpoint string) bool {
	t := b.cfg.Traces
	if !t.Detailed || t.DetailedEndpoint == "" {
		return false
	}
	a, ok := hostPort(t.DetailedEndpoint)
	c, ok2 := hostPort(endpoint)
	return ok && ok2 && a == c
}

// hostPort is the lower-cased host and the port of an endpoint URL, the
// scheme's default port when it has none.
func hostPort(endpoint string) (string, bool) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return "", false
	}
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		default:
			return "", false
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port), true
}
