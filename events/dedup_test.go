package events

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/logdedup"
	"github.com/ccotel/ccotel/metrics"
)

// TestKeysAsTheSDK: on a provider without the SDK's key de-duplication, as
// telemetry builds it, an event whose keys repeat (the user's
// OTEL_RESOURCE_ATTRIBUTES copies, hook_plugin_metrics' keys, maps from the
// host's redactor) reaches the processor as the same event reaches it on a
// provider with the SDK's defaults: attributes in order, values, dropped
// count.
func TestKeysAsTheSDK(t *testing.T) {
	dupMap := attribute.MapValue(attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("a", 3))
	many := make([]config.Attribute, 130)
	for i := range many {
		many[i] = config.Attribute{Key: fmt.Sprintf("k%03d", i), Value: "v"}
	}
	many[0].Key = "model" // kept; the event's model, past the limit, overwrites it
	tests := []struct {
		name     string
		resource []config.Attribute
		redact   core.Redactor
		emit     func(*Emitter, context.Context)
	}{
		{"resource copies", []config.Attribute{{Key: "model", Value: "x"}, {Key: "event.name", Value: "y"},
			{Key: "dept", Value: "z"}, {Key: "success", Value: "w"}}, nil,
			func(e *Emitter, ctx context.Context) {
				e.APIRequest(ctx, APIRequest{Model: "claude", RequestID: "r"})
				e.ToolResult(ctx, ToolResult{ToolName: "Bash", Success: true})
			}},
		{"past the count limit", many, nil,
			func(e *Emitter, ctx context.Context) { e.APIRequest(ctx, APIRequest{Model: "claude"}) }},
		{"plugin metrics", nil, nil, func(e *Emitter, ctx context.Context) {
			e.HookPluginMetrics(ctx, HookPluginMetrics{PluginID: "p@m", HookEvent: "Stop", Metrics: []attribute.KeyValue{
				attribute.Bool("plugin_id", true), attribute.Int("runs", 1), attribute.Int("hook_event", 2)}})
		}},
		{"redactor maps", nil, func(_, key string, v attribute.Value) (attribute.Value, bool) {
			switch key {
			case "model":
				return dupMap, true
			case "request_id":
				return attribute.SliceValue(dupMap), true
			}
			return v, true
		}, func(e *Emitter, ctx context.Context) {
			e.APIRequest(ctx, APIRequest{Model: "claude", RequestID: "r",
				Attribution: metrics.Attribution{Speed: metrics.SpeedNormal}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, want []string
			for _, fast := range []bool{false, true} {
				rec := &recorder{}
				opts := []sdklog.LoggerProviderOption{sdklog.WithProcessor(rec),
					sdklog.WithAttributeCountLimit(logdedup.CountLimit), sdklog.WithAttributeValueLengthLimit(-1)}
				if fast {
					opts = append(opts, sdklog.WithAllowKeyDuplication())
				}
				lp := sdklog.NewLoggerProvider(opts...)
				st := core.NewState(config.Config{Include: config.Include{SessionID: true, ResourceAttributes: true},
					ResourceAttributes: tt.resource}, core.Static{UserID: "u", TerminalType: "dumb"})
				st.Now = func() time.Time { return fixedNow }
				st.Redact = tt.redact
				st.SetDefaultSession(st.NewSession("sess-1"))
				tt.emit(newEmitter(lp.Logger("com.anthropic.claude_code.events"), st, false), context.Background())
				var out []string
				for _, r := range rec.take() {
					out = append(out, dumpRecord(r))
				}
				if fast {
					got = out
				} else {
					want = out
				}
			}
			if len(want) == 0 {
				t.Fatal("no record")
			}
			if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
				t.Errorf("\ngot  %s\nwant %s", g, w)
			}
		})
	}
}

// dumpRecord is what the key de-duplication can change in r.
func dumpRecord(r sdklog.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "body=%s dropped=%d attrs=", r.Body().String(), r.DroppedAttributes())
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		fmt.Fprintf(&b, "%q:%s:%s ", kv.Key, kv.Value.Type(), kv.Value)
		return true
	})
	return b.String()
}
