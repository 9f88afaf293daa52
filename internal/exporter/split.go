package exporter

import (
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	lpb "go.opentelemetry.io/proto/otlp/logs/v1"
	mpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tpb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// MaxRequestBytes bounds the body of every OTLP request ccotel sends, as
// encoded before compression (protobuf for grpc and http/protobuf, JSON
// for http/json): the Collector's default gRPC limit (4 MiB). A batch
// whose request would be larger is split in two, each half keeping its
// resource and scope, until every part fits; the Collector would refuse
// the whole request, unrelated records included. Records carry bounded
// values (4 KiB identifiers, the content limit), but a batch of 512 with
// several of them each can still exceed it.
const MaxRequestBytes = 4 << 20

// halve splits req into two requests holding the first n/2 of its n items
// (log records, spans or data points) and the rest, resources and scopes
// repeated where the cut goes through them. It returns nil when req holds
// fewer than two items.
func halve(req proto.Message) (a, b proto.Message, na int) {
	switch r := req.(type) {
	case *collogspb.ExportLogsServiceRequest:
		return halveGroups(r.ResourceLogs, logsIn, splitResourceLogs, func(g []*lpb.ResourceLogs) proto.Message {
			return &collogspb.ExportLogsServiceRequest{ResourceLogs: g}
		})
	case *coltracepb.ExportTraceServiceRequest:
		return halveGroups(r.ResourceSpans, spansIn, splitResourceSpans, func(g []*tpb.ResourceSpans) proto.Message {
			return &coltracepb.ExportTraceServiceRequest{ResourceSpans: g}
		})
	case *colmetricpb.ExportMetricsServiceRequest:
		return halveGroups(r.ResourceMetrics, pointsIn, splitResourceMetrics, func(g []*mpb.ResourceMetrics) proto.Message {
			return &colmetricpb.ExportMetricsServiceRequest{ResourceMetrics: g}
		})
	}
	return nil, nil, 0
}

// halveGroups is halve for a request holding groups, made by wrap.
func halveGroups[G any](groups []G, count func(G) int, split func(G, int) (G, G), wrap func([]G) proto.Message) (a, b proto.Message, na int) {
	n := itemsIn(groups, count)
	if n < 2 {
		return nil, nil, 0
	}
	x, y := cut(groups, n/2, count, split)
	return wrap(x), wrap(y), n / 2
}

// cut splits groups at item n: the groups holding the first n items, and
// the groups holding the rest, the group the cut goes through split in two.
func cut[G any](groups []G, n int, count func(G) int, split func(G, int) (G, G)) (a, b []G) {
	for i, g := range groups {
		c := count(g)
		switch {
		case n == 0:
			return groups[:i:i], groups[i:]
		case n < c:
			x, y := split(g, n)
			return append(groups[:i:i], x), append([]G{y}, groups[i+1:]...)
		}
		n -= c
	}
	return groups, nil
}

func itemsIn[G any](groups []G, count func(G) int) int {
	n := 0
	for _, g := range groups {
		n += count(g)
	}
	return n
}

func logsIn(r *lpb.ResourceLogs) int {
	return itemsIn(r.ScopeLogs, func(s *lpb.ScopeLogs) int { return len(s.LogRecords) })
}

func splitResourceLogs(r *lpb.ResourceLogs, n int) (*lpb.ResourceLogs, *lpb.ResourceLogs) {
	x, y := cut(r.ScopeLogs, n, func(s *lpb.ScopeLogs) int { return len(s.LogRecords) },
		func(s *lpb.ScopeLogs, n int) (*lpb.ScopeLogs, *lpb.ScopeLogs) {
			return &lpb.ScopeLogs{Scope: s.Scope, SchemaUrl: s.SchemaUrl, LogRecords: s.LogRecords[:n:n]},
				&lpb.ScopeLogs{Scope: s.Scope, SchemaUrl: s.SchemaUrl, LogRecords: s.LogRecords[n:]}
		})
	return &lpb.ResourceLogs{Resource: r.Resource, SchemaUrl: r.SchemaUrl, ScopeLogs: x},
		&lpb.ResourceLogs{Resource: r.Resource, SchemaUrl: r.SchemaUrl, ScopeLogs: y}
}

func spansIn(r *tpb.ResourceSpans) int {
	return itemsIn(r.ScopeSpans, func(s *tpb.ScopeSpans) int { return len(s.Spans) })
}

func splitResourceSpans(r *tpb.ResourceSpans, n int) (*tpb.ResourceSpans, *tpb.ResourceSpans) {
	x, y := cut(r.ScopeSpans, n, func(s *tpb.ScopeSpans) int { return len(s.Spans) },
		func(s *tpb.ScopeSpans, n int) (*tpb.ScopeSpans, *tpb.ScopeSpans) {
			return &tpb.ScopeSpans{Scope: s.Scope, SchemaUrl: s.SchemaUrl, Spans: s.Spans[:n:n]},
				&tpb.ScopeSpans{Scope: s.Scope, SchemaUrl: s.SchemaUrl, Spans: s.Spans[n:]}
		})
	return &tpb.ResourceSpans{Resource: r.Resource, SchemaUrl: r.SchemaUrl, ScopeSpans: x},
		&tpb.ResourceSpans{Resource: r.Resource, SchemaUrl: r.SchemaUrl, ScopeSpans: y}
}

func pointsIn(r *mpb.ResourceMetrics) int { return itemsIn(r.ScopeMetrics, scopePoints) }

func scopePoints(s *mpb.ScopeMetrics) int { return itemsIn(s.Metrics, metricPoints) }

func splitResourceMetrics(r *mpb.ResourceMetrics, n int) (*mpb.ResourceMetrics, *mpb.ResourceMetrics) {
	x, y := cut(r.ScopeMetrics, n, scopePoints, func(s *mpb.ScopeMetrics, n int) (*mpb.ScopeMetrics, *mpb.ScopeMetrics) {
		x, y := cut(s.Metrics, n, metricPoints, splitMetric)
		return &mpb.ScopeMetrics{Scope: s.Scope, SchemaUrl: s.SchemaUrl, Metrics: x},
			&mpb.ScopeMetrics{Scope: s.Scope, SchemaUrl: s.SchemaUrl, Metrics: y}
	})
	return &mpb.ResourceMetrics{Resource: r.Resource, SchemaUrl: r.SchemaUrl, ScopeMetrics: x},
		&mpb.ResourceMetrics{Resource: r.Resource, SchemaUrl: r.SchemaUrl, ScopeMetrics: y}
}

func metricPoints(m *mpb.Metric) int {
	switch d := m.Data.(type) {
	case *mpb.Metric_Gauge:
		return len(d.Gauge.GetDataPoints())
	case *mpb.Metric_Sum:
		return len(d.Sum.GetDataPoints())
	case *mpb.Metric_Histogram:
		return len(d.Histogram.GetDataPoints())
	case *mpb.Metric_ExponentialHistogram:
		return len(d.ExponentialHistogram.GetDataPoints())
	case *mpb.Metric_Summary:
		return len(d.Summary.GetDataPoints())
	}
	return 0
}

// splitMetric splits m's data points at n; 0 < n < metricPoints(m).
func splitMetric(m *mpb.Metric, n int) (*mpb.Metric, *mpb.Metric) {
	x := &mpb.Metric{Name: m.Name, Description: m.Description, Unit: m.Unit, Metadata: m.Metadata}
	y := &mpb.Metric{Name: m.Name, Description: m.Description, Unit: m.Unit, Metadata: m.Metadata}
	switch d := m.Data.(type) {
	case *mpb.Metric_Gauge:
		p := d.Gauge.DataPoints
		x.Data = &mpb.Metric_Gauge{Gauge: &mpb.Gauge{DataPoints: p[:n:n]}}
		y.Data = &mpb.Metric_Gauge{Gauge: &mpb.Gauge{DataPoints: p[n:]}}
	case *mpb.Metric_Sum:
		s, p := d.Sum, d.Sum.DataPoints
		x.Data = &mpb.Metric_Sum{Sum: &mpb.Sum{DataPoints: p[:n:n], AggregationTemporality: s.AggregationTemporality, IsMonotonic: s.IsMonotonic}}
		y.Data = &mpb.Metric_Sum{Sum: &mpb.Sum{DataPoints: p[n:], AggregationTemporality: s.AggregationTemporality, IsMonotonic: s.IsMonotonic}}
	case *mpb.Metric_Histogram:
		h, p := d.Histogram, d.Histogram.DataPoints
		x.Data = &mpb.Metric_Histogram{Histogram: &mpb.Histogram{DataPoints: p[:n:n], AggregationTemporality: h.AggregationTemporality}}
		y.Data = &mpb.Metric_Histogram{Histogram: &mpb.Histogram{DataPoints: p[n:], AggregationTemporality: h.AggregationTemporality}}
	case *mpb.Metric_ExponentialHistogram:
		h, p := d.ExponentialHistogram, d.ExponentialHistogram.DataPoints
		x.Data = &mpb.Metric_ExponentialHistogram{ExponentialHistogram: &mpb.ExponentialHistogram{DataPoints: p[:n:n], AggregationTemporality: h.AggregationTemporality}}
		y.Data = &mpb.Metric_ExponentialHistogram{ExponentialHistogram: &mpb.ExponentialHistogram{DataPoints: p[n:], AggregationTemporality: h.AggregationTemporality}}
	case *mpb.Metric_Summary:
		p := d.Summary.DataPoints
		x.Data = &mpb.Metric_Summary{Summary: &mpb.Summary{DataPoints: p[:n:n]}}
		y.Data = &mpb.Metric_Summary{Summary: &mpb.Summary{DataPoints: p[n:]}}
	}
	return x, y
}
