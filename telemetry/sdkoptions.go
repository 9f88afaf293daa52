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
// value length limit) with the configured value length limit. When
// skipSDKDedup is true the SDK's key de-duplication, most of an event's cost,
// is left out: ccotel de-duplicates what may repeat a key itself, as the
// SDK would (internal/logdedup; Telemetry.hostLoggers for the host's own
// records).
func logLimits(l config.LogsConfig, skipSDKDedup bool) []sdklog.LoggerProviderOption {
	length := -1
	if l.AttributeValueLengthLimit > 0 {
		length = l.AttributeValueLengthLimit
	}
	opts := []sdklog.LoggerProviderOption{sdklog.WithAttributeCountLimit(logdedup.CountLimit),
		sdklog.WithAttributeValueLengthLimit(length)}
	if skipSDKDedup {
		opts = append(opts, sdklog.WithAllowKeyDuplication())
	}
	return opts
}

// exportOnly reports whether the host's log processors are all the SDK's
// batch or simple processors, which hand records to an exporter and change
// none. Any other processor may change the records it is handed
// (AddAttributes with a key already there, for a processor that enriches
// records before its own next one), and needs the SDK's de-duplication on
// the records themselves, as a provider with the SDK's defaults has it.
func exportOnly(ps []sdklog.Processor) bool {
	for _, p := range ps {
		switch p.(type) {
		case *sdklog.BatchProcessor, *sdklog.SimpleProcessor:
		default:
			return false
		}
	}
	return true
}
