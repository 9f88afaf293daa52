package exporter

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/internal/core"
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
		body, _ := core.ValidValue(c.Body())
		if v, ok := logdedup.Value(body); ok {
			body = v
		}
		c.SetBody(body)
		kvs := make([]attribute.KeyValue, 0, c.AttributesLen())
		c.WalkAttributes(func(kv attribute.KeyValue) bool {
			kv.Key = attribute.Key(strings.ToValidUTF8(string(kv.Key), "\uFFFD"))
			kv.Value, _ = core.ValidValue(kv.Value)
			kvs = append(kvs, kv)
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
	ok := core.ValueValid(r.Body())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		ok = ok && utf8.ValidString(string(kv.Key)) && core.ValueValid(kv.Value)
		return ok
	})
	return ok
}
