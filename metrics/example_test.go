package metrics_test

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
)

// printPoints writes the collected points, one line each, sorted.
func printPoints(reader *sdkmetric.ManualReader) {
	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	var lines []string
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			for _, p := range m.Data.(metricdata.Sum[float64]).DataPoints {
				var kv []string
				for _, a := range p.Attributes.ToSlice() {
					kv = append(kv, string(a.Key)+"="+a.Value.String())
				}
				lines = append(lines, fmt.Sprintf("%s %v {%s}", m.Name, p.Value, strings.Join(kv, " ")))
			}
		}
	}
	slices.Sort(lines)
	fmt.Println(strings.Join(lines, "\n"))
}

// start starts telemetry on a manual reader, with an environment of its own.
func start(opts ...telemetry.Option) (*telemetry.Telemetry, *sdkmetric.ManualReader) {
	reader := sdkmetric.NewManualReader()
	tel, err := telemetry.Start(context.Background(), append([]telemetry.Option{
		telemetry.WithLoadOptions(config.WithEnviron([]string{"CLAUDE_CODE_ENABLE_TELEMETRY=1", "OTEL_METRICS_INCLUDE_SESSION_ID=false", "TERM=dumb"}), config.WithoutManagedSettings()),
		telemetry.WithUserID("u1"), telemetry.WithMetricReader(reader)}, opts...)...)
	if err != nil {
		panic(err)
	}
	return tel, reader
}

// The telemetry handle owns the Recorder (tel.Metrics()); this shows what it
// records outside any session.
func Example() {
	tel, reader := start()
	defer tel.Shutdown(context.Background())
	rec := tel.Metrics()
	ctx := context.Background()

	rec.SessionCount(ctx, metrics.StartFresh)
	rec.APIUsage(ctx, 0.002721,
		metrics.TokenCounts{Input: 107, Output: 45, CacheRead: 2000},
		&metrics.UsageAttrs{Model: "claude-sonnet-4-5", Attribution: metrics.Attribution{Query: metrics.QueryMain}})
	rec.LinesChanged(ctx, "claude-sonnet-4-5", 4, 0)
	printPoints(reader)
	// Output:
	// claude_code.cost.usage 0.002721 {anthropic.custom_base_url=false anthropic.provider=firstParty model=claude-sonnet-4-5 query_source=main terminal.type=dumb user.id=u1}
	// claude_code.lines_of_code.count 0 {anthropic.custom_base_url=false anthropic.provider=firstParty model=claude-sonnet-4-5 terminal.type=dumb type=removed user.id=u1}
	// claude_code.lines_of_code.count 4 {anthropic.custom_base_url=false anthropic.provider=firstParty model=claude-sonnet-4-5 terminal.type=dumb type=added user.id=u1}
	// claude_code.session.count 1 {anthropic.custom_base_url=false anthropic.provider=firstParty start_type=fresh terminal.type=dumb user.id=u1}
	// claude_code.token.usage 0 {anthropic.custom_base_url=false anthropic.provider=firstParty model=claude-sonnet-4-5 query_source=main terminal.type=dumb type=cacheCreation user.id=u1}
	// claude_code.token.usage 107 {anthropic.custom_base_url=false anthropic.provider=firstParty model=claude-sonnet-4-5 query_source=main terminal.type=dumb type=input user.id=u1}
	// claude_code.token.usage 2000 {anthropic.custom_base_url=false anthropic.provider=firstParty model=claude-sonnet-4-5 query_source=main terminal.type=dumb type=cacheRead user.id=u1}
	// claude_code.token.usage 45 {anthropic.custom_base_url=false anthropic.provider=firstParty model=claude-sonnet-4-5 query_source=main terminal.type=dumb type=output user.id=u1}
}

// Names the user or a third party configured are redacted; built-in ones are
// sent as they are.
// A host redactor, if set, has the last word on every attribute.
func ExampleName() {
	tel, reader := start(telemetry.WithRedactor(func(metric, key string, v attribute.Value) (attribute.Value, bool) {
		return v, key != "user.id" // this host keeps its install id to itself
	}))
	defer tel.Shutdown(context.Background())
	rec := tel.Metrics()

	agent := metrics.Name{Value: "general-purpose", Origin: metrics.OriginBuiltIn}
	rec.Cost(context.Background(), 0.01, &metrics.UsageAttrs{
		Model: "claude-sonnet-4-5",
		Attribution: metrics.Attribution{
			Query:     metrics.QuerySubagent(agent),
			Agent:     agent,
			MCPServer: metrics.Name{Value: "acme-internal", Origin: metrics.OriginMCP},
			MCPTool:   metrics.Name{Value: "deploy", Origin: metrics.OriginMCP},
		},
	})
	printPoints(reader)
	// Output:
	// claude_code.cost.usage 0.01 {agent.name=general-purpose anthropic.custom_base_url=false anthropic.provider=firstParty mcp_server.name=custom mcp_tool.name=custom model=claude-sonnet-4-5 query_source=subagent terminal.type=dumb}
}

// With telemetry off a host holds a nil Recorder and calls it all the same.
func ExampleRecorder_nil() {
	var rec *metrics.Recorder
	rec.Commit(context.Background())
	fmt.Println("nothing recorded")
	// Output: nothing recorded
}
