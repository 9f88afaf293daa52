package exporter

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ccotel/ccotel/config"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"golang.org/x/net/http/httpproxy"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

func (b *builder) retry() retryPolicy {
	r := defaultRetry
	switch {
	case b.s.RetryMaxElapsed < 0:
		r.enabled = false
	case b.s.RetryMaxElapsed > 0:
		r.upTo = b.s.RetryMaxElapsed
		r.initial = min(r.initial, b.s.RetryMaxElapsed/4)
	}
	return r
}

func staticHeaders(o config.OTLP) map[string]string {
	m := make(map[string]string, len(o.Headers)) // never nil: a nil map would let OTEL_*_HEADERS in
	for _, h := range o.Headers {
		m[h.Name] = h.Value.Reveal()
	}
	return m
}

func (b *builder) endpointVar(sig config.Signal) string {
	n := "OTEL_EXPORTER_OTLP_" + signalPrefix(sig) + "ENDPOINT"
	if _, ok := b.cfg.Provenance[n]; ok {
		return n
	}
	return "OTEL_EXPORTER_OTLP_ENDPOINT"
}

// ---- HTTP ----

// httpClient builds the client every HTTP export of a signal uses: TLS and
// proxy from the configuration only, never the environment.
func (b *builder) httpClient(sig config.Signal, o config.OTLP) (*http.Client, error) {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: %q is not an http:// or https:// URL", b.endpointVar(sig), config.MaskURL(o.Endpoint))
	}
	tr := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	if u.Scheme == "https" {
		if tr.TLSClientConfig, err = tlsConfig(b.ctx, o.TLS, varsFor(b.cfg, sig, o.Protocol), true); err != nil {
			return nil, err
		}
	}
	if o.TLS.ProxyURL != "" {
		pc := &httpproxy.Config{HTTPProxy: o.TLS.ProxyURL.Reveal(), HTTPSProxy: o.TLS.ProxyURL.Reveal(), NoProxy: o.TLS.NoProxy}
		if _, err := url.Parse(o.TLS.ProxyURL.Reveal()); err != nil {
			return nil, fmt.Errorf("HTTPS_PROXY or HTTP_PROXY: invalid proxy URL: %w", err)
		}
		pf := pc.ProxyFunc()
		tr.Proxy = func(r *http.Request) (*url.URL, error) { return pf(r.URL) }
	}
	return &http.Client{Transport: tr}, nil
}

// otlpClient builds the export client of one signal. grpcCall invokes the
// signal's official collector service client on a connection.
func (b *builder) otlpClient(sig config.Signal, o config.OTLP, grpcCall func(*grpc.ClientConn) grpcCallFunc) (*otlpClient, error) {
	var t transport
	switch o.Protocol {
	case config.ProtocolGRPC:
		dial, err := b.grpcOptions(sig, o)
		if err != nil {
			return nil, err
		}
		conn, err := grpc.NewClient(dial.hostport, dial.opts...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.endpointVar(sig), err)
		}
		t = &grpcTransport{conn: conn, call: grpcCall(conn), md: metadata.New(staticHeaders(o)), dynamic: b.dynamic, callOpts: dial.callOpts}
	case config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON:
		c, err := b.httpClient(sig, o)
		if err != nil {
			return nil, err
		}
		h := http.Header{}
		for _, kv := range o.Headers {
			h.Set(kv.Name, kv.Value.Reveal())
		}
		t = &httpTransport{
			client: c, url: o.Endpoint, json: o.Protocol == config.ProtocolHTTPJSON, gzip: o.Compression == "gzip",
			userAgent: userAgent, headers: h, dynamic: b.dynamic,
		}
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_%sPROTOCOL: unsupported protocol %q", signalPrefix(sig), o.Protocol)
	}
	return newOTLPClient(string(sig), string(o.Protocol), o.Endpoint, orDefault(o.Timeout, 10*time.Second), b.retry(), t), nil
}

// userAgent names ccotel's exporter; Claude Code sends its JS exporter's.
const userAgent = "ccotel OTLP exporter"

type grpcCallFunc = func(ctx context.Context, req proto.Message, opts ...grpc.CallOption) (proto.Message, error)

func (b *builder) otlpMetrics(context.Context) (sdkmetric.Exporter, error) {
	c, err := b.otlpClient(config.SignalMetrics, b.cfg.Metrics.OTLP, func(conn *grpc.ClientConn) grpcCallFunc {
		sc := colmetricpb.NewMetricsServiceClient(conn)
		return func(ctx context.Context, req proto.Message, opts ...grpc.CallOption) (proto.Message, error) {
			return sc.Export(ctx, req.(*colmetricpb.ExportMetricsServiceRequest), opts...)
		}
	})
	if err != nil {
		return nil, err
	}
	return &otlpMetricExporter{c: c, temporality: temporality(b.cfg.Metrics.Temporality), res: b.s.Resource}, nil
}

func (b *builder) otlpLogs(context.Context) (sdklog.Exporter, error) {
	c, err := b.otlpClient(config.SignalLogs, b.cfg.Logs.OTLP, func(conn *grpc.ClientConn) grpcCallFunc {
		sc := collogspb.NewLogsServiceClient(conn)
		return func(ctx context.Context, req proto.Message, opts ...grpc.CallOption) (proto.Message, error) {
			return sc.Export(ctx, req.(*collogspb.ExportLogsServiceRequest), opts...)
		}
	})
	if err != nil {
		return nil, err
	}
	return &otlpLogExporter{c: c, res: b.s.Resource}, nil
}

func (b *builder) otlpTraces(context.Context) (sdktrace.SpanExporter, error) {
	c, err := b.otlpClient(config.SignalTraces, b.cfg.Traces.OTLP, func(conn *grpc.ClientConn) grpcCallFunc {
		sc := coltracepb.NewTraceServiceClient(conn)
		return func(ctx context.Context, req proto.Message, opts ...grpc.CallOption) (proto.Message, error) {
			return sc.Export(ctx, req.(*coltracepb.ExportTraceServiceRequest), opts...)
		}
	})
	if err != nil {
		return nil, err
	}
	return &otlpSpanExporter{c: c, res: b.s.Resource}, nil
}

// ---- gRPC ----

type grpcDial struct {
	hostport string
	opts     []grpc.DialOption
	callOpts []grpc.CallOption
}

// grpcReconnect keeps the channel's reconnect backoff short (gRPC's default
// grows to 2 minutes): once the Collector is back, exports resume within
// about a second rather than after the outage's own length again.
var grpcReconnect = grpc.ConnectParams{
	Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second},
	MinConnectTimeout: 5 * time.Second,
}

// grpcOptions resolves endpoint, transport credentials, compression and
// connection options. ProxyURL is for the HTTP protocols only, and gRPC's
// own reading of HTTPS_PROXY from the process environment is turned off.
func (b *builder) grpcOptions(sig config.Signal, o config.OTLP) (grpcDial, error) {
	d := grpcDial{opts: []grpc.DialOption{grpc.WithUserAgent(userAgent), grpc.WithNoProxy(), grpc.WithConnectParams(grpcReconnect)}}
	if o.Compression == "gzip" {
		d.callOpts = append(d.callOpts, grpc.UseCompressor(gzip.Name))
	}
	plain := o.Insecure
	if i := strings.Index(o.Endpoint, "://"); i >= 0 {
		u, err := url.Parse(o.Endpoint)
		if err != nil || u.Host == "" {
			return d, fmt.Errorf("%s: %q is not a valid URL", b.endpointVar(sig), config.MaskURL(o.Endpoint))
		}
		switch u.Scheme {
		case "http":
			plain = true
		case "https":
		default:
			return d, fmt.Errorf("%s: unsupported scheme %q for grpc", b.endpointVar(sig), u.Scheme)
		}
		d.hostport = u.Host
		if u.Port() == "" {
			d.hostport = net.JoinHostPort(u.Hostname(), "4317")
		}
	} else {
		d.hostport = o.Endpoint
	}
	if plain {
		d.opts = append(d.opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	} else {
		tc, err := tlsConfig(b.ctx, o.TLS, varsFor(b.cfg, sig, o.Protocol), false)
		if err != nil {
			return d, err
		}
		d.opts = append(d.opts, grpc.WithTransportCredentials(credentials.NewTLS(tc)))
	}
	return d, nil
}
