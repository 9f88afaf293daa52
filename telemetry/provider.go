package telemetry

import (
	"cmp"
	"context"
	"net/url"

	"github.com/ccotel/ccotel/internal/core"
)

// Provider is who serves the model: a session's (WithSessionProvider) or one
// response's (APIResponse.Provider), for hosts that are not Claude Code or
// that choose a provider per session or per call. A zero Provider means the
// one it would replace; any other is taken whole, its empty fields meaning
// the defaults below. The price table holds Claude models only: a response
// of another provider's model sets APIResponse.CostUSD (or the host adds
// prices with WithPrices), else its cost is 0 and the model is reported once
// as a *pricing.UnknownModelError.
type Provider struct {
	// Name is anthropic.provider. Claude Code sends "firstParty" (the Claude
	// API), "bedrock", "vertex" or "foundry"; another provider has no value
	// in Claude Code, so the host's own name ("openai", "ollama") is sent.
	// By default, "firstParty".
	Name string
	// BaseURL is the endpoint the host uses instead of the provider's
	// default one, as Claude Code's ANTHROPIC_BASE_URL:
	// anthropic.custom_base_url is true when it names a host other than
	// api.anthropic.com, so any base URL of another provider counts as
	// custom. By default, there is none: custom_base_url is false.
	BaseURL string
	// Family is the model family, sent as the spans' gen_ai.provider.name
	// and gen_ai.system and the GenAI metrics' gen_ai.provider.name. Claude
	// Code sends "anthropic" on every deployment; another family is the
	// OpenTelemetry GenAI name of its vendor ("openai", "gcp.gemini"). By
	// default, "anthropic" for Claude Code's four providers, else Name.
	Family string
}

// over is p as it replaces base.
func (p Provider) over(base core.Provider) core.Provider {
	if p == (Provider{}) {
		return base
	}
	out := core.Provider{Name: cmp.Or(p.Name, "firstParty"), Family: p.Family}
	if out.Family == "" {
		out.Family = out.Name
		switch out.Name {
		case "firstParty", "bedrock", "vertex", "foundry":
			out.Family = "anthropic"
		}
	}
	if p.BaseURL != "" {
		// Claude Code's rule for ANTHROPIC_BASE_URL, as config reads it.
		u, err := url.Parse(p.BaseURL)
		out.CustomBaseURL = err != nil || u.Hostname() != "api.anthropic.com"
	}
	return out
}

// served returns ctx carrying the session as served by p, for what one
// response records, and the model family it is sent with.
func (s *Session) served(ctx context.Context, p Provider) (context.Context, string) {
	ctx = s.Context(ctx)
	if p == (Provider{}) {
		return ctx, s.core.Provider.Family
	}
	ss := s.core.Served(p.over(s.core.Provider))
	return core.ContextWithSession(ctx, ss), ss.Provider.Family
}
