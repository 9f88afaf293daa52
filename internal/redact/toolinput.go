package redact

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Tool input limits of OTEL_LOG_TOOL_DETAILS: each string value is cut at
// ToolInputValueMax UTF-16 units and the whole JSON at about ToolInputTotalMax.
const (
	ToolInputValueMax = 512
	ToolInputTotalMax = 4096
	// Ellipsis ends a cut value. It is outside the budget of the value.
	Ellipsis = "…"
)

// ToolInput shapes the JSON tool input for tool_input: string values longer
// than ToolInputValueMax are cut (with Ellipsis), key order is kept, and
// once the output reaches ToolInputTotalMax the remaining members are left
// out and open containers are closed, so the result stays valid JSON that a
// backend can still parse. Input that is not JSON is treated as one string.
func ToolInput(in string) string {
	if !json.Valid([]byte(in)) {
		s, cut := capString(strings.ToValidUTF8(in, "\uFFFD"), ToolInputTotalMax)
		if cut {
			s += Ellipsis
		}
		return s
	}
	dec := json.NewDecoder(strings.NewReader(in))
	dec.UseNumber()
	var out bytes.Buffer
	var stack []byte     // '{' or '['
	var first []bool     // no member written yet in the container
	var expectKey []bool // in an object, the next token is a key
	full := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break // io.EOF: the input was valid, so nothing else can happen
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack, first, expectKey = stack[:len(stack)-1], first[:len(first)-1], expectKey[:len(expectKey)-1]
			if len(stack) > 0 && stack[len(stack)-1] == '{' {
				expectKey[len(expectKey)-1] = true
			}
			continue
		}
		top := len(stack) - 1
		isKey := top >= 0 && stack[top] == '{' && expectKey[top]
		if full {
			// Skip the rest of a container's members, but keep its delimiters.
			if d, ok := tok.(json.Delim); ok {
				if err := skip(dec, d); err != nil {
					break
				}
				if top >= 0 && stack[top] == '{' {
					expectKey[top] = true
				}
			} else if top >= 0 && stack[top] == '{' {
				expectKey[top] = !isKey
			}
			continue
		}
		if top >= 0 && (isKey || stack[top] == '[') {
			if !first[top] {
				out.WriteByte(',')
			}
			first[top] = false
		}
		switch t := tok.(type) {
		case json.Delim:
			out.WriteByte(byte(t))
			stack, first, expectKey = append(stack, byte(t)), append(first, true), append(expectKey, t == '{')
			if top >= 0 && stack[top] == '{' {
				expectKey[top] = true
			}
			continue
		case string:
			v := t
			if !isKey {
				if c, cut := capString(t, ToolInputValueMax); cut {
					v = c + Ellipsis
				}
			}
			b, _ := json.Marshal(v)
			out.Write(b)
		default:
			b, _ := json.Marshal(t)
			out.Write(b)
		}
		if top >= 0 && stack[top] == '{' {
			if isKey {
				out.WriteByte(':')
			}
			expectKey[top] = !isKey
		}
		if !isKey && out.Len() >= ToolInputTotalMax {
			full = true
		}
	}
	return out.String()
}

// skip consumes the rest of the container opened by d.
func skip(dec *json.Decoder, d json.Delim) error {
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if dd, ok := tok.(json.Delim); ok {
			if dd == '{' || dd == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// capString cuts s at max UTF-16 units on a rune boundary.
func capString(s string, max int) (string, bool) {
	if len(s) <= max || UTF16Len(s) <= max {
		return s, false
	}
	// A copy: the cut input must not keep the host's whole string alive.
	return strings.Clone(Prefix16(strings.ToValidUTF8(s, "\uFFFD"), max)), true
}
