package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// explainMistakes makes a mistyped flag or command say what to do: the closest command
// and the help to read.
func explainMistakes(root *cobra.Command) {
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
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
