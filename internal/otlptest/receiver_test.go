package otlptest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/internal/otlpjson"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

func traceReq() *coltracepb.ExportTraceServiceRequest {
	return &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		ScopeSpans: []*tracepb.ScopeSpans{{Spans: []*tracepb.Span{{
			TraceId: bytes.Repeat([]byte{0xab}, 16), SpanId: bytes.Repeat([]byte{0xcd}, 8), Name: "s",
		}}}},
	}}}
}

func post(t *testing.T, url, ct string, body io.Reader, hdr map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, body)
	req.Header.Set("Content-Type", ct)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestHTTPJSONAndProtobuf(t *testing.T) {
	r := Start(t, Options{RequiredHeaders: map[string]string{"X-Key": "k"}})
	ok := map[string]string{"x-key": "k"}

	js, _ := otlpjson.Marshal(traceReq())
	if c := post(t, r.HTTPURL(Traces), "application/json", bytes.NewReader(js), ok); c != 200 {
		t.Fatalf("hex JSON: status %d", c)
	}
	q := r.WaitForTraces(t, time.Second)
	if !proto.Equal(q.Traces, traceReq()) || q.ContentLength != int64(len(js)) || q.Chunked {
		t.Fatalf("decoded %v, Content-Length %d, chunked %v", q.Traces, q.ContentLength, q.Chunked)
	}

	base64JSON := `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"q6urq6urq6urq6urq6urqw==","spanId":"zc3Nzc3Nzc0="}]}]}]}`
	if c := post(t, r.HTTPURL(Traces), "application/json", strings.NewReader(base64JSON), ok); c != 400 {
		t.Fatalf("base64 ids: status %d, want 400", c)
	}
	pb, _ := proto.Marshal(traceReq())
	if c := post(t, r.HTTPURL(Traces), "application/x-protobuf", bytes.NewReader(pb), nil); c != 401 {
		t.Fatalf("missing header: status %d, want 401", c)
	}
	// io.MultiReader hides the length, so net/http sends it chunked.
	if c := post(t, r.HTTPURL(Traces), "application/x-protobuf", io.MultiReader(bytes.NewReader(pb)), ok); c != 200 {
		t.Fatalf("chunked protobuf: status %d", c)
	}
	reqs := r.Requests()
	if len(reqs) != 4 || reqs[1].Err == nil || reqs[2].Err == nil || !reqs[3].Chunked || reqs[3].ContentLength != -1 {
		t.Fatalf("requests: %s", summary(reqs))
	}
	if strings.Contains(reqs[2].Err.Error(), "k\"") {
		t.Fatalf("error leaks the header value: %v", reqs[2].Err)
	}
}

func TestGRPCMetadata(t *testing.T) {
	r := Start(t, Options{RequiredHeaders: map[string]string{"x-key": "k"}})
	conn, err := grpc.NewClient(strings.TrimPrefix(r.GRPCEndpoint(), "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := coltracepb.NewTraceServiceClient(conn)
	if _, err := c.Export(context.Background(), traceReq()); err == nil {
		t.Fatal("missing header accepted")
	}
	ctx := metadata.AppendToOutgoingContext(context.Background(), "x-key", "k")
	if _, err := c.Export(ctx, traceReq()); err != nil {
		t.Fatal(err)
	}
	q := r.WaitForTraces(t, time.Second)
	if q.Header.Get("X-Key") != "k" || q.Path != "/opentelemetry.proto.collector.trace.v1.TraceService/Export" {
		t.Fatalf("request %+v", q)
	}
}
