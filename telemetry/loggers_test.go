package telemetry_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/telemetry"
)

// overwrite is a host's processor that changes what it is handed: it
// replaces model, as a redacting processor would, and adds a key.
type overwrite struct{ logSink }

func (o *overwrite) OnEmit(_ context.Context, r *sdklog.Record) error {
	r.AddAttributes(attribute.String("model", "redacted"), attribute.String("host.key", "1"))
	return nil
}

// TestHostRecordsAsTheSDK: ccotel's provider leaves out the SDK's key
// de-duplication when the host's processors only export, and a host's own
// records (LoggerProvider) still get what a provider on the SDK's defaults
// gives them: the same attributes in the same order, the same scope
// attributes, body and dropped count. A host processor that changes records
// turns the SDK's de-duplication back on: every processor then sees what it
// saw on a provider with the SDK's defaults, including a processor that
// enriches a record and hands it to its own next one, and a record already
// at the count limit.
func TestHostRecordsAsTheSDK(t *testing.T) {
	dupMap := attribute.MapValue(attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("a", 3))
	full := make([]attribute.KeyValue, 130)
	for i := range full {
		full[i] = attribute.Int(fmt.Sprintf("k%03d", i), i)
	}
	emit := func(lp log.LoggerProvider) {
		l := lp.Logger("host", log.WithInstrumentationAttributes(attribute.KeyValue{Key: "scope", Value: dupMap}))
		var r log.Record
		r.SetBody(dupMap)
		r.AddAttributes(attribute.String("model", "m"), attribute.Int("n", 1), attribute.String("model", "m2"),
			attribute.KeyValue{Key: "map", Value: dupMap}, attribute.String("", "invalid"))
		l.Emit(context.Background(), r)
		var plain log.Record
		plain.AddAttributes(attribute.String("model", "m"), attribute.Int("n", 1))
		l.Emit(context.Background(), plain)
		var atLimit log.Record
		atLimit.AddAttributes(full...)
		l.Emit(context.Background(), atLimit)
	}
	sdkDefaults := func(ps ...sdklog.Processor) *sdklog.LoggerProvider {
		opts := []sdklog.LoggerProviderOption{sdklog.WithAttributeCountLimit(128), sdklog.WithAttributeValueLengthLimit(-1)}
		for _, p := range ps {
			opts = append(opts, sdklog.WithProcessor(p))
		}
		return sdklog.NewLoggerProvider(opts...)
	}

	for _, c := range []struct {
		name  string
		procs func(sink *logSink) []sdklog.Processor
	}{
		{"export only", func(sink *logSink) []sdklog.Processor {
			return []sdklog.Processor{sdklog.NewSimpleProcessor(sink)}
		}},
		{"a processor that changes records", func(sink *logSink) []sdklog.Processor {
			return []sdklog.Processor{&overwrite{}, sink}
		}},
		{"a processor that enriches for its own next one", func(sink *logSink) []sdklog.Processor {
			return []sdklog.Processor{&enrich{next: sink}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var oursSink, sdkSink logSink
			var opts []telemetry.Option
			for _, p := range c.procs(&oursSink) {
				opts = append(opts, telemetry.WithLogProcessor(p))
			}
			tel := start(t, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}, opts...)
			emit(tel.LoggerProvider())
			emit(sdkDefaults(c.procs(&sdkSink)...))
			if got, want := dumpRecords(oursSink.all()), dumpRecords(sdkSink.all()); got != want {
				t.Errorf("\nccotel %s\nSDK    %s", got, want)
			}
		})
	}

	// ccotel's own event, changed by a processor.
	var sink logSink
	tel := start(t, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"},
		telemetry.WithLogProcessor(&overwrite{}), telemetry.WithLogProcessor(&sink))
	ctx, _ := tel.StartSession(context.Background())
	tel.Events().APIRequest(ctx, events.APIRequest{Model: "claude"})
	recs := sink.all()
	ev := dumpRecords(recs[len(recs)-1:])
	if strings.Count(ev, `"model"`) != 1 || !strings.Contains(ev, `"model"=STRING:redacted`) {
		t.Errorf("the processor's model did not replace the event's:\n%s", ev)
	}
}

// enrich is a host's processor that adds to a record, repeating keys
// already there, and hands it to a processor of its own.
type enrich struct {
	logSink
	next sdklog.Processor
}

func (e *enrich) OnEmit(ctx context.Context, r *sdklog.Record) error {
	r.AddAttributes(attribute.String("model", "enriched"), attribute.String("k001", "enriched"),
		attribute.Int("x", 1), attribute.Int("x", 2))
	return e.next.OnEmit(ctx, r)
}

func dumpRecords(recs []sdklog.Record) string {
	var b strings.Builder
	for _, r := range recs {
		scope := r.InstrumentationScope().Attributes
		fmt.Fprintf(&b, "\n scope=%s body=%s:%s dropped=%d:", attribute.MapValue(scope.ToSlice()...),
			r.Body().Type(), r.Body(), r.DroppedAttributes())
		r.WalkAttributes(func(kv attribute.KeyValue) bool {
			fmt.Fprintf(&b, " %q=%s:%s", kv.Key, kv.Value.Type(), kv.Value)
			return true
		})
	}
	return b.String()
}

// TestEventKeysFromTheUser: OTEL_RESOURCE_ATTRIBUTES is copied onto every
// record, and its keys may be an event's own. ccotel's provider leaves out
// the SDK's de-duplication, so the event comes out as the SDK made it: each
// key once, at its first position (the copy's), with the last value (the
// event's).
func TestEventKeysFromTheUser(t *testing.T) {
	var sink logSink
	tel := start(t, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_RESOURCE_ATTRIBUTES=model=x,event.name=y,dept=z"},
		telemetry.WithLogProcessor(sdklog.NewSimpleProcessor(&sink)))
	ctx, _ := tel.StartSession(context.Background())
	tel.Events().APIRequest(ctx, events.APIRequest{Model: "claude"})
	recs := sink.all()
	r := recs[len(recs)-1]
	if b := r.Body().String(); b != "claude_code.api_request" {
		t.Fatalf("last record %s", b)
	}
	var keys []string
	vals := map[string]string{}
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		keys = append(keys, string(kv.Key))
		vals[string(kv.Key)] = kv.Value.String()
		return true
	})
	if got := strings.Join(keys[:3], ","); got != "model,event.name,dept" {
		t.Errorf("first keys %s, want the copies' model,event.name,dept", got)
	}
	if strings.Count(strings.Join(keys, ","), "model") != 1 || vals["model"] != "claude" || vals["event.name"] != "api_request" {
		t.Errorf("keys %v, values %v: want model=claude and event.name=api_request once", keys, vals)
	}
}

const dupChildEnv = "CCOTEL_TEST_DUP_CHILD"

// TestDuplicateChild is the child of TestDuplicatesPrintNothing.
func TestDuplicateChild(t *testing.T) {
	mode := os.Getenv(dupChildEnv)
	if mode == "" {
		t.Skip("run by TestDuplicatesPrintNothing as a child process")
	}
	tel := start(t, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"}, telemetry.WithLogProcessor(sdklog.NewSimpleProcessor(&logSink{})))
	if mode == "dup" {
		// A duplicate key: the SDK's warning is made by a de-duplicating
		// provider ccotel builds then (internal/logdedup).
		tel.Events().HookPluginMetrics(context.Background(), events.HookPluginMetrics{PluginID: "p",
			Metrics: []attribute.KeyValue{attribute.Bool("plugin_id", true)}})
	}
	_ = tel.Shutdown(context.Background())
}

// TestDuplicatesPrintNothing: the warning of a dropped duplicate is the SDK's
// own, made through a provider that resolves its resource; with an
// OTEL_RESOURCE_ATTRIBUTES in the process environment that the SDK cannot
// parse (which Start already reports), a duplicate adds nothing to stderr.
func TestDuplicatesPrintNothing(t *testing.T) {
	stderr := map[string]string{}
	for _, mode := range []string{"unique", "dup"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDuplicateChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), dupChildEnv+"="+mode, "OTEL_RESOURCE_ATTRIBUTES=noequals")
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s%s", mode, err, &out, &errb)
		}
		// Strip the log package's timestamps.
		stderr[mode] = regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `).ReplaceAllString(errb.String(), "")
	}
	if stderr["dup"] != stderr["unique"] {
		t.Errorf("a duplicate changed stderr:\nunique keys:\n%s\na duplicate:\n%s", stderr["unique"], stderr["dup"])
	}
}
