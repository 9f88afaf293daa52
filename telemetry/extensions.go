package telemetry

import (
	"sync"
	"time"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// withConfigEdit changes the loaded (or given) configuration before anything
// is built: options win over the environment and settings files.
func withConfigEdit(f func(*config.Config)) Option {
	return optionFunc(func(o *options) { o.configEdits = append(o.configEdits, f) })
}

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
	return withConfigEdit(func(c *config.Config) { c.Extensions.DeltaContiguous = max(ttl, 0) })
}

// WithServiceInstanceID adds service.instance.id to the resource: a UUIDv4
// drawn once per process, so that two agents of one user on one host are
// two series to a backend that keys on the resource. An explicit
// service.instance.id in OTEL_RESOURCE_ATTRIBUTES wins. By default it
// follows CCOTEL_SERVICE_INSTANCE_ID and is off: Claude Code sends none.
func WithServiceInstanceID() Option {
	return withConfigEdit(func(c *config.Config) { c.Extensions.ServiceInstanceID = true })
}

// WithSessionIDOn sets whether session.id is sent on metrics
// (config.SignalMetrics) or events (config.SignalLogs), overriding Claude
// Code's shared OTEL_METRICS_INCLUDE_SESSION_ID for that signal only; spans
// always follow the shared toggle. By default each follows
// CCOTEL_METRICS_INCLUDE_SESSION_ID or CCOTEL_EVENTS_INCLUDE_SESSION_ID when
// set, else the shared toggle. Precedence: this option, then the per-signal
// variable, then OTEL_METRICS_INCLUDE_SESSION_ID, then its default (true).
func WithSessionIDOn(signal config.Signal, on bool) Option {
	return withConfigEdit(func(c *config.Config) {
		switch signal {
		case config.SignalMetrics:
			c.Include.MetricsSessionID = &on
		case config.SignalLogs:
			c.Include.EventsSessionID = &on
		}
	})
}

// instanceID is this process's service.instance.id.
var instanceID = sync.OnceValue(core.NewUUID)
