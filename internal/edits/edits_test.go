package edits

import (
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	for _, tc := range []struct {
		name           string
		old, new       string
		added, removed int
	}{
		// write_acceptedits: a new file with a trailing newline counts 4 lines.
		{"new file", "", "hello\nworld\nthird line\n", 4, 0},
		// writeedit_acceptedits: "world" -> "there\nnew line" adds 2, removes 1.
		{"edit", "world", "there\nnew line", 2, 1},
		{"no change", "a\nb", "a\nb", 0, 0},
		{"delete all", "a\nb\nc", "", 0, 3},
		{"insert middle", "a\nc", "a\nb\nc", 1, 0},
		{"replace middle", "a\nb\nc", "a\nx\nc", 1, 1},
		{"interleaved", "a\nb\nc\nd", "a\nc\nx\nd", 1, 1},
	} {
		added, removed := Lines(tc.old, tc.new)
		if added != tc.added || removed != tc.removed {
			t.Errorf("%s: Lines = +%d -%d, want +%d -%d", tc.name, added, removed, tc.added, tc.removed)
		}
	}
}

func TestLinesHugeFallsBack(t *testing.T) {
	a := strings.Repeat("x\n", 3000) + "end"
	b := strings.Repeat("y\n", 3000) + "fin"
	added, removed := Lines(a, b)
	if added != 3001 || removed != 3001 {
		t.Errorf("huge rewrite: +%d -%d", added, removed)
	}
}

func TestLanguage(t *testing.T) {
	for path, want := range map[string]string{
		"/home/dev/x/notes.txt": "Plain text", "main.py": "Python", "a/b.TS": "TypeScript",
		"README.md": "Markdown", "Dockerfile": "Dockerfile", "noext": "unknown", "x.weird": "unknown",
	} {
		if got := Language(path); got != want {
			t.Errorf("Language(%q) = %q, want %q", path, got, want)
		}
	}
}

func BenchmarkLines(b *testing.B) {
	old := strings.Repeat("line of code\n", 200)
	new := strings.Replace(old, "line of code\n", "changed line\n", 20)
	for b.Loop() {
		Lines(old, new)
	}
}
