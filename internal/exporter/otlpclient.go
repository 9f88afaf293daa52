package exporter

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlpjson"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// errShutdown is the cause of an export attempted or aborted by Shutdown.
var errShutdown = errors.New("exporter is shut down")

// otlpClient sends one signal's export requests over one protocol. It is
// ccotel's own, for grpc, http/protobuf and http/json alike, so that all
// three read nothing but ccotel's configuration, retry the same failures
// the same way, and fail with the same *ExportError.
type otlpClient struct {
	signal, protocol, endpoint string // endpoint masked
	timeout                    time.Duration
	retry                      retryPolicy
	t                          transport

	// stop aborts every export in flight, retries included, on Shutdown.
	stop     context.Context
	shutdown context.CancelFunc
	once     sync.Once
}

// transport delivers one request, retrying per the policy, and fills resp
// with the Collector's response.
type transport interface {
	// encode returns req's body as it is sent, before compression, and its
	// size; a transport encoding in its own call (gRPC) returns no body.
	encode(req proto.Message) (body []byte, size int, err error)
	// send delivers req, encoded as body when encode returned one.
	send(ctx context.Context, req proto.Message, body []byte, resp proto.Message, p retryPolicy) error
	close()
}

func newOTLPClient(signal, protocol, endpoint string, timeout time.Duration, r retryPolicy, t transport) *otlpClient {
	c := &otlpClient{signal: signal, protocol: protocol, endpoint: config.MaskURL(endpoint), timeout: timeout, retry: r, t: t}
	c.stop, c.shutdown = context.WithCancel(context.Background())
	return c
}

// export sends req, which holds items items, in requests of at most
// MaxRequestBytes. It returns nil when all were delivered and an
// *ExportError otherwise.
func (c *otlpClient) export(ctx context.Context, req, resp proto.Message, items int) error {
	if items == 0 {
		return nil
	}
	if c.stop.Err() != nil {
		return c.fail(items, items, errShutdown)
	}
	body, size, err := c.t.encode(req)
	if err != nil {
		return c.fail(items, items, fmt.Errorf("encoding the request: %w", err))
	}
	if size > MaxRequestBytes {
		a, b, na := halve(req)
		if a == nil {
			return c.fail(items, items, fmt.Errorf("a single item encodes to %d bytes, more than the %d bytes of a request (MaxRequestBytes)", size, MaxRequestBytes))
		}
		fresh := func() proto.Message { return resp.ProtoReflect().New().Interface() }
		return c.join(items, c.export(ctx, a, fresh(), na), c.export(ctx, b, fresh(), items-na))
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	stop := context.AfterFunc(c.stop, cancel)
	defer stop()
	if err := c.t.send(ctx, req, body, resp, c.retry); err != nil {
		if c.stop.Err() != nil {
			err = fmt.Errorf("%w: %w", errShutdown, err)
		}
		return c.fail(items, items, err)
	}
	if n, msg := rejectedBy(resp); n > 0 {
		if msg == "" {
			msg = "the Collector gave no reason"
		}
		return c.fail(items, int(min(n, int64(items))), errors.New("rejected by the Collector: "+msg))
	}
	return nil
}

// join is the outcome of the parts of a split request holding items items
// in all: nil when every part was delivered, else one *ExportError with the
// parts' rejected items summed and each distinct cause once.
func (c *otlpClient) join(items int, parts ...error) error {
	rejected := 0
	var causes []error
	seen := map[string]bool{}
	for _, err := range parts {
		var ee *ExportError
		if !errors.As(err, &ee) {
			continue // nil: export returns nothing else
		}
		rejected += ee.Rejected
		if msg := ee.Err.Error(); !seen[msg] {
			seen[msg] = true
			causes = append(causes, ee.Err)
		}
	}
	if causes == nil {
		return nil
	}
	return c.fail(items, rejected, errors.Join(causes...))
}

// rejectedBy reads the partial success of an Export*ServiceResponse.
func rejectedBy(resp proto.Message) (int64, string) {
	switch r := resp.(type) {
	case *colmetricpb.ExportMetricsServiceResponse:
		return r.GetPartialSuccess().GetRejectedDataPoints(), r.GetPartialSuccess().GetErrorMessage()
	case *collogspb.ExportLogsServiceResponse:
		return r.GetPartialSuccess().GetRejectedLogRecords(), r.GetPartialSuccess().GetErrorMessage()
	case *coltracepb.ExportTraceServiceResponse:
		return r.GetPartialSuccess().GetRejectedSpans(), r.GetPartialSuccess().GetErrorMessage()
	}
	return 0, ""
}

func (c *otlpClient) fail(items, rejected int, err error) error {
	return &ExportError{Signal: c.signal, Protocol: c.protocol, Endpoint: c.endpoint, Items: items, Rejected: rejected, Err: err}
}

// close aborts exports in flight and releases the connection. Exports
// after it fail at once.
func (c *otlpClient) close() {
	c.once.Do(func() {
		c.shutdown()
		c.t.close()
	})
}

// ---- gRPC ----

// grpcTransport calls one of the official collector service clients.
type grpcTransport struct {
	conn     *grpc.ClientConn
	call     func(ctx context.Context, req proto.Message, opts ...grpc.CallOption) (proto.Message, error)
	md       metadata.MD // static headers
	dynamic  func(context.Context) map[string]string
	callOpts []grpc.CallOption
}

func (g *grpcTransport) encode(req proto.Message) ([]byte, int, error) {
	return nil, proto.Size(req), nil
}

func (g *grpcTransport) send(ctx context.Context, req proto.Message, _ []byte, resp proto.Message, p retryPolicy) error {
	return p.do(ctx, func(ctx context.Context) error {
		md := g.md.Copy()
		if g.dynamic != nil {
			for k, v := range g.dynamic(ctx) {
				md.Set(k, v) // lowercases, and replaces the static value
			}
		}
		out, err := g.call(metadata.NewOutgoingContext(ctx, md), req, g.callOpts...)
		if err != nil {
			return grpcRetryable(err)
		}
		proto.Merge(resp, out)
		return nil
	})
}

func (g *grpcTransport) close() { _ = g.conn.Close() }

// grpcRetryable marks the codes the OTLP specification calls retryable;
// ResourceExhausted only when the server says when to retry.
func grpcRetryable(err error) error {
	s, ok := status.FromError(err)
	if !ok {
		return err
	}
	var delay time.Duration
	hasInfo := false
	for _, d := range s.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			hasInfo = true
			delay = ri.GetRetryDelay().AsDuration()
		}
	}
	switch s.Code() {
	case codes.Canceled, codes.DeadlineExceeded, codes.Aborted, codes.OutOfRange, codes.Unavailable, codes.DataLoss:
		return &retryable{err: err, delay: delay}
	case codes.ResourceExhausted:
		if hasInfo {
			return &retryable{err: err, delay: delay}
		}
	}
	return err
}

// ---- HTTP ----

// httpTransport POSTs http/protobuf or http/json.
type httpTransport struct {
	client    *http.Client
	url       string
	json      bool
	gzip      bool
	userAgent string
	headers   http.Header // static, canonical
	dynamic   func(context.Context) map[string]string
}

// maxResponse bounds how much of a response ccotel reads: an OTLP response
// is a few bytes, an error page may be anything.
const maxResponse = 64 << 10

func (h *httpTransport) encode(req proto.Message) ([]byte, int, error) {
	var (
		body []byte
		err  error
	)
	if h.json {
		body, err = otlpjson.Marshal(req) // straight from the message, no protobuf in between
	} else {
		body, err = proto.Marshal(req)
	}
	return body, len(body), err
}

func (h *httpTransport) send(ctx context.Context, _ proto.Message, body []byte, resp proto.Message, p retryPolicy) error {
	if h.gzip {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = buf.Bytes()
	}
	return p.do(ctx, func(ctx context.Context) error { return h.post(ctx, body, resp) })
}

func (h *httpTransport) post(ctx context.Context, body []byte, resp proto.Message) error {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, nil)
	if err != nil {
		return err
	}
	setBody(r, body) // always a Content-Length, never chunked
	for k, v := range h.headers {
		r.Header[k] = v
	}
	if h.json {
		r.Header.Set("Content-Type", "application/json")
	} else {
		r.Header.Set("Content-Type", "application/x-protobuf")
	}
	if h.gzip {
		r.Header.Set("Content-Encoding", "gzip")
	}
	r.Header.Set("User-Agent", h.userAgent)
	if h.dynamic != nil {
		for k, v := range h.dynamic(ctx) {
			r.Header.Set(k, v)
		}
	}
	res, err := h.client.Do(r)
	if err != nil {
		// A *url.Error repeats the URL with its query (where some vendors
		// put keys) and its method; the *ExportError names the masked
		// endpoint, so only the cause is kept.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return httpRetryable(ctx, err)
	}
	defer res.Body.Close()
	data, readErr := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		if readErr != nil || len(data) == 0 {
			return nil // delivered; an unreadable response only loses the partial-success details
		}
		if strings.Contains(res.Header.Get("Content-Type"), "json") {
			_ = otlpjson.Unmarshal(data, resp)
		} else {
			_ = proto.Unmarshal(data, resp)
		}
		return nil
	case res.StatusCode == http.StatusTooManyRequests, res.StatusCode == http.StatusBadGateway,
		res.StatusCode == http.StatusServiceUnavailable, res.StatusCode == http.StatusGatewayTimeout:
		return &retryable{err: statusError(res, data), delay: retryAfter(res.Header.Get("Retry-After"))}
	}
	return statusError(res, data)
}

// httpRetryable marks transport failures as retryable (refused, reset, EOF,
// timeouts, DNS) except those another attempt cannot fix: the context's
// own end and a TLS peer that is not what the configuration trusts.
func httpRetryable(ctx context.Context, err error) error {
	var (
		unknownCA x509.UnknownAuthorityError
		badHost   x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
		notTLS    tls.RecordHeaderError
		tlsAlert  tls.AlertError
	)
	switch {
	case ctx.Err() != nil,
		errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &notTLS), errors.As(err, &tlsAlert),
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return err
	}
	return &retryable{err: err}
}

// statusError describes a non-2xx response: the OTLP Status message when
// the body is one, else the start of the body.
func statusError(res *http.Response, body []byte) error {
	msg := strings.TrimSpace(string(body))
	if len(msg) > 256 {
		msg = msg[:256] + "..."
	}
	if msg == "" {
		return fmt.Errorf("HTTP %s", res.Status)
	}
	return fmt.Errorf("HTTP %s: %s", res.Status, msg)
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func (h *httpTransport) close() { h.client.CloseIdleConnections() }
