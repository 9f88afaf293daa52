// Package logdedup removes duplicate attribute keys from log records exactly
// as the OpenTelemetry Go log SDK (go.opentelemetry.io/otel/sdk/log v1.47)
// does by default, for ccotel's LoggerProvider, which is built with
// sdklog.WithAllowKeyDuplication.
//
// By default the SDK's Logger.Emit adds a record's attributes one at a time,
// and every one after the first builds a map of all the attributes already
// there to find its key: for Claude Code's 20-odd attributes that is most of
// an event's cost. ccotel's events have unique keys by construction, so the
// provider skips that work, and what could repeat a key (the host's
// OTEL_RESOURCE_ATTRIBUTES copies, hook_plugin_metrics' keys, a value from
// the host's redactor, a host's own record) goes through this package
// first, which leaves the SDK the same attributes to keep, in the same
// order, with the same values and the same dropped count.
// Provider gives the host's own records the SDK's default behaviour on that
// provider. A host processor that may change records is not handled here:
// with one, telemetry keeps the SDK's de-duplication on.
//
// It reads no environment variables.
package logdedup

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// CountLimit is the attribute count limit of ccotel's log records: the
// SDK's default, set explicitly so OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT in
// the process environment never changes it.
const CountLimit = 128

// depthLimit is the SDK's default attribute value depth limit, which ccotel
// keeps: past it the SDK empties a map or slice, without looking for
// duplicates in it.
const depthLimit = 64

// Attributes returns what the SDK's default Logger.Emit keeps of a record's
// attributes kvs, with at most limit attributes (negative: no limit), as a
// list that a provider built with WithAllowKeyDuplication turns into the
// same record: a repeated key keeps its first position with its last value
// (the SDK overwrites), maps and slices lose their duplicate keys (the last
// value of each), and an attribute past the limit is passed on after the
// kept ones, so that the provider drops and counts it as the SDK would have
// counted it (each occurrence, even of a key seen before). Invalid
// attributes are passed on for the provider to drop. kvs itself is returned,
// with changed false, when nothing repeats, with no allocation.
func Attributes(kvs []attribute.KeyValue, limit int) (out []attribute.KeyValue, changed bool) {
	if !suspect(kvs) {
		return kvs, false
	}
	kept := make([]attribute.KeyValue, 0, len(kvs))
	var over, invalid []attribute.KeyValue
	dup := false
	for _, a := range kvs {
		if !a.Valid() {
			invalid = append(invalid, a)
			continue
		}
		i := index(kept, a.Key)
		if i < 0 && limit >= 0 && len(kept) >= limit {
			over = append(over, a)
			continue
		}
		// The SDK de-duplicates each attribute's value as it adds it, so a
		// value overwritten later still had its duplicates reported.
		if v, d := value(a.Value, depthLimit); d {
			a.Value, changed, dup = v, true, true
		}
		if i >= 0 {
			kept[i] = a
			changed, dup = true, true
			continue
		}
		kept = append(kept, a)
	}
	if dup {
		warn()
	}
	if !changed {
		return kvs, false
	}
	return append(append(kept, over...), invalid...), true
}

// Set is Attributes for Record.SetAttributes, which de-duplicates the whole
// list first and then applies the limit: what it returns, set on a record of
// a provider built with WithAllowKeyDuplication, makes the record the SDK
// would have made by default, dropped count included.
func Set(kvs []attribute.KeyValue, limit int) (out []attribute.KeyValue, changed bool) {
	if !suspect(kvs) {
		return kvs, false
	}
	kept := make([]attribute.KeyValue, 0, len(kvs))
	var invalid []attribute.KeyValue
	dup := false
	for _, a := range kvs {
		if !a.Valid() {
			invalid = append(invalid, a)
			continue
		}
		if i := index(kept, a.Key); i >= 0 {
			kept[i] = a
			changed, dup = true, true
			continue
		}
		kept = append(kept, a)
	}
	for i := range kept {
		if limit >= 0 && i >= limit {
			break // dropped by the provider, never looked into by the SDK
		}
		if v, d := value(kept[i].Value, depthLimit); d {
			kept[i].Value, changed, dup = v, true, true
		}
	}
	if dup {
		warn()
	}
	if !changed {
		return kvs, false
	}
	// The provider drops the invalid ones and says so, as the SDK would.
	return append(kept, invalid...), true
}

// Nested returns kvs with the duplicate keys of their maps removed, the last
// value of each, as the SDK does to a logger's instrumentation scope
// attributes by default (without reporting them), and whether one changed.
func Nested(kvs []attribute.KeyValue) ([]attribute.KeyValue, bool) {
	var out []attribute.KeyValue
	for i, a := range kvs {
		v, changed := value(a.Value, depthLimit)
		if changed && out == nil {
			out = append([]attribute.KeyValue(nil), kvs...)
		}
		if changed {
			out[i].Value = v
		}
	}
	if out == nil {
		return kvs, false
	}
	return out, true
}

// Value returns v with the duplicate keys of its maps removed at any depth,
// the last value of each kept, as the SDK's Record.SetBody does by default
// (without reporting them), and whether it changed.
func Value(v attribute.Value) (attribute.Value, bool) {
	switch v.Type() {
	case attribute.MAP, attribute.SLICE:
		return value(v, -1)
	}
	return v, false
}

// keyCheck collects a record's keys, in a walk whose closure the compiler
// inlines (a call per attribute cost more than the check), stopping at a map
// or slice value or past len(keys) attributes, which take the slow path.
type keyCheck struct {
	keys [48]attribute.Key
	n    int
	hit  bool
}

func (c *keyCheck) add(kv attribute.KeyValue) bool {
	if t := kv.Value.Type(); t == attribute.MAP || t == attribute.SLICE || c.n == len(c.keys) {
		c.hit = true
		return false
	}
	c.keys[c.n] = kv.Key
	c.n++
	return true
}

// suspect reports whether the record whose keys c collected, with body, may
// hold a duplicate.
func (c *keyCheck) suspect(body attribute.Value) bool {
	t := body.Type()
	return c.hit || t == attribute.MAP || t == attribute.SLICE || dupKeys(c.keys[:c.n])
}

// suspect reports whether kvs may hold a duplicate: two valid attributes
// with the same key, or a map or slice value (looked into by the slow path).
// It allocates nothing.
func suspect(kvs []attribute.KeyValue) bool {
	var c keyCheck
	for _, a := range kvs {
		if !c.add(a) {
			return true
		}
	}
	return dupKeys(c.keys[:c.n])
}

// dupKeys reports whether two of keys (at most 127) are the same non-empty
// key (an empty key is dropped by the SDK), with an open-addressing table on
// the stack.
func dupKeys(keys []attribute.Key) bool {
	if len(keys) < 2 {
		return false
	}
	var slots [128]uint8 // index+1 into keys; 0 is free
	for i, key := range keys {
		k := string(key)
		if k == "" {
			continue
		}
		for h := hash(k); ; h++ {
			h &= uint(len(slots) - 1)
			j := slots[h]
			if j == 0 {
				slots[h] = uint8(i + 1)
				break
			}
			if string(keys[j-1]) == k {
				return true
			}
		}
	}
	return false
}

// hash mixes a key's length and three of its bytes: enough to spread
// attribute names, which differ in length or in their ends.
func hash(k string) uint {
	n := uint(len(k))
	h := n*0x9e3779b1 ^ uint(k[0]) ^ uint(k[n-1])<<5 ^ uint(k[n/2])<<11
	return h ^ h>>7 ^ h>>14
}

func index(kvs []attribute.KeyValue, k attribute.Key) int {
	for i := range kvs {
		if kvs[i].Key == k {
			return i
		}
	}
	return -1
}

// value removes duplicate map keys from v (the last value of each: maps
// keep their entries sorted by key, duplicates side by side) and reports
// whether it removed one within depth levels (negative: any depth), the
// levels at which the SDK looks for them. A map or slice at depth 0 is
// left as it is: the SDK empties it.
func value(v attribute.Value, depth int) (attribute.Value, bool) {
	switch v.Type() {
	case attribute.MAP:
		if depth == 0 {
			return v, false
		}
		kvs := v.AsMap()
		out := kvs[:0:0]
		changed := false
		for i := 0; i < len(kvs); {
			j := i + 1
			for j < len(kvs) && kvs[j].Key == kvs[i].Key {
				j++
			}
			kv := kvs[j-1]
			nv, d := value(kv.Value, depth-1)
			kv.Value = nv
			changed = changed || d || j-i > 1
			out = append(out, kv)
			i = j
		}
		if !changed {
			return v, false
		}
		return attribute.MapValue(out...), true
	case attribute.SLICE:
		if depth == 0 {
			return v, false
		}
		vs := v.AsSlice()
		changed := false
		for i := range vs {
			nv, d := value(vs[i], depth-1)
			vs[i] = nv
			changed = changed || d
		}
		if !changed {
			return v, false
		}
		return attribute.SliceValue(vs...), true
	}
	return v, false
}

// warn makes the SDK report a dropped duplicate as it does by default, once
// per process (its "key duplication: dropping key-value pair" warning to
// the global logger, at verbosity 1), by emitting a record with a repeated
// key on a provider that de-duplicates. The SDK's own once makes further
// calls free; this once spares building the provider again. The provider
// has the SDK's default resource, computed once per process, which ccotel's
// meter provider has already computed (and reported a problem with) by the
// time a record exists: given a resource, the provider would parse the
// process's OTEL_RESOURCE_ATTRIBUTES again and could print on stderr
// (telemetry's TestDuplicatesPrintNothing).
var warn = sync.OnceFunc(func() {
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(nop{}),
		sdklog.WithAttributeCountLimit(-1), sdklog.WithAttributeValueLengthLimit(-1))
	var r log.Record
	r.AddAttributes(attribute.Bool("k", true), attribute.Bool("k", false))
	lp.Logger("github.com/ccotel/ccotel/internal/logdedup").Emit(context.Background(), r)
})

type nop struct{}

func (nop) OnEmit(context.Context, *sdklog.Record) error           { return nil }
func (nop) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (nop) Shutdown(context.Context) error                         { return nil }
func (nop) ForceFlush(context.Context) error                       { return nil }
