package exporter

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/exemplar"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Start times as Claude Code's (OpenTelemetry JS): a delta point starts at
// the first measurement of its interval, so two consecutive points of a
// series never touch, and a cumulative series starts at its first
// measurement. The Go SDK starts a delta point at the previous collection
// and every cumulative series at the reader's creation, and does not hand
// the first measurement's time to a reader.
//
// It does create a series' exemplar reservoir at that measurement: for a
// delta series at the first measurement of each interval (the series'
// storage is cleared at every collection), for a cumulative one at the
// first measurement ever. FirstMeasurementOptions installs a reservoir that
// notes the time it was created and offers it as the point's exemplar; the
// periodic reader moves that time into StartTime and drops the exemplar
// (firstMeasurementStarts) before any exporter sees the point. The exemplar
// filter rejects every measurement, so a measurement costs one call to it
// and nothing else: no clock read, no lock.
//
// The Prometheus exporter writes neither exemplars nor created timestamps
// in the text format ccotel serves, so its exposition is unchanged.

// FirstMeasurementOptions are the MeterProvider options that record each
// series' first measurement time for the periodic readers of this package.
// A reader added besides them sees that time as the point's one exemplar.
func FirstMeasurementOptions() []sdkmetric.Option {
	return []sdkmetric.Option{
		// Not exemplar.AlwaysOffFilter: with it the SDK creates no
		// reservoir at all.
		sdkmetric.WithExemplarFilter(offerNothing),
		sdkmetric.WithView(func(i sdkmetric.Instrument) (sdkmetric.Stream, bool) {
			return sdkmetric.Stream{
				Name: i.Name, Description: i.Description, Unit: i.Unit,
				ExemplarReservoirProviderSelector: selectFirstMeasurement,
			}, true
		}),
	}
}

func offerNothing(context.Context) bool { return false }

func selectFirstMeasurement(sdkmetric.Aggregation) exemplar.ReservoirProvider {
	return newFirstMeasurement
}

// newFirstMeasurement is called by the SDK when a measurement creates a
// series (for delta temporality, the series of an interval).
func newFirstMeasurement(attribute.Set) exemplar.Reservoir {
	return &firstMeasurement{at: time.Now().UnixNano()}
}

// firstMeasurement holds the time of the measurement that created it, in
// Unix nanoseconds: 8 bytes a series where a time.Time takes 24, and every
// series of every live session has one.
type firstMeasurement struct {
	at int64
}

// Offer is never called: offerNothing rejects every measurement.
func (r *firstMeasurement) Offer(context.Context, time.Time, exemplar.Value, []attribute.KeyValue) {}

func (r *firstMeasurement) Collect(dest *[]exemplar.Exemplar) {
	*dest = append((*dest)[:0], exemplar.Exemplar{Time: time.Unix(0, r.at)})
}

// firstMeasurementStarts sets the StartTime of every sum and histogram point
// of rm that carries a first-measurement exemplar to that time, and removes
// the exemplars. A time outside the point's window (a clock step) leaves the
// SDK's start in place.
func firstMeasurementStarts(rm *metricdata.ResourceMetrics) {
	for i := range rm.ScopeMetrics {
		ms := rm.ScopeMetrics[i].Metrics
		for j := range ms {
			switch d := ms[j].Data.(type) {
			case metricdata.Sum[float64]:
				sumStarts(d.DataPoints)
			case metricdata.Sum[int64]:
				sumStarts(d.DataPoints)
			case metricdata.Histogram[float64]:
				histStarts(d.DataPoints)
			case metricdata.Histogram[int64]:
				histStarts(d.DataPoints)
			}
		}
	}
}

func sumStarts[N int64 | float64](pts []metricdata.DataPoint[N]) {
	for i := range pts {
		pts[i].StartTime = firstStart(pts[i].StartTime, pts[i].Time, pts[i].Exemplars)
		pts[i].Exemplars = nil
	}
}

func histStarts[N int64 | float64](pts []metricdata.HistogramDataPoint[N]) {
	for i := range pts {
		pts[i].StartTime = firstStart(pts[i].StartTime, pts[i].Time, pts[i].Exemplars)
		pts[i].Exemplars = nil
	}
}

func firstStart[N int64 | float64](start, end time.Time, ex []metricdata.Exemplar[N]) time.Time {
	if len(ex) == 0 {
		return start
	}
	if at := ex[0].Time; !at.Before(start) && !at.After(end) {
		return at
	}
	return start
}
