package layers

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// public reports whether a package of the module is part of hoard's Go
// API: anything not under internal/, cmd/ or bench/.
func public(pkg string) bool {
	for _, p := range []string{"internal", "cmd", "bench"} {
		if pkg == p || strings.HasPrefix(pkg, p+"/") || strings.Contains(pkg, "/internal/") || strings.HasSuffix(pkg, "/internal") {
			return false
		}
	}
	return true
}

type goFiles struct {
	ImportPath string
	Dir        string
	GoFiles    []string
}

// TestPublicAPINamesNoInternalType: no exported declaration of a public
// package (function signature, field or method of an exported type, type
// of an exported variable or constant) names a type from an internal
// package, which another module could not name.
func TestPublicAPINamesNoInternalType(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for {
		var p goFiles
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkg, ok := strings.CutPrefix(p.ImportPath, module)
		if !ok || !public(pkg) {
			continue
		}
		checked++
		for _, f := range p.GoFiles {
			checkFile(t, pkg, filepath.Join(p.Dir, f))
		}
	}
	if checked < 8 {
		t.Fatalf("only %d public packages found", checked)
	}
}

func checkFile(t *testing.T, pkg, path string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	internal := map[string]string{} // local name -> import path
	for _, im := range f.Imports {
		ip, _ := strconv.Unquote(im.Path.Value)
		if !strings.HasPrefix(ip, module) || public(strings.TrimPrefix(ip, module)) {
			continue
		}
		name := filepath.Base(ip)
		if im.Name != nil {
			name = im.Name.Name
		}
		internal[name] = ip
	}
	if len(internal) == 0 {
		return
	}
	report := func(where string, n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && internal[x.Name] != "" {
					t.Errorf("%s: %s names %s.%s from %s, an internal package", fset.Position(sel.Pos()), where, x.Name, sel.Sel.Name, internal[x.Name])
				}
			}
			return true
		})
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.IsExported() && (d.Recv == nil || exportedRecv(d.Recv)) {
				report(pkg+"."+d.Name.Name, d.Type)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						checkType(report, pkg+"."+s.Name.Name, s.Type)
					}
				case *ast.ValueSpec:
					for i, n := range s.Names {
						if !n.IsExported() {
							continue
						}
						if s.Type != nil {
							report(pkg+"."+n.Name, s.Type)
						}
						if i < len(s.Values) {
							if cl, ok := s.Values[i].(*ast.CompositeLit); ok && cl.Type != nil {
								report(pkg+"."+n.Name, cl.Type)
							}
						}
					}
				}
			}
		}
	}
}

// checkType reports the exported fields and methods of a type.
func checkType(report func(string, ast.Node), where string, typ ast.Expr) {
	switch t := typ.(type) {
	case *ast.StructType:
		for _, f := range t.Fields.List {
			if len(f.Names) == 0 || f.Names[0].IsExported() {
				report(where, f.Type)
			}
		}
	case *ast.InterfaceType:
		report(where, t)
	default:
		report(where, t)
	}
}

func exportedRecv(r *ast.FieldList) bool {
	typ := r.List[0].Type
	if s, ok := typ.(*ast.StarExpr); ok {
		typ = s.X
	}
	if ix, ok := typ.(*ast.IndexExpr); ok {
		typ = ix.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// TestOutsideModuleBuilds builds and vets testdata/apicheck, a module
// outside hoard that implements an exporter and a decoder against hoard's
// conformance suites and reads snapshots with the public packages, then
// runs it on an empty exports root.
func TestOutsideModuleBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a second module")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"go.mod", "main.go", "main_test.go"} {
		b, err := os.ReadFile(filepath.Join(repo, "testdata", "apicheck", name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "go.mod" {
			b = []byte(strings.Replace(string(b), "=> ../..", "=> "+repo, 1))
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	for _, args := range [][]string{{"mod", "tidy"}, {"vet", "./..."}, {"build", "-o", "apicheck", "."}, {"test", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	out, err := exec.Command(filepath.Join(dir, "apicheck"), t.TempDir()).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "hello") {
		t.Fatalf("apicheck: %v\n%s", err, out)
	}
}
