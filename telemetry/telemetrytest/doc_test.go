package telemetrytest_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every Go example of the package documentation and of the README is code
// that compiles and runs: TestWriteToolReportsLines, and readme in
// package telemetry's Example_readme.
func TestDocExamples(t *testing.T) {
	for _, c := range []struct{ doc, code string }{
		{"doc.go", "example_test.go"},
		{"../../README.md", "../readme_example_test.go"},
	} {
		doc, err := os.ReadFile(c.doc)
		if err != nil {
			t.Fatal(err)
		}
		code, err := os.ReadFile(c.code)
		if err != nil {
			t.Fatal(err)
		}
		blocks := docBlocks(string(doc))
		if len(blocks) == 0 {
			t.Errorf("%s: no Go example found", c.doc)
		}
		for _, b := range blocks {
			if !strings.Contains(squeeze(string(code)), squeeze(b)) {
				t.Errorf("%s's example is not in %s as written:\n%s", c.doc, c.code, b)
			}
		}
	}
}

var (
	fenced   = regexp.MustCompile("(?s)```go\n(.*?)```")
	indented = regexp.MustCompile(`(?m)(?:^//\t.*\n)+`)
	spaces   = regexp.MustCompile(`\s+`)
)

// docBlocks returns the Go examples of a Markdown file (```go blocks) or of
// a doc comment (lines indented by a tab).
func docBlocks(doc string) []string {
	var out []string
	for _, m := range fenced.FindAllStringSubmatch(doc, -1) {
		out = append(out, m[1])
	}
	for _, m := range indented.FindAllString(doc, -1) {
		out = append(out, strings.ReplaceAll(m, "//\t", ""))
	}
	return out
}

// squeeze makes gofmt's alignment irrelevant.
func squeeze(s string) string { return spaces.ReplaceAllString(s, " ") }
