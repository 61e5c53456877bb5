package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/render"
)

func newShowCmd(a *app) *cobra.Command {
	o := &showOptions{app: a}
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
		RunE: runE(o),
	}
	o.mf.register(cmd)
	// -f names the file in the markdown marker.
	return declare(cmd, []string{"file", "output", "color"}, render.Formats...)
}

// showOptions are `imcsync show`'s options.
type showOptions struct {
	*app
	mf       markdownFlags
	planFile string                 // PLANFILE
	given    func(flag string) bool // whether the command line gave the flag
}

func (o *showOptions) complete(cmd *cobra.Command, args []string) error {
	o.given, o.planFile = cmd.Flags().Changed, args[0]
	return nil
}

func (o *showOptions) validate() error { return o.mf.check(o.given, o.format) }

// run reads the plan file and prints it.
func (o *showOptions) run(context.Context) error {
	plan, err := engine.ReadPlan(o.planFile)
	if err != nil {
		return err
	}
	return render.NewPlanView(o.format, o.streams(), o.comment(o.mf)).Plan(plan)
}
