package exporter

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/internal/logdedup"
)

// validUTF8Records returns records with every invalid UTF-8 sequence in a
// string body or attribute value replaced by U+FFFD, as a JavaScript string
// would be encoded. Protobuf refuses invalid UTF-8 in string fields, so one
// such value (a model name, a path, a tool error with binary output) would
// otherwise fail the export of the whole batch. Records that need no change
// are passed as they are; the slice is copied only when one does.
func validUTF8Records(records []sdklog.Record) []sdklog.Record {
	var out []sdklog.Record
	for i := range records {
		r := &records[i]
		if recordValid(r) {
			continue
		}
		if out == nil {
			out = append([]sdklog.Record(nil), records...)
		}
		c := out[i].Clone()
		// Two keys may become one: ccotel's provider leaves out the SDK's
		// key de-duplication, so it is done here as the SDK would do it.
		body := validValue(c.Body())
		if v, ok := logdedup.Value(body); ok {
			body = v
		}
		c.SetBody(body)
		kvs := make([]attribute.KeyValue, 0, c.AttributesLen())
		c.WalkAttributes(func(kv attribute.KeyValue) bool {
			kvs = append(kvs, attribute.KeyValue{Key: attribute.Key(strings.ToValidUTF8(string(kv.Key), "\uFFFD")), Value: validValue(kv.Value)})
			return true
		})
		kvs, _ = logdedup.Set(kvs, logdedup.CountLimit)
		c.SetAttributes(kvs...)
		out[i] = c
	}
	if out == nil {
		return records
	}
	return out
}

func recordValid(r *sdklog.Record) bool {
	ok := valueValid(r.Body())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		ok = ok && utf8.ValidString(string(kv.Key)) && valueValid(kv.Value)
		return ok
	})
	return ok
}

func valueValid(v attribute.Value) bool {
	switch v.Type() {
	case attribute.STRING:
		return utf8.ValidString(v.AsString())
	case attribute.STRINGSLICE:
		for _, s := range v.AsStringSlice() {
			if !utf8.ValidString(s) {
				return false
			}
		}
	case attribute.SLICE:
		for _, e := range v.AsSlice() {
			if !valueValid(e) {
				return false
			}
		}
	case attribute.MAP:
		for _, kv := range v.AsMap() {
			if !utf8.ValidString(string(kv.Key)) || !valueValid(kv.Value) {
				return false
			}
		}
	}
	return true
}

func validValue(v attribute.Value) attribute.Value {
	switch v.Type() {
	case attribute.STRING:
		if s := v.AsString(); !utf8.ValidString(s) {
			return attribute.StringValue(strings.ToValidUTF8(s, "\uFFFD"))
		}
	case attribute.STRINGSLICE:
		in := v.AsStringSlice()
		out := make([]string, len(in))
		for i, s := range in {
			out[i] = strings.ToValidUTF8(s, "\uFFFD")
		}
		return attribute.StringSliceValue(out)
	case attribute.SLICE:
		in := v.AsSlice()
		out := make([]attribute.Value, len(in))
		for i, e := range in {
			out[i] = validValue(e)
		}
		return attribute.SliceValue(out...)
	case attribute.MAP:
		in := v.AsMap()
		out := make([]attribute.KeyValue, len(in))
		for i, kv := range in {
			out[i] = attribute.KeyValue{Key: attribute.Key(strings.ToValidUTF8(string(kv.Key), "\uFFFD")), Value: validValue(kv.Value)}
		}
		return attribute.MapValue(out...)
	}
	return v
}
