package telemetry_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/telemetry"
	"github.com/ccotel/ccotel/telemetry/telemetrytest"
)

// fullAttribution sets every field of metrics.Attribution.
var fullAttribution = metrics.Attribution{
	Effort:          metrics.EffortHigh,
	Speed:           metrics.SpeedFast,
	Agent:           metrics.Name{Value: "general-purpose", Origin: metrics.OriginBuiltIn},
	AgentID:         "a0123456789abcdef",
	Skill:           metrics.Name{Value: "mockskill", Origin: metrics.OriginProject},
	Plugin:          metrics.Name{Value: "acme-plugin", Origin: metrics.OriginPlugin},
	Marketplace:     metrics.Name{Value: "claude-plugins-official", Origin: metrics.OriginOfficial},
	MCPServer:       metrics.Name{Value: "mocksrv", Origin: metrics.OriginMCP},
	MCPTool:         metrics.Name{Value: "echo", Origin: metrics.OriginMCP},
	WorkflowRunID:   "wf_1",
	Workflow:        metrics.Name{Value: "nightly", Origin: metrics.OriginUser},
	ClientRequestID: "c0ffee",
}

// The wire values of fullAttribution on api_request and api_error: a project
// skill keeps its name (Claude Code 2.1.332), the rest follow their origin.
var fullAttributionWire = map[string]any{
	"client_request_id": "c0ffee", "speed": "fast", "query_source": "agent:builtin:general-purpose", "effort": "high",
	"agent.name": "general-purpose", "agent_id": "a0123456789abcdef", "skill.name": "mockskill",
	"plugin.name": "third-party", "marketplace.name": "claude-plugins-official",
	"mcp_server.name": "custom", "mcp_tool.name": "custom", "workflow.run_id": "wf_1", "workflow.name": "custom",
}

// Session.APIError dropped skill, plugin, marketplace, MCP, client request id
// and workflow; one embedded Attribution carries all of them on both events.
func TestAPIErrorCarriesTheWholeAttribution(t *testing.T) {
	kit := telemetrytest.New(t)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Attribution: fullAttribution})
	s.APIError(ctx, telemetry.APIFailure{Model: "claude-sonnet-4-5", Error: "boom", StatusCode: 500, Attribution: fullAttribution})
	for _, name := range []string{"api_request", "api_error"} {
		if err := kit.CheckEvent(name, fullAttributionWire); err != nil {
			t.Error(err)
		}
	}
}

// A project skill: its own name on api_request and on the cost and token
// metrics, the placeholder only on skill_activated.
func TestProjectSkillNamePerSignal(t *testing.T) {
	kit := telemetrytest.New(t)
	ctx, s := kit.Telemetry.StartSession(context.Background())
	skill := metrics.Name{Value: "mockskill", Origin: metrics.OriginProject}
	s.APIResponse(ctx, telemetry.APIResponse{Model: "claude-sonnet-4-5", Attribution: metrics.Attribution{Skill: skill}})
	kit.Telemetry.Events().SkillActivated(ctx, eventsSkill("mockskill", "projectSettings"))
	if err := kit.CheckEvent("api_request", map[string]any{"skill.name": "mockskill"}); err != nil {
		t.Error(err)
	}
	if err := kit.CheckEvent("skill_activated", map[string]any{"skill.name": "custom_skill"}); err != nil {
		t.Error(err)
	}
	for _, m := range []string{"claude_code.cost.usage", "claude_code.token.usage"} {
		if len(kit.Points(m, attribute.String("skill.name", "mockskill"))) == 0 {
			t.Errorf("%s: no point with skill.name=mockskill", m)
		}
	}
}

func eventsSkill(name, source string) events.SkillActivated {
	return events.SkillActivated{SkillName: name, SkillSource: source, InvocationTrigger: "claude-proactive"}
}
