package telemetry

import (
	"context"
	"net/http"
	"os"

	"github.com/ccotel/ccotel/propagation"
)

// HTTPTransport wraps base (http.DefaultTransport when nil) so requests made
// with a prompt's context carry its W3C traceparent, as Claude Code's model
// and HTTP MCP requests do: to Anthropic's API always, to any other host only
// with CLAUDE_CODE_PROPAGATE_TRACEPARENT=1. Without a span in the request's
// context nothing is added.
func (t *Telemetry) HTTPTransport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if !t.Enabled() {
		return base
	}
	return &propagation.Transport{Base: base, Force: t.cfg.Traces.PropagateTraceparent}
}

// SubprocessEnv returns env (os.Environ() when nil) with TRACEPARENT and
// TRACESTATE set from ctx's span, for a shell command or hook the agent
// starts, as Claude Code does for its Bash tool and hooks. Claude Code does
// not pass its own OTEL_* variables to subprocesses; neither does this: it
// only adds the trace context.
func (t *Telemetry) SubprocessEnv(ctx context.Context, env []string) []string {
	if env != nil && (t == nil || t.state == nil) {
		return env // the off path, small enough to inline into the host's call
	}
	return t.subprocessEnv(ctx, env)
}

func (t *Telemetry) subprocessEnv(ctx context.Context, env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	if !t.Enabled() {
		return env
	}
	return propagation.Environ(orBackground(ctx), env)
}
