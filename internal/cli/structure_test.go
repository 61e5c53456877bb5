package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// cliFiles parses the package's non-test files.
func cliFiles(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// isCommandConstructor says whether fn is a new…Cmd function.
func isCommandConstructor(name string) bool {
	return strings.HasPrefix(name, "new") && strings.HasSuffix(name, "Cmd")
}

// TestCommandsListedInOnePlace: no init function registers a command; root's
// subcommands lists every command constructor.
func TestCommandsListedInOnePlace(t *testing.T) {
	fset, files := cliFiles(t)
	constructors := map[string]bool{}
	listed := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			switch {
			case fn.Recv == nil && isCommandConstructor(fn.Name.Name):
				constructors[fn.Name.Name] = true
			case fn.Name.Name == "init":
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && (isCommandConstructor(id.Name) || id.Name == "AddCommand") {
						t.Errorf("%s: init registers a command (%s): list it in subcommands (root.go)", fset.Position(id.Pos()), id.Name)
					}
					return true
				})
			case fn.Name.Name == "subcommands":
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && isCommandConstructor(id.Name) {
						listed[id.Name] = true
					}
					return true
				})
			}
		}
	}
	if len(constructors) == 0 {
		t.Fatal("no command constructor found")
	}
	for name := range constructors {
		if !listed[name] {
			t.Errorf("%s is not listed in subcommands (root.go)", name)
		}
	}
}
