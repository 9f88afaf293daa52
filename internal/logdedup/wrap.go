package logdedup

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// Provider is the logger provider hosts get for records of their own, over
// p, built with WithAllowKeyDuplication: a record with a repeated key, in its
// attributes, maps or body, is de-duplicated as the SDK does by default
// before it reaches p; the others pass as they are.
type Provider struct {
	embedded.LoggerProvider
	p *sdklog.LoggerProvider
}

// NewProvider returns the Provider over p.
func NewProvider(p *sdklog.LoggerProvider) *Provider { return &Provider{p: p} }

// Logger returns p's logger for the scope, with the nested duplicate keys of
// the scope's attributes removed as the SDK does by default (attribute.Set
// already keeps one value per key).
func (h *Provider) Logger(name string, opts ...log.LoggerOption) log.Logger {
	attrs := log.NewLoggerConfig(opts...).InstrumentationAttributes()
	if kvs, changed := Nested(attrs.ToSlice()); changed {
		opts = append(opts[:len(opts):len(opts)], log.WithInstrumentationAttributeSet(attribute.NewSet(kvs...)))
	}
	return logger{Logger: h.p.Logger(name, opts...)}
}

// logger de-duplicates a record's keys, as the SDK's logger does by default,
// before handing it to the provider's logger.
type logger struct {
	log.Logger // the sdklog logger, which embeds embedded.Logger
}

func (l logger) Emit(ctx context.Context, r log.Record) {
	var check keyCheck
	r.WalkAttributes(func(kv attribute.KeyValue) bool { return check.add(kv) })
	if !check.suspect(r.Body()) {
		l.Logger.Emit(ctx, r)
		return
	}
	kvs := make([]attribute.KeyValue, 0, r.AttributesLen())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		kvs = append(kvs, kv)
		return true
	})
	out, changed := Attributes(kvs, CountLimit)
	body, bodyChanged := Value(r.Body())
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
