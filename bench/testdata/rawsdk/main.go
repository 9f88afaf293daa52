// Rawsdk is the hand-written OpenTelemetry Go SDK equivalent of
// ../ccotel/main.go, for BenchmarkProgram: the same exporters to choose from
// (OTLP over gRPC or HTTP, console, Prometheus), and per session the same
// points and the api_request record with the same attributes. It is its own
// module so that the SDK's exporters stay out of ccotel's go.mod.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutlog"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "rawsdk:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	sessions, _ := strconv.Atoi(os.Getenv("BENCH_SESSIONS"))
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("claude-code"), semconv.ServiceVersion("1.0.0"))
	grpc := os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL") == "grpc"

	var reader sdkmetric.Reader
	switch os.Getenv("OTEL_METRICS_EXPORTER") {
	case "prometheus":
		r, err := prometheus.New()
		if err != nil {
			return err
		}
		reader = r
	case "console":
		exp, err := stdoutmetric.New(stdoutmetric.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality {
			return metricdata.DeltaTemporality
		}))
		if err != nil {
			return err
		}
		reader = sdkmetric.NewPeriodicReader(exp)
	default:
		var exp sdkmetric.Exporter
		var err error
		if grpc {
			exp, err = otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality {
				return metricdata.DeltaTemporality
			}))
		} else {
			exp, err = otlpmetrichttp.New(ctx, otlpmetrichttp.WithTemporalitySelector(func(sdkmetric.InstrumentKind) metricdata.Temporality {
				return metricdata.DeltaTemporality
			}))
		}
		if err != nil {
			return err
		}
		reader = sdkmetric.NewPeriodicReader(exp)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(reader))

	var logExp sdklog.Exporter
	var err error
	switch {
	case os.Getenv("OTEL_LOGS_EXPORTER") == "console":
		logExp, err = stdoutlog.New()
	case grpc:
		logExp, err = otlploggrpc.New(ctx)
	default:
		logExp, err = otlploghttp.New(ctx)
	}
	if err != nil {
		return err
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(logExp)))

	// Traces only when asked, as Claude Code's (and ccotel's) default.
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res))
	if e := os.Getenv("OTEL_TRACES_EXPORTER"); e == "otlp" || e == "console" {
		var spanExp sdktrace.SpanExporter
		switch {
		case e == "console":
			spanExp, err = stdouttrace.New()
		case grpc:
			spanExp, err = otlptracegrpc.New(ctx)
		default:
			spanExp, err = otlptracehttp.New(ctx)
		}
		if err != nil {
			return err
		}
		tp = sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithBatcher(spanExp))
	}

	meter := mp.Meter("com.anthropic.claude_code")
	sessionCount, _ := meter.Float64Counter("claude_code.session.count", metric.WithDescription("Count of CLI sessions started"))
	cost, _ := meter.Float64Counter("claude_code.cost.usage", metric.WithUnit("USD"), metric.WithDescription("Cost of the Claude Code session"))
	tok, _ := meter.Float64Counter("claude_code.token.usage", metric.WithUnit("tokens"), metric.WithDescription("Number of tokens used"))
	logger := lp.Logger("com.anthropic.claude_code.events")

	kept := make([]context.Context, 0, sessions)
	for range sessions {
		id := rand.Text()
		std := []attribute.KeyValue{
			attribute.String("user.id", "4e1b0f1c2d3e4f5a"), attribute.String("session.id", id),
			attribute.String("anthropic.provider", "firstParty"), attribute.Bool("anthropic.custom_base_url", false),
			attribute.String("terminal.type", "non-interactive"),
		}
		with := func(kv ...attribute.KeyValue) metric.AddOption {
			return metric.WithAttributeSet(attribute.NewSet(append(append([]attribute.KeyValue(nil), std...), kv...)...))
		}
		sessionCount.Add(ctx, 1, with(attribute.String("start_type", "fresh")))
		usage := []attribute.KeyValue{attribute.String("model", "claude-sonnet-4-5-20250929"), attribute.String("query_source", "main")}
		cost.Add(ctx, 0.0027, with(usage...))
		for _, t := range []struct {
			typ string
			n   float64
		}{{"input", 107}, {"output", 45}, {"cacheRead", 2000}, {"cacheCreation", 300}} {
			tok.Add(ctx, t.n, with(append(usage, attribute.String("type", t.typ))...))
		}
		now := time.Now()
		var r otellog.Record
		r.SetTimestamp(now)
		r.SetObservedTimestamp(now)
		r.SetBody(attribute.StringValue("claude_code.api_request"))
		r.AddAttributes(std...)
		r.AddAttributes(attribute.String("event.name", "api_request"),
			attribute.String("event.timestamp", now.UTC().Format("2006-01-02T15:04:05.000Z")),
			attribute.Int64("event.sequence", 1), attribute.String("model", "claude-sonnet-4-5-20250929"),
			attribute.Int64("input_tokens", 107), attribute.Int64("output_tokens", 45),
			attribute.Int64("cache_read_tokens", 2000), attribute.Int64("cache_creation_tokens", 300),
			attribute.Float64("cost_usd", 0.0027), attribute.Int64("duration_ms", 1200),
			attribute.String("request_id", "req_011CExample"), attribute.String("speed", "normal"),
			attribute.String("query_source", "repl_main_thread"))
		logger.Emit(ctx, r)
		kept = append(kept, context.WithValue(ctx, sessionKey{}, std))
	}

	// The resident set with the sessions alive, garbage returned to the
	// system: what BenchmarkProgram compares.
	debug.FreeOSMemory()
	fmt.Printf("rss_kib=%d\n", rssKiB())
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for _, err := range []error{mp.Shutdown(sctx), lp.Shutdown(sctx), tp.Shutdown(sctx)} {
		if err != nil {
			return err
		}
	}
	fmt.Fprintln(os.Stderr, len(kept), "sessions")
	return nil
}

type sessionKey struct{}

// rssKiB is VmRSS from /proc/self/status, 0 where there is none.
func rssKiB() int {
	status, _ := os.ReadFile("/proc/self/status")
	for line := range bytes.Lines(status) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			n, _ := strconv.Atoi(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))))
			return n
		}
	}
	return 0
}
