package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// options is one command's shape, as kubectl's commands have it: complete fills the
// options in from the flags, the arguments and the environment; validate refuses what
// cannot run, before anything is read or sent; run does the work. Each step is a method
// a test can call on its own.
type options interface {
	complete(cmd *cobra.Command, args []string) error
	validate() error
	run(ctx context.Context) error
}

// runE is the RunE of a command with options o: complete, validate, run, stopping at
// the first error.
func runE(o options) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := o.complete(cmd, args); err != nil {
			return err
		}
		if err := o.validate(); err != nil {
			return err
		}
		return o.run(cmd.Context())
	}
}
