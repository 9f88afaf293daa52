package events

import (
	"context"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/metrics"
)

// discard is a processor that drops records, so the benchmarks measure the
// emit path up to the SDK's processor.
type discard struct{}

func (discard) OnEmit(context.Context, *sdklog.Record) error           { return nil }
func (discard) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }
func (discard) Shutdown(context.Context) error                         { return nil }
func (discard) ForceFlush(context.Context) error                       { return nil }
func benchSetup(b *testing.B) (*Emitter, log.Logger, *core.State, context.Context) {
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(discard{}))
	logger := lp.Logger("com.anthropic.claude_code.events")
	st := core.NewState(config.Config{Include: config.Include{SessionID: true}}, core.Static{UserID: "u", TerminalType: "dumb"})
	ctx := core.ContextWithPrompt(context.Background(), &core.Prompt{ID: "p-1"})
	return newEmitter(logger, st, false), logger, st, ctx
}

// raw emits what the emitter emits, written by hand against the log API.
func raw(ctx context.Context, logger log.Logger, st *core.State, name string, kvs ...attribute.KeyValue) {
	now := time.Now().Truncate(time.Millisecond)
	var r log.Record
	r.SetTimestamp(now)
	r.SetObservedTimestamp(now)
	r.SetBody(attribute.StringValue("claude_code." + name))
	all := make([]attribute.KeyValue, 0, 32)
	all = append(all, st.Session(ctx).Attributes...)
	all = append(all, attribute.String("event.name", name),
		attribute.String("event.timestamp", now.UTC().Format("2006-01-02T15:04:05.000Z")),
		attribute.Int64("event.sequence", st.NextSequence()),
		attribute.String("prompt.id", core.PromptFromContext(ctx).ID))
	all = append(all, kvs...)
	r.AddAttributes(all...)
	logger.Emit(ctx, r)
}

// compare runs ours and the raw version b.N times each and reports the ratio.
func compare(b *testing.B, ours, rawFn func()) {
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	for i := 0; i < b.N; i++ {
		ours()
	}
	oursNs := time.Since(t0)
	b.StopTimer()
	t1 := time.Now()
	for i := 0; i < b.N; i++ {
		rawFn()
	}
	rawNs := time.Since(t1)
	if rawNs > 0 {
		b.ReportMetric(float64(oursNs)/float64(rawNs), "x-raw")
		b.ReportMetric(float64(rawNs.Nanoseconds())/float64(b.N), "raw-ns/op")
	}
}

func BenchmarkUserPrompt(b *testing.B) {
	e, logger, st, ctx := benchSetup(b)
	prompt := "Write a function that reverses a string."
	compare(b, func() {
		e.UserPrompt(ctx, UserPrompt{Prompt: prompt, MessageUUID: "0b7c7e3e-1d0e-4a57-9d7c-6d3a0f1b2c3d"})
	}, func() {
		raw(ctx, logger, st, "user_prompt",
			attribute.String("prompt_length", strconv.Itoa(len(prompt))),
			attribute.String("prompt", "<REDACTED>"),
			attribute.String("prompt_text", "<REDACTED>"),
			attribute.String("message.uuid", "0b7c7e3e-1d0e-4a57-9d7c-6d3a0f1b2c3d"))
	})
}

func BenchmarkAPIRequest(b *testing.B) {
	e, logger, st, ctx := benchSetup(b)
	ttft := int64(21)
	compare(b, func() {
		e.APIRequest(ctx, APIRequest{Model: "claude-sonnet-4-5", InputTokens: 107, OutputTokens: 35, CacheReadTokens: 2000,
			CacheCreationTokens: 300, CostUSD: 0.002613, DurationMs: 39, TTFTMs: &ttft, RequestID: "req_1", Attribution: metrics.Attribution{Speed: "normal", Query: "sdk"}})
	}, func() {
		raw(ctx, logger, st, "api_request",
			attribute.String("model", "claude-sonnet-4-5"), attribute.Int64("input_tokens", 107), attribute.Int64("output_tokens", 35),
			attribute.Int64("cache_read_tokens", 2000), attribute.Int64("cache_creation_tokens", 300),
			attribute.Int64("cache_creation_5m_tokens", 0), attribute.Int64("cache_creation_1h_tokens", 0),
			attribute.Float64("cost_usd", 0.002613), attribute.Int64("cost_usd_micros", 2613), attribute.Int64("duration_ms", 39),
			attribute.Int64("ttft_ms", 21), attribute.String("request_id", "req_1"), attribute.String("speed", "normal"),
			attribute.String("query_source", "sdk"))
	})
}

func BenchmarkToolResult(b *testing.B) {
	e, logger, st, ctx := benchSetup(b)
	compare(b, func() {
		e.ToolResult(ctx, ToolResult{ToolName: "Bash", ToolUseID: "toolu_1", Success: true, DurationMs: 9,
			ToolInputSizeBytes: 99, ToolResultSizeBytes: 140, RequestID: "req_1"})
	}, func() {
		raw(ctx, logger, st, "tool_result",
			attribute.String("tool_name", "Bash"), attribute.String("tool_use_id", "toolu_1"), attribute.String("success", "true"),
			attribute.String("duration_ms", "9"), attribute.String("tool_input_size_bytes", "99"),
			attribute.String("tool_result_size_bytes", "140"), attribute.String("request_id", "req_1"))
	})
}

func BenchmarkNilEmitter(b *testing.B) {
	var e *Emitter
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e.APIRequest(ctx, APIRequest{Model: "claude-sonnet-4-5", InputTokens: 107, CostUSD: 0.002613})
	}
}
