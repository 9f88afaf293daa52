package telemetry_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ccotel/ccotel/internal/apicheck"
)

// TestAPIDoc: docs/API.md explains every exported identifier of this
// package (types, functions, variables, constants, methods) in one line, and
// lists none that no longer exists, so the surface cannot grow unexplained.
func TestAPIDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## telemetry\n")
	if !ok {
		t.Fatal("docs/API.md has no telemetry section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^- `([A-Za-z.]+)`: \\S").FindAllStringSubmatch(section, -1) {
		if documented[m[1]] {
			t.Errorf("docs/API.md lists %s twice", m[1])
		}
		documented[m[1]] = true
	}
	pkgs, err := apicheck.Public("..")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pkgs, func(p apicheck.Package) bool { return p.Path == "telemetry" })
	if i < 0 {
		t.Fatal("telemetry not found among the public packages")
	}
	exported := map[string]bool{}
	for _, d := range pkgs[i].Exported() {
		if d.Kind == "field" {
			continue // documented on their types
		}
		exported[d.Name] = true
		if !documented[d.Name] {
			t.Errorf("%s %s is exported but docs/API.md does not say why", d.Kind, d.Name)
		}
	}
	for name := range documented {
		if !exported[name] {
			t.Errorf("docs/API.md explains %s, which telemetry does not export", name)
		}
	}
}
