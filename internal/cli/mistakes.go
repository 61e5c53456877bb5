package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/imcsync/imcsync/spec"
)

// explainMistakes makes a mistyped flag or command say what to do: the closest command
// or flag, and the help to read.
func explainMistakes(root *cobra.Command) {
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		if name, ok := strings.CutPrefix(err.Error(), "unknown flag: --"); ok {
			if s := closestFlags(cmd, name); len(s) > 0 {
				return usageError("%v; did you mean --%s? See %s --help", err, strings.Join(s, " or --"), cmd.CommandPath())
			}
		}
		return usageError("%v; see %s --help", err, cmd.CommandPath())
	})
	root.SuggestionsMinimumDistance = 2 // cobra's own default, which SuggestionsFor does not apply
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		err := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			return usageError("%s; did you mean %s? See %s --help", err, strings.Join(s, " or "), cmd.CommandPath())
		}
		return usageError("%s; see %s --help", err, cmd.CommandPath())
	}
}

// hintFileArgs makes every subcommand refuse a YAML file given as an argument, saying to
// pass it with -f: `imcsync plan imagecaches.yaml` is a common first try.
func hintFileArgs(root *cobra.Command) {
	for _, c := range root.Commands() {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			for _, arg := range args {
				if ext := strings.ToLower(filepath.Ext(arg)); ext == ".yaml" || ext == ".yml" {
					if cmd.Name() == "show" { // show prints saved plans only: plan shows a file's
						return usageError("%s looks like an imagecaches file: to see its plan, run `%s plan -f %s`%s",
							arg, cmd.Root().Name(), arg, argsNote(cmd))
					}
					return usageError("%s looks like an imagecaches file: pass it with -f, as in `%s -f %s`%s",
						arg, cmd.CommandPath(), arg, argsNote(cmd))
				}
			}
			if check == nil {
				return nil
			}
			return check(cmd, args)
		}
	}
}

// argsNote says what a command's argument is, for commands that take one.
func argsNote(cmd *cobra.Command) string {
	if _, arg, ok := strings.Cut(cmd.Use, " "); ok {
		return fmt.Sprintf(" (%s's argument is %s, a plan saved by `imcsync plan --out`)", cmd.Name(), strings.Trim(arg, "[]"))
	}
	return ""
}

// closestFlags names the flags of cmd (its own and inherited, not hidden) within two
// edits of name, or that name starts, closest first.
func closestFlags(cmd *cobra.Command, name string) []string {
	var names []string
	visit := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	cmd.LocalFlags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	var out []string
	for _, n := range spec.Closest(name, names, len(names)) {
		if len(out) < 3 && (spec.EditDistance(name, n) <= 2 || (len(name) >= 3 && strings.HasPrefix(n, name))) {
			out = append(out, n)
		}
	}
	return out
}
