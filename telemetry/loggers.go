package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/internal/logdedup"
)

// ccotel's logger provider is built without the SDK's key de-duplication
// (sdklog.WithAllowKeyDuplication), which was most of an event's cost: the
// events' keys are unique by construction, and what the host or the user
// chooses goes through internal/logdedup, which keeps what the SDK would have
// kept. The host's own records and processors keep the SDK's default
// behaviour through the two wrappers below.

// hostLoggers is the logger provider hosts get (LoggerProvider, and the
// global one with WithGlobal): records with a repeated key, in their
// attributes, maps or body, are de-duplicated as the SDK does by default
// before they reach the provider; the others pass as they are.
type hostLoggers struct {
	embedded.LoggerProvider
	p *sdklog.LoggerProvider
}

// Logger returns the provider's logger for the scope, with the nested
// duplicate keys of the scope's attributes removed as the SDK does by
// default (attribute.Set already keeps one value per key).
func (h *hostLoggers) Logger(name string, opts ...log.LoggerOption) log.Logger {
	attrs := log.NewLoggerConfig(opts...).InstrumentationAttributes()
	if kvs, changed := logdedup.Nested(attrs.ToSlice()); changed {
		opts = append(opts[:len(opts):len(opts)], log.WithInstrumentationAttributeSet(attribute.NewSet(kvs...)))
	}
	return hostLogger{Logger: h.p.Logger(name, opts...)}
}

// hostLogger de-duplicates a host's record's keys, as the SDK's logger does
// by default, before handing it to ccotel's provider's logger.
type hostLogger struct {
	log.Logger // the sdklog logger, which embeds embedded.Logger
}

func (l hostLogger) Emit(ctx context.Context, r log.Record) {
	var buf [16]attribute.KeyValue
	kvs := buf[:0]
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		kvs = append(kvs, kv)
		return true
	})
	out, changed := logdedup.Attributes(kvs, logdedup.CountLimit)
	body, bodyChanged := logdedup.Value(r.Body())
	if !changed && !bodyChanged {
		l.Logger.Emit(ctx, r)
		return
	}
	var c log.Record
	c.SetEventName(r.EventName())
	c.SetTimestamp(r.Timestamp())
	c.SetObservedTimestamp(r.ObservedTimestamp())
	c.SetSeverity(r.Severity())
	c.SetSeverityText(r.SeverityText())
	c.SetBody(body)
	c.SetErr(r.Err())
	c.AddAttributes(out...)
	l.Logger.Emit(ctx, c)
}

// hostProcessor wraps a processor of the host's (WithLogProcessor), which may
// change the records it is handed: a change that repeats a key is resolved
// as the SDK does by default (logdedup.Fix), before the next processor.
type hostProcessor struct {
	sdklog.Processor
}

func (p hostProcessor) OnEmit(ctx context.Context, r *sdklog.Record) error {
	err := p.Processor.OnEmit(ctx, r)
	logdedup.Fix(r, logdedup.CountLimit)
	return err
}
