package events

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/eventspec"
)

// recorder is an in-memory processor: it keeps a copy of every record.
type recorder struct {
	mu   sync.Mutex
	recs []sdklog.Record
}

func (r *recorder) OnEmit(_ context.Context, rec *sdklog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec.Clone())
	return nil
}
func (r *recorder) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (r *recorder) Shutdown(context.Context) error                         { return nil }
func (r *recorder) ForceFlush(context.Context) error                       { return nil }

func (r *recorder) take() []sdklog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.recs
	r.recs = nil
	return out
}

var fixedNow = time.Date(2026, 11, 21, 11, 52, 22, 226_987_654, time.UTC)

// setup returns an emitter on an SDK logger and what it records.
func setup(t testing.TB, content config.Content) (*Emitter, *recorder, *core.State) {
	t.Helper()
	return setupBeta(t, content, false)
}

// setupBeta is setup with the detailed beta tracing gate open or closed.
func setupBeta(t testing.TB, content config.Content, detailedBeta bool) (*Emitter, *recorder, *core.State) {
	t.Helper()
	rec := &recorder{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(rec))
	st := core.NewState(config.Config{Include: config.Include{SessionID: true}, Content: content},
		core.Static{UserID: "u", TerminalType: "dumb", CustomBaseURL: true})
	st.Now = func() time.Time { return fixedNow }
	st.SetDefaultSession(st.NewSession("sess-1"))
	return newEmitter(lp.Logger("com.anthropic.claude_code.events"), st, detailedBeta), rec, st
}

type kv struct {
	key string
	val attribute.Value
}

func attrs(r sdklog.Record) []kv {
	var out []kv
	r.WalkAttributes(func(a attribute.KeyValue) bool {
		out = append(out, kv{string(a.Key), a.Value})
		return true
	})
	return out
}

// eventAttrs returns the attributes after the event prefix.
func eventAttrs(t *testing.T, r sdklog.Record) []kv {
	t.Helper()
	all := attrs(r)
	for i, a := range all {
		if a.key == "event.sequence" {
			rest := all[i+1:]
			for len(rest) > 0 && (rest[0].key == "prompt.id" || rest[0].key == "workspace.host_paths") {
				rest = rest[1:]
			}
			return rest
		}
	}
	t.Fatalf("no event.sequence in %v", all)
	return nil
}

func get(r sdklog.Record, key string) (attribute.Value, bool) {
	var v attribute.Value
	found := false
	r.WalkAttributes(func(a attribute.KeyValue) bool {
		if string(a.Key) == key {
			v, found = a.Value, true
			return false
		}
		return true
	})
	return v, found
}

func wireOf(v attribute.Value) eventspec.Wire {
	switch v.Type() {
	case attribute.STRING:
		return eventspec.String
	case attribute.INT64:
		return eventspec.Int
	case attribute.FLOAT64:
		return eventspec.Double
	case attribute.BOOL:
		return eventspec.Bool
	case attribute.STRINGSLICE:
		return eventspec.StringArray
	}
	return 0
}

// fill sets every field of the struct v points to: strings to prefix+name,
// numbers to 7 / 1.5, bools to b, a name's Origin to built-in when b,
// pointers to such values, slices to two elements; overrides win. Fields of
// a struct field are named by their path (Agent.Value); those of an
// embedded struct by their own name, as the event's table names them.
func fill(v reflect.Value, prefix string, b bool, overrides map[string]any) {
	fillPath(v.Elem(), "", prefix, b, overrides)
}

func fillPath(v reflect.Value, path, prefix string, b bool, overrides map[string]any) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		sf := v.Type().Field(i)
		name := path + sf.Name
		if o, ok := overrides[name]; ok {
			f.Set(reflect.ValueOf(o).Convert(f.Type()))
			continue
		}
		if f.Kind() == reflect.Struct {
			sub := name + "."
			if sf.Anonymous {
				sub = path
			}
			fillPath(f, sub, prefix, b, overrides)
			continue
		}
		set := func(f reflect.Value) {
			switch f.Kind() {
			case reflect.String:
				f.SetString(prefix + name)
			case reflect.Int64:
				f.SetInt(7)
			case reflect.Float64:
				f.SetFloat(1.5)
			case reflect.Bool:
				f.SetBool(b)
			case reflect.Uint8:
				if b {
					f.SetUint(1)
				}
			}
		}
		switch f.Kind() {
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			set(p.Elem())
			f.Set(p)
		case reflect.Slice:
			if f.Type() == reflect.TypeFor[[]attribute.KeyValue]() {
				f.Set(reflect.ValueOf([]attribute.KeyValue{attribute.Int64("hits", 3), attribute.Bool("cached", true)}))
			} else {
				f.Set(reflect.ValueOf([]string{prefix + name + "1", prefix + name + "2"}))
			}
		default:
			set(f)
		}
	}
}

// emit calls the emitter method of ev with a struct filled by fill.
func emit(ctx context.Context, e *Emitter, ev *eventspec.Event, prefix string, b bool, overrides map[string]any) {
	m := reflect.ValueOf(e).MethodByName(ev.Type)
	arg := reflect.New(m.Type().In(1))
	fill(arg, prefix, b, overrides)
	m.Call([]reflect.Value{reflect.ValueOf(ctx), arg.Elem()})
}

func allFlags() config.Content {
	return config.Content{UserPrompts: true, AssistantResponses: true, ToolDetails: true, ToolContent: true,
		RawAPIBodies: config.RawAPIBodies{Enabled: true}}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func keysOf(kvs []kv) []string {
	out := make([]string, len(kvs))
	for i, a := range kvs {
		out[i] = a.key
	}
	return out
}
