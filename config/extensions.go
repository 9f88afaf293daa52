package config

import (
	"strings"
	"time"
)

// Extensions are ccotel's additions to Claude Code's telemetry. Each is off in
// the zero value, which is exactly Claude Code's behaviour.
type Extensions struct {
	// GenAISemconv is OTEL_SEMCONV_STABILITY_OPT_IN containing
	// gen_ai_latest_experimental: the gen_ai.client.token.usage and
	// gen_ai.client.operation.duration histograms are recorded alongside the
	// claude_code.* metrics.
	GenAISemconv bool
	// DeltaContiguous is how long a delta series that saw no data keeps
	// being exported as a zero point, so that consumers adding deltas up
	// (the Collector's prometheus exporter) never see a gap; 0 is off.
	// CCOTEL_DELTA_CONTIGUOUS switches it on, CCOTEL_DELTA_CONTIGUOUS_TTL_MS
	// (30 minutes) sets the time. It has no effect with cumulative temporality.
	DeltaContiguous time.Duration
	// MetricsZeroStart is CCOTEL_METRICS_ZERO_START: every counter series
	// of the OTLP metrics exporter enters the wire with a 0 point, its first
	// value one export later, so that increase() and rate() see a series'
	// first increment (one-off commits, pull requests, decisions).
	MetricsZeroStart bool
	// ServiceInstanceID is CCOTEL_SERVICE_INSTANCE_ID: a UUIDv4
	// service.instance.id, new for every process, on the resource.
	ServiceInstanceID bool
}

// GenAIOptIn is the OTEL_SEMCONV_STABILITY_OPT_IN value that turns on the
// GenAI semantic conventions.
const GenAIOptIn = "gen_ai_latest_experimental"

// SessionIDOn reports whether session.id is sent on the given signal: the
// per-signal ccotel override when set (metrics: MetricsSessionID; logs:
// EventsSessionID), else Claude Code's shared SessionID toggle, which is
// also what traces always follow.
func (i Include) SessionIDOn(s Signal) bool {
	switch {
	case s == SignalMetrics && i.MetricsSessionID != nil:
		return *i.MetricsSessionID
	case s == SignalLogs && i.EventsSessionID != nil:
		return *i.EventsSessionID
	}
	return i.SessionID
}

// extensions reads the ccotel extensions and the semantic conventions opt-in.
func (p *parser) extensions() {
	c := p.cfg
	if v, ok := p.get("OTEL_SEMCONV_STABILITY_OPT_IN"); ok {
		for _, part := range splitList(v) {
			if strings.EqualFold(part, GenAIOptIn) {
				c.Extensions.GenAISemconv = true
			}
		}
	}
	ttl := p.millis("CCOTEL_DELTA_CONTIGUOUS_TTL_MS", defaultOf("CCOTEL_DELTA_CONTIGUOUS_TTL_MS"))
	if p.flag("CCOTEL_DELTA_CONTIGUOUS") {
		c.Extensions.DeltaContiguous = ttl
	}
	c.Extensions.ServiceInstanceID = p.flag("CCOTEL_SERVICE_INSTANCE_ID")
	c.Extensions.MetricsZeroStart = p.flag("CCOTEL_METRICS_ZERO_START")
	if v, ok := p.get("CCOTEL_METRICS_INCLUDE_SESSION_ID"); ok {
		c.Include.MetricsSessionID = new(truthy(v))
	}
	if v, ok := p.get("CCOTEL_EVENTS_INCLUDE_SESSION_ID"); ok {
		c.Include.EventsSessionID = new(truthy(v))
	}
}
