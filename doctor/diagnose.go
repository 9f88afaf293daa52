package doctor

import (
	"net/url"
	"strings"

	"github.com/ccotel/ccotel/config"
)

// diagnose turns an export error into a summary and a likely fix.
func diagnose(o config.OTLP, err error) Result {
	msg := err.Error()
	low := strings.ToLower(msg)
	grpc := o.Protocol == config.ProtocolGRPC
	port := ""
	if u, perr := url.Parse(o.Endpoint); perr == nil {
		port = u.Port()
	}
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(low, s) {
				return true
			}
		}
		return false
	}
	r := Result{Status: StatusFailed, Error: msg}
	switch {
	case has("server gave http response to https client", "first record does not look like a tls handshake", "tls: record overflow"):
		r.Summary = "TLS spoken to a plain-HTTP port"
		r.Hint = "the receiver does not speak TLS there: use an http:// endpoint (or OTEL_EXPORTER_OTLP_INSECURE=true), or enable TLS on the receiver"
	case has("certificate signed by unknown authority", "unknown certificate authority"):
		r.Summary = "TLS: the server's certificate is signed by an unknown authority"
		r.Hint = caHint(grpc)
	case has("certificate is valid for", "certificate is not valid for any names", "doesn't contain any ip sans", "not valid for"):
		r.Summary = "TLS: the certificate does not match the endpoint's host name"
		r.Hint = "use the host name the certificate was issued for in the endpoint, or reissue the certificate with this name"
	case has("certificate has expired", "certificate is not yet valid"):
		r.Summary = "TLS: the server's certificate has expired or is not yet valid"
		r.Hint = "renew the receiver's certificate or fix the clock"
	case has("bad certificate", "certificate required"):
		r.Summary = "TLS: the receiver refused the client certificate"
		r.Hint = clientCertHint(grpc)
	// Status codes with their "HTTP " prefix: a bare "401" also matches port 40177.
	case has("http 401", "http 403", "unauthenticated", "permissiondenied", "permission denied", "unauthorized", "forbidden"):
		r.Summary = "the endpoint rejected the credentials (check OTEL_EXPORTER_OTLP_HEADERS / otelHeadersHelper)"
		r.Hint = "the Authorization (or API key) header is missing, wrong or expired"
	case grpc && has("frame too large", "server preface", "http2: failed reading the frame", "unexpected http status code", "malformed header", "missing content-type", "transport: received unexpected content-type", "illegal http/2"):
		r.Summary = "gRPC spoken to an OTLP/HTTP port"
		r.Hint = "set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf for this port" + portHint(port, "4318", "or use the receiver's gRPC port (usually 4317)")
	case !grpc && has("malformed http response", "malformed http status", "http2: server sent goaway", `\x00\x00`, "readlooppeekfaillocked", "unsolicited response"):
		r.Summary = "OTLP/HTTP spoken to a gRPC port"
		r.Hint = "set OTEL_EXPORTER_OTLP_PROTOCOL=grpc for this port" + portHint(port, "4317", "or use the receiver's HTTP port (usually 4318)")
	case has("connection refused"):
		r.Summary = "connection refused: nothing listens at the endpoint"
		r.Hint = "start the Collector, or fix the endpoint's host and port (gRPC usually 4317, HTTP 4318)"
	case has("no such host", "server misbehaving"):
		r.Summary = "the endpoint's host name does not resolve"
		r.Hint = "fix the host in the endpoint, or the DNS of this machine"
	case has("http 404", "not found"):
		r.Summary = "the endpoint answered 404 Not Found: wrong URL path"
		r.Hint = "a per-signal endpoint (OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT) is used as is and must end in /v1/<signal>; the generic one gets it appended"
	case has("deadline exceeded", "timeout", "i/o timeout"):
		r.Summary = "no answer within the timeout"
		r.Hint = "check the host, firewalls and proxies on the way; raise OTEL_EXPORTER_OTLP_TIMEOUT for a slow receiver"
	case !grpc && port == "4317" && has("eof", "connection reset"):
		r.Summary = "the connection was closed: likely OTLP/HTTP spoken to a gRPC port"
		r.Hint = "set OTEL_EXPORTER_OTLP_PROTOCOL=grpc for port 4317, or use port 4318"
	case has("eof", "connection reset"):
		r.Summary = "the receiver closed the connection"
		r.Hint = "check that the protocol matches the port and that TLS matches the receiver"
	default:
		r.Summary = "the export failed"
	}
	return r
}

func portHint(port, typical, rest string) string {
	if port == typical {
		return " (port " + port + " is the usual one for it), " + rest
	}
	return ", " + rest
}

func caHint(grpc bool) string {
	if grpc {
		return "set OTEL_EXPORTER_OTLP_CERTIFICATE to the CA file that signed the receiver's certificate"
	}
	return "set NODE_EXTRA_CA_CERTS (or OTEL_EXPORTER_OTLP_CERTIFICATE) to the CA file that signed the receiver's certificate"
}

func clientCertHint(grpc bool) string {
	if grpc {
		return "set OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY to a certificate the receiver trusts"
	}
	return "set CLAUDE_CODE_CLIENT_CERT and CLAUDE_CODE_CLIENT_KEY to a certificate the receiver trusts"
}
