package redact

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
)

func TestUTF16Len(t *testing.T) {
	for _, s := range []string{"", "abc", "héllo", "😀", "a😀b€", "\xff\xfe", "日本語"} {
		want := len(utf16.Encode([]rune(s))) // []rune maps invalid bytes to U+FFFD, one unit each
		if got := UTF16Len(s); got != want {
			t.Errorf("UTF16Len(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	m := UTF16Len(Marker)
	const max = 100
	for _, tc := range []struct {
		name string
		in   string
		cut  bool
		keep string // the kept prefix when cut
	}{
		{"empty", "", false, ""},
		{"exact limit", strings.Repeat("a", max), false, ""},
		{"limit+1", strings.Repeat("a", max+1), true, strings.Repeat("a", max-m)},
		{"multibyte at limit", strings.Repeat("é", max), false, ""},
		{"multibyte over", strings.Repeat("é", max+1), true, strings.Repeat("é", max-m)},
		// A surrogate pair straddling the cut point is dropped whole.
		{"surrogate pair straddles", strings.Repeat("a", max-m-1) + "😀" + strings.Repeat("b", 50), true, strings.Repeat("a", max-m-1)},
		{"surrogate pair fits", strings.Repeat("a", max-m-2) + "😀" + strings.Repeat("b", 50), true, strings.Repeat("a", max-m-2) + "😀"},
		{"pair count at exact limit", strings.Repeat("😀", max/2), false, ""},
	} {
		got, cut := Truncate(tc.in, max)
		if cut != tc.cut {
			t.Errorf("%s: cut = %v", tc.name, cut)
		}
		if !utf8.ValidString(got) || UTF16Len(got) > max {
			t.Errorf("%s: %d units, valid %v", tc.name, UTF16Len(got), utf8.ValidString(got))
		}
		if !cut && got != tc.in {
			t.Errorf("%s: changed without a cut", tc.name)
		}
		if cut && got != tc.keep+Marker {
			t.Errorf("%s: got %q", tc.name, got)
		}
	}
	if got, cut := Truncate("ab\xffcd", 100); cut || got != "ab\uFFFDcd" {
		t.Errorf("invalid UTF-8 must become valid: %q", got)
	}
	if got, _ := Truncate(strings.Repeat("x", 50), 10); got != Marker[:10] {
		t.Errorf("a limit below the marker keeps the marker's start: %q", got)
	}
	if got, cut := Truncate(strings.Repeat("x", DefaultMaxLength+1), 0); !cut || UTF16Len(got) != DefaultMaxLength {
		t.Errorf("default limit: %d", UTF16Len(got))
	}
}

func TestRuleApply(t *testing.T) {
	off := Flags(config.Content{}, false)
	on := Flags(config.Content{UserPrompts: true, AssistantResponses: true, ToolDetails: true}, false)
	prompt := Rule{Gate: UserPrompts, Mode: Redact, Content: true}
	if v, ok := prompt.Apply(off, "secret", true, 0); !ok || v != Literal {
		t.Errorf("redact: %q %v (first-party never reveals a prompt)", v, ok)
	}
	if v, _ := prompt.Apply(on, "secret", false, 0); v != "secret" {
		t.Errorf("revealed: %q", v)
	}
	omit := Rule{Gate: ToolDetails, Mode: Omit}
	if _, ok := omit.Apply(off, "x", false, 0); ok {
		t.Error("omit")
	}
	if v, ok := omit.Apply(off, "x", true, 0); !ok || v != "x" {
		t.Error("first-party values are not omitted")
	}
	ph := Rule{Gate: ToolDetails, Mode: Placeholder, Placeholder: MCPTool}
	if v, _ := ph.Apply(off, "mcp__s__t", false, 0); v != MCPTool {
		t.Errorf("placeholder %q", v)
	}
	if v, _ := ph.Apply(on, "mcp__s__t", false, 0); v != "mcp__s__t" {
		t.Errorf("detail reveals %q", v)
	}
	raw := Flags(config.Content{RawAPIBodies: config.RawAPIBodies{Enabled: true}}, false)
	if UserPrompts.Open(raw) || !RawAPIBodies.Open(raw) {
		t.Error("raw bodies open only their own gate (v_raw_api_bodies still redacts prompts)")
	}
	both := ToolDetails | DetailedBeta
	if both.Open(on) || !both.Open(Flags(config.Content{ToolDetails: true}, true)) {
		t.Error("a combined gate needs every flag")
	}
	if got := both.String(); got != "OTEL_LOG_TOOL_DETAILS + ENABLE_BETA_TRACING_DETAILED" {
		t.Errorf("String %q", got)
	}
}

func TestToolInput(t *testing.T) {
	long := strings.Repeat("x", 600)
	got := ToolInput(`{"command":"` + long + `","n":1.50,"nested":{"a":["` + long + `",true,null]},"z":"short"}`)
	var v map[string]any
	if err := json.Unmarshal([]byte(got), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if c := v["command"].(string); UTF16Len(c) != ToolInputValueMax+1 || !strings.HasSuffix(c, Ellipsis) {
		t.Errorf("command %d units", UTF16Len(c))
	}
	if !strings.HasPrefix(got, `{"command":`) || !strings.Contains(got, `"n":1.50`) || !strings.HasSuffix(got, `"z":"short"}`) {
		t.Errorf("order or numbers changed: %s", got)
	}
	if a := v["nested"].(map[string]any)["a"].([]any); len(a) != 3 || a[1] != true || a[2] != nil {
		t.Errorf("nested array %v", a)
	}

	// The total is bounded and the output stays valid JSON.
	var parts []string
	for i := 0; i < 40; i++ {
		parts = append(parts, `"k`+strings.Repeat("k", i)+`":"`+strings.Repeat("v", 400)+`"`)
	}
	big := ToolInput(`{"arr":[` + strings.Repeat(`"`+strings.Repeat("y", 300)+`",`, 30) + `"end"],` + strings.Join(parts, ",") + `}`)
	if !json.Valid([]byte(big)) || len(big) > ToolInputTotalMax+ToolInputValueMax+64 {
		t.Errorf("bounded output: %d bytes, valid %v", len(big), json.Valid([]byte(big)))
	}
	if got := ToolInput("not json " + long + long + long + long + long + long + long + long); UTF16Len(got) != ToolInputTotalMax+1 {
		t.Errorf("non-JSON input capped at the total: %d", UTF16Len(got))
	}
	if got := ToolInput(`"plain"`); got != `"plain"` {
		t.Errorf("scalar %q", got)
	}
}

func TestCut(t *testing.T) {
	const max = 10
	for _, tc := range []struct {
		name, in, want string
	}{
		{"short", "abc", "abc"},
		{"short invalid left to the exporters", "a\xffb", "a\xffb"},
		{"ascii", strings.Repeat("a", 11), strings.Repeat("a", 10)},
		{"three-byte runes end on a boundary", strings.Repeat("€", 4), "€€€"},
		{"four-byte rune straddles", "abcdefgh😀", "abcdefgh"},
		{"invalid byte before the cut", "abc\xffdefghijkl", "abc\uFFFDdefg"},
		{"stray continuation bytes", strings.Repeat("\x80", 20), "\uFFFD"}, // one U+FFFD per run, as ToValidUTF8
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Cut(tc.in, max)
			if got != tc.want {
				t.Errorf("Cut(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if len(tc.in) > max && (len(got) > max || !utf8.ValidString(got)) {
				t.Errorf("Cut(%q) = %q: %d bytes, valid %v", tc.in, got, len(got), utf8.ValidString(got))
			}
		})
	}
}

func TestBound(t *testing.T) {
	long := strings.Repeat("x", IdentifierMax+1)
	if v, cut := Bound(attribute.StringValue("claude"), IdentifierMax); cut || v.AsString() != "claude" {
		t.Errorf("a short string changed: %v %v", v.AsString(), cut)
	}
	if v, cut := Bound(attribute.StringValue(long), IdentifierMax); !cut || v.AsString() != long[:IdentifierMax] {
		t.Errorf("a long string: %d bytes, cut %v", len(v.AsString()), cut)
	}
	if v, cut := Bound(attribute.Int64Value(7), IdentifierMax); cut || v.AsInt64() != 7 {
		t.Error("an int changed")
	}
	// A string array is bounded as a whole: each element counts one more
	// byte, so a million empty strings are bounded too.
	v, cut := Bound(attribute.StringSliceValue([]string{"/a", long, "/b"}), IdentifierMax)
	if got := v.AsStringSlice(); !cut || len(got) != 2 || got[0] != "/a" || len(got[1]) != IdentifierMax-4 {
		t.Errorf("slice: cut %v, %d elements", cut, len(got))
	}
	v, _ = Bound(attribute.StringSliceValue(make([]string, 1e6)), IdentifierMax)
	if n := len(v.AsStringSlice()); n != IdentifierMax {
		t.Errorf("a million empty strings kept %d", n)
	}
}
