package exporter

import (
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/ccotel/ccotel/internal/core"
)

// validUTF8Spans does for spans what validUTF8Records does for log records:
// a span whose name, attributes (nested keys and values included), event
// names and attributes, link attributes or status message hold
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
	if !utf8.ValidString(s.Name()) || !utf8.ValidString(s.Status().Description) || !core.KeyValuesValid(s.Attributes()) {
		return false
	}
	for _, e := range s.Events() {
		if !utf8.ValidString(e.Name) || !core.KeyValuesValid(e.Attributes) {
			return false
		}
	}
	for _, l := range s.Links() {
		if !core.KeyValuesValid(l.Attributes) {
			return false
		}
	}
	return true
}

// validSpan is a ReadOnlySpan whose strings are repaired on read.
type validSpan struct{ sdktrace.ReadOnlySpan }

func (s validSpan) Name() string { return validString(s.ReadOnlySpan.Name()) }

func (s validSpan) Attributes() []attribute.KeyValue {
	return validKeyValues(s.ReadOnlySpan.Attributes())
}

func (s validSpan) Events() []sdktrace.Event {
	evs := append([]sdktrace.Event(nil), s.ReadOnlySpan.Events()...)
	for i := range evs {
		evs[i].Name = validString(evs[i].Name)
		evs[i].Attributes = validKeyValues(evs[i].Attributes)
	}
	return evs
}

func (s validSpan) Links() []sdktrace.Link {
	ls := append([]sdktrace.Link(nil), s.ReadOnlySpan.Links()...)
	for i := range ls {
		ls[i].Attributes = validKeyValues(ls[i].Attributes)
	}
	return ls
}

func (s validSpan) Status() sdktrace.Status {
	st := s.ReadOnlySpan.Status()
	st.Description = validString(st.Description)
	return st
}
