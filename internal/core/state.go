package core

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
)

// Redactor is the host's last word on an attribute before any exporter sees
// it. name is the event name (without the claude_code. prefix), the metric
// name, or the span name. Returning keep=false drops the attribute.
type Redactor func(name, key string, v attribute.Value) (out attribute.Value, keep bool)

// Static is what is known once per process and never changes.
type Static struct {
	UserID        string
	AppVersion    string
	Entrypoint    string
	Provider      string // anthropic.provider, "firstParty" by default
	CustomBaseURL bool   // anthropic.custom_base_url
	TerminalType  string // "" when not detected: the attribute is then omitted
	Repository    *Repository
	Identity      config.Identity
}

// State is the shared emit-time state of one telemetry handle.
type State struct {
	Include config.Include
	Content config.Content
	Static  Static

	// ResourceAttributes are the OTEL_RESOURCE_ATTRIBUTES pairs copied onto
	// every point, record and span (empty when the toggle is off).
	resourceCopy []attribute.KeyValue

	Redact Redactor
	Now    func() time.Time
	Handle func(error)
	// Series counts the distinct attribute sets the metrics record, for
	// the folded series count; nil counts nothing.
	Series   *Series
	sequence atomic.Int64

	defaultOnce sync.Once
	// defaultSession is atomic: the host's first StartSession sets it
	// while emits without a session in their context may read it.
	defaultSession atomic.Pointer[Session]
}

// NewState builds the state. cfg supplies the toggles, content flags, identity
// and resource attributes; st the detected process identity.
func NewState(cfg config.Config, st Static) *State {
	s := &State{
		Include: cfg.Include,
		Content: cfg.Content,
		Static:  st,
		Now:     time.Now,
		Handle:  func(error) {},
	}
	s.Static.Identity = cfg.Identity
	if s.Static.Provider == "" {
		s.Static.Provider = "firstParty"
	}
	if cfg.Include.ResourceAttributes {
		for _, a := range cfg.ResourceAttributes {
			if builtinKey(a.Key) {
				continue // built-in standard attributes win on collision
			}
			s.resourceCopy = append(s.resourceCopy, attribute.String(a.Key, a.Value))
		}
	}
	return s
}

type timeKey struct{}

// ContextWithTime returns ctx carrying the time at which what is emitted with
// it happened, for events recorded before they could be emitted
// (telemetry.Buffer).
func ContextWithTime(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, timeKey{}, t)
}

// TimeOf is the time ctx carries (ContextWithTime), else Now.
func (s *State) TimeOf(ctx context.Context) time.Time {
	if t, ok := ctx.Value(timeKey{}).(time.Time); ok {
		return t
	}
	return s.Now()
}

// NextSequence returns the next event.sequence: one counter for every event of
// the handle, starting at 0, never reset.
func (s *State) NextSequence() int64 { return s.sequence.Add(1) - 1 }

// Error reports a background problem to the handle's error handler.
func (s *State) Error(err error) {
	if err != nil && s.Handle != nil {
		s.Handle(err)
	}
}

// Session returns the session in ctx, or the handle's default session.
func (s *State) Session(ctx context.Context) *Session {
	if ss, ok := ctx.Value(sessionKey{}).(*Session); ok && ss.state == s {
		return ss
	}
	if ss := s.defaultSession.Load(); ss != nil {
		return ss
	}
	s.defaultOnce.Do(func() {
		if s.defaultSession.Load() == nil {
			s.defaultSession.CompareAndSwap(nil, s.NewSession(NewUUID()))
		}
	})
	return s.defaultSession.Load()
}

// DefaultSession is the session used when a context carries none.
func (s *State) DefaultSession() *Session { return s.Session(context.Background()) }

// SetDefaultSession makes ss the session used when a context carries none,
// from now on; an emit racing with it uses ss or the session made before.
func (s *State) SetDefaultSession(ss *Session) { s.defaultSession.Store(ss) }

var builtinKeys = map[string]bool{
	"user.id": true, "session.id": true, "app.version": true, "app.entrypoint": true,
	"organization.id": true, "user.email": true, "user.account_uuid": true, "user.account_id": true,
	"terminal.type": true, "anthropic.provider": true, "anthropic.custom_base_url": true,
	"vcs.repository.url.full": true, "vcs.owner.name": true, "vcs.repository.name": true, "vcs.provider.name": true,
}

func builtinKey(k string) bool { return builtinKeys[k] }

// CopiesResource reports whether the standard attributes hold copies of
// OTEL_RESOURCE_ATTRIBUTES, whose keys the user chooses: one may repeat a
// key of an event (model, event.name), which only the SDK's key
// de-duplication resolved.
func (s *State) CopiesResource() bool { return len(s.resourceCopy) > 0 }
