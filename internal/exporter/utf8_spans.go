package exporter

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ccotel/ccotel/internal/core"
)

// validUTF8Spans does for spans what validUTF8Records does for log records:
// a span whose name, attributes, event attributes or status message hold
// invalid UTF-8 is replaced by a view with U+FFFD in their place, so one bad
// value (a model name, a shell command with binary bytes) cannot fail the
// export of the whole batch. Valid batches pass without copying.
func validUTF8Spans(spans []sdktrace.ReadOnlySpan) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for i, s := range spans {
		if spanValid(s) {
			continue
		}
		if out == nil {
			out = append([]sdktrace.ReadOnlySpan(nil), spans...)
		}
		out[i] = validSpan{s}
	}
	if out == nil {
		return spans
	}
	return out
}

func spanValid(s sdktrace.ReadOnlySpan) bool {
	if !utf8.ValidString(s.Name()) || !utf8.ValidString(s.Status().Description) || !attrsValid(s.Attributes()) {
		return false
	}
	for _, e := range s.Events() {
		if !utf8.ValidString(e.Name) || !attrsValid(e.Attributes) {
			return false
		}
	}
	return true
}

func attrsValid(kv []attribute.KeyValue) bool {
	for _, a := range kv {
		if !utf8.ValidString(string(a.Key)) {
			return false
		}
		switch a.Value.Type() {
		case attribute.STRING:
			if !utf8.ValidString(a.Value.AsString()) {
				return false
			}
		case attribute.STRINGSLICE:
			for _, s := range a.Value.AsStringSlice() {
				if !utf8.ValidString(s) {
					return false
				}
			}
		}
	}
	return true
}

// validSpan is a ReadOnlySpan whose strings are repaired on read.
type validSpan struct{ sdktrace.ReadOnlySpan }

func (s validSpan) Name() string { return strings.ToValidUTF8(s.ReadOnlySpan.Name(), "\uFFFD") }

func (s validSpan) Attributes() []attribute.KeyValue {
	return core.ValidUTF8(append([]attribute.KeyValue(nil), s.ReadOnlySpan.Attributes()...))
}

func (s validSpan) Events() []sdktrace.Event {
	evs := append([]sdktrace.Event(nil), s.ReadOnlySpan.Events()...)
	for i := range evs {
		evs[i].Name = strings.ToValidUTF8(evs[i].Name, "\uFFFD")
		evs[i].Attributes = core.ValidUTF8(append([]attribute.KeyValue(nil), evs[i].Attributes...))
	}
	return evs
}

func (s validSpan) Status() sdktrace.Status {
	st := s.ReadOnlySpan.Status()
	st.Description = strings.ToValidUTF8(st.Description, "\uFFFD")
	return st
}
