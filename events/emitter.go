package events

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"

	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/logdedup"
	"github.com/ccotel/ccotel/internal/redact"
	"github.com/ccotel/ccotel/metrics"
)

// Emitter emits Claude Code's events on one logger. A nil *Emitter is valid
// and emits nothing, so a host can keep calling it with telemetry off. Its
// methods never return errors and never panic: problems go to the handle's
// error handler.
type Emitter struct {
	logger   log.Logger
	st       *core.State
	flags    redact.Gate
	max      int
	bodyDir  string // absolute OTEL_LOG_RAW_API_BODIES=file:<dir>, "" inline
	hostRedo core.Redactor
	// hostPaths is workspace.host_paths, bounded once.
	hostPaths attribute.Value
	// collide: the standard attributes copy OTEL_RESOURCE_ATTRIBUTES, so a
	// record's keys may repeat (see finish).
	collide bool
}

func init() {
	core.NewEmitter = func(logger log.Logger, st *core.State, detailedBeta bool) any {
		return newEmitter(logger, st, detailedBeta)
	}
}

// newEmitter returns an Emitter writing to logger, which should be the
// logger of scope com.anthropic.claude_code.events. The telemetry package
// calls it once per handle (through core.NewEmitter); hosts get the Emitter
// from there. detailedBeta opens the detailed beta tracing gate
// (ENABLE_BETA_TRACING_DETAILED with BETA_TRACING_ENDPOINT: the tool event
// and hook_definitions), which core.State does not carry. It returns nil (a
// no-op Emitter) when logger or st is nil.
func newEmitter(logger log.Logger, st *core.State, detailedBeta bool) *Emitter {
	if logger == nil || st == nil {
		return nil
	}
	e := &Emitter{
		logger:   logger,
		st:       st,
		flags:    redact.Flags(st.Content, false),
		max:      st.Content.MaxLength,
		hostRedo: st.Redact,
		collide:  st.CopiesResource(),
	}
	if e.max <= 0 {
		e.max = redact.DefaultMaxLength
	}
	if paths := st.Static.Identity.WorkspaceHostPaths; len(paths) > 0 {
		e.hostPaths, _ = redact.Bound(attribute.StringSliceValue(paths), redact.IdentifierMax)
	}
	if d := st.Content.RawAPIBodies.Dir; st.Content.RawAPIBodies.Enabled && d != "" {
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		e.bodyDir = d
	}
	if detailedBeta {
		e.flags |= redact.DetailedBeta
	}
	return e
}

// builder collects one record's attributes. It lives on the stack of the
// event's method, so filling it costs no allocation and no write barrier
// (a pooled heap buffer paid one per attribute while the GC ran); only an
// event with more than len(arr) attributes spills to the heap.
type builder struct {
	e     *Emitter
	name  string
	body  string
	now   time.Time
	flags redact.Gate
	arr   [64]attribute.KeyValue
	n     int
	more  []attribute.KeyValue // past arr
	// check: a key or value came from the host or the user and may repeat
	// a key (see finish).
	check bool
}

// push appends kvs to the record's attributes.
func (b *builder) push(kvs ...attribute.KeyValue) {
	for _, a := range kvs {
		if b.n < len(b.arr) {
			b.arr[b.n] = a
			b.n++
		} else {
			b.more = append(b.more, a)
		}
	}
}

// bodyPrefix starts every event's body: the event is named by what follows.
const bodyPrefix = "claude_code."

// begin starts a record in b: timestamps and the prefix every event has.
// body is the event's full name, claude_code.<name>, a constant so that
// neither it nor the name is built per event. It returns false when the
// event's gate is closed or the logger is off.
func (e *Emitter) begin(ctx context.Context, b *builder, body string, early bool, gate redact.Gate) bool {
	if !gate.Open(e.flags) {
		return false
	}
	if !e.logger.Enabled(ctx, log.EnabledParameters{}) {
		return false
	}
	// Claude Code uses JavaScript Date: millisecond resolution, the same
	// instant for the timestamps and event.timestamp.
	now := e.st.TimeOf(ctx).Truncate(time.Millisecond)
	b.e, b.name, b.body, b.now, b.flags = e, strings.TrimPrefix(body, bodyPrefix), body, now, e.flags
	b.check = e.collide

	ss := e.st.Session(ctx)
	if early {
		b.push(ss.EventEarlyAttributes...)
	} else {
		b.push(ss.EventAttributes...)
	}
	var ts [len(timestampLayout)]byte
	b.push(
		attribute.String("event.name", b.name),
		attribute.String("event.timestamp", string(appendTimestamp(ts[:0], now))),
		attribute.Int64("event.sequence", e.st.NextSequence()),
	)
	if p := core.PromptFromContext(ctx); p != nil && p.ID != "" {
		b.push(attribute.String("prompt.id", redact.Cut(p.ID, redact.IdentifierMax)))
	}
	if e.hostPaths.Type() != attribute.EMPTY {
		b.push(attribute.KeyValue{Key: "workspace.host_paths", Value: e.hostPaths})
	}
	return true
}

// timestampLayout is event.timestamp's: JavaScript's Date.toISOString.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// appendTimestamp appends t in UTC as timestampLayout, as AppendFormat
// writes it (the fraction cut, not rounded), without AppendFormat's walk of
// the layout, which was most of begin's time. Years AppendFormat writes with
// a sign or more than four digits are left to it.
func appendTimestamp(buf []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(buf, timestampLayout)
	}
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(buf,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+mo/10), byte('0'+mo%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+s/10), byte('0'+s%10), '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// add appends an event-specific attribute after the host's redactor, bounded
// at redact.IdentifierMax: this and addContent are where every value of an
// event is bounded, whatever the host passed or its redactor returned.
func (b *builder) add(a attribute.KeyValue) {
	if b.redo(&a) {
		switch a.Value.Type() {
		case attribute.STRING, attribute.STRINGSLICE: // what Bound cuts
			a.Value, _ = redact.Bound(a.Value, redact.IdentifierMax)
		}
		b.push(a)
	}
}

// addContent appends a content attribute, which apply has cut at the
// content limit; only what a host's redactor returned is cut again.
func (b *builder) addContent(a attribute.KeyValue) {
	if !b.redo(&a) {
		return
	}
	if b.e.hostRedo != nil {
		if a.Value.Type() == attribute.STRING {
			v, _ := redact.Truncate(a.Value.AsString(), b.e.max)
			a.Value = attribute.StringValue(v)
		} else {
			a.Value, _ = redact.Bound(a.Value, redact.IdentifierMax)
		}
	}
	b.push(a)
}

// redo runs the host's redactor on a and reports whether to keep it.
func (b *builder) redo(a *attribute.KeyValue) bool {
	if rd := b.e.hostRedo; rd != nil {
		v, keep := rd(b.name, string(a.Key), a.Value)
		if !keep {
			return false
		}
		a.Value = v
		switch v.Type() {
		case attribute.MAP, attribute.SLICE: // may hold duplicate keys
			b.check = true
		}
	}
	return true
}

// apply runs the built-in content rule of one attribute.
func (b *builder) apply(r redact.Rule, v string, firstParty bool) (string, bool) {
	return r.Apply(b.flags, v, firstParty, b.e.max)
}

// pluginMetrics adds the host-chosen keys of hook_plugin_metrics, keeping
// only what Claude Code accepts: at most 20 keys of the form
// ^[a-z][a-z0-9_]{0,39}$ with bool or number values, first occurrence wins.
func (b *builder) pluginMetrics(kvs []attribute.KeyValue) {
	n := 0
	for i, a := range kvs {
		if n == 20 {
			return
		}
		if !pluginMetricKey(string(a.Key)) {
			continue
		}
		switch a.Value.Type() {
		case attribute.BOOL, attribute.INT64, attribute.FLOAT64:
		default:
			continue
		}
		dup := false
		for _, p := range kvs[:i] {
			if p.Key == a.Key {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		b.add(a)
		b.check = true // plugin_id is a valid metric key, for one
		n++
	}
}

func pluginMetricKey(k string) bool {
	if len(k) == 0 || len(k) > 40 || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// finish hands the record to the SDK, which takes the trace context from ctx.
// The provider does not de-duplicate keys (sdklog.WithAllowKeyDuplication):
// ccotel's own keys are unique, and a record that holds keys or values from
// the host or the user (b.check) is de-duplicated here as the SDK would have
// done it, so the wire is the same.
func (e *Emitter) finish(ctx context.Context, b *builder) {
	var r log.Record
	r.SetTimestamp(b.now)
	r.SetObservedTimestamp(b.now)
	r.SetBody(attribute.StringValue(b.body))
	// No severity and no EventName: Claude Code sets neither, and consumers
	// key on the body.
	if b.check {
		kvs := b.arr[:b.n]
		if len(b.more) > 0 {
			kvs = append(kvs[:len(kvs):len(kvs)], b.more...)
		}
		kvs, _ = logdedup.Attributes(kvs, logdedup.CountLimit)
		r.AddAttributes(kvs...)
	} else {
		r.AddAttributes(b.arr[:b.n]...)
		r.AddAttributes(b.more...)
	}
	e.logger.Emit(ctx, r)
}

// recover turns a panic in an emit (a host redactor, an exporter called
// synchronously) into an error for the handle.
func (e *Emitter) recover(name string) {
	if v := recover(); v != nil {
		e.st.Error(fmt.Errorf("events: %s: panic: %v", name, v))
	}
}

// rawBody is the body part of api_request_body and api_response_body.
type rawBody struct {
	inline    bool
	body      string
	ref       string
	length    int
	truncated bool
}

// rawBody prepares an API body. Inline it is cut at the content limit and
// its length counted in UTF-16 units; in file mode it is written whole to
// the directory and its length counted in UTF-8 bytes, as Claude Code does.
//
// The file is written synchronously: one body per API attempt, whose own
// latency (hundreds of milliseconds at least) dwarfs a local write of a few
// hundred kilobytes, and a consumer that follows body_ref must find the file
// once the record is exported. If the write fails the body is sent inline
// instead, so it is not lost, and the error goes to the handle.
func (e *Emitter) rawBody(body, file string) rawBody {
	if e.bodyDir != "" {
		path, err := writeBody(e.bodyDir, file, body)
		if err == nil {
			return rawBody{ref: path, length: len(body)}
		}
		e.st.Error(fmt.Errorf("events: raw API body: %w", err))
	}
	out, cut := redact.Truncate(body, e.max)
	return rawBody{inline: true, body: out, length: redact.UTF16Len(body), truncated: cut}
}

// writeBody writes body to dir/file atomically (temporary file and rename)
// so a reader never sees half a body. The files hold whole conversations:
// they are private to the user.
func writeBody(dir, file, body string) (string, error) {
	name := safeFileName(file)
	if name == "" {
		return "", errors.New("no file name")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".body-*")
	if err != nil {
		return "", err
	}
	_, werr := f.WriteString(body)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return path, nil
}

// safeFileName keeps request ids from the network from naming a path
// outside the directory.
func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
	// No leading dot: no "..", and no hidden name clashing with the
	// temporary files.
	return strings.TrimLeft(s, ".")
}

// isMCPTool reports a tool of an MCP server: Claude Code names them
// mcp__<server>__<tool>, and tool_result knows the server's scope.
func isMCPTool(name, scope string) bool {
	return scope != "" || strings.HasPrefix(name, "mcp__")
}

// firstPartyScope: plugins Anthropic ships keep their names without
// OTEL_LOG_TOOL_DETAILS (the captures show the default-bundle names).
func firstPartyScope(scope string) bool {
	return scope == "official" || scope == "default-bundle"
}

// verbatim reports whether a name of origin o is sent as it is: o is one of
// the origins the event's table keeps.
func verbatim(o metrics.Origin, keep ...metrics.Origin) bool {
	for _, k := range keep {
		if o == k {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
