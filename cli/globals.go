package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/render"
)

// globalFlags are the root's persistent flags.
var globalFlags = []string{"file", "output", "region", "endpoint", "sim", "color"}

// commandGlobals says, for the commands that do not read every global flag, which ones
// they read and which -o formats they print. Their help hides the other global flags
// (still accepted, as every command accepts them), and another -o is a usage error.
// A command not listed reads every global flag and prints every format.
var commandGlobals = map[string]struct {
	flags   []string
	formats []render.Format
}{
	"validate": {[]string{"file", "output"}, []render.Format{render.Text, render.JSON}},
	"schema":   {[]string{"output"}, []render.Format{render.Text, render.JSON}},
	"version":  {[]string{"output"}, []render.Format{render.Text, render.JSON}},
	"export":   {[]string{"output", "region", "endpoint", "sim"}, []render.Format{render.Text}},
	"sim":      {nil, []render.Format{render.Text}},
	// reconcile logs with --log-format; it prints only the listening line.
	"reconcile": {[]string{"file", "region", "endpoint", "sim"}, []render.Format{render.Text}},
	"help":      {nil, []render.Format{render.Text}},
}

// hideUnusedGlobals makes each command's help list only the global flags it reads.
func hideUnusedGlobals(root *cobra.Command) {
	help := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if g, ok := commandGlobals[cmd.Name()]; ok && cmd != root {
			for _, name := range globalFlags {
				// Flags are shared by all commands; help is the last thing this run does.
				root.PersistentFlags().Lookup(name).Hidden = !slices.Contains(g.flags, name)
			}
		}
		help(cmd, args)
	})
}

// checkFormat refuses an -o format cmd does not print.
func checkFormat(cmd *cobra.Command, output render.Format) error {
	g, ok := commandGlobals[cmd.Name()]
	if !ok || slices.Contains(g.formats, output) || cmd.Name() == "export" { // export says why itself
		return nil
	}
	names := make([]string, len(g.formats))
	for i, f := range g.formats {
		names[i] = string(f)
	}
	return usageError("%s -o %s: %s prints %s", cmd.Name(), output, cmd.Name(), strings.Join(names, " or "))
}
