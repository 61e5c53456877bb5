package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/render"
)

// globalFlags are the root's persistent flags.
var globalFlags = []string{"file", "output", "region", "endpoint", "sim", "color"}

// globals says which global flags a command reads and which -o formats it prints, the
// first when -o is left out. Its help hides the other global flags (still accepted, as
// every command accepts them), and another -o is a usage error. A command that declares
// none reads every global flag and prints render.Formats.
type globals struct {
	flags   []string
	formats []render.Format
}

// The annotations of a command that hold its globals.
const (
	globalFlagsKey = "imcsync.global-flags"
	formatsKey     = "imcsync.formats"
)

// declare records on cmd the global flags it reads and the formats it prints.
func declare(cmd *cobra.Command, flags []string, formats ...render.Format) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	cmd.Annotations[globalFlagsKey] = strings.Join(flags, ",")
	cmd.Annotations[formatsKey] = strings.Join(names, ",")
	return cmd
}

// globalsOf reads what cmd declared; ok is false when it declared nothing. cobra's own
// help command, made when the command line runs, reads no global flag and prints text.
func globalsOf(cmd *cobra.Command) (g globals, ok bool) {
	if cmd.Name() == "help" && cmd.Annotations == nil {
		return globals{formats: []render.Format{render.Text}}, true
	}
	formats, ok := cmd.Annotations[formatsKey]
	if !ok {
		return globals{}, false
	}
	if flags := cmd.Annotations[globalFlagsKey]; flags != "" {
		g.flags = strings.Split(flags, ",")
	}
	for _, f := range strings.Split(formats, ",") {
		g.formats = append(g.formats, render.Format(f))
	}
	return g, true
}

// hideUnusedGlobals makes each command's help list only the global flags it reads, and
// -o with the formats it prints (not at all when it prints one only).
func hideUnusedGlobals(root *cobra.Command) {
	help := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if g, ok := globalsOf(cmd); ok && cmd != root {
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
	if g, ok := globalsOf(cmd); ok {
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
