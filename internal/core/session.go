package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
)

// Provider is who serves a session's or a response's model.
type Provider struct {
	Name          string // anthropic.provider
	CustomBaseURL bool   // anthropic.custom_base_url
	Family        string // the model family: the spans' gen_ai.system and gen_ai.provider.name
}

// maxVariants bounds the providers a session keeps built attributes for
// (Served); a host has a handful, and one beyond them is built per use.
const maxVariants = 8

// Session is one agent session: its id and its standard attributes, built once.
type Session struct {
	ID       string
	Provider Provider
	state    *State

	// Attributes are the standard attributes in Claude Code's order:
	// OTEL_RESOURCE_ATTRIBUTES copies, user.id, session.id, app.version,
	// app.entrypoint, vcs.*, organization.id, user.email, user.account_uuid,
	// user.account_id, anthropic.provider, anthropic.custom_base_url,
	// terminal.type. Never modify the slice.
	Attributes []attribute.KeyValue
	// EarlyAttributes are the same without vcs.*: Claude Code records its
	// startup events and the interaction span before it resolves the
	// repository.
	EarlyAttributes []attribute.KeyValue
	// MetricAttributes, EventAttributes and EventEarlyAttributes are the
	// same for metrics and for events, which differ from Attributes only in
	// session.id when a per-signal toggle (config.Include.SessionIDOn)
	// overrides the shared one; otherwise they are the same slices.
	MetricAttributes     []attribute.KeyValue
	EventAttributes      []attribute.KeyValue
	EventEarlyAttributes []attribute.KeyValue

	// metricsOnce and metricsCache hold the metrics package's attribute
	// sets for this session (MetricsCache); core only keeps them alive as
	// long as the session.
	metricsOnce  sync.Once
	metricsCache any

	promptSeq sync.Mutex
	prompts   int64

	variantsMu sync.Mutex
	variants   map[Provider]*Session // Served's, at most maxVariants
}

// DefaultProvider is the handle's provider: the one Static gives, with
// Claude's model family.
func (s *State) DefaultProvider() Provider {
	return Provider{Name: s.Static.Provider, CustomBaseURL: s.Static.CustomBaseURL, Family: "anthropic"}
}

// NewSession builds a session with the given id (a UUIDv4 when empty) served
// by the handle's provider.
func (s *State) NewSession(id string) *Session {
	return s.NewSessionFor(id, s.DefaultProvider())
}

// NewSessionFor builds a session with the given id (a UUIDv4 when empty)
// served by p.
func (s *State) NewSessionFor(id string, p Provider) *Session {
	if id == "" {
		id = NewUUID()
	}
	ss := &Session{ID: id, Provider: p, state: s}
	shared := s.Include.SessionID
	ss.Attributes = s.standard(id, p, true, shared)
	ss.EarlyAttributes = ss.Attributes
	if s.Include.Repository && s.Static.Repository != nil {
		ss.EarlyAttributes = s.standard(id, p, false, shared)
	}
	ss.MetricAttributes = ss.Attributes
	if on := s.Include.SessionIDOn(config.SignalMetrics); on != shared {
		ss.MetricAttributes = s.standard(id, p, true, on)
	}
	ss.EventAttributes, ss.EventEarlyAttributes = ss.Attributes, ss.EarlyAttributes
	if on := s.Include.SessionIDOn(config.SignalLogs); on != shared {
		ss.EventAttributes = s.standard(id, p, true, on)
		ss.EventEarlyAttributes = ss.EventAttributes
		if s.Include.Repository && s.Static.Repository != nil {
			ss.EventEarlyAttributes = s.standard(id, p, false, on)
		}
	}
	return ss
}

// Served returns the session as served by p: ss itself when p is its
// provider, else the same session.id with p's attributes, for what one
// response served by another provider records.
func (ss *Session) Served(p Provider) *Session {
	if p == ss.Provider {
		return ss
	}
	ss.variantsMu.Lock()
	defer ss.variantsMu.Unlock()
	if v := ss.variants[p]; v != nil {
		return v
	}
	v := ss.state.NewSessionFor(ss.ID, p)
	if len(ss.variants) < maxVariants {
		if ss.variants == nil {
			ss.variants = make(map[Provider]*Session)
		}
		ss.variants[p] = v
	}
	return v
}

// MetricsCache returns the session's metric cache, made by create on first
// use. It is per session so that a session's sets are freed with it.
func (ss *Session) MetricsCache(create func() any) any {
	ss.metricsOnce.Do(func() { ss.metricsCache = create() })
	return ss.metricsCache
}

// State is the handle the session belongs to.
func (ss *Session) State() *State { return ss.state }

// NextInteraction returns the 1-based interaction.sequence of a new prompt.
func (ss *Session) NextInteraction() int64 {
	ss.promptSeq.Lock()
	defer ss.promptSeq.Unlock()
	ss.prompts++
	return ss.prompts
}

func (s *State) standard(sessionID string, p Provider, withRepo, withSession bool) []attribute.KeyValue {
	st := s.Static
	// Built on the stack and copied to a slice of the exact length: every
	// live session keeps these slices.
	var buf [24]attribute.KeyValue
	kv := append(buf[:0], s.resourceCopy...)
	kv = append(kv, attribute.String("user.id", st.UserID))
	if withSession {
		kv = append(kv, attribute.String("session.id", sessionID))
	}
	if s.Include.Version && st.AppVersion != "" {
		kv = append(kv, attribute.String("app.version", st.AppVersion))
	}
	if s.Include.Entrypoint && st.Entrypoint != "" {
		kv = append(kv, attribute.String("app.entrypoint", st.Entrypoint))
	}
	if withRepo && s.Include.Repository && st.Repository != nil {
		kv = append(kv, st.Repository.Attributes()...)
	}
	id := st.Identity
	if id.OrganizationID != "" {
		kv = append(kv, attribute.String("organization.id", id.OrganizationID))
	}
	if id.UserEmail != "" {
		kv = append(kv, attribute.String("user.email", id.UserEmail))
	}
	if s.Include.AccountUUID && id.AccountUUID != "" {
		kv = append(kv, attribute.String("user.account_uuid", id.AccountUUID))
		tagged := id.AccountTaggedID
		if tagged == "" {
			tagged = TaggedID("user", id.AccountUUID)
		}
		kv = append(kv, attribute.String("user.account_id", tagged))
	}
	kv = append(kv,
		attribute.String("anthropic.provider", p.Name),
		attribute.Bool("anthropic.custom_base_url", p.CustomBaseURL))
	if st.TerminalType != "" {
		kv = append(kv, attribute.String("terminal.type", st.TerminalType))
	}
	return append([]attribute.KeyValue(nil), Bound(kv)...)
}

type sessionKey struct{}
type promptKey struct{}

// ContextWithSession returns ctx carrying ss.
func ContextWithSession(ctx context.Context, ss *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, ss)
}

// Prompt is one user prompt: everything emitted inside it carries prompt.id.
type Prompt struct {
	ID       string
	Sequence int64 // interaction.sequence, 1-based
}

// ContextWithPrompt returns ctx carrying p.
func ContextWithPrompt(ctx context.Context, p *Prompt) context.Context {
	return context.WithValue(ctx, promptKey{}, p)
}

// PromptFromContext returns the prompt in ctx, or nil.
func PromptFromContext(ctx context.Context) *Prompt {
	p, _ := ctx.Value(promptKey{}).(*Prompt)
	return p
}

// NewUUID returns a random UUIDv4 in its canonical lowercase form.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	// Encoded by hand: fmt.Sprintf boxes five slices and parses the format,
	// six allocations per session and prompt; this is one.
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:16])
	return string(s[:])
}
