package exporter

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// TestInvalidUTF8Records: protobuf refuses invalid UTF-8 in strings, so one
// bad value used to fail the export of its whole batch. Every string of a
// record (body, keys, values, slices, maps) must come out valid, valid
// records untouched and the caller's records unmodified.
func TestInvalidUTF8Records(t *testing.T) {
	var capture captureProcessor
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(&capture))
	var good, bad otellog.Record
	good.SetBody(attribute.StringValue("claude_code.api_request"))
	good.AddAttributes(attribute.String("model", "claude-sonnet-4-5"))
	bad.SetBody(attribute.StringValue("body\xff"))
	bad.AddAttributes(
		attribute.String("model", "bad\xffmodel"),
		attribute.String("k\xfe", "v"),
		attribute.StringSlice("workspace.host_paths", []string{"/ok", "/bad\xc3"}),
		attribute.Int64("n", 7),
		attribute.KeyValue{Key: "m", Value: attribute.MapValue(attribute.String("x", "\xff"), attribute.KeyValue{Key: "s", Value: attribute.SliceValue(attribute.StringValue("\xfe"))})},
	)
	lp.Logger("x").Emit(context.Background(), good)
	lp.Logger("x").Emit(context.Background(), bad)
	in := capture.records
	if len(in) != 2 {
		t.Fatalf("%d records captured", len(in))
	}
	if out := validUTF8Records(in[:1]); &out[0] != &in[0] {
		t.Error("a valid batch was copied")
	}
	out := validUTF8Records(in)
	if len(out) != 2 || &out[0] == &in[0] {
		t.Fatalf("got %d records, copied=%v", len(out), &out[0] != &in[0])
	}
	if !recordValid(&out[0]) || !recordValid(&out[1]) {
		t.Fatal("invalid UTF-8 left")
	}
	if recordValid(&in[1]) {
		t.Fatal("the caller's record was modified")
	}
	if got := out[1].Body().AsString(); got != "body\uFFFD" {
		t.Errorf("body %q", got)
	}
	n := 0
	out[1].WalkAttributes(func(kv attribute.KeyValue) bool {
		n++
		if !utf8.ValidString(string(kv.Key)) {
			t.Errorf("key %q", kv.Key)
		}
		if kv.Key == "n" && kv.Value.AsInt64() != 7 {
			t.Errorf("n = %v", kv.Value.String())
		}
		return true
	})
	if n != 5 {
		t.Errorf("%d attributes, want 5", n)
	}
}

// captureProcessor keeps copies of the records emitted, as the SDK builds them.
type captureProcessor struct{ records []sdklog.Record }

func (c *captureProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	c.records = append(c.records, r.Clone())
	return nil
}
func (c *captureProcessor) Shutdown(context.Context) error                         { return nil }
func (c *captureProcessor) ForceFlush(context.Context) error                       { return nil }
func (c *captureProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

// TestInvalidUTF8KeysMerge: two invalid keys can become the same valid one.
// ccotel's provider leaves out the SDK's key de-duplication, so the
// replacement de-duplicates as the SDK would: the record sent is the one a
// provider on the SDK's defaults would send.
func TestInvalidUTF8KeysMerge(t *testing.T) {
	var r otellog.Record
	r.SetBody(attribute.MapValue(attribute.String("b\xfe", "1"), attribute.String("b\xff", "2")))
	r.AddAttributes(
		attribute.String("k\xfe", "first"), attribute.String("model", "m"), attribute.String("k\xff", "last"),
		attribute.KeyValue{Key: "m", Value: attribute.MapValue(attribute.String("x\xfe", "1"), attribute.String("x\xff", "2"))},
	)
	var got []string
	for _, fast := range []bool{false, true} {
		var capture captureProcessor
		opts := []sdklog.LoggerProviderOption{sdklog.WithProcessor(&capture)}
		if fast {
			opts = append(opts, sdklog.WithAllowKeyDuplication())
		}
		sdklog.NewLoggerProvider(opts...).Logger("x").Emit(context.Background(), r)
		out := validUTF8Records(capture.records)
		s := out[0].Body().String() + " |"
		out[0].WalkAttributes(func(kv attribute.KeyValue) bool {
			s += " " + string(kv.Key) + "=" + kv.Value.String()
			return true
		})
		got = append(got, s)
	}
	if got[1] != got[0] {
		t.Errorf("without the SDK's de-duplication\n%s\nwith it\n%s", got[1], got[0])
	}
	if want := "k\uFFFD=last"; !strings.Contains(got[0], want) || strings.Count(got[0], "k\uFFFD") != 1 {
		t.Errorf("%s: want one %s", got[0], want)
	}
}
