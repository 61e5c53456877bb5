package cli

import (
	"reflect"
	"testing"

	"github.com/imcsync/imcsync/internal/render"
)

// TestDeclaredGlobals: every command but plan, apply and drift declares the global flags
// it reads and its formats, read back as declared; an undeclared command has none.
func TestDeclaredGlobals(t *testing.T) {
	root := (&app{}).rootCommand()
	want := map[string]globals{
		"export":  {[]string{"output", "region", "endpoint", "sim"}, []render.Format{render.YAML}},
		"version": {[]string{"output"}, []render.Format{render.Text, render.JSON}},
		"sim":     {nil, []render.Format{render.Text}},
	}
	for _, cmd := range root.Commands() {
		g, ok := globalsOf(cmd)
		switch name := cmd.Name(); name {
		case "plan", "apply", "drift":
			if ok {
				t.Errorf("%s declares %+v; it reads every global flag", name, g)
			}
		default:
			if !ok {
				t.Errorf("%s declares no global flags and formats", name)
			} else if w, listed := want[name]; listed && !reflect.DeepEqual(g, w) {
				t.Errorf("%s: %+v, want %+v", name, g, w)
			}
		}
	}
}
