package core

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/internal/logdedup"
	"github.com/ccotel/ccotel/internal/redact"
)

// ValidUTF8 replaces, in place, every invalid UTF-8 sequence in the keys and
// values of kv, nested ones included, with U+FFFD, as a JavaScript string
// would be encoded. Protobuf refuses invalid UTF-8 in string fields, so a
// single such value (a model name, an OTEL_RESOURCE_ATTRIBUTES pair from a
// badly encoded environment, a map from the host's redactor) would otherwise
// fail every export that carries it. Two keys that become one keep the first
// one's position and the last one's value, as the SDK's log records do; kv
// shrinks then.
func ValidUTF8(kv []attribute.KeyValue) []attribute.KeyValue {
	dup := false
	for i, a := range kv {
		kv[i].Value, _ = ValidValue(a.Value)
		if k := string(a.Key); !utf8.ValidString(k) {
			kv[i].Key, dup = attribute.Key(strings.ToValidUTF8(k, "\uFFFD")), true
		}
	}
	if !dup {
		return kv
	}
	out := kv[:0]
	for _, a := range kv {
		if i := index(out, a.Key); i >= 0 {
			out[i].Value = a.Value
			continue
		}
		out = append(out, a)
	}
	return out
}

func index(kv []attribute.KeyValue, k attribute.Key) int {
	for i := range kv {
		if kv[i].Key == k {
			return i
		}
	}
	return -1
}

// KeyValuesValid reports whether every key and value of kv, at any depth,
// is valid UTF-8.
func KeyValuesValid(kv []attribute.KeyValue) bool {
	for _, a := range kv {
		if !utf8.ValidString(string(a.Key)) || !ValueValid(a.Value) {
			return false
		}
	}
	return true
}

// ValueValid reports whether every string and map key of v, at any depth,
// is valid UTF-8.
func ValueValid(v attribute.Value) bool {
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
			if !ValueValid(e) {
				return false
			}
		}
	case attribute.MAP:
		return KeyValuesValid(v.AsMap())
	}
	return true
}

// ValidValue returns v with every invalid UTF-8 sequence in its strings and
// map keys, at any depth, replaced by U+FFFD, and whether it changed. Map
// keys that become one keep the last value, as the SDK's log records do. A
// valid v is returned as it is, without allocating.
func ValidValue(v attribute.Value) (attribute.Value, bool) {
	if ValueValid(v) {
		return v, false
	}
	v = validValue(v)
	if d, ok := logdedup.Value(v); ok {
		v = d
	}
	return v, true
}

func validValue(v attribute.Value) attribute.Value {
	switch v.Type() {
	case attribute.STRING:
		return attribute.StringValue(strings.ToValidUTF8(v.AsString(), "\uFFFD"))
	case attribute.STRINGSLICE:
		ss := v.AsStringSlice() // a copy
		for i, s := range ss {
			ss[i] = strings.ToValidUTF8(s, "\uFFFD")
		}
		return attribute.StringSliceValue(ss)
	case attribute.SLICE:
		vs := v.AsSlice() // a copy
		for i, e := range vs {
			vs[i] = validValue(e)
		}
		return attribute.SliceValue(vs...)
	case attribute.MAP:
		kv := v.AsMap() // a copy
		for i, a := range kv {
			kv[i] = attribute.KeyValue{Key: attribute.Key(strings.ToValidUTF8(string(a.Key), "\uFFFD")), Value: validValue(a.Value)}
		}
		return attribute.MapValue(kv...)
	}
	return v
}

// Bound repairs kv as ValidUTF8 does and cuts, in place, every key and
// string value at redact.IdentifierMax bytes. It is for attribute sets built
// once and kept (a session's standard attributes, a metric combination, the
// resource), none of which carries content.
func Bound(kv []attribute.KeyValue) []attribute.KeyValue {
	kv = ValidUTF8(kv)
	for i, a := range kv {
		if v, cut := redact.Bound(a.Value, redact.IdentifierMax); cut {
			kv[i].Value = v
		}
		if len(a.Key) > redact.IdentifierMax {
			kv[i].Key = attribute.Key(redact.Cut(string(a.Key), redact.IdentifierMax))
		}
	}
	return kv
}
