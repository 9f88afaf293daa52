package telemetry

import (
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/logdedup"
)

// The providers' settings that the SDK would otherwise take from the
// process environment (OTEL_TRACES_SAMPLER, OTEL_SPAN_*, OTEL_LINK_*,
// OTEL_EVENT_*, OTEL_ATTRIBUTE_*, OTEL_LOGRECORD_*) are all passed
// explicitly from the configuration: it is the only source, settings files
// included, and an invalid process value is never parsed by the SDK (which
// prints it on stderr). The defaults are OTel JS's (Claude Code's) and the
// Go SDK's alike.

// sampler is the configured OTEL_TRACES_SAMPLER.
func sampler(t config.TracesConfig) sdktrace.Sampler {
	switch t.Sampler {
	case config.SamplerAlwaysOn:
		return sdktrace.AlwaysSample()
	case config.SamplerAlwaysOff:
		return sdktrace.NeverSample()
	case config.SamplerTraceIDRatio:
		return sdktrace.TraceIDRatioBased(t.SamplerRatio)
	case config.SamplerParentBasedAlwaysOff:
		return sdktrace.ParentBased(sdktrace.NeverSample())
	case config.SamplerParentBasedTraceIDRatio:
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(t.SamplerRatio))
	}
	return sdktrace.ParentBased(sdktrace.AlwaysSample())
}

// spanLimits are the SDK's default span limits with the configured value
// length limit.
func spanLimits(t config.TracesConfig) sdktrace.SpanLimits {
	l := sdktrace.SpanLimits{
		AttributeValueLengthLimit:   sdktrace.DefaultAttributeValueLengthLimit,
		AttributeValueDepthLimit:    sdktrace.DefaultAttributeValueDepthLimit,
		AttributeCountLimit:         sdktrace.DefaultAttributeCountLimit,
		EventCountLimit:             sdktrace.DefaultEventCountLimit,
		LinkCountLimit:              sdktrace.DefaultLinkCountLimit,
		AttributePerEventCountLimit: sdktrace.DefaultAttributePerEventCountLimit,
		AttributePerLinkCountLimit:  sdktrace.DefaultAttributePerLinkCountLimit,
	}
	if t.AttributeValueLengthLimit > 0 {
		l.AttributeValueLengthLimit = t.AttributeValueLengthLimit
	}
	return l
}

// logLimits are the SDK's default log record limits (128 attributes, no
// value length limit) with the configured value length limit, and no key
// de-duplication by the SDK (see Telemetry.hostLoggers).
func logLimits(l config.LogsConfig) []sdklog.LoggerProviderOption {
	length := -1
	if l.AttributeValueLengthLimit > 0 {
		length = l.AttributeValueLengthLimit
	}
	return []sdklog.LoggerProviderOption{sdklog.WithAttributeCountLimit(logdedup.CountLimit),
		sdklog.WithAttributeValueLengthLimit(length),
		// ccotel de-duplicates what may repeat a key itself, as the SDK
		// would (internal/logdedup), so the SDK's de-duplication, most of an
		// event's cost, is left out.
		sdklog.WithAllowKeyDuplication()}
}
