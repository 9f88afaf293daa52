package telemetry

import (
	"context"

	"github.com/ccotel/ccotel/internal/core"
)

type sessionKey struct{}

// SessionFromContext returns the Session that ctx carries: the context
// returned by StartSession, Session.Context or anything derived from them
// (a prompt's context, a tool's). It returns nil when ctx carries none, as
// with a disabled Telemetry. Integrations that only see a request's context,
// such as an HTTP middleware, use it to find where to record.
func SessionFromContext(ctx context.Context) *Session {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// withSession returns ctx carrying s and its core session; ctx itself when
// it already does, so the helpers' own calls allocate nothing. The core
// session is the outer value: every emit looks it up, first.
func (s *Session) withSession(ctx context.Context) context.Context {
	if s.t.state.Session(ctx) == s.core && SessionFromContext(ctx) == s {
		return ctx
	}
	return core.ContextWithSession(context.WithValue(ctx, sessionKey{}, s), s.core)
}
