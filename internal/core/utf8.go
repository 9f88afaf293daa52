package core

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/internal/redact"
)

// ValidUTF8 replaces, in place, every invalid UTF-8 sequence in the string
// values of kv with U+FFFD, as a JavaScript string would be encoded.
// Protobuf refuses invalid UTF-8 in string fields, so a single such value (a
// model name or an OTEL_RESOURCE_ATTRIBUTES pair from a badly encoded
// environment) would otherwise fail every export that carries it.
func ValidUTF8(kv []attribute.KeyValue) []attribute.KeyValue {
	for i, a := range kv {
		switch a.Value.Type() {
		case attribute.STRING:
			if s := a.Value.AsString(); !utf8.ValidString(s) {
				kv[i].Value = attribute.StringValue(strings.ToValidUTF8(s, "\uFFFD"))
			}
		case attribute.STRINGSLICE:
			ss := a.Value.AsStringSlice()
			changed := false
			for j, s := range ss {
				if !utf8.ValidString(s) {
					ss[j], changed = strings.ToValidUTF8(s, "\uFFFD"), true
				}
			}
			if changed {
				kv[i].Value = attribute.StringSliceValue(ss)
			}
		}
		if k := string(a.Key); !utf8.ValidString(k) {
			kv[i].Key = attribute.Key(strings.ToValidUTF8(k, "\uFFFD"))
		}
	}
	return kv
}

// Bound repairs kv as ValidUTF8 does and cuts, in place, every key and
// string value at redact.IdentifierMax bytes. It is for attribute sets built
// once and kept (a session's standard attributes, a metric combination, the
// resource), none of which carries content.
func Bound(kv []attribute.KeyValue) []attribute.KeyValue {
	for i, a := range ValidUTF8(kv) {
		if v, cut := redact.Bound(a.Value, redact.IdentifierMax); cut {
			kv[i].Value = v
		}
		if len(a.Key) > redact.IdentifierMax {
			kv[i].Key = attribute.Key(redact.Cut(string(a.Key), redact.IdentifierMax))
		}
	}
	return kv
}
