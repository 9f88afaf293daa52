package apicheck

import (
	"go/ast"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ccotel/ccotel"

func public(t *testing.T) []Package {
	t.Helper()
	pkgs, err := Public("../..")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 8 {
		t.Fatalf("found %d public packages, want the 9 or more of the repository", len(pkgs))
	}
	return pkgs
}

// importPath is the import path of a package directory of the repository.
func importPath(dir string) string {
	if dir == "." {
		return module
	}
	return module + "/" + dir
}

// TestOptionStyle holds every public package to one option style, the
// OpenTelemetry Go one: an option type is an interface with unexported
// methods only (never a bare func type, which a user could implement and
// call), and the doc of every constructor of an option says what happens
// without it ("By default, ...").
func TestOptionStyle(t *testing.T) {
	pkgs := public(t)
	options := map[string]bool{} // import path + "." + type name
	for _, p := range pkgs {
		for _, d := range p.Exported() {
			if d.Kind != "type" || !strings.HasSuffix(d.Name, "Option") {
				continue
			}
			options[importPath(p.Path)+"."+d.Name] = true
			it, ok := d.Node.(*ast.TypeSpec).Type.(*ast.InterfaceType)
			if !ok {
				t.Errorf("%s.%s is not an interface: options are interface{ apply(...) } types", p.Path, d.Name)
				continue
			}
			if len(it.Methods.List) == 0 {
				t.Errorf("%s.%s has no method: any value would be an option", p.Path, d.Name)
			}
			for _, m := range it.Methods.List {
				for _, n := range fieldNames(m) {
					if ast.IsExported(n) {
						t.Errorf("%s.%s has the exported method %s: a user could implement the option", p.Path, d.Name, n)
					}
				}
			}
		}
	}
	constructors := 0
	for _, p := range pkgs {
		for _, d := range p.Exported() {
			fd, ok := d.Node.(*ast.FuncDecl)
			if !ok || d.Kind != "func" || fd.Type.Results == nil || len(fd.Type.Results.List) != 1 {
				continue
			}
			if !options[resultType(p, d.File, fd.Type.Results.List[0].Type)] {
				continue
			}
			constructors++
			if !strings.Contains(strings.Join(strings.Fields(d.Doc), " "), "By default") {
				t.Errorf("%s.%s returns an option but its doc does not say what happens without it (\"By default, ...\")", p.Path, d.Name)
			}
		}
	}
	if constructors < 30 {
		t.Errorf("found %d option constructors; the walk missed some", constructors)
	}
}

// resultType names a result type as import path + "." + name; "" for a
// type of another module or a composite type.
func resultType(p Package, f *ast.File, e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return importPath(p.Path) + "." + t.Name
	case *ast.SelectorExpr:
		x, ok := t.X.(*ast.Ident)
		if !ok {
			return ""
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			name := path[strings.LastIndex(path, "/")+1:]
			if im.Name != nil {
				name = im.Name.Name
			}
			if name == x.Name {
				return path + "." + t.Sel.Name
			}
		}
	}
	return ""
}
