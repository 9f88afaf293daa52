package spans

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/internal/core"
)

// BenchmarkLLMRequest compares one llm_request span through the builder with
// the same span written by hand (same keys, one event), and reports the
// ratio as x-raw.
func BenchmarkLLMRequest(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tracer := tp.Tracer("bench")
	st := core.NewState(defaultCfg(), core.Static{UserID: "u", TerminalType: "dumb"})
	ss := st.NewSession("s")
	ctx := core.ContextWithSession(context.Background(), ss)
	tr := New(tracer, st)
	res := LLMResult{InputTokens: 107, OutputTokens: 35, CacheReadTokens: 2000, CacheCreationTokens: 300,
		RequestID: "req_1", TTFT: 19 * time.Millisecond, StopReason: "tool_use"}

	builder := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, s := tr.StartLLMRequest(ctx, LLMRequest{Model: "claude-sonnet-4-5"})
			s.AddAttempt(1)
			s.End(res)
		}
	}
	raw := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, span := tracer.Start(ctx, NameLLMRequest, trace.WithSpanKind(trace.SpanKindInternal), trace.WithTimestamp(time.Now()))
			kv := make([]attribute.KeyValue, 0, 32)
			kv = append(kv, ss.Attributes...)
			kv = append(kv,
				attribute.String("gen_ai.provider.name", "anthropic"), attribute.String("span.type", "llm_request"),
				attribute.String("model", "claude-sonnet-4-5"), attribute.String("gen_ai.system", "anthropic"),
				attribute.String("gen_ai.request.model", "claude-sonnet-4-5"), attribute.String("llm_request.context", "interaction"),
				attribute.String("speed", "normal"), attribute.String("gen_ai.conversation.id", ss.ID),
				attribute.String("query_source_safe", "sdk"))
			span.SetAttributes(kv...)
			span.AddEvent(EventAttempt, trace.WithTimestamp(time.Now()), trace.WithAttributes(attribute.Int("attempt", 1)))
			span.SetAttributes(
				attribute.Int64("duration_ms", 72), attribute.Int64("input_tokens", 107), attribute.Int64("output_tokens", 35),
				attribute.Int64("cache_read_tokens", 2000), attribute.Int64("cache_creation_tokens", 300),
				attribute.Bool("success", true), attribute.Int("attempt", 1), attribute.String("request_id", "req_1"),
				attribute.String("gen_ai.response.id", "req_1"), attribute.Int64("ttft_ms", 19), attribute.Int64("first_content_ms", 19),
				attribute.String("stop_reason", "tool_use"), attribute.StringSlice("gen_ai.response.finish_reasons", []string{"tool_use"}))
			span.End(trace.WithTimestamp(time.Now()))
		}
	}
	var nsBuilder, nsRaw float64
	b.Run("builder", func(b *testing.B) {
		builder(b)
		nsBuilder = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("raw", func(b *testing.B) {
		raw(b)
		nsRaw = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		// Reported on the raw line: a parent benchmark prints no metrics.
		if nsBuilder > 0 && nsRaw > 0 {
			b.ReportMetric(nsBuilder/nsRaw, "x-raw")
		}
	})
}

// BenchmarkNil is the cost of a prompt's spans while the traces beta is off.
func BenchmarkNil(b *testing.B) {
	var tr *Tracer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c, in := tr.StartInteraction(ctx, Interaction{Prompt: "p"})
		_, s := tr.StartLLMRequest(c, LLMRequest{Model: "m"})
		s.AddAttempt(1)
		s.End(LLMResult{})
		in.End()
	}
}
