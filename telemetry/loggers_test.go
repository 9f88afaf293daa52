package telemetry_test

import (
	"context"
	"fmt"
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
// de-duplication, but a host's own records (LoggerProvider) and a host's
// processor that repeats a key (WithLogProcessor) get what a provider on
// the SDK's defaults gives them: the processors after it see the same
// attributes in the same order, the same scope attributes, body and dropped
// count.
func TestHostRecordsAsTheSDK(t *testing.T) {
	dupMap := attribute.MapValue(attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("a", 3))
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
	}

	var oursSink logSink
	tel := start(t, []string{"CLAUDE_CODE_ENABLE_TELEMETRY=1"},
		telemetry.WithLogProcessor(&overwrite{}), telemetry.WithLogProcessor(&oursSink))
	emit(tel.LoggerProvider())

	var sdkSink logSink
	emit(sdklog.NewLoggerProvider(sdklog.WithProcessor(&overwrite{}), sdklog.WithProcessor(&sdkSink),
		sdklog.WithAttributeCountLimit(128), sdklog.WithAttributeValueLengthLimit(-1)))

	got, want := dumpRecords(oursSink.all()), dumpRecords(sdkSink.all())
	if got != want {
		t.Errorf("\nccotel %s\nSDK    %s", got, want)
	}

	// ccotel's own event, changed by the same processor.
	ctx, _ := tel.StartSession(context.Background())
	tel.Events().APIRequest(ctx, events.APIRequest{Model: "claude"})
	recs := oursSink.all()
	ev := dumpRecords(recs[len(recs)-1:])
	if strings.Count(ev, `"model"`) != 1 || !strings.Contains(ev, `"model"=STRING:redacted`) {
		t.Errorf("the processor's model did not replace the event's:\n%s", ev)
	}
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
