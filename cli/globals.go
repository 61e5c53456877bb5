package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// globalFlags are the root's persistent flags.
var globalFlags = []string{"file", "output", "region", "endpoint", "sim", "color"}

// commandGlobals says, for the commands that do not read every global flag, which ones
// they read and which -o formats they print. Their help hides the other global flags
// (still accepted, as every command accepts them), and another -o is a usage error.
// A command not listed reads every global flag and prints every format.
var commandGlobals = map[string]struct{ flags, formats []string }{
	"validate": {[]string{"file", "output"}, []string{"text", "json"}},
	"schema":   {[]string{"output"}, []string{"text", "json"}},
	"version":  {[]string{"output"}, []string{"text", "json"}},
	"export":   {[]string{"output", "region", "endpoint", "sim"}, []string{"text"}},
	"sim":      {nil, []string{"text"}},
	"help":     {nil, []string{"text"}},
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
func checkFormat(cmd *cobra.Command, output string) error {
	g, ok := commandGlobals[cmd.Name()]
	if !ok || slices.Contains(g.formats, output) || cmd.Name() == "export" { // export says why itself
		return nil
	}
	return usageError("%s -o %s: %s prints %s", cmd.Name(), output, cmd.Name(), strings.Join(g.formats, " or "))
}
