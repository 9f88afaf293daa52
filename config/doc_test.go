package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the variables table of doc.go")

const docTableStart = "// BEGIN VARIABLES"

// renderVariableTable renders Variables as the preformatted block of doc.go.
func renderVariableTable() string {
	header := []string{"Variable", "Default", "Files", "Option", "Secret", "Meaning"}
	rows := [][]string{header}
	for _, v := range Variables {
		def := v.Default
		if def == "" {
			def = "-"
		}
		secret := ""
		if v.Secret {
			secret = "yes"
		}
		rows = append(rows, []string{v.Name, def, v.Files.String(), "WithVariable", secret, v.Doc})
	}
	widths := make([]int, len(header))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], len(cell))
		}
	}
	var b strings.Builder
	b.WriteString("//\n")
	for _, r := range rows {
		var cells []string
		for i, cell := range r {
			if i == len(r)-1 {
				cells = append(cells, cell)
				continue
			}
			cells = append(cells, fmt.Sprintf("%-*s", widths[i], cell))
		}
		b.WriteString("//\t" + strings.TrimRight(strings.Join(cells, "  "), " ") + "\n")
	}
	return b.String()
}

// TestDocTable checks that doc.go lists every variable of Variables, as
// rendered from the table; -update rewrites it.
func TestDocTable(t *testing.T) {
	data, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, docTableStart)
	end := strings.Index(doc, "package config")
	if start < 0 || end < start {
		t.Fatalf("doc.go lacks %q before the package clause", docTableStart)
	}
	lineEnd := start + strings.Index(doc[start:], "\n") + 1
	want := renderVariableTable()
	if got := doc[lineEnd:end]; got != want {
		if *update {
			if err := os.WriteFile("doc.go", []byte(doc[:lineEnd]+want+doc[end:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("doc.go's variable table is out of date; run go test ./config -run TestDocTable -update")
	}
	for _, v := range Variables {
		if !strings.Contains(doc[lineEnd:end], "//\t"+v.Name+" ") {
			t.Errorf("doc.go does not list %s", v.Name)
		}
	}
}

func TestVariablesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Variables {
		if seen[v.Name] {
			t.Errorf("%s listed twice", v.Name)
		}
		seen[v.Name] = true
		if v.Doc == "" {
			t.Errorf("%s has no Doc", v.Name)
		}
	}
}
