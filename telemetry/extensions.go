package telemetry

import (
	"sync"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// WithDeltaContiguous keeps delta metric series contiguous (a ccotel
// extension): a series that had data within ttl but none in an export
// interval is exported as a zero point, and every point starts where the
// series' previous point ended. The Collector's prometheus exporter then adds
// every delta to its total instead of replacing the total after a quiet
// interval (see docs/COLLECTORS.md). ttl <= 0 switches it off. It has no
// effect with cumulative temporality. By default it follows
// CCOTEL_DELTA_CONTIGUOUS and CCOTEL_DELTA_CONTIGUOUS_TTL_MS (30 minutes),
// and is off, as in Claude Code.
func WithDeltaContiguous(ttl time.Duration) Option {
	return withVariables("WithDeltaContiguous", func(c *config.Config, _ *options) { c.Extensions.DeltaContiguous = max(ttl, 0) },
		"CCOTEL_DELTA_CONTIGUOUS", "CCOTEL_DELTA_CONTIGUOUS_TTL_MS")
}

// WithServiceInstanceID adds service.instance.id to the resource: a UUIDv4
// drawn once per process, so that two agents of one user on one host are
// two series to a backend that keys on the resource. An explicit
// service.instance.id in OTEL_RESOURCE_ATTRIBUTES wins. By default it
// follows CCOTEL_SERVICE_INSTANCE_ID and is off: Claude Code sends none.
func WithServiceInstanceID() Option {
	return withVariables("WithServiceInstanceID", func(c *config.Config, _ *options) { c.Extensions.ServiceInstanceID = true },
		"CCOTEL_SERVICE_INSTANCE_ID")
}

// WithSessionIDOn sets whether session.id is sent on metrics
// (config.SignalMetrics) or events (config.SignalLogs), overriding Claude
// Code's shared OTEL_METRICS_INCLUDE_SESSION_ID for that signal only; spans
// always follow the shared toggle. By default each follows
// CCOTEL_METRICS_INCLUDE_SESSION_ID or CCOTEL_EVENTS_INCLUDE_SESSION_ID when
// set, else the shared toggle. Precedence: this option, then the per-signal
// variable, then OTEL_METRICS_INCLUDE_SESSION_ID, then its default (true);
// the option is ignored when managed settings set the per-signal variable
// or OTEL_METRICS_INCLUDE_SESSION_ID.
func WithSessionIDOn(signal config.Signal, on bool) Option {
	variable := "CCOTEL_METRICS_INCLUDE_SESSION_ID"
	if signal == config.SignalLogs {
		variable = "CCOTEL_EVENTS_INCLUDE_SESSION_ID"
	}
	return withVariables("WithSessionIDOn", func(c *config.Config, _ *options) {
		switch signal {
		case config.SignalMetrics:
			c.Include.MetricsSessionID = &on
		case config.SignalLogs:
			c.Include.EventsSessionID = &on
		}
	}, variable, "OTEL_METRICS_INCLUDE_SESSION_ID")
}

// instanceID is this process's service.instance.id.
var instanceID = sync.OnceValue(core.NewUUID)
