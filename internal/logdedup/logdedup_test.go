package logdedup

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// capture keeps the records its provider hands it.
type capture struct {
	nop
	last sdklog.Record
}

func (c *capture) OnEmit(_ context.Context, r *sdklog.Record) error {
	c.last = r.Clone()
	return nil
}

// providers returns a provider on the SDK's defaults and one without its
// key de-duplication, both with the count limit and no value length limit.
func providers(t testing.TB, limit int) (dflt, fast log.Logger, dc, fc *capture) {
	dc, fc = &capture{}, &capture{}
	opts := []sdklog.LoggerProviderOption{sdklog.WithAttributeCountLimit(limit), sdklog.WithAttributeValueLengthLimit(-1)}
	dp := sdklog.NewLoggerProvider(append(opts, sdklog.WithProcessor(dc))...)
	fp := sdklog.NewLoggerProvider(append(opts, sdklog.WithProcessor(fc), sdklog.WithAllowKeyDuplication())...)
	return dp.Logger("x"), fp.Logger("x"), dc, fc
}

// dump is everything of r a processor or an exporter reads that the key
// de-duplication can change.
func dump(r *sdklog.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "body=%s:%s dropped=%d attrs=", r.Body().Type(), r.Body(), r.DroppedAttributes())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		fmt.Fprintf(&b, "%q:%s:%s ", kv.Key, kv.Value.Type(), kv.Value)
		return true
	})
	return b.String()
}

// emitBoth emits kvs and body on the default provider as they are, and on
// the fast one through Attributes and Value, as ccotel does.
func emitBoth(t testing.TB, limit int, kvs []attribute.KeyValue, body attribute.Value) (want, got string) {
	dflt, fast, dc, fc := providers(t, limit)
	var r log.Record
	r.SetBody(body)
	r.AddAttributes(kvs...)
	dflt.Emit(context.Background(), r)

	in := append([]attribute.KeyValue(nil), kvs...)
	out, _ := Attributes(in, limit)
	if fmt.Sprint(in) != fmt.Sprint(kvs) {
		t.Fatalf("Attributes modified its argument")
	}
	var f log.Record
	if v, ok := Value(body); ok {
		body = v
	}
	f.SetBody(body)
	f.AddAttributes(out...)
	fast.Emit(context.Background(), f)
	return dump(&dc.last), dump(&fc.last)
}

func m(kvs ...attribute.KeyValue) attribute.Value { return attribute.MapValue(kvs...) }

// deep nests v in n one-entry maps.
func deep(n int, v attribute.Value) attribute.Value {
	for range n {
		v = m(attribute.KeyValue{Key: "d", Value: v})
	}
	return v
}

func TestAttributesAsTheSDK(t *testing.T) {
	s, i := attribute.String, attribute.Int
	dupMap := m(i("a", 1), i("b", 2), i("a", 3))
	tests := []struct {
		name  string
		limit int
		kvs   []attribute.KeyValue
		body  attribute.Value
	}{
		{"unique", 128, []attribute.KeyValue{s("a", "1"), s("b", "2")}, attribute.StringValue("x")},
		{"repeated key keeps its first place, last value", 128,
			[]attribute.KeyValue{s("a", "1"), s("b", "2"), s("a", "3"), s("c", "4"), i("b", 5)}, attribute.Value{}},
		{"map value", 128, []attribute.KeyValue{{Key: "m", Value: dupMap}, s("a", "1")}, attribute.Value{}},
		{"slice of maps", 128, []attribute.KeyValue{{Key: "s", Value: attribute.SliceValue(dupMap, attribute.IntValue(1))}}, attribute.Value{}},
		{"overwritten map", 128, []attribute.KeyValue{{Key: "m", Value: dupMap}, s("m", "x")}, attribute.Value{}},
		{"body map", 128, nil, m(s("k", "1"), s("k", "2"))},
		{"past the limit", 3,
			[]attribute.KeyValue{s("a", "1"), s("b", "2"), s("a", "3"), s("c", "4"), s("d", "5"), s("d", "6"), s("b", "7"), s("e", "8")}, attribute.Value{}},
		{"limit 0", 0, []attribute.KeyValue{s("a", "1"), s("a", "2")}, attribute.Value{}},
		{"invalid", 2, []attribute.KeyValue{s("", "1"), s("a", "1"), {Key: "b"}, s("a", "2"), s("", "3"), s("c", "1")}, attribute.Value{}},
		{"empty values repeat", 128, []attribute.KeyValue{s("a", "1"), {Key: "a"}, {Key: "b"}, {Key: "b"}}, attribute.Value{}},
		{"no limit", -1, []attribute.KeyValue{s("a", "1"), s("a", "2"), s("b", "1")}, attribute.Value{}},
		{"past the depth limit", 128, []attribute.KeyValue{{Key: "deep", Value: deep(70, dupMap)}, {Key: "at", Value: deep(62, dupMap)}}, attribute.Value{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := emitBoth(t, tt.limit, tt.kvs, tt.body)
			if got != want {
				t.Errorf("\ngot  %s\nwant %s", got, want)
			}
		})
	}
}

func TestAttributesNoAllocation(t *testing.T) {
	kvs := []attribute.KeyValue{attribute.String("user.id", "u"), attribute.String("session.id", "s"),
		attribute.String("event.name", "api_request"), attribute.Int("input_tokens", 1),
		attribute.Int("output_tokens", 2), attribute.StringSlice("workspace.host_paths", []string{"/a"})}
	if n := testing.AllocsPerRun(100, func() { _, _ = Attributes(kvs, CountLimit) }); n != 0 {
		t.Errorf("%v allocations for unique keys, want 0", n)
	}
	if got, changed := Attributes(kvs, CountLimit); changed || &got[0] != &kvs[0] {
		t.Error("unique keys were copied")
	}
}

// FuzzAttributes compares, for records made of data with colliding
// top-level and nested keys, what the default provider hands a processor
// with what the fast one does after Attributes and Value.
func FuzzAttributes(f *testing.F) {
	f.Add([]byte("aabbcabd"), uint8(128))
	f.Add([]byte("a\x80b\x81a\x82c\xc0aa"), uint8(2))
	f.Add([]byte("\x00a\xffbbb\x90"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, limit uint8) {
		lim := int(limit)
		if limit == 255 {
			lim = -1
		}
		kvs, body := records(data)
		if want, got := emitBoth(t, lim, kvs, body); got != want {
			t.Errorf("\ngot  %s\nwant %s", got, want)
		}
	})
}

// records turns data into attributes with keys from a small alphabet, so
// they collide: a byte's high bits choose the value (string, int, a map of
// the next bytes, a slice holding such a map, empty; the key "" is invalid).
func records(data []byte) ([]attribute.KeyValue, attribute.Value) {
	keys := []attribute.Key{"", "a", "b", "c", "d"}
	var kvs []attribute.KeyValue
	var body attribute.Value
	next := func(i int) []attribute.KeyValue {
		var sub []attribute.KeyValue
		for j := i + 1; j < len(data) && j < i+4; j++ {
			sub = append(sub, attribute.Int(string(keys[1+int(data[j])%4]), j))
		}
		return sub
	}
	for i, c := range data {
		k := keys[int(c&0x0f)%len(keys)]
		var v attribute.Value
		switch c >> 5 {
		case 0, 1, 2:
			v = attribute.IntValue(i)
		case 3:
			v = attribute.StringValue(string(rune('p' + i%8)))
		case 4:
			v = m(next(i)...)
		case 5:
			v = attribute.SliceValue(m(next(i)...), attribute.IntValue(i))
		case 6:
			body = m(next(i)...)
			continue
		case 7: // the zero Value: EMPTY, valid
		}
		kvs = append(kvs, attribute.KeyValue{Key: k, Value: v})
	}
	return kvs, body
}

// TestWarnsOnce: a duplicate Attributes removes is reported to the global
// logger as the SDK reports the ones it removes. The SDK reports once per
// process, so the check runs in a process of its own.
func TestWarnsOnce(t *testing.T) {
	if os.Getenv("LOGDEDUP_WARN_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWarnsOnce$", "-test.v")
		cmd.Env = append(os.Environ(), "LOGDEDUP_WARN_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		const warning = "key duplication: dropping key-value pair"
		if n := strings.Count(string(out), warning); n != 1 {
			t.Errorf("the warning was printed %d times, want 1:\n%s", n, out)
		}
		if strings.Index(string(out), warning) < strings.Index(string(out), "MARK") {
			t.Errorf("warned of unique keys:\n%s", out)
		}
		return
	}
	otel.SetLogger(funcr.New(func(prefix, args string) { fmt.Println(prefix, args) }, funcr.Options{Verbosity: 1}))
	kvs := []attribute.KeyValue{attribute.String("a", "1"), attribute.String("b", "1")}
	_, _ = Attributes(kvs, CountLimit)
	fmt.Println("MARK: unique keys above, a duplicate below")
	kvs = append(kvs, attribute.String("a", "2"))
	_, _ = Attributes(kvs, CountLimit)
	_, _ = Attributes(kvs, CountLimit)
}
