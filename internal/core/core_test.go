package core

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ccotel/ccotel/config"
)

func TestTaggedID(t *testing.T) {
	for _, tc := range []struct{ uuid, want string }{
		{"5f3c1f4e-8a2b-4c6d-9e0f-1a2b3c4d5e6f", "user_01Cm5fDZJDx3mCiuSVh6ZT9g"},
		{"00000000-0000-0000-0000-000000000000", "user_011111111111111111111111"},
		{"not-a-uuid", "user_not-a-uuid"},
	} {
		if got := TaggedID("user", tc.uuid); got != tc.want {
			t.Errorf("TaggedID(%q) = %q, want %q", tc.uuid, got, tc.want)
		}
	}
}

func TestParseRemote(t *testing.T) {
	want := Repository{URL: "https://github.com/acme/widgets", Owner: "acme", Name: "widgets", Provider: "github"}
	for _, remote := range []string{
		"https://github.com/acme/widgets.git",
		"https://github.com/acme/widgets",
		"git@github.com:acme/widgets.git",
		"ssh://git@github.com/acme/widgets.git",
		"https://user:token@github.com/acme/widgets.git",
	} {
		got := ParseRemote(remote)
		if got == nil || *got != want {
			t.Errorf("ParseRemote(%q) = %+v, want %+v", remote, got, want)
		}
	}
	if r := ParseRemote("https://gitlab.example.com/group/sub/proj.git"); r == nil || r.Provider != "gitlab" || r.Owner != "group/sub" || r.Name != "proj" {
		t.Errorf("gitlab subgroup: %+v", r)
	}
	for _, bad := range []string{"", "/local/path", "https://github.com/", "git@github.com:"} {
		if r := ParseRemote(bad); r != nil {
			t.Errorf("ParseRemote(%q) = %+v, want nil", bad, r)
		}
	}
}

func TestDetectRepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/other/x.git\n[remote \"origin\"]\n\turl = https://github.com/acme/widgets.git\n"
	if err := os.WriteFile(filepath.Join(dir, ".git", "config"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	r := DetectRepository(sub)
	if r == nil || r.URL != "https://github.com/acme/widgets" {
		t.Fatalf("DetectRepository = %+v", r)
	}
	if DetectRepository(t.TempDir()) != nil {
		t.Error("a directory outside any repository has no repository")
	}
}

func TestStandardAttributeOrder(t *testing.T) {
	cfg := config.Config{
		Include:            config.Include{SessionID: true, Version: true, Entrypoint: true, AccountUUID: true, ResourceAttributes: true, Repository: true},
		ResourceAttributes: []config.Attribute{{Key: "department", Value: "eng"}, {Key: "user.id", Value: "spoof"}},
		Identity:           config.Identity{AccountUUID: "5f3c1f4e-8a2b-4c6d-9e0f-1a2b3c4d5e6f", UserEmail: "a@b.c", OrganizationID: "org"},
	}
	st := NewState(cfg, Static{UserID: "u", AppVersion: "1.0", Entrypoint: "cli", TerminalType: "dumb", CustomBaseURL: true,
		Repository: &Repository{URL: "https://github.com/acme/widgets", Owner: "acme", Name: "widgets", Provider: "github"}})
	ss := st.NewSession("s")
	want := []string{"department", "user.id", "session.id", "app.version", "app.entrypoint",
		"vcs.repository.url.full", "vcs.owner.name", "vcs.repository.name", "vcs.provider.name",
		"organization.id", "user.email", "user.account_uuid", "user.account_id",
		"anthropic.provider", "anthropic.custom_base_url", "terminal.type"}
	if got := keys(ss.Attributes); !equal(got, want) {
		t.Errorf("order\n got %v\nwant %v", got, want)
	}
	if got := keys(ss.EarlyAttributes); len(got) != len(want)-4 {
		t.Errorf("early attributes keep vcs.*: %v", got)
	}
	if v := ss.Attributes[1].Value.AsString(); v != "u" {
		t.Errorf("built-in user.id must win over the resource copy, got %q", v)
	}
	if ss.Attributes[14].Value.Type() != attribute.BOOL {
		t.Errorf("anthropic.custom_base_url must be a bool")
	}

	off := NewState(config.Config{}, Static{UserID: "u"}).NewSession("s")
	if got := keys(off.Attributes); !equal(got, []string{"user.id", "anthropic.provider", "anthropic.custom_base_url"}) {
		t.Errorf("all toggles off: %v", got)
	}
}

func TestSequenceAndSessions(t *testing.T) {
	st := NewState(config.Config{}, Static{})
	for i := int64(0); i < 3; i++ {
		if got := st.NextSequence(); got != i {
			t.Fatalf("sequence %d, want %d", got, i)
		}
	}
	def := st.Session(context.Background())
	if def != st.Session(context.Background()) {
		t.Fatal("default session must be stable")
	}
	ss := st.NewSession("")
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(ss.ID) {
		t.Errorf("session id %q is not a UUIDv4", ss.ID)
	}
	if st.Session(ContextWithSession(context.Background(), ss)) != ss {
		t.Error("session from context")
	}
	other := NewState(config.Config{}, Static{}).NewSession("x")
	if st.Session(ContextWithSession(context.Background(), other)) == other {
		t.Error("a session of another handle must not be used")
	}
	if ss.NextInteraction() != 1 || ss.NextInteraction() != 2 {
		t.Error("interaction.sequence is 1-based and increments")
	}
}

func TestDefaultUserID(t *testing.T) {
	if id := DefaultUserID(); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(id) || id != DefaultUserID() {
		t.Errorf("DefaultUserID %q must be 64 hex and stable", id)
	}
}

func keys(kv []attribute.KeyValue) []string {
	out := make([]string, len(kv))
	for i, a := range kv {
		out[i] = string(a.Key)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestValidUTF8(t *testing.T) {
	kv := []attribute.KeyValue{
		attribute.String("model", "claude\xff"),
		attribute.StringSlice("paths", []string{"ok", "bad\xc3"}),
		attribute.Int("n", 1),
		attribute.String("k\xfe", "v"),
	}
	ValidUTF8(kv)
	if kv[0].Value.AsString() != "claude\uFFFD" || kv[1].Value.AsStringSlice()[1] != "bad\uFFFD" || kv[3].Key != "k\uFFFD" {
		t.Errorf("not repaired: %v", kv)
	}
	st := NewState(config.Config{Identity: config.Identity{UserEmail: "a\xffb"}}, Static{UserID: "u"})
	for _, a := range st.NewSession("s").Attributes {
		if a.Key == "user.email" && a.Value.AsString() != "a\uFFFDb" {
			t.Errorf("standard attributes must be valid UTF-8: %q", a.Value.AsString())
		}
	}
}

// TestValidUTF8Nested: every string a key or value can hold, at any depth,
// is repaired, and keys that become one are one (first position, last
// value), in maps as at the top.
func TestValidUTF8Nested(t *testing.T) {
	m := attribute.MapValue
	for _, tc := range []struct {
		name    string
		in, out []attribute.KeyValue
	}{
		{"map key", []attribute.KeyValue{attribute.Map("m", attribute.String("k\xff", "v"))},
			[]attribute.KeyValue{attribute.Map("m", attribute.String("k\uFFFD", "v"))}},
		{"map value", []attribute.KeyValue{attribute.Map("m", attribute.String("k", "v\xfe"))},
			[]attribute.KeyValue{attribute.Map("m", attribute.String("k", "v\uFFFD"))}},
		{"string slice in a map", []attribute.KeyValue{attribute.Map("m", attribute.StringSlice("s", []string{"ok", "\xc3"}))},
			[]attribute.KeyValue{attribute.Map("m", attribute.StringSlice("s", []string{"ok", "\uFFFD"}))}},
		{"slice of strings", []attribute.KeyValue{attribute.Slice("s", attribute.StringValue("a\xff"), attribute.IntValue(1))},
			[]attribute.KeyValue{attribute.Slice("s", attribute.StringValue("a\uFFFD"), attribute.IntValue(1))}},
		{"slice of maps", []attribute.KeyValue{attribute.Slice("s", m(attribute.String("k\xff", "v\xfe")))},
			[]attribute.KeyValue{attribute.Slice("s", m(attribute.String("k\uFFFD", "v\uFFFD")))}},
		{"map in a slice in a map", []attribute.KeyValue{attribute.Map("m", attribute.Slice("s", m(attribute.Bool("b\xff", true))))},
			[]attribute.KeyValue{attribute.Map("m", attribute.Slice("s", m(attribute.Bool("b\uFFFD", true))))}},
		{"map keys that become one", []attribute.KeyValue{attribute.Map("m", attribute.String("k\xfe", "1"), attribute.String("k\xff", "2"))},
			[]attribute.KeyValue{attribute.Map("m", attribute.String("k\uFFFD", "2"))}},
		{"keys that become one", []attribute.KeyValue{attribute.String("k\xfe", "first"), attribute.Int("n", 1), attribute.String("k\xff", "last")},
			[]attribute.KeyValue{attribute.String("k\uFFFD", "last"), attribute.Int("n", 1)}},
		{"valid", []attribute.KeyValue{attribute.Map("m", attribute.String("k", "v")), attribute.Slice("s", m(attribute.String("é", "ü")))},
			[]attribute.KeyValue{attribute.Map("m", attribute.String("k", "v")), attribute.Slice("s", m(attribute.String("é", "ü")))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidUTF8(slices.Clone(tc.in)); !slices.Equal(got, tc.out) {
				t.Errorf("ValidUTF8 = %v, want %v", got, tc.out)
			}
			if valid := KeyValuesValid(tc.in); valid != slices.Equal(tc.in, tc.out) {
				t.Errorf("KeyValuesValid = %v", valid)
			}
			for _, a := range tc.in {
				if v, changed := ValidValue(a.Value); changed == ValueValid(a.Value) || !ValueValid(v) {
					t.Errorf("ValidValue(%v) = %v, %v", a.Value.String(), v.String(), changed)
				}
			}
		})
	}
}

func TestNewUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := NewUUID()
		if !v4.MatchString(id) || seen[id] {
			t.Fatalf("%q: not a fresh UUIDv4", id)
		}
		seen[id] = true
	}
	// One allocation, the string: a session or prompt id costs no more.
	if n := testing.AllocsPerRun(100, func() { _ = NewUUID() }); n != 1 && !raceEnabled {
		t.Errorf("NewUUID: %v allocations, want 1", n)
	}
}

// A session served by another provider keeps its id and is built once per
// provider, up to maxVariants; beyond them each use builds its own.
func TestServed(t *testing.T) {
	st := NewState(config.Config{Include: config.Include{SessionID: true}}, Static{UserID: "u"})
	ss := st.NewSession("s")
	if ss.Provider != (Provider{Name: "firstParty", Family: "anthropic"}) {
		t.Fatalf("default provider %+v", ss.Provider)
	}
	if ss.Served(ss.Provider) != ss {
		t.Error("the session's own provider made a variant")
	}
	for i := range maxVariants + 2 {
		p := Provider{Name: fmt.Sprint("p", i), CustomBaseURL: true, Family: "f"}
		v := ss.Served(p)
		if v.ID != "s" || v.Provider != p {
			t.Fatalf("variant %+v of id %q", v.Provider, v.ID)
		}
		got := map[string]attribute.Value{}
		for _, kv := range v.EventAttributes {
			got[string(kv.Key)] = kv.Value
		}
		if got["session.id"].AsString() != "s" || got["anthropic.provider"].AsString() != p.Name || !got["anthropic.custom_base_url"].AsBool() {
			t.Errorf("variant %d attributes %v", i, v.EventAttributes)
		}
		if cached := ss.Served(p) == v; cached != (i < maxVariants) {
			t.Errorf("variant %d cached %v, want %v", i, cached, i < maxVariants)
		}
	}
}

// TestDefaultSessionRacingEmits: the host's first StartSession sets the
// default session while other goroutines emit without a session in their
// context (a data race under -race before), and from then on the default
// is that session, whether or not an emit made one before.
func TestDefaultSessionRacingEmits(t *testing.T) {
	for _, emitFirst := range []bool{false, true} {
		st := NewState(config.Config{}, Static{})
		if emitFirst {
			st.Session(context.Background())
		}
		started := st.NewSession("started")
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 100 {
					if ss := st.Session(context.Background()); ss == nil {
						t.Error("no default session")
						return
					}
				}
			})
		}
		st.SetDefaultSession(started)
		wg.Wait()
		if got := st.DefaultSession(); got != started {
			t.Errorf("emit first %v: default session %q, want the started one", emitFirst, got.ID)
		}
	}
}
