package edits

import (
	"strings"
	"testing"
)

func lineCount(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, "\n") + 1
}

// FuzzLines checks the line counts: never negative, bounded by the texts,
// net change equal to the change in line count, zero for an unchanged text,
// and swapped by swapping the texts.
func FuzzLines(f *testing.F) {
	f.Add("", "")
	f.Add("a\nb\n", "a\nc\n")
	f.Add("x", "")
	f.Add("\n\n\n", "\n")
	f.Add("a\r\nb", "a\nb")
	f.Add("\xff\x00\n", "\x00\n\xff")
	f.Fuzz(func(t *testing.T, old, new string) {
		added, removed := Lines(old, new)
		lo, ln := lineCount(old), lineCount(new)
		if added < 0 || removed < 0 || added > ln || removed > lo {
			t.Fatalf("Lines = +%d -%d for %d -> %d lines", added, removed, lo, ln)
		}
		if added-removed != ln-lo {
			t.Fatalf("net %d, want %d", added-removed, ln-lo)
		}
		if a, r := Lines(old, old); a != 0 || r != 0 {
			t.Fatalf("unchanged text: +%d -%d", a, r)
		}
		if a, r := Lines(new, old); a != removed || r != added {
			t.Fatalf("swap: +%d -%d, want +%d -%d", a, r, removed, added)
		}
		if Language(old) == "" {
			t.Fatal("empty language")
		}
	})
}
