package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ccotel/ccotel/events"
	"github.com/ccotel/ccotel/metrics"
	"github.com/ccotel/ccotel/pricing"
	"github.com/ccotel/ccotel/telemetry"
)

// The Messages API wire types this agent uses.
type (
	messagesRequest struct {
		Model     string    `json:"model"`
		MaxTokens int       `json:"max_tokens"`
		System    string    `json:"system,omitempty"`
		Messages  []message `json:"messages"`
		Tools     []toolDef `json:"tools,omitempty"`
		Stream    bool      `json:"stream"`
	}
	message struct {
		Role    string         `json:"role"`
		Content []contentBlock `json:"content"`
	}
	contentBlock struct {
		Type      string         `json:"type"`
		Text      string         `json:"text,omitempty"`
		ID        string         `json:"id,omitempty"`
		Name      string         `json:"name,omitempty"`
		Input     map[string]any `json:"input,omitempty"`
		ToolUseID string         `json:"tool_use_id,omitempty"`
		Content   string         `json:"content,omitempty"`
		IsError   bool           `json:"is_error,omitempty"`
	}
	toolDef struct {
		Name        string         `json:"name"`
		Description string         `json:"description"`
		InputSchema map[string]any `json:"input_schema"`
	}
)

func schema(required ...string) map[string]any {
	props := map[string]any{}
	for _, r := range required {
		props[r] = map[string]any{"type": "string"}
	}
	return map[string]any{"type": "object", "properties": props, "required": required}
}

var tools = []toolDef{
	{Name: "Write", Description: "Write a file, replacing it if it exists.", InputSchema: schema("file_path", "content")},
	{Name: "Edit", Description: "Replace old_string with new_string in a file.", InputSchema: schema("file_path", "old_string", "new_string")},
	{Name: "Bash", Description: "Run a git, echo or gh pr create command in the repository.", InputSchema: schema("command")},
}

const systemPrompt = "You are a coding agent working in a git repository. Use the Write, Edit and Bash tools, then say what you did."

// Agent is a minimal coding agent: it sends the conversation to the Messages
// API, runs the tools the model asks for in Dir, and reports everything to
// its telemetry session as Claude Code does.
type Agent struct {
	BaseURL, APIKey, Model string
	// Dir is the repository the tools work in.
	Dir string
	// PermissionMode is reported on tool decisions: "acceptEdits" lets
	// Write and Edit run without asking, as in Claude Code.
	PermissionMode string
	HTTP           *http.Client
	// Log receives one line per step; nil is silent.
	Log io.Writer
}

// Run answers one user prompt: model calls and tool runs until the model
// stops asking for tools. It returns the final text.
func (a *Agent) Run(ctx context.Context, session *telemetry.Session, prompt string) (string, error) {
	ctx, p := session.StartPrompt(ctx, events.UserPrompt{Prompt: prompt, MessageUUID: newUUID()})
	defer p.End(ctx)
	conv := []message{{Role: "user", Content: []contentBlock{{Type: "text", Text: prompt}}}}
	for turn := 0; turn < 20; turn++ {
		resp, err := a.call(ctx, session, conv)
		if err != nil {
			return "", err
		}
		conv = append(conv, message{Role: "assistant", Content: resp.blocks})
		if len(resp.calls) == 0 {
			return resp.text, nil
		}
		var results []contentBlock
		for _, c := range resp.calls {
			results = append(results, a.runTool(ctx, session, c, resp.requestID))
		}
		conv = append(conv, message{Role: "user", Content: results})
	}
	return "", errors.New("agent: the model kept asking for tools")
}

// pendingCall is a tool_use block and, for tools decided while the response
// streamed, its run.
type pendingCall struct {
	block    contentBlock
	input    string
	run      *telemetry.ToolRun
	rejected bool
	start    time.Time
}

type response struct {
	blocks    []contentBlock
	calls     []*pendingCall
	text      string
	requestID string
}

// call streams one Messages API response and records it. Bash tool calls
// are decided as soon as their block has streamed, edit tools after the
// response ends: the order in which Claude Code 2.1.332 emits their
// tool_decision and api_request events (captures bash_allowed and
// write_acceptedits).
func (a *Agent) call(ctx context.Context, session *telemetry.Session, conv []message) (*response, error) {
	body, err := json.Marshal(messagesRequest{Model: a.Model, MaxTokens: 4096, System: systemPrompt, Messages: conv, Tools: tools, Stream: true})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(a.BaseURL, "/")+"/v1/messages", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("content-type", "application/json")
	req.Header.Set("x-api-key", a.APIKey)
	req.Header.Set("anthropic-version", "2023-06-01")
	start := time.Now()
	httpResp, err := a.HTTP.Do(req)
	if err != nil {
		session.APIError(ctx, telemetry.APIFailure{Model: a.Model, Error: err.Error(), Duration: time.Since(start), Attribution: metrics.Attribution{Query: metrics.QueryNonInteractive}})
		return nil, err
	}
	defer httpResp.Body.Close()
	reqID := httpResp.Header.Get("request-id")
	if httpResp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(httpResp.Body, 4096))
		session.APIError(ctx, telemetry.APIFailure{
			Model: a.Model, Error: strings.TrimSpace(string(msg)), StatusCode: httpResp.StatusCode,
			Duration: time.Since(start), RequestID: reqID, Attribution: metrics.Attribution{Query: metrics.QueryNonInteractive},
		})
		return nil, fmt.Errorf("agent: API status %d: %s", httpResp.StatusCode, msg)
	}

	out := &response{requestID: reqID}
	var (
		usage                pricing.Usage
		stopReason           string
		ttft, firstContent   time.Duration
		partial              strings.Builder
		text                 strings.Builder
		cur                  *contentBlock
		messageStartReceived bool
	)
	sc := bufio.NewScanner(httpResp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Type    string `json:"type"`
			Message struct {
				Usage apiUsage `json:"usage"`
			} `json:"message"`
			ContentBlock contentBlock `json:"content_block"`
			Delta        struct {
				Type        string `json:"type"`
				Text        string `json:"text"`
				PartialJSON string `json:"partial_json"`
				StopReason  string `json:"stop_reason"`
			} `json:"delta"`
			Usage apiUsage `json:"usage"`
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			return nil, fmt.Errorf("agent: bad stream event: %w", err)
		}
		switch ev.Type {
		case "message_start":
			messageStartReceived = true
			usage = ev.Message.Usage.usage()
		case "content_block_start":
			if firstContent == 0 {
				firstContent = time.Since(start)
			}
			b := ev.ContentBlock
			cur = &b
			partial.Reset()
		case "content_block_delta":
			if ttft == 0 {
				ttft = time.Since(start)
			}
			switch ev.Delta.Type {
			case "text_delta":
				cur.Text += ev.Delta.Text
			case "input_json_delta":
				partial.WriteString(ev.Delta.PartialJSON)
			}
		case "content_block_stop":
			if cur == nil {
				continue
			}
			switch cur.Type {
			case "text":
				text.WriteString(cur.Text)
				out.blocks = append(out.blocks, *cur)
			case "tool_use":
				in := partial.String()
				if in == "" {
					in = "{}"
				}
				cur.Input = map[string]any{}
				_ = json.Unmarshal([]byte(in), &cur.Input)
				c := &pendingCall{block: *cur, input: in, start: time.Now()}
				out.blocks = append(out.blocks, *cur)
				out.calls = append(out.calls, c)
				if cur.Name == "Bash" {
					a.decide(ctx, session, c, reqID)
				}
			}
			cur = nil
		case "message_delta":
			stopReason = ev.Delta.StopReason
			usage.OutputTokens = int64(ev.Usage.OutputTokens)
		case "error":
			return nil, fmt.Errorf("agent: stream error: %s", ev.Error.Message)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !messageStartReceived {
		return nil, errors.New("agent: empty response stream")
	}
	out.text = text.String()
	session.APIResponse(ctx, telemetry.APIResponse{
		Model: a.Model, Usage: usage, Start: start, Duration: time.Since(start), TTFT: ttft, FirstContent: firstContent,
		StopReason: stopReason, RequestID: reqID, Text: out.text, MessageUUID: newUUID(), Attribution: metrics.Attribution{Query: metrics.QueryNonInteractive},
	})
	a.logf("model: %d+%d tokens (cache read %d, written %d), stop %s", usage.InputTokens, usage.OutputTokens, usage.CacheReadTokens, usage.CacheCreationTokens, stopReason)
	return out, nil
}

type apiUsage struct {
	InputTokens              int `json:"input_tokens"`
	OutputTokens             int `json:"output_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
}

func (u apiUsage) usage() pricing.Usage {
	return pricing.Usage{
		InputTokens: int64(u.InputTokens), OutputTokens: int64(u.OutputTokens),
		CacheCreationTokens: int64(u.CacheCreationInputTokens), CacheReadTokens: int64(u.CacheReadInputTokens),
	}
}

// decide starts the tool's telemetry and records the permission decision.
// Edits are allowed by acceptEdits; Bash only for git, echo and
// "gh pr create" (the allow rules), anything else is denied by configuration.
func (a *Agent) decide(ctx context.Context, session *telemetry.Session, c *pendingCall, reqID string) {
	if c.run != nil {
		return
	}
	str := func(k string) string { s, _ := c.block.Input[k].(string); return s }
	call := telemetry.ToolCall{
		Name: c.block.Name, UseID: c.block.ID, Input: c.input, PermissionMode: a.PermissionMode,
		RequestID: reqID, Start: c.start, Command: str("command"), FilePath: str("file_path"),
	}
	_, c.run = session.StartTool(ctx, call)
	decision := metrics.DecisionAccept
	switch c.block.Name {
	case "Write", "Edit":
		if a.PermissionMode != "acceptEdits" {
			decision = metrics.DecisionReject
		}
	case "Bash":
		if !allowedCommand(str("command")) {
			decision = metrics.DecisionReject
		}
	default:
		decision = metrics.DecisionReject
	}
	c.rejected = decision == metrics.DecisionReject
	c.run.Decide(ctx, decision, metrics.SourceConfig)
}

func allowedCommand(cmd string) bool {
	if strings.ContainsAny(cmd, ";|&`$<>\n") {
		return false
	}
	return strings.HasPrefix(cmd, "git ") || strings.HasPrefix(cmd, "gh pr create") || strings.HasPrefix(cmd, "echo ")
}

// runTool decides (unless done while streaming), runs and records one tool
// call, and returns its tool_result block.
func (a *Agent) runTool(ctx context.Context, session *telemetry.Session, c *pendingCall, reqID string) contentBlock {
	a.decide(ctx, session, c, reqID)
	str := func(k string) string { s, _ := c.block.Input[k].(string); return s }
	result := contentBlock{Type: "tool_result", ToolUseID: c.block.ID}
	if c.rejected {
		// A rejected tool has no tool_result event, as in Claude Code.
		if c.block.Name == "Write" || c.block.Name == "Edit" {
			session.EditDecision(ctx, telemetry.Edit{ToolName: c.block.Name, FilePath: str("file_path"), Decision: metrics.DecisionReject, Source: metrics.SourceConfig, Model: a.Model})
		}
		result.Content, result.IsError = "Permission to use "+c.block.Name+" was denied.", true
		a.logf("tool %s: denied", c.block.Name)
		return result
	}
	var (
		out     string
		err     error
		errType string
	)
	switch c.block.Name {
	case "Write", "Edit":
		out, err = a.edit(ctx, session, c.block.Name, str("file_path"), c.block.Input)
		if err != nil {
			errType = "Error"
		}
	case "Bash":
		out, err = a.bash(ctx, session, str("command"))
		if err != nil {
			errType = "ShellError"
		}
	}
	result.Content = out
	if err != nil {
		result.Content, result.IsError = err.Error(), true
	}
	c.run.Done(ctx, telemetry.ToolOutcome{Success: err == nil, Error: errorText(err), ErrorType: errType, ResultSizeBytes: len(result.Content), Output: out})
	a.logf("tool %s: %s", c.block.Name, firstLine(result.Content))
	return result
}

// edit runs Write or Edit and records the decision and the lines changed
// from the file's real content before and after.
func (a *Agent) edit(ctx context.Context, session *telemetry.Session, tool, path string, in map[string]any) (string, error) {
	full, err := a.path(path)
	if err != nil {
		return "", err
	}
	before, readErr := os.ReadFile(full)
	var after string
	if tool == "Write" {
		after, _ = in["content"].(string)
	} else {
		if readErr != nil {
			return "", fmt.Errorf("file %s does not exist", path)
		}
		oldS, _ := in["old_string"].(string)
		newS, _ := in["new_string"].(string)
		if oldS == "" || strings.Count(string(before), oldS) != 1 {
			return "", fmt.Errorf("old_string must occur exactly once in %s", path)
		}
		after = strings.Replace(string(before), oldS, newS, 1)
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(full, []byte(after), 0o644); err != nil {
		return "", err
	}
	added, removed := session.EditDecision(ctx, telemetry.Edit{
		ToolName: tool, FilePath: path, Model: a.Model, OldText: string(before), NewText: after,
	})
	if readErr != nil {
		return fmt.Sprintf("File created successfully at: %s (+%d lines)", path, added), nil
	}
	return fmt.Sprintf("The file %s has been updated (+%d -%d lines).", path, added, removed), nil
}

// bash runs an allowed git command in the repository, or simulates
// "gh pr create", and records commits and pull requests.
func (a *Agent) bash(ctx context.Context, session *telemetry.Session, command string) (string, error) {
	if strings.HasPrefix(command, "gh pr create") {
		// Simulated: no GitHub in this example.
		session.PullRequest(ctx)
		return "https://github.com/example/agent-demo/pull/1", nil
	}
	args, err := splitArgs(command)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = a.Dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=agent", "GIT_AUTHOR_EMAIL=agent@example.com",
		"GIT_COMMITTER_NAME=agent", "GIT_COMMITTER_EMAIL=agent@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s: %v: %s", command, err, strings.TrimSpace(string(out)))
	}
	if len(args) > 1 && args[0] == "git" && args[1] == "commit" {
		session.Commit(ctx)
	}
	return strings.TrimSpace(string(out)), nil
}

// splitArgs splits a command line on spaces, keeping double-quoted parts.
func splitArgs(s string) ([]string, error) {
	var (
		args  []string
		cur   strings.Builder
		quote bool
		any   bool
	)
	for _, r := range s {
		switch {
		case r == '"':
			quote, any = !quote, true
		case r == ' ' && !quote:
			if any {
				args = append(args, cur.String())
				cur.Reset()
				any = false
			}
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if quote {
		return nil, errors.New("unterminated quote")
	}
	if any {
		args = append(args, cur.String())
	}
	if len(args) == 0 {
		return nil, errors.New("empty command")
	}
	return args, nil
}

// path resolves a tool's file path inside Dir.
func (a *Agent) path(p string) (string, error) {
	full := p
	if !filepath.IsAbs(full) {
		full = filepath.Join(a.Dir, p)
	}
	rel, err := filepath.Rel(a.Dir, filepath.Clean(full))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the repository", p)
	}
	return filepath.Clean(full), nil
}

func (a *Agent) logf(format string, args ...any) {
	if a.Log != nil {
		fmt.Fprintf(a.Log, "agent: "+format+"\n", args...)
	}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
