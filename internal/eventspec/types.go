package eventspec

import (
	"fmt"
	"strings"

	"github.com/ccotel/ccotel/internal/redact"
	"github.com/ccotel/ccotel/metrics"
)

// Wire is the OTLP AnyValue type of an attribute.
type Wire uint8

// The wire types.
const (
	String      Wire = iota + 1 // stringValue
	Int                         // intValue
	Double                      // doubleValue
	Bool                        // boolValue
	StringArray                 // arrayValue of stringValue
	Dynamic                     // a list of host-chosen keys (hook_plugin_metrics)
)

func (w Wire) String() string {
	return [...]string{"", "string", "int", "double", "bool", "string[]", "bool|int|double"}[w]
}

// Kind is the Go type of a struct field.
type Kind uint8

// The Go kinds.
const (
	GoString Kind = iota + 1
	GoInt         // int64
	GoFloat       // float64
	GoBool
	GoStrings   // []string
	GoKeyValues // []attribute.KeyValue
	GoEmbed     // an embedded struct: Field is its type, e.g. metrics.Attribution
)

// GoType is the Go spelling of k.
func (k Kind) GoType() string {
	return [...]string{"", "string", "int64", "float64", "bool", "[]string", "[]attribute.KeyValue", ""}[k]
}

// Presence says when an attribute is sent.
type Presence uint8

// The presences.
const (
	Always  Presence = iota + 1 // always, even when the field is the zero value
	NonZero                     // when the field is not its zero value ("" / 0 / false / empty)
	Pointer                     // the field is a pointer; sent when non-nil
	Cond                        // when Attr.Cond holds
)

// Attr is one attribute of an event, or (Key == "") a Go-only field that a
// rule of another attribute reads.
type Attr struct {
	Key   string
	Field string // Go field name; "" when Value derives the attribute
	Go    Kind
	Wire  Wire
	Presence
	// Cond is a Go expression over ev (the event struct) for Presence Cond.
	Cond string
	// Value is a Go expression for the wire value when it is derived rather
	// than converted from Field (lengths, prompt_text, raw body fields).
	Value string
	// Rule is the content rule; only string attributes have one.
	Rule redact.Rule
	// FirstParty is a Go expression: when true, a Placeholder rule keeps the
	// real value. Empty means never.
	FirstParty string
	// PlaceholderExpr is a Go expression replacing Rule.Placeholder.
	PlaceholderExpr string
	Doc             string
	// Since is the Claude Code version (or doc date) that added the key.
	Since string
	// Embedded: Field is a field of the event's embedded struct (a path such
	// as Agent.Value), so it is not declared.
	Embedded bool
	// Verbatim are the origins of a name (Field is <name>.Value) sent as they
	// are under a Placeholder rule; FirstParty is derived from them.
	Verbatim []metrics.Origin
}

// Event is one event.
type Event struct {
	Name string // short name: the body is "claude_code." + Name
	Type string // Go struct and method name
	Doc  string
	// Since is the Claude Code version (or doc date) that added the event.
	Since string
	// Early events carry the standard attributes without vcs.*: Claude Code
	// records them before it resolves the repository.
	Early bool
	// Gate: the event is not emitted at all unless it is open.
	Gate redact.Gate
	// Prelude is Go code run before the attributes are built.
	Prelude string
	Attrs   []Attr
}

// Find returns the event named name.
func Find(name string) (*Event, bool) {
	for i := range Events {
		if Events[i].Name == name {
			return &Events[i], true
		}
	}
	return nil, false
}

// Attr returns the attribute with key.
func (e *Event) Attr(key string) (*Attr, bool) {
	for i := range e.Attrs {
		if e.Attrs[i].Key == key {
			return &e.Attrs[i], true
		}
	}
	return nil, false
}

// constructors keep the table readable: one line per attribute.

func attr(key, field string, k Kind, w Wire, p Presence, doc string) Attr {
	return Attr{Key: key, Field: field, Go: k, Wire: w, Presence: p, Doc: doc}
}

// str is an optional string (omitted when "").
func str(key, field, doc string) Attr { return attr(key, field, GoString, String, NonZero, doc) }

// reqStr is a string always sent.
func reqStr(key, field, doc string) Attr { return attr(key, field, GoString, String, Always, doc) }

// num is an int64 sent as an int.
func num(key, field, doc string) Attr { return attr(key, field, GoInt, Int, Always, doc) }

// numStr is an int64 sent as a decimal string, as Claude Code's String(n).
func numStr(key, field, doc string) Attr { return attr(key, field, GoInt, String, Always, doc) }

// flagStr is a bool sent as "true"/"false".
func flagStr(key, field, doc string) Attr { return attr(key, field, GoBool, String, Always, doc) }

// flag is a bool sent as a bool.
func flag(key, field, doc string) Attr { return attr(key, field, GoBool, Bool, Always, doc) }

// goOnly is a struct field that is not sent; a rule reads it.
func goOnly(field string, k Kind, doc string) Attr { return Attr{Field: field, Go: k, Doc: doc} }

func (a Attr) opt() Attr             { a.Presence = NonZero; return a }
func (a Attr) ptr() Attr             { a.Presence = Pointer; return a }
func (a Attr) when(cond string) Attr { a.Presence, a.Cond = Cond, cond; return a }
func (a Attr) since(v string) Attr   { a.Since = v; return a }

// value sends expr, a Go expression over ev, instead of the field as it is.
func (a Attr) value(expr string) Attr { a.Value = expr; return a }
func (a Attr) rule(r redact.Rule) Attr {
	a.Rule = r
	return a
}
func (a Attr) firstParty(expr string) Attr { a.FirstParty = expr; return a }

// derived makes a the attribute computed by expr instead of a field.
func (a Attr) derived(expr string) Attr { a.Field, a.Value = "", expr; return a }

// The rules used by the table.
var (
	promptRule   = redact.Rule{Gate: redact.UserPrompts, Mode: redact.Redact, Content: true}
	responseRule = redact.Rule{Gate: redact.AssistantResponses, Mode: redact.Redact, Content: true}
	detailRule   = redact.Rule{Gate: redact.ToolDetails, Mode: redact.Omit}
	paramsRule   = redact.Rule{Gate: redact.ToolDetails, Mode: redact.Omit, Content: true}
	inputRule    = redact.Rule{Gate: redact.ToolDetails, Mode: redact.Omit, ToolInput: true}
	contentRule  = redact.Rule{Content: true}
)

func placeholder(p string) redact.Rule {
	return redact.Rule{Gate: redact.ToolDetails, Mode: redact.Placeholder, Placeholder: p}
}

// embedded marks a as read from the embedded struct; conv, when not "", is
// the Go expression converting the field to the wire value.
func (a Attr) embedded(conv string) Attr {
	a.Embedded = true
	if conv != "" {
		a.Value = conv
	}
	return a
}

// name is a name of the embedded metrics.Attribution (field is its Name
// field): sent as it is when its origin is one of verbatim, else replaced
// by ph unless the gate is on.
func name(key, field, ph, doc string, verbatim ...metrics.Origin) Attr {
	a := str(key, field+".Value", doc).rule(placeholder(ph)).embedded("")
	a.Verbatim = verbatim
	if len(verbatim) > 0 {
		consts := make([]string, len(verbatim))
		for i, o := range verbatim {
			consts[i] = originConst(o)
		}
		a.FirstParty = fmt.Sprintf("verbatim(ev.%s.Origin, %s)", field, strings.Join(consts, ", "))
	}
	return a
}

func originConst(o metrics.Origin) string {
	for _, c := range []struct {
		o    metrics.Origin
		name string
	}{
		{metrics.OriginUnknown, "OriginUnknown"}, {metrics.OriginBuiltIn, "OriginBuiltIn"},
		{metrics.OriginOfficial, "OriginOfficial"}, {metrics.OriginPlugin, "OriginPlugin"},
		{metrics.OriginProject, "OriginProject"}, {metrics.OriginUser, "OriginUser"}, {metrics.OriginMCP, "OriginMCP"},
	} {
		if c.o == o {
			return "metrics." + c.name
		}
	}
	panic(fmt.Sprintf("eventspec: no constant for origin %d", o))
}

// embed is the embedded metrics.Attribution of the API events.
func embed() Attr {
	return Attr{Field: "metrics.Attribution", Go: GoEmbed, Doc: "who made the call and on whose behalf"}
}
