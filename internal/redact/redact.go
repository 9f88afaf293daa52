package redact

import (
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
)

// Literal replaces a prompt or response whose flag is off. Claude Code sends
// the key with this value rather than omitting it, so dashboards that count
// prompts keep working.
const Literal = "<REDACTED>"

// Placeholders used for names that are not built in or first-party when
// OTEL_LOG_TOOL_DETAILS is off.
const (
	MCPTool     = "mcp_tool"     // tool_name of a tool from a user-configured MCP server
	Custom      = "custom"       // custom command_name, agent_type, MCP server/tool names, workflow.name
	MCP         = "mcp"          // command_name of an MCP prompt command
	ThirdParty  = "third-party"  // plugin and marketplace names
	CustomSkill = "custom_skill" // skill.name of a user or plugin skill
)

// DefaultMaxLength is CLAUDE_CODE_OTEL_CONTENT_MAX_LENGTH's default, in UTF-16
// code units, marker included.
const DefaultMaxLength = 61440

// Marker ends truncated content. It is the text Claude Code appends; since
// v2.1.214 it counts toward the limit.
const Marker = "\n\n[TRUNCATED - Content exceeds 60KB limit]"

// Gate is a set of flags that must all be on for a gated attribute to be
// revealed. The zero Gate is always open.
type Gate uint8

// The gates, one per flag.
const (
	UserPrompts        Gate = 1 << iota // OTEL_LOG_USER_PROMPTS
	AssistantResponses                  // OTEL_LOG_ASSISTANT_RESPONSES (the loader resolves its fallback)
	ToolDetails                         // OTEL_LOG_TOOL_DETAILS
	ToolContent                         // OTEL_LOG_TOOL_CONTENT
	RawAPIBodies                        // OTEL_LOG_RAW_API_BODIES
	DetailedBeta                        // ENABLE_BETA_TRACING_DETAILED with BETA_TRACING_ENDPOINT
)

var gateNames = []struct {
	g    Gate
	name string
}{
	{UserPrompts, "OTEL_LOG_USER_PROMPTS"},
	{AssistantResponses, "OTEL_LOG_ASSISTANT_RESPONSES"},
	{ToolDetails, "OTEL_LOG_TOOL_DETAILS"},
	{ToolContent, "OTEL_LOG_TOOL_CONTENT"},
	{RawAPIBodies, "OTEL_LOG_RAW_API_BODIES"},
	{DetailedBeta, "ENABLE_BETA_TRACING_DETAILED"},
}

// String names the flags of g joined by " + ", or "" for the open gate.
func (g Gate) String() string {
	var parts []string
	for _, n := range gateNames {
		if g&n.g != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, " + ")
}

// Flags returns the gates that c opens. detailed is the detailed beta
// tracing switch, which lives outside config.Content.
func Flags(c config.Content, detailed bool) Gate {
	var g Gate
	if c.UserPrompts {
		g |= UserPrompts
	}
	if c.AssistantResponses {
		g |= AssistantResponses
	}
	if c.ToolDetails {
		g |= ToolDetails
	}
	if c.ToolContent {
		g |= ToolContent
	}
	if c.RawAPIBodies.Enabled {
		// Raw bodies carry everything the other flags guard, but Claude Code
		// still redacts prompt and response attributes with only this flag
		// (v_raw_api_bodies capture), so it opens no other gate.
		g |= RawAPIBodies
	}
	if detailed {
		g |= DetailedBeta
	}
	return g
}

// Open reports whether every flag of g is in flags.
func (g Gate) Open(flags Gate) bool { return flags&g == g }

// Mode is what happens to a gated attribute when its gate is closed.
type Mode uint8

// The modes.
const (
	Reveal      Mode = iota // ungated: always sent as given
	Redact                  // sent as Literal
	Omit                    // not sent, unless the value is first-party
	Placeholder             // sent as Rule.Placeholder, unless the value is first-party
)

// Rule is the content rule of one attribute.
type Rule struct {
	Gate        Gate
	Mode        Mode
	Placeholder string
	// Content: truncated at the content limit once revealed.
	Content bool
	// ToolInput: shaped by ToolInput once revealed.
	ToolInput bool
}

// Apply returns the value to send for v under flags, and false when the
// attribute must be omitted. firstParty says the value names something built
// in or official, which Omit and Placeholder rules leave alone (Claude Code
// only hides user and third-party names). max is the content limit
// (DefaultMaxLength when <= 0).
func (r Rule) Apply(flags Gate, v string, firstParty bool, max int) (string, bool) {
	if r.Mode != Reveal && !r.Gate.Open(flags) {
		switch {
		case r.Mode == Redact:
			return Literal, true
		case firstParty:
		case r.Mode == Omit:
			return "", false
		case r.Mode == Placeholder:
			return r.Placeholder, true
		}
	}
	if r.ToolInput {
		v = ToolInput(v)
	}
	if r.Content {
		v, _ = Truncate(v, max)
	}
	return v, true
}

// UTF16Len is the JavaScript length of s: UTF-16 code units, an invalid
// UTF-8 byte counting as one (it becomes U+FFFD on the wire).
func UTF16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Truncate cuts s to at most max UTF-16 code units with Marker included,
// never inside a surrogate pair, and returns valid UTF-8 (invalid bytes become
// U+FFFD). The bool reports a cut. max <= 0 means DefaultMaxLength.
func Truncate(s string, max int) (string, bool) {
	if max <= 0 {
		max = DefaultMaxLength
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) <= max { // bytes >= UTF-16 units, so it fits
		return s, false
	}
	if UTF16Len(s) <= max {
		return s, false
	}
	markerLen := UTF16Len(Marker)
	if max <= markerLen {
		return Marker[:max], true // the marker is ASCII
	}
	return Prefix16(s, max-markerLen) + Marker, true
}

// Prefix16 returns the longest prefix of the valid UTF-8 string s that is at
// most n UTF-16 code units long, ending on a rune boundary so a surrogate
// pair is never split.
func Prefix16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return s
}

// IdentifierMax bounds, in UTF-8 bytes, every attribute value that is not
// content: ids, names, models, errors, resource attributes. Claude Code
// bounds none of them, but one 10 MB value repeated on every record of a
// batch makes the Collector refuse the whole batch (4 MiB over gRPC), losing
// everything else in it. 4 KiB keeps any real identifier whole (a path is at
// most 4096 bytes on Linux, a model id or an email a few hundred) and a
// default batch of 512 records under 4 MiB with one such value per record.
const IdentifierMax = 4096

// Cut returns s cut to at most max bytes of valid UTF-8, never inside a
// rune, with no marker (as OpenTelemetry's attribute value length limits
// cut). A string within max is returned as it is, valid or not: the
// exporters repair short invalid strings, and checking them here would scan
// every value on every emit. A cut string is a copy, so that what is kept
// of a huge value (in a queued record, a cached attribute set) does not
// keep the whole of it alive.
func Cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return strings.Clone(cut(s, max))
}

func cut(s string, max int) string {
	for len(s) > max {
		n := max
		// A rune is at most 4 bytes: look back no further, so a run of
		// stray continuation bytes is cut and repaired, not emptied.
		for i := 0; i < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); i++ {
			n--
		}
		if !utf8.RuneStart(s[n]) {
			n = max
		}
		s = s[:n]
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD") // may grow past max: cut again
		}
	}
	return s
}

// Bound returns v bounded at max bytes: a string cut by Cut, a string array
// as a whole (each element counts its length plus one, elements past the
// bound are left out and the one crossing it is cut). Other types are
// already small. The bool reports a change; v is returned as it is
// otherwise, without allocating.
func Bound(v attribute.Value, max int) (attribute.Value, bool) {
	switch v.Type() {
	case attribute.STRING:
		if s := v.AsString(); len(s) > max {
			return attribute.StringValue(Cut(s, max)), true
		}
	case attribute.STRINGSLICE:
		ss := v.AsStringSlice()
		total := 0
		for _, s := range ss {
			total += len(s) + 1
		}
		if total <= max {
			return v, false
		}
		out := make([]string, 0, len(ss))
		left := max
		for _, s := range ss {
			if left <= 0 {
				break
			}
			s = Cut(s, left-1)
			out = append(out, s)
			left -= len(s) + 1
		}
		return attribute.StringSliceValue(out), true
	}
	return v, false
}
