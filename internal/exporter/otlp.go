package exporter

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlpjson"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"golang.org/x/net/http/httpproxy"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/metadata"
)

// retry is the retry policy shared by every OTLP exporter; the packages
// each have their own RetryConfig type with these fields.
type retry struct {
	enabled            bool
	initial, max, upTo time.Duration
}

func (b *builder) retry() retry {
	r := retry{enabled: true, initial: 5 * time.Second, max: 30 * time.Second, upTo: time.Minute}
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
		m[h.Name] = h.Value
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

// httpClient builds the client every HTTP exporter of a signal uses: TLS
// and proxy from the configuration only (never the environment), then the
// RoundTripper chain headers -> (JSON transcoding) -> transport, which
// guarantees a Content-Length.
func (b *builder) httpClient(sig config.Signal, o config.OTLP, transcode otlpjson.Transcoder) (*http.Client, error) {
	u, err := url.Parse(o.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: %q is not an http:// or https:// URL", b.endpointVar(sig), redactURL(o.Endpoint))
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
		if tr.TLSClientConfig, err = tlsConfig(o.TLS, varsFor(b.cfg, sig, o.Protocol), true); err != nil {
			return nil, err
		}
	}
	if o.TLS.ProxyURL != "" {
		pc := &httpproxy.Config{HTTPProxy: o.TLS.ProxyURL, HTTPSProxy: o.TLS.ProxyURL, NoProxy: o.TLS.NoProxy}
		if _, err := url.Parse(o.TLS.ProxyURL); err != nil {
			return nil, fmt.Errorf("HTTPS_PROXY or HTTP_PROXY: invalid proxy URL: %w", err)
		}
		pf := pc.ProxyFunc()
		tr.Proxy = func(r *http.Request) (*url.URL, error) { return pf(r.URL) }
	}
	b.p.closers = append(b.p.closers, func(context.Context) error { tr.CloseIdleConnections(); return nil })
	var rt http.RoundTripper = tr
	if transcode != nil {
		rt = &otlpjson.RoundTripper{Base: rt, Transcode: transcode}
	}
	return &http.Client{Transport: &headerRoundTripper{base: rt, dynamic: b.dynamic}}, nil
}

// headerRoundTripper applies dynamic headers over the exporter's static
// ones and buffers the body so it is sent with a Content-Length: the SDK
// streams gzip bodies with ContentLength -1, which net/http sends chunked.
type headerRoundTripper struct {
	base    http.RoundTripper
	dynamic func(context.Context) map[string]string
}

func (h *headerRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		otlpjson.SetBody(r, body)
	}
	if h.dynamic != nil {
		for k, v := range h.dynamic(req.Context()) {
			r.Header.Set(k, v)
		}
	}
	return h.base.RoundTrip(r)
}

func (b *builder) otlpMetrics(ctx context.Context) (sdkmetric.Exporter, error) {
	o := b.cfg.Metrics.OTLP
	r := b.retry()
	switch o.Protocol {
	case config.ProtocolGRPC:
		dial, err := b.grpcOptions(config.SignalMetrics, o)
		if err != nil {
			return nil, err
		}
		return otlpmetricgrpc.New(ctx,
			otlpmetricgrpc.WithEndpoint(dial.hostport),
			otlpmetricgrpc.WithTLSCredentials(dial.creds),
			otlpmetricgrpc.WithHeaders(staticHeaders(o)),
			otlpmetricgrpc.WithTimeout(orDefault(o.Timeout, 10*time.Second)),
			otlpmetricgrpc.WithRetry(otlpmetricgrpc.RetryConfig{Enabled: r.enabled, InitialInterval: r.initial, MaxInterval: r.max, MaxElapsedTime: r.upTo}),
			otlpmetricgrpc.WithTemporalitySelector(temporality(b.cfg.Metrics.Temporality)),
			otlpmetricgrpc.WithDialOption(dial.opts...),
			otlpmetricgrpc.WithCompressor(dial.compressor))
	case config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON:
		var tc otlpjson.Transcoder
		if o.Protocol == config.ProtocolHTTPJSON {
			tc = otlpjson.MetricsToJSON
		}
		c, err := b.httpClient(config.SignalMetrics, o, tc)
		if err != nil {
			return nil, err
		}
		comp := otlpmetrichttp.NoCompression
		if o.Compression == "gzip" {
			comp = otlpmetrichttp.GzipCompression
		}
		return otlpmetrichttp.New(ctx,
			otlpmetrichttp.WithEndpointURL(o.Endpoint),
			otlpmetrichttp.WithHTTPClient(c),
			otlpmetrichttp.WithHeaders(staticHeaders(o)),
			otlpmetrichttp.WithCompression(comp),
			otlpmetrichttp.WithTimeout(orDefault(o.Timeout, 10*time.Second)),
			otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig{Enabled: r.enabled, InitialInterval: r.initial, MaxInterval: r.max, MaxElapsedTime: r.upTo}),
			otlpmetrichttp.WithTemporalitySelector(temporality(b.cfg.Metrics.Temporality)))
	}
	return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_%sPROTOCOL: unsupported protocol %q", signalPrefix(config.SignalMetrics), o.Protocol)
}

func (b *builder) otlpLogs(ctx context.Context) (sdklog.Exporter, error) {
	o := b.cfg.Logs.OTLP
	r := b.retry()
	switch o.Protocol {
	case config.ProtocolGRPC:
		dial, err := b.grpcOptions(config.SignalLogs, o)
		if err != nil {
			return nil, err
		}
		return otlploggrpc.New(ctx,
			otlploggrpc.WithEndpoint(dial.hostport),
			otlploggrpc.WithTLSCredentials(dial.creds),
			otlploggrpc.WithHeaders(staticHeaders(o)),
			otlploggrpc.WithTimeout(orDefault(o.Timeout, 10*time.Second)),
			otlploggrpc.WithRetry(otlploggrpc.RetryConfig{Enabled: r.enabled, InitialInterval: r.initial, MaxInterval: r.max, MaxElapsedTime: r.upTo}),
			otlploggrpc.WithDialOption(dial.opts...),
			otlploggrpc.WithCompressor(dial.compressor))
	case config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON:
		var tc otlpjson.Transcoder
		if o.Protocol == config.ProtocolHTTPJSON {
			tc = otlpjson.LogsToJSON
		}
		c, err := b.httpClient(config.SignalLogs, o, tc)
		if err != nil {
			return nil, err
		}
		comp := otlploghttp.NoCompression
		if o.Compression == "gzip" {
			comp = otlploghttp.GzipCompression
		}
		return otlploghttp.New(ctx,
			otlploghttp.WithEndpointURL(o.Endpoint),
			otlploghttp.WithHTTPClient(c),
			otlploghttp.WithHeaders(staticHeaders(o)),
			otlploghttp.WithCompression(comp),
			otlploghttp.WithTimeout(orDefault(o.Timeout, 10*time.Second)),
			otlploghttp.WithRetry(otlploghttp.RetryConfig{Enabled: r.enabled, InitialInterval: r.initial, MaxInterval: r.max, MaxElapsedTime: r.upTo}))
	}
	return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_%sPROTOCOL: unsupported protocol %q", signalPrefix(config.SignalLogs), o.Protocol)
}

func (b *builder) otlpTraces(ctx context.Context) (sdktrace.SpanExporter, error) {
	o := b.cfg.Traces.OTLP
	r := b.retry()
	switch o.Protocol {
	case config.ProtocolGRPC:
		dial, err := b.grpcOptions(config.SignalTraces, o)
		if err != nil {
			return nil, err
		}
		return otlptracegrpc.New(ctx,
			otlptracegrpc.WithEndpoint(dial.hostport),
			otlptracegrpc.WithTLSCredentials(dial.creds),
			otlptracegrpc.WithHeaders(staticHeaders(o)),
			otlptracegrpc.WithTimeout(orDefault(o.Timeout, 10*time.Second)),
			otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: r.enabled, InitialInterval: r.initial, MaxInterval: r.max, MaxElapsedTime: r.upTo}),
			otlptracegrpc.WithDialOption(dial.opts...),
			otlptracegrpc.WithCompressor(dial.compressor))
	case config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON:
		// http/json uses our transcoder rather than otlptracehttp's own JSON
		// encoding, so all three signals share one encoder and one test.
		var tc otlpjson.Transcoder
		if o.Protocol == config.ProtocolHTTPJSON {
			tc = otlpjson.TracesToJSON
		}
		c, err := b.httpClient(config.SignalTraces, o, tc)
		if err != nil {
			return nil, err
		}
		comp := otlptracehttp.NoCompression
		if o.Compression == "gzip" {
			comp = otlptracehttp.GzipCompression
		}
		return otlptracehttp.New(ctx,
			otlptracehttp.WithEndpointURL(o.Endpoint),
			otlptracehttp.WithEncoding(otlptracehttp.EncodingProtobuf), // explicit: the env must not switch it
			otlptracehttp.WithHTTPClient(c),
			otlptracehttp.WithHeaders(staticHeaders(o)),
			otlptracehttp.WithCompression(comp),
			otlptracehttp.WithTimeout(orDefault(o.Timeout, 10*time.Second)),
			otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: r.enabled, InitialInterval: r.initial, MaxInterval: r.max, MaxElapsedTime: r.upTo}))
	}
	return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_%sPROTOCOL: unsupported protocol %q", signalPrefix(config.SignalTraces), o.Protocol)
}

// ---- gRPC ----

type grpcDial struct {
	hostport   string
	creds      credentials.TransportCredentials
	compressor string
	opts       []grpc.DialOption
}

// grpcOptions resolves endpoint, transport credentials (always passed
// explicitly, insecure ones included, because credentials the exporter
// derives from OTEL_EXPORTER_OTLP_*CERTIFICATE would take precedence over
// WithInsecure) and the dynamic-headers interceptor.
func (b *builder) grpcOptions(sig config.Signal, o config.OTLP) (grpcDial, error) {
	// WithCompressor("") would make the exporters call otel.Handle (stderr),
	// and not passing it lets OTEL_EXPORTER_OTLP_COMPRESSION in. So the
	// exporter always gets "gzip" and, without compression, a later default
	// call option switches to the identity encoding.
	d := grpcDial{compressor: "gzip"}
	if o.Compression != "gzip" {
		d.opts = append(d.opts, grpc.WithDefaultCallOptions(grpc.UseCompressor(encoding.Identity)))
	}
	plain := o.Insecure
	if i := strings.Index(o.Endpoint, "://"); i >= 0 {
		u, err := url.Parse(o.Endpoint)
		if err != nil || u.Host == "" {
			return d, fmt.Errorf("%s: %q is not a valid URL", b.endpointVar(sig), redactURL(o.Endpoint))
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
		d.creds = insecure.NewCredentials()
	} else {
		tc, err := tlsConfig(o.TLS, varsFor(b.cfg, sig, o.Protocol), false)
		if err != nil {
			return d, err
		}
		d.creds = credentials.NewTLS(tc)
	}
	if b.dynamic != nil {
		dyn := b.dynamic
		d.opts = append(d.opts, grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			md, _ := metadata.FromOutgoingContext(ctx)
			md = md.Copy()
			for k, v := range dyn(ctx) {
				md.Set(k, v) // Set lowercases and replaces the static value
			}
			return invoker(metadata.NewOutgoingContext(ctx, md), method, req, reply, cc, opts...)
		}))
	}
	return d, nil
}
