package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
)

// globalFlags are the root's persistent flags.
var globalFlags = []string{"file", "output", "region", "endpoint", "sim", "color"}

// commandGlobals says, for the commands that do not read every global flag, which ones
// they read and which -o formats they print, the first when -o is left out. Their help
// hides the other global flags (still accepted, as every command accepts them), and
// another -o is a usage error. A command not listed reads every global flag and prints
// render.Formats.
var commandGlobals = map[string]struct {
	flags   []string
	formats []render.Format
}{
	"validate": {[]string{"file", "output"}, []render.Format{render.Text, render.JSON}},
	"schema":   {[]string{"output"}, []render.Format{render.Text, render.JSON}},
	"version":  {[]string{"output"}, []render.Format{render.Text, render.JSON}},
	"export":   {[]string{"output", "region", "endpoint", "sim"}, []render.Format{render.YAML}},
	"sim":      {nil, []render.Format{render.Text}},
	// reconcile logs with --log-format; it prints only the listening line.
	"reconcile": {[]string{"file", "region", "endpoint", "sim"}, []render.Format{render.Text}},
	"help":      {nil, []render.Format{render.Text}},
}

// hideUnusedGlobals makes each command's help list only the global flags it reads, and
// -o with the formats it prints (not at all when it prints one only).
func hideUnusedGlobals(root *cobra.Command) {
	help := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if g, ok := commandGlobals[cmd.Name()]; ok && cmd != root {
			// Flags are shared by all commands; help is the last thing this run does.
			for _, name := range globalFlags {
				root.PersistentFlags().Lookup(name).Hidden = !slices.Contains(g.flags, name)
			}
			output := root.PersistentFlags().Lookup("output")
			output.Usage = outputUsage(g.formats)
			output.Hidden = output.Hidden || len(g.formats) < 2
		}
		help(cmd, args)
	})
}

// outputUsage is the help of -o for a command printing formats.
func outputUsage(formats []render.Format) string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	if len(names) < 2 {
		return "output format: " + strings.Join(names, "")
	}
	return "output format: " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// checkFormat refuses an -o format cmd does not print.
func checkFormat(cmd *cobra.Command, output render.Format) error {
	formats := render.Formats
	if g, ok := commandGlobals[cmd.Name()]; ok {
		formats = g.formats
	}
	if slices.Contains(formats, output) {
		return nil
	}
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	list := names[len(names)-1]
	if len(names) > 1 {
		list = strings.Join(names[:len(names)-1], ", ") + " or " + list
	}
	return usageError("%s -o %s: %s prints %s", cmd.Name(), output, cmd.Name(), list)
}
