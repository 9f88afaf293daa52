package exporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/config"
)

// HTTPS_PROXY/HTTP_PROXY reach OTLP/HTTP exports through a forward proxy.
// The endpoint's host does not resolve, so only the proxy can have delivered
// the request (and with a proxy the client never resolves it: no traffic
// leaves loopback); a loopback endpoint cannot be used because proxies are
// never applied to loopback hosts.
func TestProxy(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.String()+" "+r.Header.Get("Content-Type"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK) // an empty ExportLogsServiceResponse
	}))
	defer proxy.Close()
	var errMu sync.Mutex
	var errs []error
	cfg := config.Config{Enabled: true, Logs: config.LogsConfig{
		Exporters: []config.Exporter{config.ExporterOTLP}, Interval: time.Hour,
		OTLP: config.OTLP{Protocol: config.ProtocolHTTPProtobuf, Endpoint: "http://collector.invalid:4318/v1/logs",
			Insecure: true, Timeout: 2 * time.Second, TLS: config.TLS{ProxyURL: config.Secret(proxy.URL)}},
	}}
	p, err := Build(context.Background(), cfg, Settings{RetryMaxElapsed: -1,
		ErrorHandler: func(err error) { errMu.Lock(); errs = append(errs, err); errMu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(p.LogProcessors[0]))
	var r otellog.Record
	r.SetBody(attribute.StringValue("claude_code.user_prompt"))
	lp.Logger("t").Emit(context.Background(), r)
	_ = lp.ForceFlush(context.Background())
	_ = lp.Shutdown(context.Background())
	_ = p.Close(context.Background())

	mu.Lock()
	defer mu.Unlock()
	errMu.Lock()
	defer errMu.Unlock()
	if len(seen) != 1 || seen[0] != "POST http://collector.invalid:4318/v1/logs application/x-protobuf" {
		t.Errorf("the proxy saw %q", seen)
	}
	if len(errs) > 0 {
		t.Errorf("errors through the proxy: %v", errs)
	}
}

// NO_PROXY bypasses the proxy, decided by the transport's proxy function
// (checked without dialing anything).
func TestNoProxy(t *testing.T) {
	b := &builder{ctx: context.Background(), cfg: config.Config{}, p: &Pipelines{}}
	o := config.OTLP{Protocol: config.ProtocolHTTPProtobuf, Endpoint: "http://collector.example:4318/v1/logs",
		TLS: config.TLS{ProxyURL: "http://proxy.example:3128", NoProxy: "internal.example,.corp.example"}}
	c, err := b.httpClient(config.SignalLogs, o)
	if err != nil {
		t.Fatal(err)
	}
	tr := c.Transport.(*http.Transport)
	for target, want := range map[string]string{
		"http://collector.example:4318/v1/logs": "http://proxy.example:3128",
		"http://internal.example:4318/v1/logs":  "",
		"http://otel.corp.example/v1/logs":      "",
		"http://127.0.0.1:4318/v1/logs":         "",
	} {
		req, _ := http.NewRequest(http.MethodPost, target, nil)
		u, err := tr.Proxy(req)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != want {
			t.Errorf("proxy for %s = %q, want %q", target, got, want)
		}
	}
}
