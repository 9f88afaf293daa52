package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with the configuration. Value is already masked
// (see [Mask]), and Reason never quotes a secret, so a Problem can be printed
// as it is.
type Problem struct {
	// Variable is the variable or settings key at fault; empty for a
	// problem with a whole settings file.
	Variable string
	// Value is the offending value, masked when the variable is secret.
	Value string
	// Source is where the value came from; File names the settings file
	// when it came from one.
	Source Source
	File   string
	// Reason says what is wrong.
	Reason string
	// Allowed says what would be accepted.
	Allowed string
}

// String renders the problem on one line.
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Variable != "" && p.Value != "":
		fmt.Fprintf(&b, "%s=%q", p.Variable, p.Value)
	case p.Variable != "":
		b.WriteString(p.Variable)
	default:
		b.WriteString("settings file")
	}
	switch {
	case p.File != "":
		fmt.Fprintf(&b, " (%s)", p.File)
	case p.Source != "" && p.Source != SourceDefault:
		fmt.Fprintf(&b, " (%s)", p.Source)
	}
	if p.Reason != "" {
		b.WriteString(": ")
		b.WriteString(p.Reason)
	}
	if p.Allowed != "" {
		b.WriteString("; allowed: ")
		b.WriteString(p.Allowed)
	}
	return b.String()
}

// Error is returned by Load when the configuration is invalid. It lists
// every problem found, not only the first.
type Error struct {
	Problems []Problem
}

// Error lists every problem, one per line.
func (e *Error) Error() string {
	if e == nil {
		return "telemetry configuration: <nil Error>"
	}
	if len(e.Problems) == 1 {
		return "telemetry configuration: " + e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "telemetry configuration: %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// problems collects Problems without duplicates, in the order found.
type problems struct {
	list []Problem
	seen map[string]bool
}

func (ps *problems) add(p Problem) {
	key := p.String()
	if ps.seen[key] {
		return
	}
	if ps.seen == nil {
		ps.seen = map[string]bool{}
	}
	ps.seen[key] = true
	ps.list = append(ps.list, p)
}

// err returns the collected problems as an *Error, or nil.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return &Error{Problems: ps.list}
}
