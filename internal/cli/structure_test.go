package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
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

// isFormat says whether e reads like an output format: a variable or field named
// format, or one of render's formats (render.Text, …).
func isFormat(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return strings.EqualFold(e.Name, "format")
	case *ast.SelectorExpr:
		if strings.EqualFold(e.Sel.Name, "format") {
			return true
		}
		pkg, ok := e.X.(*ast.Ident)
		return ok && pkg.Name == "render" && slices.Contains([]string{"Text", "JSON", "Markdown", "YAML"}, e.Sel.Name)
	}
	return false
}

// TestCommandsDoNotBranchOnTheFormat: a command asks render for its view once and never
// compares the format (==, != or a switch) again. Only the flags' checks (functions
// named check or validate) may: as terraform's arguments refuse flags a view type does
// not take, before anything runs.
func TestCommandsDoNotBranchOnTheFormat(t *testing.T) {
	fset, files := cliFiles(t)
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Name.Name == "check" || fn.Name.Name == "validate" {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BinaryExpr:
					if (n.Op == token.EQL || n.Op == token.NEQ) && (isFormat(n.X) || isFormat(n.Y)) {
						t.Errorf("%s: %s compares the format: print through the command's render view", fset.Position(n.Pos()), fn.Name.Name)
					}
				case *ast.SwitchStmt:
					if n.Tag != nil && isFormat(n.Tag) {
						t.Errorf("%s: %s switches on the format: print through the command's render view", fset.Position(n.Pos()), fn.Name.Name)
					}
				}
				return true
			})
		}
	}
}

// TestImportsAsDocumented: cli reaches, besides the engine and render, only the
// packages internal/engine/doc.go names; a new one is a choice to document there.
func TestImportsAsDocumented(t *testing.T) {
	const module = "github.com/imcsync/imcsync/"
	allowed := []string{
		"internal/engine", "internal/render", "internal/render/liveview",
		"spec", "planner", "applier", "internal/cloud", // the model the sequence speaks in
		"internal/policy",                       // the --policy files
		"internal/reconcile", "internal/ecisim", // programs of their own, and --sim
		"internal/drift", "internal/coverage", "internal/export", "internal/suggest", // reports
		"internal/duration", "internal/version", "schema", // helpers
	}
	fset, files := cliFiles(t)
	for _, f := range files {
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if rest, ok := strings.CutPrefix(path, module); ok && !slices.Contains(allowed, rest) {
				t.Errorf("%s: cli imports %s: go through the engine, or name it in internal/engine/doc.go and here", fset.Position(imp.Pos()), path)
			}
		}
	}
}
