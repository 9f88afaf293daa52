package exporter

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

func records(n int) []sdklog.Record {
	rs := make([]sdklog.Record, n)
	for i := range rs {
		rs[i].SetBody(attribute.StringValue("claude_code.user_prompt"))
	}
	return rs
}

// logExporterTo builds the OTLP logs exporter for one endpoint, with a long
// timeout so that only the retry policy decides when an export ends.
func logExporterTo(t *testing.T, p config.Protocol, endpoint string, timeout time.Duration) sdklog.Exporter {
	t.Helper()
	b := &builder{cfg: config.Config{Logs: config.LogsConfig{OTLP: config.OTLP{Protocol: p, Endpoint: endpoint, Insecure: true, Timeout: timeout}}}, p: &Pipelines{}}
	exp, err := b.otlpLogs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exp.Shutdown(context.Background()) })
	return exp
}

// hangUp closes the connection under a request without a response: with
// linger 0 the client sees a reset, otherwise EOF.
func hangUp(w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// TestHTTPRetries: every transient failure is retried, on both HTTP
// protocols, and the export then succeeds; permanent ones are not.
func TestHTTPRetries(t *testing.T) {
	tests := []struct {
		name     string
		fail     func(w http.ResponseWriter)
		attempts int64 // with the first success
		ok       bool
	}{
		{"reset", func(w http.ResponseWriter) { hangUp(w, true) }, 3, true},
		{"EOF", func(w http.ResponseWriter) { hangUp(w, false) }, 3, true},
		{"503 with Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
		}, 3, true},
		{"429", func(w http.ResponseWriter) { w.WriteHeader(http.StatusTooManyRequests) }, 3, true},
		{"502", func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, 3, true},
		{"504", func(w http.ResponseWriter) { w.WriteHeader(http.StatusGatewayTimeout) }, 3, true},
		{"400 is final", func(w http.ResponseWriter) { http.Error(w, "bad body", http.StatusBadRequest) }, 1, false},
		{"401 is final", func(w http.ResponseWriter) { w.WriteHeader(http.StatusUnauthorized) }, 1, false},
	}
	for _, p := range []config.Protocol{config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON} {
		for _, tt := range tests {
			t.Run(string(p)+"/"+tt.name, func(t *testing.T) {
				var n atomic.Int64
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if n.Add(1) < 3 || !tt.ok {
						tt.fail(w)
						return
					}
					w.WriteHeader(http.StatusOK)
				}))
				defer srv.Close()
				exp := logExporterTo(t, p, srv.URL+"/v1/logs", time.Hour)
				err := exp.Export(context.Background(), records(4))
				if got := n.Load(); got != tt.attempts {
					t.Errorf("%d attempts, want %d (err %v)", got, tt.attempts, err)
				}
				if tt.ok {
					if err != nil {
						t.Fatalf("export failed: %v", err)
					}
					return
				}
				var ee *ExportError
				if !errors.As(err, &ee) || ee.Items != 4 || ee.Rejected != 4 || ee.Signal != "logs" || ee.Protocol != string(p) {
					t.Fatalf("error %#v, want an ExportError for 4 of 4 logs", err)
				}
			})
		}
	}
}

// A refused connection is retried until the Collector listens.
func TestHTTPRetriesRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // refused from now on
	var n atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	exp := logExporterTo(t, config.ProtocolHTTPProtobuf, "http://"+addr+"/v1/logs", time.Hour)
	done := make(chan error, 1)
	go func() { done <- exp.Export(context.Background(), records(1)) }()
	time.Sleep(300 * time.Millisecond) // let it meet a refusal or two; the result does not depend on it
	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port taken meanwhile: %v", err)
	}
	srv.Listener = l
	srv.Start()
	defer srv.Close()
	if err := <-done; err != nil || n.Load() != 1 {
		t.Fatalf("export: %v after %d deliveries", err, n.Load())
	}
}

// Partial success fails only the rejected items, on every protocol.
func TestPartialSuccess(t *testing.T) {
	resp := &collogspb.ExportLogsServiceResponse{PartialSuccess: &collogspb.ExportLogsPartialSuccess{RejectedLogRecords: 2, ErrorMessage: "too old"}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := proto.Marshal(resp)
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	gs := grpcLogs(t, func(context.Context) (*collogspb.ExportLogsServiceResponse, error) { return resp, nil })
	for _, tt := range []struct {
		p        config.Protocol
		endpoint string
	}{{config.ProtocolHTTPProtobuf, srv.URL + "/v1/logs"}, {config.ProtocolGRPC, gs.addr}} {
		t.Run(string(tt.p), func(t *testing.T) {
			err := logExporterTo(t, tt.p, tt.endpoint, time.Minute).Export(context.Background(), records(5))
			var ee *ExportError
			if !errors.As(err, &ee) || ee.Items != 5 || ee.Rejected != 2 || !strings.Contains(ee.Error(), "too old") {
				t.Fatalf("got %v, want 2 of 5 rejected", err)
			}
		})
	}
}

type logsServer struct {
	collogspb.UnimplementedLogsServiceServer
	addr  string
	calls atomic.Int64
	fn    func(context.Context) (*collogspb.ExportLogsServiceResponse, error)
}

func (s *logsServer) Export(ctx context.Context, _ *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	s.calls.Add(1)
	return s.fn(ctx)
}

func grpcLogs(t *testing.T, fn func(context.Context) (*collogspb.ExportLogsServiceResponse, error)) *logsServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &logsServer{addr: l.Addr().String(), fn: fn}
	g := grpc.NewServer()
	collogspb.RegisterLogsServiceServer(g, s)
	go func() { _ = g.Serve(l) }()
	t.Cleanup(g.Stop)
	return s
}

// The gRPC codes the OTLP specification calls retryable are retried, with
// the server's RetryInfo delay; the others are final.
func TestGRPCRetries(t *testing.T) {
	withInfo := func(c codes.Code) error {
		s, _ := status.New(c, "slow down").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(time.Millisecond)})
		return s.Err()
	}
	tests := []struct {
		name     string
		err      error
		attempts int64
		ok       bool
	}{
		{"Unavailable", status.Error(codes.Unavailable, "down"), 3, true},
		{"ResourceExhausted with RetryInfo", withInfo(codes.ResourceExhausted), 3, true},
		{"Aborted", status.Error(codes.Aborted, "x"), 3, true},
		{"ResourceExhausted without RetryInfo", status.Error(codes.ResourceExhausted, "full"), 1, false},
		{"InvalidArgument", status.Error(codes.InvalidArgument, "bad"), 1, false},
		{"Unauthenticated", status.Error(codes.Unauthenticated, "who"), 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *logsServer
			s = grpcLogs(t, func(context.Context) (*collogspb.ExportLogsServiceResponse, error) {
				if s.calls.Load() < 3 || !tt.ok {
					return nil, tt.err
				}
				return &collogspb.ExportLogsServiceResponse{}, nil
			})
			err := logExporterTo(t, config.ProtocolGRPC, s.addr, time.Hour).Export(context.Background(), records(2))
			if got := s.calls.Load(); got != tt.attempts {
				t.Errorf("%d attempts, want %d (err %v)", got, tt.attempts, err)
			}
			var ee *ExportError
			switch {
			case tt.ok && err != nil:
				t.Fatalf("export failed: %v", err)
			case !tt.ok && (!errors.As(err, &ee) || ee.Rejected != 2 || ee.Protocol != "grpc"):
				t.Fatalf("got %v, want an ExportError for 2 of 2", err)
			}
		})
	}
}

// Shutdown aborts an export that is retrying against a Collector that
// keeps failing, however long its timeout, on every protocol.
func TestShutdownAbortsRetries(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	gs := grpcLogs(t, func(context.Context) (*collogspb.ExportLogsServiceResponse, error) {
		return nil, status.Error(codes.Unavailable, "down")
	})
	for _, tt := range []struct {
		p        config.Protocol
		endpoint string
		calls    func() int64
	}{
		{config.ProtocolHTTPProtobuf, srv.URL + "/v1/logs", nil},
		{config.ProtocolGRPC, gs.addr, gs.calls.Load},
	} {
		t.Run(string(tt.p), func(t *testing.T) {
			exp := logExporterTo(t, tt.p, tt.endpoint, time.Hour)
			done := make(chan error, 1)
			go func() { done <- exp.Export(context.Background(), records(3)) }()
			time.Sleep(500 * time.Millisecond) // inside the retry loop by now, or not: either way it must end
			if err := exp.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				var ee *ExportError
				if !errors.As(err, &ee) || !errors.Is(err, errShutdown) || ee.Rejected != 3 {
					t.Fatalf("got %v, want a shutdown ExportError for 3", err)
				}
			case <-time.After(time.Minute): // an hour's retries otherwise
				t.Fatal("Shutdown did not abort the retry loop")
			}
			if err := exp.Export(context.Background(), records(1)); !errors.Is(err, errShutdown) {
				t.Fatalf("export after Shutdown: %v", err)
			}
		})
	}
}

// A Retry-After beyond the export's deadline ends the export at once
// instead of sleeping into it.
func TestRetryAfterBeyondDeadline(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	err := logExporterTo(t, config.ProtocolHTTPProtobuf, srv.URL+"/v1/logs", time.Minute).Export(context.Background(), records(1))
	if n.Load() != 1 || !strings.Contains(err.Error(), "429") {
		t.Fatalf("%d attempts, err %v", n.Load(), err)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "7": 7 * time.Second, " 2 ": 2 * time.Second, "-1": 0, "soon": 0,
		time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat): 0} {
		if got := retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
