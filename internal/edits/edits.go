package edits

import (
	"path/filepath"
	"strings"
)

// maxDiffCells bounds the line diff's table. Beyond it the edit is counted as
// every old line removed and every new line added: an overcount on huge
// rewrites is better than stalling the host.
const maxDiffCells = 4_000_000

// Lines returns the lines added and removed by replacing oldText with newText.
// A text's lines are what splitting on "\n" gives, so a trailing newline
// counts as one more line, as in Claude Code ("a\nb\n" is 3 lines); the empty
// text has none. Lines common to both, found by a longest-common-subsequence
// diff, count as neither.
func Lines(oldText, newText string) (added, removed int) {
	a, b := split(oldText), split(newText)
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) == 0 || len(b) == 0 || len(a)*len(b) > maxDiffCells {
		return len(b), len(a)
	}
	common := lcs(a, b)
	return len(b) - common, len(a) - common
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lcs is the length of the longest common subsequence, in O(len(b)) memory.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Language names a file's language as the language attribute of
// claude_code.code_edit_tool.decision does ("Python", "Plain text"); "unknown"
// when the extension is not known.
func Language(path string) string {
	base := filepath.Base(path)
	if l, ok := byName[base]; ok {
		return l
	}
	if l, ok := byExt[strings.ToLower(filepath.Ext(base))]; ok {
		return l
	}
	return "unknown"
}

var byName = map[string]string{
	"Dockerfile": "Dockerfile", "Makefile": "Makefile", "CMakeLists.txt": "CMake",
	"go.mod": "Go Module", "Gemfile": "Ruby", "Rakefile": "Ruby",
}

var byExt = map[string]string{
	".txt": "Plain text", ".text": "Plain text", ".log": "Plain text",
	".py": "Python", ".pyi": "Python", ".go": "Go", ".rs": "Rust",
	".js": "JavaScript", ".mjs": "JavaScript", ".cjs": "JavaScript", ".jsx": "JavaScript",
	".ts": "TypeScript", ".mts": "TypeScript", ".cts": "TypeScript", ".tsx": "TypeScript",
	".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin", ".scala": "Scala", ".groovy": "Groovy",
	".c": "C", ".h": "C", ".cc": "C++", ".cpp": "C++", ".cxx": "C++", ".hpp": "C++", ".hh": "C++",
	".cs": "C#", ".fs": "F#", ".swift": "Swift", ".m": "Objective-C", ".mm": "Objective-C++",
	".rb": "Ruby", ".php": "PHP", ".pl": "Perl", ".lua": "Lua", ".r": "R", ".jl": "Julia",
	".dart": "Dart", ".ex": "Elixir", ".exs": "Elixir", ".erl": "Erlang", ".hs": "Haskell",
	".clj": "Clojure", ".ml": "OCaml", ".zig": "Zig", ".nim": "Nim", ".vue": "Vue", ".svelte": "Svelte",
	".sh": "Shell", ".bash": "Shell", ".zsh": "Shell", ".fish": "Fish", ".ps1": "PowerShell",
	".sql": "SQL", ".html": "HTML", ".htm": "HTML", ".css": "CSS", ".scss": "SCSS", ".sass": "Sass", ".less": "Less",
	".json": "JSON", ".jsonc": "JSON", ".yaml": "YAML", ".yml": "YAML", ".toml": "TOML", ".xml": "XML",
	".ini": "INI", ".md": "Markdown", ".markdown": "Markdown", ".mdx": "MDX", ".rst": "reStructuredText",
	".tex": "TeX", ".proto": "Protocol Buffers", ".graphql": "GraphQL", ".tf": "HCL", ".hcl": "HCL",
	".ipynb": "Jupyter Notebook", ".csv": "CSV",
}
