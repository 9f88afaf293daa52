package telemetry

import (
	"cmp"
	"context"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/ccotel/ccotel/config"
	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/internal/core"
	"github.com/ccotel/ccotel/internal/edits"
	"github.com/ccotel/ccotel/internal/redact"
	"github.com/ccotel/ccotel/internal/spans"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
)

// Session is one agent session: a session.id, the context that carries it, and
// helpers that emit what Claude Code emits together for one thing that
// happened. Its methods are safe for concurrent use; on a disabled Telemetry
// they do nothing.
type Session struct {
	t    *Telemetry
	core *core.Session

	mu           sync.Mutex
	totals       Totals
	recorded     []string // the last recentRequestIDs request ids recorded, for firstRecord
	nextRecorded int
	lastModel    string // of the last API response: the model of the next edit
}

// orBackground is ctx, or context.Background() for a nil ctx: every public
// method accepts a nil context rather than panic in the host.
func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

// SessionOption configures StartSession.
type SessionOption interface{ applySession(*sessionOptions) }

type sessionOptions struct {
	id        string
	startType metrics.StartType
	provider  Provider
}

type sessionOptionFunc func(*sessionOptions)

func (f sessionOptionFunc) applySession(o *sessionOptions) { f(o) }

// WithSessionID sets session.id. By default, it is a new UUIDv4.
func WithSessionID(id string) SessionOption {
	return sessionOptionFunc(func(o *sessionOptions) { o.id = id })
}

// WithStartType sets start_type of claude_code.session.count: fresh, resume,
// continue or agents_view. By default, it is fresh.
func WithStartType(t metrics.StartType) SessionOption {
	return sessionOptionFunc(func(o *sessionOptions) { o.startType = t })
}

// WithSessionProvider sets who serves the session's model: its
// anthropic.provider and anthropic.custom_base_url on every signal, and its
// model family on the spans. By default, it is the provider Start
// configured (CLAUDE_CODE_USE_BEDROCK, ANTHROPIC_BASE_URL, ..., WithProvider).
func WithSessionProvider(p Provider) SessionOption {
	return sessionOptionFunc(func(o *sessionOptions) { o.provider = p })
}

// StartSession begins a session and returns a context carrying it: everything
// recorded with that context carries its session.id. It records
// claude_code.session.count once. The first session of a handle also emits
// claude_code.managed_settings_resolved, as Claude Code does at startup. On a
// disabled Telemetry it returns ctx and a nil *Session, whose methods do
// nothing.
func (t *Telemetry) StartSession(ctx context.Context, opts ...SessionOption) (_ context.Context, s *Session) {
	// The off path inlines, as StartTool's; t.Enabled() written out, as
	// the call would put it over the compiler's budget.
	if t != nil && t.state != nil || ctx == nil {
		ctx, s = t.startSession(ctx, opts)
	}
	return ctx, s
}

func (t *Telemetry) startSession(ctx context.Context, opts []SessionOption) (context.Context, *Session) {
	ctx = orBackground(ctx)
	if !t.Enabled() {
		return ctx, nil // a nil *Session does nothing: the off path allocates nothing
	}
	o := sessionOptions{startType: metrics.StartFresh}
	for _, opt := range opts {
		if opt != nil {
			opt.applySession(&o)
		}
	}
	s := &Session{t: t}
	s.core = t.state.NewSessionFor(o.id, o.provider.over(t.state.DefaultProvider()))
	ctx = s.withSession(ctx)
	t.startOnce.Do(func() {
		t.state.SetDefaultSession(s.core)
		t.events.ManagedSettingsResolved(ctx, managedSettings(*t.cfg))
	})
	t.metrics.SessionCount(ctx, o.startType)
	return ctx, s
}

// managedSettings describes what the managed settings contributed, in the
// shape of 2.1.330's startup event. "policySettings" is Claude Code's name for
// the managed settings source.
func managedSettings(cfg config.Config) events.ManagedSettingsResolved {
	ev := events.ManagedSettingsResolved{
		Trigger:        "startup",
		Sources:        []string{},
		SourceBehavior: "first-wins",
		HelperState:    "none",
		HelperApplied:  "none",
	}
	for _, src := range cfg.Provenance {
		if src == config.SourceManaged {
			ev.Sources = []string{"policySettings"}
			break
		}
	}
	return ev
}

// ID is session.id; "" when telemetry is disabled.
func (s *Session) ID() string {
	if s == nil || s.core == nil {
		return ""
	}
	return s.core.ID
}

// Context returns ctx carrying the session.
func (s *Session) Context(ctx context.Context) context.Context {
	if ctx != nil && !s.enabled() {
		return ctx // the off path, inlined into the host's call
	}
	return s.contextFor(ctx)
}

func (s *Session) contextFor(ctx context.Context) context.Context {
	ctx = orBackground(ctx)
	if s == nil || s.core == nil {
		return ctx
	}
	return s.withSession(ctx)
}

// enabled reports whether s records. Only StartSession on an enabled
// Telemetry sets core, and a Telemetry stays enabled, so core alone tells;
// the check is small enough for every method's off path to inline into the
// host's call.
func (s *Session) enabled() bool { return s != nil && s.core != nil }

// start is when something that took d and ended now began, unless given.
func (s *Session) start(given time.Time, d time.Duration) time.Time {
	if !given.IsZero() {
		return given
	}
	return s.t.state.Now().Add(-d)
}

// attribution fills in what Claude Code always sends: the query source (a
// subagent's when Agent is set, else the main loop's in the host's mode) and
// the speed ("normal" unless fast).
func (s *Session) attribution(a metrics.Attribution) metrics.Attribution {
	switch {
	case a.Query != "":
	case a.Agent.Value != "":
		a.Query = metrics.QuerySubagent(a.Agent)
	case strings.HasPrefix(s.t.state.Static.Entrypoint, "sdk-"):
		a.Query = metrics.QueryNonInteractive
	default:
		a.Query = metrics.QueryMain
	}
	if a.Speed == "" {
		a.Speed = metrics.SpeedNormal
	}
	return a
}

// APIResponse is one successful Messages API response.
type APIResponse struct {
	Model string
	// ResponseModel is the model field of the API's response message, the
	// llm_request span's gen_ai.response.model; by default, Model.
	ResponseModel string
	Usage         pricing.Usage
	// CostUSD is the cost; when nil it is priced from the handle's price
	// table (WithPrices), and an unknown model costs 0 and is reported once.
	CostUSD *float64
	// Start is when the request was sent; by default, Duration before now.
	Start time.Time
	// Duration is the request (api_request's duration_ms: the last attempt
	// when it was retried); TTFT the time to the first token when the
	// response was streamed (0: not streamed, ttft_ms absent), and
	// FirstContent the time to the first content block (TTFT by default).
	Duration, TTFT, FirstContent time.Duration
	// TotalDuration is all attempts' (the llm_request span's); by default,
	// Duration.
	TotalDuration time.Duration
	// Attempts is the number of HTTP attempts, retries included (1 by default).
	Attempts int
	// AttemptTimes are the start times of the HTTP attempts, for the span's
	// gen_ai.request.attempt events; by default they are all at Start.
	AttemptTimes []time.Time
	// StopReason is the response's stop_reason (end_turn, tool_use, ...).
	StopReason string
	RequestID  string
	// Attribution says who made the call: query source, subagent, skill,
	// plugin, MCP tool, workflow, effort and speed.
	metrics.Attribution
	// Detail is what detailed beta tracing (ENABLE_BETA_TRACING_DETAILED)
	// adds to the llm_request span; ignored otherwise.
	Detail RequestDetail
	// Text is the response's text blocks; when not empty an
	// assistant_response event follows the api_request event.
	Text        string
	MessageUUID string
	// Provider is who served this response, for a host whose session uses
	// several providers; everything the response records carries it. By
	// default, it is the session's (WithSessionProvider).
	Provider Provider
}

// RequestDetail is what Claude Code's detailed beta tracing
// (ENABLE_BETA_TRACING_DETAILED with BETA_TRACING_ENDPOINT) records on an
// llm_request span besides the standard keys.
type RequestDetail struct {
	SystemPromptHash       string // system_prompt_hash: "sp_" and 12 hex characters
	SystemPromptLength     int    // system_prompt_length, UTF-16 code units
	Tools                  string // tools: a JSON array of {name, hash}
	ToolsCount             int    // tools_count
	NewContextMessageCount int    // new_context_message_count
	SystemRemindersCount   int    // system_reminders_count, sent when > 0
	HasToolCall            bool   // response.has_tool_call
}

func (d RequestDetail) request(r spans.LLMRequest) spans.LLMRequest {
	r.SystemPromptHash, r.SystemPromptLength, r.Tools = d.SystemPromptHash, d.SystemPromptLength, d.Tools
	r.ToolsCount, r.NewContextMessageCount, r.SystemRemindersCount = d.ToolsCount, d.NewContextMessageCount, d.SystemRemindersCount
	return r
}

// APIResponse records one API response as Claude Code does: the api_request
// event, an assistant_response event when the response has text, the
// claude_code.cost.usage point and the four claude_code.token.usage points
// (input, output, cacheRead, cacheCreation, zeros included).
//
// A call is recorded once per session: a response or failure whose RequestID
// the session already recorded (among its last 64) is ignored, so a call
// that contrib/anthropic's transport or middleware recorded and that the
// agent records again with the same request id counts once.
func (s *Session) APIResponse(ctx context.Context, r APIResponse) {
	// Inlined into the host's call. r goes on by value: taking its address
	// here would make the compiler build the host's literal in a temporary
	// and copy it into r before the check, twice the writing with
	// telemetry off; unaddressed, r is the literal, and only the on path
	// copies it.
	if s.enabled() {
		s.apiResponse(ctx, r)
	}
}

func (s *Session) apiResponse(ctx context.Context, r APIResponse) {
	if !s.firstRecord(r.RequestID) {
		return
	}
	ctx, family := s.served(ctx, r.Provider)
	a := s.attribution(r.Attribution)
	cost := s.t.cost(r.Model, r.Usage, r.CostUSD)
	ev := events.APIRequest{
		Model:                 r.Model,
		InputTokens:           r.Usage.InputTokens,
		OutputTokens:          r.Usage.OutputTokens,
		CacheReadTokens:       r.Usage.CacheReadTokens,
		CacheCreationTokens:   r.Usage.CacheCreationTokens,
		CacheCreation5mTokens: r.Usage.CacheCreation5mTokens,
		CacheCreation1hTokens: r.Usage.CacheCreation1hTokens,
		CostUSD:               cost,
		DurationMs:            r.Duration.Milliseconds(),
		RequestID:             r.RequestID,
		Attribution:           a,
	}
	if r.TTFT > 0 {
		ev.TTFTMs = new(r.TTFT.Milliseconds())
	}
	total := r.TotalDuration
	if total == 0 {
		total = r.Duration
	}
	s.t.spans.RecordLLMRequest(ctx, r.Detail.request(spans.LLMRequest{
		Model: r.Model, Speed: string(a.Speed), QuerySource: string(a.Query), AgentID: a.AgentID, Start: s.start(r.Start, total),
	}), spans.LLMResult{
		InputTokens: r.Usage.InputTokens, OutputTokens: r.Usage.OutputTokens,
		CacheReadTokens: r.Usage.CacheReadTokens, CacheCreationTokens: r.Usage.CacheCreationTokens,
		Attempt: r.Attempts, AttemptTimes: r.AttemptTimes, RequestID: r.RequestID, TTFT: r.TTFT,
		FirstContent: r.FirstContent, StopReason: r.StopReason, Duration: total, HasToolCall: r.Detail.HasToolCall,
		ResponseModel: cmp.Or(r.ResponseModel, r.Model),
	})
	s.t.events.APIRequest(ctx, ev)
	if r.Text != "" {
		s.t.events.AssistantResponse(ctx, events.AssistantResponse{
			Response:    r.Text,
			RequestID:   r.RequestID,
			MessageUUID: r.MessageUUID,
			Model:       r.Model,
			QuerySource: string(a.Query),
			AgentID:     a.AgentID,
		})
	}
	attrs := metrics.UsageAttrs{Model: r.Model, Attribution: a}
	s.t.metrics.APIUsage(ctx, cost, metrics.TokenCounts{
		Input:         float64(r.Usage.InputTokens),
		Output:        float64(r.Usage.OutputTokens),
		CacheRead:     float64(r.Usage.CacheReadTokens),
		CacheCreation: float64(r.Usage.CacheCreationTokens),
	}, &attrs)
	s.t.genai.response(ctx, family, r.Model, r.Usage, r.Duration)

	s.mu.Lock()
	s.totals.APIRequests++
	s.totals.CostUSD += cost
	s.totals.InputTokens += r.Usage.InputTokens
	s.totals.OutputTokens += r.Usage.OutputTokens
	s.totals.CacheReadTokens += r.Usage.CacheReadTokens
	s.totals.CacheCreationTokens += r.Usage.CacheCreationTokens
	s.totals.APIDuration += total
	s.lastModel = redact.Cut(r.Model, redact.IdentifierMax) // kept for the session: no huge string alive
	s.mu.Unlock()
}

// APIFailure is a Messages API request that failed after its retries.
type APIFailure struct {
	Model      string
	Error      string
	StatusCode int // 0 when the failure was not an HTTP status
	// Start is when the first attempt was sent; by default, TotalDuration
	// (or Duration) before now.
	Start time.Time
	// Duration is the last attempt's; TotalDuration all attempts'.
	Duration, TotalDuration time.Duration
	// Attempts is the number of attempts made, 1 when not retried.
	Attempts int
	// AttemptTimes are the start times of the attempts, for the span's
	// gen_ai.request.attempt events; by default they are all at Start.
	AttemptTimes []time.Time
	// Detail is what detailed beta tracing adds to the llm_request span.
	Detail RequestDetail
	// RetriesExhausted is true when the request failed because its retries
	// ran out; an api_retries_exhausted event then follows the api_error.
	RetriesExhausted bool
	RequestID        string
	// Attribution says who made the call, as on APIResponse; api_error
	// carries all of it.
	metrics.Attribution
	// Provider is who was asked, as on APIResponse. By default, it is the
	// session's.
	Provider Provider
}

// APIError records a failed request as Claude Code does: one api_error event
// after the last attempt (never one per attempt), and api_retries_exhausted
// when the retries ran out. Like APIResponse, it ignores a RequestID the
// session already recorded.
func (s *Session) APIError(ctx context.Context, f APIFailure) {
	if s.enabled() { // by value, as in APIResponse
		s.apiError(ctx, f)
	}
}

func (s *Session) apiError(ctx context.Context, f APIFailure) {
	if !s.firstRecord(f.RequestID) {
		return
	}
	ctx, family := s.served(ctx, f.Provider)
	a := s.attribution(f.Attribution)
	attempts := int64(max(f.Attempts, 1))
	total := f.TotalDuration
	if total == 0 {
		total = f.Duration
	}
	s.t.spans.RecordLLMRequest(ctx, f.Detail.request(spans.LLMRequest{
		Model: f.Model, Speed: string(a.Speed), QuerySource: string(a.Query), AgentID: a.AgentID, Start: s.start(f.Start, total),
	}), spans.LLMResult{
		Error: f.Error, StatusCode: f.StatusCode, Attempt: int(attempts), AttemptTimes: f.AttemptTimes,
		RequestID: f.RequestID, Duration: total,
	})
	s.t.events.APIError(ctx, events.APIError{
		Model:       f.Model,
		Error:       f.Error,
		StatusCode:  int64(f.StatusCode),
		DurationMs:  f.Duration.Milliseconds(),
		Attempt:     attempts,
		RequestID:   f.RequestID,
		Attribution: a,
	})
	if f.RetriesExhausted {
		s.t.events.APIRetriesExhausted(ctx, events.APIRetriesExhausted{
			Model:                f.Model,
			Error:                f.Error,
			StatusCode:           int64(f.StatusCode),
			TotalAttempts:        attempts,
			TotalRetryDurationMs: total.Milliseconds(),
			Speed:                string(a.Speed),
			QuerySource:          string(a.Query),
		})
	}
	s.t.genai.failure(ctx, family, f.Model, f.StatusCode, f.Duration)
	s.mu.Lock()
	s.totals.APIErrors++
	s.mu.Unlock()
}

// Edit is one use of a code-editing tool (Edit, Write, NotebookEdit).
type Edit struct {
	// ToolName is the tool: a host's name is sent as the kind WithToolKinds
	// maps it to, as Claude Code's edit metrics carry only its own tools'
	// names.
	ToolName string
	FilePath string
	// Language is the language attribute; by default derived from FilePath
	// ("Python", "Plain text", or "unknown").
	Language string
	Decision metrics.Decision
	Source   metrics.DecisionSource
	// Model is the model that made the change (lines_of_code's model); by
	// default, the model of the session's last API response.
	Model string
	// OldText and NewText are the replaced and the new content; for a new
	// file OldText is "". Lines are counted as Claude Code counts them: a
	// text's lines are what splitting on "\n" gives, so a trailing newline
	// is one more line ("a\nb\n" is 3 lines).
	OldText, NewText string
	// LinesAdded and LinesRemoved are the counts when the host has them
	// rather than the texts; used when OldText and NewText are both "".
	LinesAdded, LinesRemoved int
}

// EditDecision records a permission decision on a code edit
// (claude_code.code_edit_tool.decision) and, when accepted, the lines it
// changed (claude_code.lines_of_code.count added and removed, zeros included).
// It returns the lines counted.
func (s *Session) EditDecision(ctx context.Context, e Edit) (added, removed int) {
	if s != nil { // the off path, a nil Session, inlines into the host's call
		added, removed = s.editDecision(ctx, e)
	}
	return added, removed
}

func (s *Session) editDecision(ctx context.Context, e Edit) (added, removed int) {
	if !s.enabled() {
		return 0, 0
	}
	ctx = s.Context(ctx)
	e.ToolName = s.t.tools.kind("", e.ToolName)
	if e.Model == "" {
		s.mu.Lock()
		e.Model = s.lastModel
		s.mu.Unlock()
	}
	lang := e.Language
	if lang == "" {
		lang = edits.Language(e.FilePath)
	}
	decision := e.Decision
	if decision == "" {
		decision = metrics.DecisionAccept
	}
	source := e.Source
	if source == "" {
		source = metrics.SourceConfig
	}
	s.t.metrics.CodeEditDecision(ctx, metrics.EditDecision{ToolName: e.ToolName, Decision: decision, Source: source, Language: lang})
	if decision != metrics.DecisionAccept {
		return 0, 0
	}
	added, removed = e.LinesAdded, e.LinesRemoved
	if e.OldText != "" || e.NewText != "" {
		added, removed = edits.Lines(e.OldText, e.NewText)
	}
	s.t.metrics.LinesChanged(ctx, e.Model, float64(added), float64(removed))
	s.mu.Lock()
	s.totals.LinesAdded += int64(added)
	s.totals.LinesRemoved += int64(removed)
	s.mu.Unlock()
	return added, removed
}

// Commit records a git commit the agent created.
func (s *Session) Commit(ctx context.Context) {
	if s.enabled() {
		s.commit(ctx)
	}
}

func (s *Session) commit(ctx context.Context) {
	s.t.metrics.Commit(s.Context(ctx))
	s.mu.Lock()
	s.totals.Commits++
	s.mu.Unlock()
}

// PullRequest records a pull or merge request the agent created.
func (s *Session) PullRequest(ctx context.Context) {
	if s.enabled() {
		s.pullRequest(ctx)
	}
}

func (s *Session) pullRequest(ctx context.Context) {
	s.t.metrics.PullRequest(s.Context(ctx))
	s.mu.Lock()
	s.totals.PullRequests++
	s.mu.Unlock()
}

// ActiveTime records active time: ActiveUser for the user's keyboard
// interaction, ActiveCLI for tool execution and model responses (Prompt.End
// records the latter for a whole prompt).
func (s *Session) ActiveTime(ctx context.Context, d time.Duration, t metrics.ActiveType) {
	if s.enabled() && d > 0 {
		s.activeTime(ctx, d, t)
	}
}

func (s *Session) activeTime(ctx context.Context, d time.Duration, t metrics.ActiveType) {
	s.t.metrics.ActiveTime(s.Context(ctx), d.Seconds(), t)
	s.mu.Lock()
	if t == metrics.ActiveUser {
		s.totals.UserActiveTime += d
	} else {
		s.totals.CLIActiveTime += d
	}
	s.mu.Unlock()
}

// Totals is what a session has recorded through its helpers: what a host
// shows its user (as Claude Code's /cost does) without reading its own
// telemetry back.
type Totals struct {
	APIRequests, APIErrors int64
	CostUSD                float64
	InputTokens            int64
	OutputTokens           int64
	CacheReadTokens        int64
	CacheCreationTokens    int64
	APIDuration            time.Duration
	LinesAdded             int64
	LinesRemoved           int64
	Commits, PullRequests  int64
	Prompts                int64
	UserActiveTime         time.Duration
	CLIActiveTime          time.Duration
}

// Totals returns a snapshot of the session's totals.
func (s *Session) Totals() Totals {
	if s == nil || s.core == nil {
		return Totals{} // without the lock, and inlined: a disabled session has no totals
	}
	return s.lockedTotals()
}

func (s *Session) lockedTotals() Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.totals
}

// Prompt is one user prompt: an interaction. Everything recorded with its
// context carries its prompt.id.
type Prompt struct {
	s     *Session
	core  *core.Prompt
	span  *spans.InteractionSpan
	start time.Time
	once  sync.Once
}

// StartPrompt begins a prompt: it emits claude_code.user_prompt and returns a
// context carrying the prompt. Call End when the agent has answered.
func (s *Session) StartPrompt(ctx context.Context, p events.UserPrompt, opts ...PromptOption) (_ context.Context, prompt *Prompt) {
	if s != nil || ctx == nil { // the off path inlines, as StartTool's
		ctx, prompt = s.startPrompt(ctx, p, opts)
	}
	return ctx, prompt
}

func (s *Session) startPrompt(ctx context.Context, p events.UserPrompt, opts []PromptOption) (context.Context, *Prompt) {
	ctx = orBackground(ctx)
	if !s.enabled() {
		return ctx, nil // a nil *Prompt does nothing
	}
	pr := &Prompt{s: s}
	var o promptOptions
	for _, opt := range opts {
		if opt != nil {
			opt.applyPrompt(&o)
		}
	}
	ctx = s.Context(ctx)
	pr.core = &core.Prompt{ID: core.NewUUID(), Sequence: s.core.NextInteraction()}
	pr.start = s.t.state.Now()
	ctx = core.ContextWithPrompt(ctx, pr.core)
	if s.t.spans != nil {
		ctx, pr.span = s.t.spans.StartInteraction(ctx, spans.Interaction{Prompt: p.Prompt, Sequence: pr.core.Sequence, Start: pr.start})
	} else if s.t.inbound.IsValid() {
		// Claude Code puts an inbound TRACEPARENT's ids on its events even
		// when it records no span.
		ctx = trace.ContextWithRemoteSpanContext(ctx, s.t.inbound)
	}
	for _, m := range o.mentions {
		s.t.events.AtMention(ctx, m)
	}
	s.t.events.UserPrompt(ctx, p)
	s.mu.Lock()
	s.totals.Prompts++
	s.mu.Unlock()
	return ctx, pr
}

// ID is prompt.id; "" when telemetry is disabled.
func (p *Prompt) ID() string {
	if p == nil || p.core == nil {
		return ""
	}
	return p.core.ID
}

// End closes the prompt and records its duration as CLI active time, as
// Claude Code does when an interaction ends. It is safe to call twice.
func (p *Prompt) End(ctx context.Context) {
	if p != nil && p.core != nil {
		p.end(ctx)
	}
}

func (p *Prompt) end(ctx context.Context) {
	p.once.Do(func() {
		p.span.End()
		p.s.ActiveTime(ctx, p.s.t.state.Now().Sub(p.start), metrics.ActiveCLI)
	})
}

// PromptOption configures StartPrompt.
type PromptOption interface{ applyPrompt(*promptOptions) }

type promptOptions struct{ mentions []events.AtMention }

type promptOptionFunc func(*promptOptions)

func (f promptOptionFunc) applyPrompt(o *promptOptions) { f(o) }

// WithAtMentions records the @-mentions the prompt resolved: one at_mention
// event each, inside the prompt (so with its prompt.id and trace) and before
// its user_prompt, as Claude Code emits them. By default, there are none.
func WithAtMentions(mentions ...events.AtMention) PromptOption {
	return promptOptionFunc(func(o *promptOptions) { o.mentions = append(o.mentions, mentions...) })
}
