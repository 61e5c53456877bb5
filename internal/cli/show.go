package cli

import (
	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/render"
)

func init() { commands = append(commands, newShowCmd) }

func newShowCmd(a *app) *cobra.Command {
	var mf markdownFlags
	cmd := &cobra.Command{
		Use:   "show PLANFILE",
		Short: "Print a saved plan as text, markdown or JSON; offline",
		Long: "show reads a plan file written by `imcsync plan --out` and prints it as plan would have:\n" +
			"text, -o markdown (with --max-chars, --split, --commit, --full-plan as plan has them) or -o json.\n" +
			"It reads no credentials and calls no API; the plan file is checked as apply checks it.\n\n" +
			"Exit status: 0 shown, 1 the file is not a plan this imcsync reads.",
		Example: "  # The whole plan behind a pull-request comment that had to be cut\n" +
			"  imcsync show plan.json\n" +
			"\n" +
			"  # As numbered comments, nothing cut\n" +
			"  imcsync show plan.json -o markdown --split plans",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := mf.check(cmd, a.format); err != nil {
				return err
			}
			plan, err := engine.ReadPlan(args[0])
			if err != nil {
				return &exitError{Code: exitFailure, Err: err}
			}
			if a.format == render.Markdown {
				err = a.writeMarkdownPlan(plan, mf)
			} else {
				err = render.Plan(a.stdout, plan, a.format, a.colorEnabled(a.stdout))
			}
			if err != nil {
				return &exitError{Code: exitFailure, Err: err}
			}
			return nil
		},
	}
	mf.register(cmd)
	return cmd
}
