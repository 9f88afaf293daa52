package core

import (
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
)

// The constructors of the public packages that take a *State. Those
// packages set them in their init functions and the telemetry package calls
// them. They are kept off the public API because no one outside the module
// can build a *State (internal/apicheck's TestNoInternalTypes), and Go has no
// other way to share an unexported function between packages. Each is set
// once, before main, and never changed.
var (
	// NewEmitter returns an *events.Emitter, nil when logger or st is nil.
	NewEmitter func(logger log.Logger, st *State, detailedBeta bool) any
	// NewRecorder returns a *metrics.Recorder with its instruments created
	// on meter.
	NewRecorder func(meter metric.Meter, st *State) (any, error)
)
