package exporter

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/otlptest"
	"go.opentelemetry.io/otel/attribute"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	mpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	"google.golang.org/protobuf/proto"
)

// No request is larger than MaxRequestBytes as encoded (protobuf or JSON):
// a 10 MB batch goes in several requests that hold every record once, and a
// record too large for any request fails alone, counted as rejected, while
// the rest of its batch is delivered.
func TestRequestsBoundedBySize(t *testing.T) {
	const n = 100
	body := strings.Repeat("x", 100_000)
	for _, p := range []config.Protocol{config.ProtocolGRPC, config.ProtocolHTTPProtobuf, config.ProtocolHTTPJSON} {
		t.Run(string(p), func(t *testing.T) {
			rcv := otlptest.Start(t, otlptest.Options{})
			endpoint := rcv.HTTPURL(otlptest.Logs)
			if p == config.ProtocolGRPC {
				endpoint = rcv.GRPCEndpoint()
			}
			exp := logExporterTo(t, p, endpoint, time.Minute)
			rs := records(n)
			for i := range rs {
				rs[i].SetBody(attribute.StringValue(body))
			}
			if err := exp.Export(context.Background(), rs); err != nil {
				t.Fatalf("Export: %v", err)
			}
			got, reqs := 0, rcv.Requests()
			for _, q := range reqs {
				size := int(q.ContentLength) // the body as sent, JSON included
				if q.Transport == "grpc" {
					size = proto.Size(q.Logs)
				}
				if q.ContentEncoding != "" && q.ContentEncoding != "identity" {
					t.Fatalf("compressed request: the size is not the encoded one")
				}
				if size > MaxRequestBytes || size <= 0 {
					t.Errorf("a request of %d bytes, bound %d", size, MaxRequestBytes)
				}
				for _, rl := range q.Logs.GetResourceLogs() {
					for _, sl := range rl.GetScopeLogs() {
						got += len(sl.GetLogRecords())
					}
				}
			}
			if got != n || len(reqs) < 3 {
				t.Errorf("%d records in %d requests, want %d in at least 3", got, len(reqs), n)
			}

			huge := records(3)
			huge[1].SetBody(attribute.StringValue(strings.Repeat("y", MaxRequestBytes)))
			err := exp.Export(context.Background(), huge)
			var ee *ExportError
			if !errors.As(err, &ee) || ee.Items != 3 || ee.Rejected != 1 || !strings.Contains(err.Error(), "MaxRequestBytes") {
				t.Fatalf("Export with one record over the bound: %v, want an *ExportError with 1 of 3 rejected", err)
			}
			if after := rcv.Requests(); countLogs(after[len(reqs):]) != 2 {
				t.Errorf("the two ordinary records of the batch were not delivered alone")
			}
		})
	}
}

func countLogs(reqs []otlptest.Request) int {
	n := 0
	for _, q := range reqs {
		for _, rl := range q.Logs.GetResourceLogs() {
			for _, sl := range rl.GetScopeLogs() {
				n += len(sl.GetLogRecords())
			}
		}
	}
	return n
}

// halve cuts a metrics request through resources, scopes and a metric's
// data points, keeping every point once and in order, with its metric's
// name, temporality and monotonicity.
func TestHalveMetrics(t *testing.T) {
	sum := func(name string, points int) *mpb.Metric {
		dp := make([]*mpb.NumberDataPoint, points)
		for i := range dp {
			dp[i] = &mpb.NumberDataPoint{TimeUnixNano: uint64(i)}
		}
		return &mpb.Metric{Name: name, Data: &mpb.Metric_Sum{Sum: &mpb.Sum{DataPoints: dp, IsMonotonic: true,
			AggregationTemporality: mpb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA}}}
	}
	hist := &mpb.Metric{Name: "h", Data: &mpb.Metric_Histogram{Histogram: &mpb.Histogram{DataPoints: make([]*mpb.HistogramDataPoint, 2)}}}
	req := &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*mpb.ResourceMetrics{
		{ScopeMetrics: []*mpb.ScopeMetrics{{Metrics: []*mpb.Metric{sum("a", 3)}}}},
		{ScopeMetrics: []*mpb.ScopeMetrics{{Metrics: []*mpb.Metric{sum("b", 5), hist}}}},
	}}
	flat := func(m proto.Message) []string {
		var out []string
		for _, rm := range m.(*colmetricpb.ExportMetricsServiceRequest).GetResourceMetrics() {
			for _, sm := range rm.GetScopeMetrics() {
				for _, x := range sm.GetMetrics() {
					if s := x.GetSum(); s != nil {
						if !s.GetIsMonotonic() || s.GetAggregationTemporality() != mpb.AggregationTemporality_AGGREGATION_TEMPORALITY_DELTA {
							t.Errorf("%s lost its temporality or monotonicity", x.GetName())
						}
						for _, p := range s.GetDataPoints() {
							out = append(out, x.GetName()+string(rune('0'+p.GetTimeUnixNano())))
						}
					}
					for range x.GetHistogram().GetDataPoints() {
						out = append(out, "h")
					}
				}
			}
		}
		return out
	}
	a, b, na := halve(req)
	if na != 5 {
		t.Fatalf("first half: %d points, want 5 of 10", na)
	}
	got := strings.Join(append(flat(a), flat(b)...), " ")
	if want := strings.Join(flat(req), " "); got != want || len(flat(a)) != 5 {
		t.Errorf("halves %v | %v, want %s cut after 5", flat(a), flat(b), want)
	}
	if a, _, _ := halve(&colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: []*mpb.ResourceMetrics{
		{ScopeMetrics: []*mpb.ScopeMetrics{{Metrics: []*mpb.Metric{sum("a", 1)}}}}}}); a != nil {
		t.Error("a request of one point was halved")
	}
}
