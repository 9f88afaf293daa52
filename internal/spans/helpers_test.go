package spans

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
)

// The standard attributes of the bash_allowed capture.
var stdKeys = []string{"user.id:s", "session.id:s", "anthropic.provider:s", "anthropic.custom_base_url:b", "terminal.type:s"}

type rig struct {
	t   *testing.T
	rec *tracetest.SpanRecorder
	st  *core.State
	tr  *Tracer
	ss  *core.Session
	ctx context.Context
	now time.Time
}

func newRig(t *testing.T, cfg config.Config, opts ...Option) *rig {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	st := core.NewState(cfg, core.Static{UserID: "u1", TerminalType: "dumb", CustomBaseURL: true})
	r := &rig{t: t, rec: rec, st: st, now: time.Unix(1795262954, 500e6)}
	st.Now = func() time.Time { return r.now }
	r.tr = New(tp.Tracer("com.anthropic.claude_code.tracing"), st, opts...)
	r.ss = st.NewSession("f9a3fef9-4e84-47ee-bdb8-f0ec5a77299a")
	r.ctx = core.ContextWithSession(context.Background(), r.ss)
	return r
}

func defaultCfg() config.Config {
	return config.Config{Include: config.Include{SessionID: true, AccountUUID: true, ResourceAttributes: true}}
}

func (r *rig) advance(d time.Duration) { r.now = r.now.Add(d) }

// byName returns the ended spans by name; a name seen twice fails the test.
func (r *rig) byName() map[string]sdktrace.ReadOnlySpan {
	r.t.Helper()
	m := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range r.rec.Ended() {
		if _, dup := m[s.Name()]; dup {
			r.t.Fatalf("span %s ended twice", s.Name())
		}
		m[s.Name()] = s
	}
	return m
}

func typeCode(v attribute.Value) string {
	switch v.Type() {
	case attribute.STRING:
		return "s"
	case attribute.INT64:
		return "i"
	case attribute.BOOL:
		return "b"
	case attribute.FLOAT64:
		return "d"
	case attribute.STRINGSLICE:
		return "a"
	}
	return "?" + v.Type().String()
}

func keyTypes(kv []attribute.KeyValue) []string {
	out := make([]string, len(kv))
	for i, a := range kv {
		out[i] = string(a.Key) + ":" + typeCode(a.Value)
	}
	return out
}

func attr(s sdktrace.ReadOnlySpan, key string) (attribute.Value, bool) {
	for _, a := range s.Attributes() {
		if string(a.Key) == key {
			return a.Value, true
		}
	}
	return attribute.Value{}, false
}

func str(t *testing.T, s sdktrace.ReadOnlySpan, key string) string {
	t.Helper()
	v, ok := attr(s, key)
	if !ok {
		t.Fatalf("%s: no %s", s.Name(), key)
	}
	return v.String()
}

func checkKeys(t *testing.T, s sdktrace.ReadOnlySpan, want ...string) {
	t.Helper()
	got := keyTypes(s.Attributes())
	w := append(append([]string{}, stdKeys...), want...)
	if strings.Join(got, " ") != strings.Join(w, " ") {
		t.Errorf("%s keys\n got %v\nwant %v", s.Name(), got, w)
	}
}
