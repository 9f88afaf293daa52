package otlptest

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccotel/ccotel/internal/otlpjson"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// Signal is "metrics", "logs" or "traces".
type Signal string

// The signals, named as in the /v1/<signal> paths.
const (
	Metrics Signal = "metrics"
	Logs    Signal = "logs"
	Traces  Signal = "traces"
)

// Options configure a Receiver. The zero value is a plain-text receiver that
// accepts everything.
type Options struct {
	// TLS, when set, serves both gRPC and HTTP over TLS with this config.
	// Set ClientAuth to tls.RequireAndVerifyClientCert for mTLS.
	TLS *tls.Config
	// RequiredHeaders must all be present with these values (names are
	// case-insensitive) or the request is refused: HTTP 401, gRPC
	// Unauthenticated.
	RequiredHeaders map[string]string
}

// Request is one export request as the receiver saw it.
type Request struct {
	Signal Signal
	// Transport is "grpc" or "http".
	Transport string
	// Path is the HTTP path, or the gRPC full method name.
	Path string
	// ContentType and ContentEncoding are the HTTP headers; for gRPC the
	// content-type metadata and the grpc-encoding ("gzip", "identity" or "").
	ContentType     string
	ContentEncoding string
	// Header holds the HTTP headers or the gRPC metadata, with canonical
	// names in both cases so Header.Get works alike.
	Header http.Header
	// ContentLength is the declared Content-Length, or -1 when none was sent
	// (always -1 for gRPC). Chunked tells whether the body used chunked
	// transfer encoding.
	ContentLength int64
	Chunked       bool
	// Body is the HTTP body as received (still compressed); nil for gRPC.
	Body []byte
	// Exactly one of these is set when the request was accepted.
	Metrics *colmetricpb.ExportMetricsServiceRequest
	Logs    *collogspb.ExportLogsServiceRequest
	Traces  *coltracepb.ExportTraceServiceRequest
	// Err is why the request was refused; nil when accepted.
	Err error
}

// Receiver is a running in-process OTLP receiver.
type Receiver struct {
	opts     Options
	grpcLn   net.Listener
	httpLn   net.Listener
	grpcSrv  *grpc.Server
	httpSrv  *http.Server
	mu       sync.Mutex
	reqs     []Request
	changed  chan struct{} // closed and replaced on every new request
	stopOnce sync.Once
}

// Start starts a receiver on two 127.0.0.1 ports (gRPC and HTTP) and stops it
// when the test ends.
func Start(t testing.TB, opts Options) *Receiver {
	t.Helper()
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// New starts a receiver; call Stop when done. Prefer Start in tests.
func New(opts Options) (*Receiver, error) {
	r := &Receiver{opts: opts, changed: make(chan struct{})}
	var err error
	if r.grpcLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	if r.httpLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		r.grpcLn.Close()
		return nil, err
	}
	gopts := []grpc.ServerOption{grpc.StatsHandler(compressionRecorder{})}
	if opts.TLS != nil {
		gopts = append(gopts, grpc.Creds(credentials.NewTLS(opts.TLS)))
	}
	r.grpcSrv = grpc.NewServer(gopts...)
	colmetricpb.RegisterMetricsServiceServer(r.grpcSrv, metricsService{r: r})
	collogspb.RegisterLogsServiceServer(r.grpcSrv, logsService{r: r})
	coltracepb.RegisterTraceServiceServer(r.grpcSrv, traceService{r: r})
	go r.grpcSrv.Serve(r.grpcLn) //nolint:errcheck // returns when stopped

	r.httpSrv = &http.Server{Handler: http.HandlerFunc(r.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	ln := r.httpLn
	if opts.TLS != nil {
		ln = tls.NewListener(ln, opts.TLS)
	}
	go r.httpSrv.Serve(ln) //nolint:errcheck // returns when stopped
	return r, nil
}

// Stop stops both servers. It is safe to call more than once.
func (r *Receiver) Stop() {
	r.stopOnce.Do(func() {
		r.grpcSrv.Stop()
		r.httpSrv.Close()
	})
}

func (r *Receiver) scheme() string {
	if r.opts.TLS != nil {
		return "https"
	}
	return "http"
}

// GRPCEndpoint is the gRPC endpoint URL, "http://127.0.0.1:port" (https with TLS).
func (r *Receiver) GRPCEndpoint() string {
	return r.scheme() + "://" + r.grpcLn.Addr().String()
}

// HTTPEndpoint is the base HTTP URL, "http://127.0.0.1:port" (https with TLS).
func (r *Receiver) HTTPEndpoint() string {
	return r.scheme() + "://" + r.httpLn.Addr().String()
}

// Endpoint is the endpoint of an OTEL_EXPORTER_OTLP_PROTOCOL: GRPCEndpoint
// for "grpc", HTTPEndpoint otherwise.
func (r *Receiver) Endpoint(protocol string) string {
	if protocol == "grpc" {
		return r.GRPCEndpoint()
	}
	return r.HTTPEndpoint()
}

// HTTPURL is the full URL of one signal, HTTPEndpoint()+"/v1/"+signal.
func (r *Receiver) HTTPURL(s Signal) string {
	return r.HTTPEndpoint() + "/v1/" + string(s)
}

// Requests returns a copy of every request received so far, refused ones
// included, in arrival order.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// WaitFor waits until a request satisfies match and returns the first one
// that does. It fails the test after timeout.
func (r *Receiver) WaitFor(t testing.TB, timeout time.Duration, match func(Request) bool) Request {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		reqs, changed := r.reqs, r.changed
		r.mu.Unlock()
		for _, q := range reqs {
			if match(q) {
				return q
			}
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("otlptest: no matching request within %v; got %d request(s): %s", timeout, len(reqs), summary(reqs))
			return Request{}
		}
	}
}

// WaitForSignal waits for the first accepted request of signal s.
func (r *Receiver) WaitForSignal(t testing.TB, s Signal, timeout time.Duration) Request {
	t.Helper()
	return r.WaitFor(t, timeout, func(q Request) bool { return q.Signal == s && q.Err == nil })
}

// WaitForMetrics waits for the first accepted metrics request.
func (r *Receiver) WaitForMetrics(t testing.TB, timeout time.Duration) Request {
	t.Helper()
	return r.WaitForSignal(t, Metrics, timeout)
}

// WaitForLogs waits for the first accepted logs request.
func (r *Receiver) WaitForLogs(t testing.TB, timeout time.Duration) Request {
	t.Helper()
	return r.WaitForSignal(t, Logs, timeout)
}

// WaitForTraces waits for the first accepted traces request.
func (r *Receiver) WaitForTraces(t testing.TB, timeout time.Duration) Request {
	t.Helper()
	return r.WaitForSignal(t, Traces, timeout)
}

func summary(reqs []Request) string {
	var parts []string
	for _, q := range reqs {
		s := fmt.Sprintf("%s %s %s", q.Transport, q.Signal, q.Path)
		if q.Err != nil {
			s += " refused: " + q.Err.Error()
		}
		parts = append(parts, s)
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func (r *Receiver) record(q Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, q)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

func (r *Receiver) checkHeaders(h http.Header) error {
	for k, v := range r.opts.RequiredHeaders {
		if got := h.Values(k); len(got) != 1 || got[0] != v {
			// Never echo header values: they are credentials in real use.
			return fmt.Errorf("required header %q missing or wrong", k)
		}
	}
	return nil
}

func newMessage(s Signal) proto.Message {
	switch s {
	case Metrics:
		return &colmetricpb.ExportMetricsServiceRequest{}
	case Logs:
		return &collogspb.ExportLogsServiceRequest{}
	case Traces:
		return &coltracepb.ExportTraceServiceRequest{}
	}
	return nil
}

func (q *Request) set(m proto.Message) {
	switch m := m.(type) {
	case *colmetricpb.ExportMetricsServiceRequest:
		q.Metrics = m
	case *collogspb.ExportLogsServiceRequest:
		q.Logs = m
	case *coltracepb.ExportTraceServiceRequest:
		q.Traces = m
	}
}

func responseFor(s Signal) proto.Message {
	switch s {
	case Metrics:
		return &colmetricpb.ExportMetricsServiceResponse{}
	case Logs:
		return &collogspb.ExportLogsServiceResponse{}
	}
	return &coltracepb.ExportTraceServiceResponse{}
}

func (r *Receiver) serveHTTP(w http.ResponseWriter, hr *http.Request) {
	q := Request{
		Transport:       "http",
		Path:            hr.URL.Path,
		ContentType:     hr.Header.Get("Content-Type"),
		ContentEncoding: hr.Header.Get("Content-Encoding"),
		Header:          hr.Header.Clone(),
		ContentLength:   hr.ContentLength,
		Chunked:         len(hr.TransferEncoding) > 0 && hr.TransferEncoding[0] == "chunked",
	}
	code, err := r.decodeHTTP(hr, &q)
	if err != nil {
		q.Err = err
		r.record(q)
		http.Error(w, err.Error(), code)
		return
	}
	r.record(q)
	mt, _, _ := mime.ParseMediaType(q.ContentType)
	if mt == "application/json" {
		b, _ := otlpjson.Marshal(responseFor(q.Signal))
		w.Header().Set("Content-Type", "application/json")
		w.Write(b) //nolint:errcheck // best effort
		return
	}
	b, _ := proto.Marshal(responseFor(q.Signal))
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(b) //nolint:errcheck // best effort
}

func (r *Receiver) decodeHTTP(hr *http.Request, q *Request) (int, error) {
	if hr.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, fmt.Errorf("method %s", hr.Method)
	}
	switch hr.URL.Path {
	case "/v1/metrics":
		q.Signal = Metrics
	case "/v1/logs":
		q.Signal = Logs
	case "/v1/traces":
		q.Signal = Traces
	default:
		return http.StatusNotFound, fmt.Errorf("unknown path %s", hr.URL.Path)
	}
	if err := r.checkHeaders(hr.Header); err != nil {
		return http.StatusUnauthorized, err
	}
	body, err := io.ReadAll(hr.Body)
	if err != nil {
		return http.StatusBadRequest, err
	}
	q.Body = body
	switch strings.ToLower(q.ContentEncoding) {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return http.StatusBadRequest, fmt.Errorf("gzip: %w", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			return http.StatusBadRequest, fmt.Errorf("gzip: %w", err)
		}
	default:
		return http.StatusUnsupportedMediaType, fmt.Errorf("content encoding %q", q.ContentEncoding)
	}
	m := newMessage(q.Signal)
	mt, _, _ := mime.ParseMediaType(q.ContentType)
	switch mt {
	case "application/x-protobuf":
		err = proto.Unmarshal(body, m)
	case "application/json":
		err = otlpjson.Unmarshal(body, m)
	default:
		return http.StatusUnsupportedMediaType, fmt.Errorf("content type %q", q.ContentType)
	}
	if err != nil {
		return http.StatusBadRequest, fmt.Errorf("decoding %s body: %w", mt, err)
	}
	q.set(m)
	return http.StatusOK, nil
}

func (r *Receiver) grpcExport(ctx context.Context, s Signal, m proto.Message) error {
	md, _ := metadata.FromIncomingContext(ctx)
	// Canonical names, so Header.Get works the same for gRPC and HTTP.
	h := http.Header{}
	for k, vs := range md {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	method, _ := grpc.Method(ctx)
	q := Request{
		Signal: s, Transport: "grpc", Path: method,
		ContentType: strings.Join(md.Get("content-type"), ","), ContentEncoding: compressionOf(ctx),
		Header: h, ContentLength: -1,
	}
	if err := r.checkHeaders(h); err != nil {
		q.Err = err
		r.record(q)
		return status.Error(codes.Unauthenticated, err.Error())
	}
	q.set(proto.Clone(m))
	r.record(q)
	return nil
}

type metricsService struct {
	colmetricpb.UnimplementedMetricsServiceServer
	r *Receiver
}

func (s metricsService) Export(ctx context.Context, req *colmetricpb.ExportMetricsServiceRequest) (*colmetricpb.ExportMetricsServiceResponse, error) {
	return &colmetricpb.ExportMetricsServiceResponse{}, s.r.grpcExport(ctx, Metrics, req)
}

type logsService struct {
	collogspb.UnimplementedLogsServiceServer
	r *Receiver
}

func (s logsService) Export(ctx context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	return &collogspb.ExportLogsServiceResponse{}, s.r.grpcExport(ctx, Logs, req)
}

type traceService struct {
	coltracepb.UnimplementedTraceServiceServer
	r *Receiver
}

func (s traceService) Export(ctx context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	return &coltracepb.ExportTraceServiceResponse{}, s.r.grpcExport(ctx, Traces, req)
}

// compressionRecorder notes the grpc-encoding of each RPC, which gRPC strips
// from the metadata the handler sees.
type compressionRecorder struct{}

type compressionKey struct{}

func (compressionRecorder) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return context.WithValue(ctx, compressionKey{}, new(string))
}

func (compressionRecorder) HandleRPC(ctx context.Context, s stats.RPCStats) {
	if h, ok := s.(*stats.InHeader); ok {
		if p, ok := ctx.Value(compressionKey{}).(*string); ok {
			*p = h.Compression
		}
	}
}

func (compressionRecorder) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}

func (compressionRecorder) HandleConn(context.Context, stats.ConnStats) {}

func compressionOf(ctx context.Context) string {
	if p, ok := ctx.Value(compressionKey{}).(*string); ok {
		return *p
	}
	return ""
}
