package telemetry

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/pricing"
)

// GenAIMeterName is the scope of the GenAI semantic-convention histograms
// (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental). They are not
// Claude Code's, so they do not share its scope com.anthropic.claude_code:
// dashboards that filter on that scope see exactly Claude Code's metrics.
const GenAIMeterName = "github.com/ccotel/ccotel/genai"

// The GenAI client metrics of the OpenTelemetry semantic conventions
// (gen-ai-metrics.md, the version of OTEL_SEMCONV_STABILITY_OPT_IN's
// gen_ai_latest_experimental) and their advised bucket boundaries.
const (
	GenAITokenUsage        = "gen_ai.client.token.usage"
	GenAIOperationDuration = "gen_ai.client.operation.duration"
)

var (
	// genAITokenBuckets are the conventions' boundaries of gen_ai.client.token.usage.
	genAITokenBuckets = []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}
	// genAIDurationBuckets are the conventions' boundaries of gen_ai.client.operation.duration.
	genAIDurationBuckets = []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}
)

// WithGenAISemconv records the GenAI semantic-convention histograms
// gen_ai.client.token.usage and gen_ai.client.operation.duration alongside
// the claude_code.* metrics, from Session.APIResponse and Session.APIError,
// on the meter scope GenAIMeterName. By default they are recorded only when
// OTEL_SEMCONV_STABILITY_OPT_IN contains gen_ai_latest_experimental; Claude
// Code records neither.
func WithGenAISemconv() Option {
	return withVariables("WithGenAISemconv", func(c *config.Config, _ *options) { c.Extensions.GenAISemconv = true },
		"OTEL_SEMCONV_STABILITY_OPT_IN")
}

// genAI records the two histograms. A nil *genAI records nothing: that is the
// default, with no instrument created.
type genAI struct {
	tokens, duration metric.Float64Histogram
	cache            sync.Map     // genAIKey -> *genAIEntry
	cached           atomic.Int64 // entries in cache
	series           *core.Series // counts the sets, for the folded series count
}

// maxGenAIEntries bounds the attribute sets genAI remembers: a host that
// reports endless model names or error types gets them recorded, each call
// building its set anew, without growing the cache.
const maxGenAIEntries = 1024

// genAIKey determines one attribute set. The conventions' attributes carry
// no session or user: the histograms are for fleet-wide latency and usage.
type genAIKey struct {
	family    string // gen_ai.provider.name
	model     string
	tokenType string // "input", "output", or "" for duration
	errorType string // duration of a failed call only
}

type genAIEntry struct {
	set  attribute.Set
	opts []metric.RecordOption
	seen uint64 // the interval the set was last counted in (core.Series.MarkSet)
}

func newGenAI(mp metric.MeterProvider, cfg config.Config, version string, series *core.Series) (*genAI, error) {
	if !cfg.Extensions.GenAISemconv {
		return nil, nil
	}
	m := mp.Meter(GenAIMeterName, metric.WithInstrumentationVersion(version))
	g := &genAI{series: series}
	var err error
	if g.tokens, err = m.Float64Histogram(GenAITokenUsage, metric.WithUnit("{token}"),
		metric.WithDescription("Number of input and output tokens used."),
		metric.WithExplicitBucketBoundaries(genAITokenBuckets...)); err != nil {
		return nil, fmt.Errorf("%s: %w", GenAITokenUsage, err)
	}
	if g.duration, err = m.Float64Histogram(GenAIOperationDuration, metric.WithUnit("s"),
		metric.WithDescription("GenAI operation duration."),
		metric.WithExplicitBucketBoundaries(genAIDurationBuckets...)); err != nil {
		return nil, fmt.Errorf("%s: %w", GenAIOperationDuration, err)
	}
	return g, nil
}

func (g *genAI) entry(k genAIKey) *genAIEntry {
	if v, ok := g.cache.Load(k); ok {
		return v.(*genAIEntry)
	}
	kv := []attribute.KeyValue{
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", k.family),
		attribute.String("gen_ai.request.model", k.model),
		attribute.String("gen_ai.response.model", k.model),
	}
	if k.tokenType != "" {
		kv = append(kv, attribute.String("gen_ai.token.type", k.tokenType))
	}
	if k.errorType != "" {
		kv = append(kv, attribute.String("error.type", k.errorType))
	}
	set := attribute.NewSet(core.Bound(kv)...) // a host's model name may hold anything
	e := &genAIEntry{set: set, opts: []metric.RecordOption{metric.WithAttributeSet(set)}}
	if g.cached.Load() >= maxGenAIEntries {
		return e
	}
	v, loaded := g.cache.LoadOrStore(k, e)
	if !loaded {
		g.cached.Add(1)
	}
	return v.(*genAIEntry)
}

// record records v on h, named name, with k's set, counted for the folded
// series as the claude_code.* metrics' sets are.
func (g *genAI) record(ctx context.Context, h metric.Float64Histogram, name string, v float64, k genAIKey) {
	e := g.entry(k)
	g.series.MarkSet(&e.seen, name, e.set)
	h.Record(ctx, v, e.opts...)
}

// response records a successful call: input tokens as the conventions count
// them (cache reads and writes included), output tokens, and the duration.
func (g *genAI) response(ctx context.Context, family, model string, u pricing.Usage, d time.Duration) {
	if g == nil {
		return
	}
	in := u.InputTokens + u.CacheReadTokens + u.CacheCreationTokens
	g.record(ctx, g.tokens, GenAITokenUsage, float64(in), genAIKey{family: family, model: model, tokenType: "input"})
	g.record(ctx, g.tokens, GenAITokenUsage, float64(u.OutputTokens), genAIKey{family: family, model: model, tokenType: "output"})
	g.record(ctx, g.duration, GenAIOperationDuration, d.Seconds(), genAIKey{family: family, model: model})
}

// failure records the duration of a failed call with error.type: the HTTP
// status code, or "_OTHER" when the failure had none, as the conventions ask.
func (g *genAI) failure(ctx context.Context, family, model string, status int, d time.Duration) {
	if g == nil {
		return
	}
	et := "_OTHER"
	if status > 0 {
		et = statusText(status)
	}
	g.record(ctx, g.duration, GenAIOperationDuration, d.Seconds(), genAIKey{family: family, model: model, errorType: et})
}

// statusText avoids an allocation for the status codes the API returns.
func statusText(code int) string {
	switch code {
	case 400:
		return "400"
	case 401:
		return "401"
	case 403:
		return "403"
	case 404:
		return "404"
	case 408:
		return "408"
	case 413:
		return "413"
	case 429:
		return "429"
	case 500:
		return "500"
	case 502:
		return "502"
	case 503:
		return "503"
	case 504:
		return "504"
	case 529:
		return "529"
	}
	return strconv.Itoa(code)
}
