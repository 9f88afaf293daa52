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

// MaxContiguousSeries bounds the series a contiguous exporter remembers.
// Series beyond it are exported as they come, without gap filling, and the
// first one dropped is reported.
const MaxContiguousSeries = 10000

// Contiguous wraps a delta metrics exporter so that every delta series is
// contiguous: the Collector's prometheus exporter (and any consumer that
// adds deltas up the same way) adds a point to its running total only when
// the point starts where the series' previous point ended, and otherwise
// replaces the total. The SDK leaves a series out of an export when it had
// no data in the interval, so its next point starts at a collection the
// consumer never saw, and the total before it is lost.
//
// For every delta sum and histogram series seen within ttl, Contiguous
//   - exports a zero point (StartTime: the end of the series' previous point,
//     Time: this export's collection time) when the series is absent;
//   - sets the StartTime of a real point to the end of the series' previous
//     point, which only widens the window over time in which nothing was
//     recorded.
//
// A series idle for longer than ttl is forgotten (its next point then
// starts a new total downstream, as without the wrapper); at most
// MaxContiguousSeries series are remembered. Cumulative data passes
// unchanged. Safe for concurrent use.
type Contiguous struct {
	sdkmetric.Exporter
	ttl    time.Duration
	report func(error)
	now    func() time.Time

	mu       sync.Mutex
	series   map[seriesKey]*seriesState
	overflow bool
}

// NewContiguous wraps exp. report receives the one overflow warning; nil
// drops it.
func NewContiguous(exp sdkmetric.Exporter, ttl time.Duration, report func(error)) *Contiguous {
	if report == nil {
		report = func(error) {}
	}
	return &Contiguous{Exporter: exp, ttl: ttl, report: report, now: time.Now, series: map[seriesKey]*seriesState{}}
}

type seriesKind uint8

const (
	kindSumFloat seriesKind = iota
	kindSumInt
	kindHistFloat
	kindHistInt
)

type seriesKey struct {
	scope, name string
	attrs       attribute.Distinct
}

type seriesState struct {
	scope      instrumentation.Scope
	name, desc string
	unit       string
	kind       seriesKind
	monotonic  bool
	bounds     []float64
	attrs      attribute.Set
	lastEnd    time.Time // Time of the last point exported, real or zero
	lastActive time.Time // Time of the last real point
}

func scopeID(s instrumentation.Scope) string {
	return s.Name + "\x00" + s.Version + "\x00" + s.SchemaURL
}

// Series is how many series the wrapper remembers.
func (c *Contiguous) Series() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.series)
}

// Export chains and fills the delta series of rm, then exports a copy; rm
// itself is not modified.
func (c *Contiguous) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	out := c.fill(rm)
	return c.Exporter.Export(ctx, out)
}

func (c *Contiguous) fill(rm *metricdata.ResourceMetrics) *metricdata.ResourceMetrics {
	c.mu.Lock()
	defer c.mu.Unlock()
	out, at := shallowCopy(rm, c.now)
	seen := make(map[seriesKey]struct{}, len(c.series))
	for i := range out.ScopeMetrics {
		sm := &out.ScopeMetrics[i]
		sid := scopeID(sm.Scope)
		for j := range sm.Metrics {
			m := &sm.Metrics[j]
			switch d := m.Data.(type) {
			case metricdata.Sum[float64]:
				if d.Temporality == metricdata.DeltaTemporality {
					d.DataPoints = chainPoints(c, seen, sm.Scope, sid, m, kindSumFloat, d.IsMonotonic, nil, d.DataPoints)
					m.Data = d
				}
			case metricdata.Sum[int64]:
				if d.Temporality == metricdata.DeltaTemporality {
					d.DataPoints = chainPoints(c, seen, sm.Scope, sid, m, kindSumInt, d.IsMonotonic, nil, d.DataPoints)
					m.Data = d
				}
			case metricdata.Histogram[float64]:
				if d.Temporality == metricdata.DeltaTemporality {
					d.DataPoints = chainHist(c, seen, sm.Scope, sid, m, kindHistFloat, d.DataPoints)
					m.Data = d
				}
			case metricdata.Histogram[int64]:
				if d.Temporality == metricdata.DeltaTemporality {
					d.DataPoints = chainHist(c, seen, sm.Scope, sid, m, kindHistInt, d.DataPoints)
					m.Data = d
				}
			}
		}
	}
	for k, s := range c.series {
		if _, ok := seen[k]; ok {
			continue
		}
		if at.Sub(s.lastActive) > c.ttl {
			delete(c.series, k)
			continue
		}
		if !at.After(s.lastEnd) {
			continue
		}
		c.inject(out, s, at)
		s.lastEnd = at
	}
	return out
}

// track returns the state of a series seen in this export, creating it
// unless the bound is reached (then nil).
func (c *Contiguous) track(seen map[seriesKey]struct{}, scope instrumentation.Scope, sid string, m *metricdata.Metrics, kind seriesKind, monotonic bool, bounds []float64, attrs attribute.Set) *seriesState {
	k := seriesKey{scope: sid, name: m.Name, attrs: attrs.Equivalent()}
	seen[k] = struct{}{}
	s := c.series[k]
	if s == nil {
		if len(c.series) >= MaxContiguousSeries {
			if !c.overflow {
				c.overflow = true
				c.report(fmt.Errorf("ccotel: CCOTEL_DELTA_CONTIGUOUS: more than %d series; %s and later new series are exported without gap filling", MaxContiguousSeries, m.Name))
			}
			return nil
		}
		s = &seriesState{scope: scope, name: m.Name, desc: m.Description, unit: m.Unit, kind: kind, monotonic: monotonic, attrs: attrs}
		c.series[k] = s
	}
	if bounds != nil {
		s.bounds = append(s.bounds[:0], bounds...)
	}
	return s
}

// advance chains one real point: its start becomes the series' previous end.
func (s *seriesState) advance(start *time.Time, end time.Time) {
	if !s.lastEnd.IsZero() && s.lastEnd.Before(end) {
		*start = s.lastEnd
	}
	s.lastEnd, s.lastActive = end, end
}

func chainPoints[N int64 | float64](c *Contiguous, seen map[seriesKey]struct{}, scope instrumentation.Scope, sid string, m *metricdata.Metrics, kind seriesKind, monotonic bool, bounds []float64, in []metricdata.DataPoint[N]) []metricdata.DataPoint[N] {
	pts := append([]metricdata.DataPoint[N](nil), in...)
	for i := range pts {
		if s := c.track(seen, scope, sid, m, kind, monotonic, bounds, pts[i].Attributes); s != nil {
			s.advance(&pts[i].StartTime, pts[i].Time)
		}
	}
	return pts
}

func chainHist[N int64 | float64](c *Contiguous, seen map[seriesKey]struct{}, scope instrumentation.Scope, sid string, m *metricdata.Metrics, kind seriesKind, in []metricdata.HistogramDataPoint[N]) []metricdata.HistogramDataPoint[N] {
	pts := append([]metricdata.HistogramDataPoint[N](nil), in...)
	for i := range pts {
		if s := c.track(seen, scope, sid, m, kind, false, pts[i].Bounds, pts[i].Attributes); s != nil {
			s.advance(&pts[i].StartTime, pts[i].Time)
		}
	}
	return pts
}

// inject adds a zero point of s ending at at to out, creating its scope and
// metric when this export has none.
func (c *Contiguous) inject(out *metricdata.ResourceMetrics, s *seriesState, at time.Time) {
	m := metricFor(out, s.scope, s.name, s.desc, s.unit)
	switch s.kind {
	case kindSumFloat:
		d, _ := m.Data.(metricdata.Sum[float64])
		d.Temporality, d.IsMonotonic = metricdata.DeltaTemporality, s.monotonic
		d.DataPoints = append(d.DataPoints, metricdata.DataPoint[float64]{Attributes: s.attrs, StartTime: s.lastEnd, Time: at})
		m.Data = d
	case kindSumInt:
		d, _ := m.Data.(metricdata.Sum[int64])
		d.Temporality, d.IsMonotonic = metricdata.DeltaTemporality, s.monotonic
		d.DataPoints = append(d.DataPoints, metricdata.DataPoint[int64]{Attributes: s.attrs, StartTime: s.lastEnd, Time: at})
		m.Data = d
	case kindHistFloat:
		d, _ := m.Data.(metricdata.Histogram[float64])
		d.Temporality = metricdata.DeltaTemporality
		d.DataPoints = append(d.DataPoints, zeroHist[float64](s, at))
		m.Data = d
	case kindHistInt:
		d, _ := m.Data.(metricdata.Histogram[int64])
		d.Temporality = metricdata.DeltaTemporality
		d.DataPoints = append(d.DataPoints, zeroHist[int64](s, at))
		m.Data = d
	}
}

func zeroHist[N int64 | float64](s *seriesState, at time.Time) metricdata.HistogramDataPoint[N] {
	return metricdata.HistogramDataPoint[N]{
		Attributes:   s.attrs,
		StartTime:    s.lastEnd,
		Time:         at,
		Bounds:       append([]float64(nil), s.bounds...),
		BucketCounts: make([]uint64, len(s.bounds)+1),
	}
}

// shallowCopy copies rm down to its metrics' slices, so a wrapper can replace
// data without touching the SDK's, and returns the collection time of the
// export: its latest point time, else now().
func shallowCopy(rm *metricdata.ResourceMetrics, now func() time.Time) (*metricdata.ResourceMetrics, time.Time) {
	out := &metricdata.ResourceMetrics{Resource: rm.Resource, ScopeMetrics: make([]metricdata.ScopeMetrics, len(rm.ScopeMetrics))}
	var at time.Time
	for i, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if t := latest(m.Data); t.After(at) {
				at = t
			}
		}
		out.ScopeMetrics[i] = metricdata.ScopeMetrics{Scope: sm.Scope, Metrics: append([]metricdata.Metrics(nil), sm.Metrics...)}
	}
	if at.IsZero() {
		at = now()
	}
	return out, at
}

// latest is the latest point time of a metric's data.
func latest(a metricdata.Aggregation) time.Time {
	var t time.Time
	later := func(x time.Time) {
		if x.After(t) {
			t = x
		}
	}
	switch d := a.(type) {
	case metricdata.Sum[float64]:
		for _, p := range d.DataPoints {
			later(p.Time)
		}
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			later(p.Time)
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			later(p.Time)
		}
	case metricdata.Histogram[int64]:
		for _, p := range d.DataPoints {
			later(p.Time)
		}
	}
	return t
}
