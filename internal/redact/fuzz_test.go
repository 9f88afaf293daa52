package redact

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTruncate checks the content limit: the result is valid UTF-8, at most
// max UTF-16 units, never cut inside a surrogate pair, an untouched prefix of
// the (UTF-8-repaired) input followed by Marker when cut, and the input
// itself when it fits.
func FuzzTruncate(f *testing.F) {
	for _, s := range []string{"", "hello", strings.Repeat("é", 40), "😀😀😀😀", "a\xffb\xfe", "\x00\x01\n", Marker} {
		for _, max := range []int{0, 1, 5, 43, 44, 45, 60} {
			f.Add(s, max)
		}
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 200 // big enough for the marker, small enough to cut often
		got, cut := Truncate(s, max)
		limit := max
		if limit <= 0 {
			limit = DefaultMaxLength
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
		if n := UTF16Len(got); n > limit {
			t.Fatalf("length %d > limit %d", n, limit)
		}
		valid := strings.ToValidUTF8(s, "\uFFFD")
		if !cut {
			if got != valid {
				t.Fatalf("not cut but changed: %q -> %q", s, got)
			}
			return
		}
		if UTF16Len(valid) <= limit {
			t.Fatalf("cut although %d units fit in %d", UTF16Len(valid), limit)
		}
		if limit <= UTF16Len(Marker) {
			if got != Marker[:limit] {
				t.Fatalf("short limit %d: %q", limit, got)
			}
			return
		}
		body, ok := strings.CutSuffix(got, Marker)
		if !ok || !strings.HasPrefix(valid, body) {
			t.Fatalf("%q is not a prefix of the input plus the marker", got)
		}
		if UTF16Len(got) < limit-1 { // a surrogate pair may leave one unit unused
			t.Fatalf("cut too short: %d units for limit %d", UTF16Len(got), limit)
		}
	})
}

// FuzzToolInput checks the shaping of tool_input: never a panic, always
// valid UTF-8, valid JSON out for valid JSON in, each string value at most
// ToolInputValueMax units plus the ellipsis, and a bounded total.
func FuzzToolInput(f *testing.F) {
	for _, s := range []string{
		`{"command":"ls -la","timeout":120}`,
		`{"a":[1,2,{"b":"c"}],"d":null,"e":true,"f":1.5e300}`,
		`{"file_path":"/x","content":"` + strings.Repeat("x", 600) + `"}`,
		`[` + strings.Repeat(`"`+strings.Repeat("y", 500)+`",`, 12) + `1]`,
		`{"k":"\ud83d\ude00\u0000"}`,
		`not json at all`,
		`{"unterminated":`,
		"\xff\xfe",
		`""`, `7`, `[]`, `{}`,
		`{"a":{"b":{"c":[[[[{}]]]]}}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := ToolInput(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", in)
		}
		if !json.Valid([]byte(in)) {
			if n := UTF16Len(out); n > ToolInputTotalMax+UTF16Len(Ellipsis) {
				t.Fatalf("non-JSON input gave %d units", n)
			}
			return
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("valid JSON in, invalid out:\nin:  %s\nout: %s", in, out)
		}
		// Every string value is cut at ToolInputValueMax (+ ellipsis); keys
		// are kept. The total stops growing once it reaches
		// ToolInputTotalMax, so at most one more member (a value of at
		// most 512 units, escaped, and its key) is written after that.
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				if n := UTF16Len(v); n > ToolInputValueMax+UTF16Len(Ellipsis) {
					t.Fatalf("string value of %d units", n)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			case map[string]any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		walk(v)
		if len(out) > len(in)*6+16 && len(out) > ToolInputTotalMax*2 {
			t.Fatalf("output of %d bytes from %d", len(out), len(in))
		}
	})
}

// FuzzApply checks a gate never reveals a value when closed: the value comes
// back only as the literal, a placeholder, or not at all.
func FuzzApply(f *testing.F) {
	f.Add("CANARY secret", uint8(0), uint8(0), false)
	f.Add("x", uint8(1), uint8(3), true)
	f.Fuzz(func(t *testing.T, v string, gate, flags uint8, firstParty bool) {
		for _, mode := range []Mode{Redact, Omit, Placeholder} {
			r := Rule{Gate: Gate(gate), Mode: mode, Placeholder: "ph", Content: true}
			if r.Gate == 0 {
				r.Gate = ToolDetails
			}
			got, ok := r.Apply(Gate(flags), v, firstParty, 0)
			if r.Gate.Open(Gate(flags)) || (firstParty && mode != Redact) {
				continue
			}
			switch {
			case mode == Redact && (got != Literal || !ok):
				t.Fatalf("redact: %q %v", got, ok)
			case mode == Omit && ok:
				t.Fatalf("omit: %q kept", got)
			case mode == Placeholder && (got != "ph" || !ok):
				t.Fatalf("placeholder: %q %v", got, ok)
			}
		}
	})
}
