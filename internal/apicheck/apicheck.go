// Package apicheck reads the exported API of ccotel's public packages from
// their source, so tests can hold it to the project's rules (one option
// style, no internal type in an exported signature) and scripts/surface.sh
// can count it.
package apicheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Package is one public package's exported API.
type Package struct {
	// Path is the directory relative to the repository root, with slashes.
	Path  string
	Files []*ast.File
	Fset  *token.FileSet
}

// Public parses the non-test files of every public package under root, the
// repository root: every directory holding Go files except internal
// packages, commands (package main), examples, testdata and the test-only
// trees (e2e, bench). Nested modules (contrib/anthropic) are included.
func Public(root string) ([]Package, error) {
	var pkgs []Package
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		switch filepath.Base(path) {
		case "internal", "testdata", "examples", "e2e", "bench", ".git", "node_modules":
			return filepath.SkipDir
		}
		p, ok, err := parse(path, rel)
		if err != nil {
			return err
		}
		if ok {
			pkgs = append(pkgs, p)
		}
		return nil
	})
	return pkgs, err
}

func parse(dir, rel string) (Package, bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Package{}, false, err
	}
	p := Package{Path: rel, Fset: token.NewFileSet()}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(p.Fset, filepath.Join(dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return Package{}, false, err
		}
		if f.Name.Name == "main" {
			return Package{}, false, nil
		}
		p.Files = append(p.Files, f)
	}
	return p, len(p.Files) > 0, nil
}

// Decl is one exported identifier: a top-level func, type, var or const, or
// a method or field of an exported type ("Type.Name").
type Decl struct {
	Name string
	// Kind is func, method, type, var, const or field.
	Kind string
	Doc  string
	// Node is the declaration: *ast.FuncDecl, *ast.TypeSpec, *ast.ValueSpec
	// or *ast.Field.
	Node ast.Node
	// File is the file declaring it, for its imports.
	File *ast.File
}

// Exported lists the package's exported identifiers, methods and fields
// of exported types included, sorted by name.
func (p Package) Exported() []Decl {
	var out []Decl
	for _, f := range p.Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				if d.Recv == nil {
					out = append(out, Decl{Name: d.Name.Name, Kind: "func", Doc: d.Doc.Text(), Node: d, File: f})
					continue
				}
				if recv := receiver(d.Recv.List[0].Type); ast.IsExported(recv) {
					out = append(out, Decl{Name: recv + "." + d.Name.Name, Kind: "method", Doc: d.Doc.Text(), Node: d, File: f})
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					out = append(out, spec(d, s, f)...)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Decl) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func spec(d *ast.GenDecl, s ast.Spec, f *ast.File) []Decl {
	var out []Decl
	switch s := s.(type) {
	case *ast.TypeSpec:
		if !s.Name.IsExported() {
			return nil
		}
		doc := s.Doc.Text()
		if doc == "" {
			doc = d.Doc.Text()
		}
		out = append(out, Decl{Name: s.Name.Name, Kind: "type", Doc: doc, Node: s, File: f})
		var fields []*ast.Field
		switch t := s.Type.(type) {
		case *ast.StructType:
			fields = t.Fields.List
		case *ast.InterfaceType:
			fields = t.Methods.List
		}
		for _, fl := range fields {
			for _, n := range fieldNames(fl) {
				if ast.IsExported(n) {
					out = append(out, Decl{Name: s.Name.Name + "." + n, Kind: "field", Doc: fl.Doc.Text(), Node: fl, File: f})
				}
			}
		}
	case *ast.ValueSpec:
		kind := "var"
		if d.Tok == token.CONST {
			kind = "const"
		}
		doc := s.Doc.Text()
		if doc == "" {
			doc = d.Doc.Text()
		}
		for _, n := range s.Names {
			if n.IsExported() {
				out = append(out, Decl{Name: n.Name, Kind: kind, Doc: doc, Node: s, File: f})
			}
		}
	}
	return out
}

// fieldNames are a field's names; an embedded field is named by its type.
func fieldNames(f *ast.Field) []string {
	if len(f.Names) == 0 {
		return []string{receiver(f.Type)}
	}
	names := make([]string, len(f.Names))
	for i, n := range f.Names {
		names[i] = n.Name
	}
	return names
}

// receiver is the type name of a receiver or embedded field expression.
func receiver(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.SelectorExpr:
			return t.Sel.Name
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// InternalTypes returns the internal package types (as "path.Name") an
// exported declaration shows its users: in a func or method signature, a
// type definition or alias, an exported field, or a var's declared type.
func InternalTypes(d Decl) []string {
	var exprs []ast.Node
	switch n := d.Node.(type) {
	case *ast.FuncDecl:
		exprs = append(exprs, n.Type)
	case *ast.TypeSpec:
		switch t := n.Type.(type) {
		case *ast.StructType, *ast.InterfaceType:
			// Exported fields and methods are Decls of their own;
			// unexported ones are not shown.
		default:
			exprs = append(exprs, t)
		}
		if n.TypeParams != nil {
			exprs = append(exprs, n.TypeParams)
		}
	case *ast.Field:
		exprs = append(exprs, n.Type)
	case *ast.ValueSpec:
		if n.Type != nil {
			exprs = append(exprs, n.Type)
		}
	}
	imports := map[string]string{}
	for _, im := range d.File.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = path
	}
	var found []string
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok {
				if path := imports[x.Name]; isInternal(path) {
					found = append(found, path+"."+sel.Sel.Name)
				}
			}
			return false
		})
	}
	return found
}

func isInternal(path string) bool {
	return strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
}
