package exporter

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// zeroStartTTL is how long ZeroStart remembers a series that is absent from
// the exports. A remembered series that comes back gets no new zero point;
// a forgotten one gets one, which is harmless: a delta series' zero adds
// nothing, and cumulative series are in every export, so never forgotten
// while the process lives.
const zeroStartTTL = 30 * time.Minute

// ZeroStart wraps a metrics exporter so that every monotonic counter series
// enters the wire with a 0: increase() and rate() only see differences
// between samples, so what a series counted before its first sample (a
// session's first minute of cost, a one-off commit, pull request or reject
// decision) is invisible to them. This is the idea behind Prometheus'
// created-timestamp zero ingestion, done by the sender.
//
// In the export where a series first appears, its point is sent with the
// value 0 and the value is held; the next export carries it (cumulative: the
// SDK's point already holds the whole total; delta: the held value is added
// to the series' next point, which starts where the zero point ended, or a
// point of the held value is injected when the series has none). Shutdown
// exports what is still held before shutting the wrapped exporter down. A
// series' first value thus arrives one export interval late; totals are
// unchanged. At most MaxContiguousSeries series are remembered; new series
// beyond it pass unchanged and the first one is reported. Safe for
// concurrent use.
type ZeroStart struct {
	sdkmetric.Exporter
	report func(error)
	now    func() time.Time

	mu       sync.Mutex
	seen     map[seriesKey]time.Time // series on the wire: when last exported
	held     map[seriesKey]*heldPoint
	overflow bool
}

type heldPoint struct {
	scope       instrumentation.Scope
	name, desc  string
	unit        string
	temporality metricdata.Temporality
	isInt       bool
	attrs       attribute.Set
	start       time.Time // the real point's start
	zeroAt      time.Time // the zero point's time
	f           float64
	i           int64
}

// NewZeroStart wraps exp. report receives the one overflow warning; nil drops it.
func NewZeroStart(exp sdkmetric.Exporter, report func(error)) *ZeroStart {
	if report == nil {
		report = func(error) {}
	}
	return &ZeroStart{Exporter: exp, report: report, now: time.Now,
		seen: map[seriesKey]time.Time{}, held: map[seriesKey]*heldPoint{}}
}

// Export sends a copy of rm with new series zeroed and held values released.
func (z *ZeroStart) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	return z.Exporter.Export(ctx, z.transform(rm))
}

// Shutdown exports the values still held, then shuts the wrapped exporter down.
func (z *ZeroStart) Shutdown(ctx context.Context) error {
	z.mu.Lock()
	var out *metricdata.ResourceMetrics
	if len(z.held) > 0 {
		out = &metricdata.ResourceMetrics{}
		at := z.now()
		for k, h := range z.held {
			z.inject(out, h, at)
			delete(z.held, k)
		}
	}
	z.mu.Unlock()
	var err error
	if out != nil {
		err = z.Exporter.Export(ctx, out)
	}
	if serr := z.Exporter.Shutdown(ctx); serr != nil {
		err = serr
	}
	return err
}

func (z *ZeroStart) transform(rm *metricdata.ResourceMetrics) *metricdata.ResourceMetrics {
	z.mu.Lock()
	defer z.mu.Unlock()
	out, at := shallowCopy(rm, z.now)
	present := map[seriesKey]bool{}
	for i := range out.ScopeMetrics {
		sm := &out.ScopeMetrics[i]
		for j := range sm.Metrics {
			m := &sm.Metrics[j]
			switch d := m.Data.(type) {
			case metricdata.Sum[float64]:
				if d.IsMonotonic {
					d.DataPoints = zeroPoints(z, present, sm.Scope, m, d.Temporality, false, d.DataPoints)
					m.Data = d
				}
			case metricdata.Sum[int64]:
				if d.IsMonotonic {
					d.DataPoints = zeroPoints(z, present, sm.Scope, m, d.Temporality, true, d.DataPoints)
					m.Data = d
				}
			}
		}
	}
	for k, h := range z.held {
		if present[k] {
			continue // zeroed in this very export
		}
		// A delta series with no data since its zero point: its held value
		// still has to arrive.
		z.inject(out, h, at)
		delete(z.held, k)
		z.seen[k] = at
	}
	for k, last := range z.seen {
		if at.Sub(last) > zeroStartTTL {
			delete(z.seen, k)
		}
	}
	return out
}

func zeroPoints[N int64 | float64](z *ZeroStart, present map[seriesKey]bool, scope instrumentation.Scope, m *metricdata.Metrics, temporality metricdata.Temporality, isInt bool, in []metricdata.DataPoint[N]) []metricdata.DataPoint[N] {
	pts := append([]metricdata.DataPoint[N](nil), in...)
	sid := scopeID(scope)
	for i := range pts {
		p := &pts[i]
		k := seriesKey{scope: sid, name: m.Name, attrs: p.Attributes.Equivalent()}
		if h, ok := z.held[k]; ok {
			// The series' second export: release the held value.
			if temporality == metricdata.DeltaTemporality {
				p.Value += N(h.f) + N(h.i)
				p.StartTime = h.zeroAt
			}
			delete(z.held, k)
			z.seen[k] = p.Time
			present[k] = true
			continue
		}
		if _, ok := z.seen[k]; ok {
			z.seen[k] = p.Time
			continue
		}
		if len(z.seen)+len(z.held) >= MaxContiguousSeries {
			if !z.overflow {
				z.overflow = true
				z.report(fmt.Errorf("ccotel: CCOTEL_METRICS_ZERO_START: more than %d series; %s and later new series are exported without a zero start", MaxContiguousSeries, m.Name))
			}
			continue
		}
		h := &heldPoint{scope: scope, name: m.Name, desc: m.Description, unit: m.Unit, temporality: temporality,
			isInt: isInt, attrs: p.Attributes, start: p.StartTime, zeroAt: p.Time}
		if isInt {
			h.i = int64(p.Value)
		} else {
			h.f = float64(p.Value)
		}
		z.held[k] = h
		present[k] = true
		p.Value = 0
	}
	return pts
}

// inject adds the held value of h as a point ending at at.
func (z *ZeroStart) inject(out *metricdata.ResourceMetrics, h *heldPoint, at time.Time) {
	m := metricFor(out, h.scope, h.name, h.desc, h.unit)
	start := h.start
	if h.temporality == metricdata.DeltaTemporality {
		start = h.zeroAt
	}
	if h.isInt {
		d, _ := m.Data.(metricdata.Sum[int64])
		d.Temporality, d.IsMonotonic = h.temporality, true
		d.DataPoints = append(d.DataPoints, metricdata.DataPoint[int64]{Attributes: h.attrs, StartTime: start, Time: at, Value: h.i})
		m.Data = d
		return
	}
	d, _ := m.Data.(metricdata.Sum[float64])
	d.Temporality, d.IsMonotonic = h.temporality, true
	d.DataPoints = append(d.DataPoints, metricdata.DataPoint[float64]{Attributes: h.attrs, StartTime: start, Time: at, Value: h.f})
	m.Data = d
}

// metricFor finds (or adds) the metric named name of scope in out.
func metricFor(out *metricdata.ResourceMetrics, scope instrumentation.Scope, name, desc, unit string) *metricdata.Metrics {
	var sm *metricdata.ScopeMetrics
	for i := range out.ScopeMetrics {
		if scopeID(out.ScopeMetrics[i].Scope) == scopeID(scope) {
			sm = &out.ScopeMetrics[i]
			break
		}
	}
	if sm == nil {
		out.ScopeMetrics = append(out.ScopeMetrics, metricdata.ScopeMetrics{Scope: scope})
		sm = &out.ScopeMetrics[len(out.ScopeMetrics)-1]
	}
	for i := range sm.Metrics {
		if sm.Metrics[i].Name == name {
			return &sm.Metrics[i]
		}
	}
	sm.Metrics = append(sm.Metrics, metricdata.Metrics{Name: name, Description: desc, Unit: unit})
	return &sm.Metrics[len(sm.Metrics)-1]
}
