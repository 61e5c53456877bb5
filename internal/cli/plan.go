package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

func init() { commands = append(commands, newPlanCmd) }

// planFlags are the flags plan and apply share.
type planFlags struct {
	targets []string
	prune   bool
	// liveTargets lets --target name live caches the file does not declare (drift
	// reports them); with --prune, plan and apply allow it too.
	liveTargets bool
	replace     []string
}

func (pf *planFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&pf.targets, "target", nil, "only this cache, as NAME or REGION/NAME (repeatable)")
	cmd.Flags().BoolVar(&pf.prune, "prune", false, "delete live caches absent from the file whose ownership tag names this file's owner")
	cmd.Flags().StringArrayVar(&pf.replace, "replace", nil, "delete and create again this declared cache, as NAME or REGION/NAME (repeatable), e.g. a Failed one")
}

// enginePlanOptions are the engine's plan options under the flags.
func (a *app) enginePlanOptions(pf planFlags) engine.PlanOptions {
	return engine.PlanOptions{Regions: a.regions, Targets: pf.targets, Prune: pf.prune, Replace: pf.replace, LiveTargets: pf.liveTargets}
}

func newPlanCmd(a *app) *cobra.Command {
	o := &planOptions{app: a}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show which fields of which image caches would change; never changes anything",
		Long: "plan reads the file and the live image caches and prints, field by field, what apply would do.\n\n" +
			"Exit status: 0 no changes, 2 changes pending, 1 error.",
		Example: "  # What would merging change? (exit 2: changes pending)\n" +
			"  imcsync plan -f imagecaches.yaml\n" +
			"\n" +
			"  # As a pull-request comment, and saved for apply\n" +
			"  imcsync plan -f imagecaches.yaml -o markdown --out plan.json > plan.md\n" +
			"\n" +
			"  # Offline, against an example emulator state\n" +
			"  imcsync plan -f examples/imagecaches.yaml --sim examples/live-state.yaml\n" +
			"\n" +
			"  # Every change of a large plan, as numbered comments plans/plan-1.md, plan-2.md, …\n" +
			"  imcsync plan -o markdown --split plans",
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	o.pf.register(cmd)
	o.mf.register(cmd)
	cmd.Flags().StringVar(&o.outFile, "out", "", "also write the plan as JSON to `PLANFILE`, for imcsync apply PLANFILE")
	cmd.Flags().StringVar(&o.live, "live", "", "read saved DescribeImageCaches output (JSON) instead of calling the API")
	return cmd
}

// planOptions are `imcsync plan`'s options.
type planOptions struct {
	*app
	pf      planFlags
	mf      markdownFlags
	outFile string                 // --out: also save the plan here
	live    string                 // --live: saved DescribeImageCaches output
	given   func(flag string) bool // whether the command line gave the flag
}

func (o *planOptions) complete(cmd *cobra.Command, _ []string) error {
	o.given = cmd.Flags().Changed
	return nil
}

func (o *planOptions) validate() error { return o.mf.check(o.given, o.format) }

// run plans, saves the plan with --out, and prints it; changes pending are errChanges.
func (o *planOptions) run(ctx context.Context) error {
	planned, err := o.plan(ctx, o.pf, o.live)
	if err != nil {
		return err
	}
	plan := planned.Plan
	if o.outFile != "" {
		if err := writePlanFile(o.outFile, plan); err != nil {
			return err
		}
	}
	if o.format == render.Markdown {
		err = o.writeMarkdownPlan(plan, o.mf)
	} else {
		err = render.Plan(o.stdout, plan, o.format, o.colorEnabled(o.stdout))
	}
	if err != nil {
		return err
	}
	if o.outFile != "" && o.format == render.Text {
		fmt.Fprintf(o.stdout, "\nSaved the plan to %s. To apply exactly this plan, run:\n    imcsync apply %s\n", o.outFile, o.outFile)
	}
	if plan.HasChanges() {
		return errChanges
	}
	return nil
}

// plan loads -f and plans it against the live caches: read from liveFile when given,
// else from the API (or the --sim emulator).
func (a *app) plan(ctx context.Context, pf planFlags, liveFile string) (*engine.Planned, error) {
	f, err := a.loadFile()
	if err != nil {
		return nil, err
	}
	var src engine.Source = engine.Saved(liveFile)
	if liveFile == "" {
		conn := &lazyConn{a: a}
		defer conn.Close()
		src = conn
	}
	planned, err := engine.Plan(ctx, f, src, a.enginePlanOptions(pf))
	if err != nil {
		return nil, err
	}
	return planned, nil
}

// loadFile reads and validates -f; invalid input is printed like validate prints it,
// and so are the warnings of a valid file.
func (a *app) loadFile() (*spec.File, error) {
	f, err := engine.Load(a.file)
	if err != nil {
		a.printSpecError(err)
		return nil, errReported
	}
	a.printWarnings(f)
	return f, nil
}

// writePlanFile saves the plan as JSON (the plan file format is the plan JSON).
func writePlanFile(path string, plan *planner.Plan) error {
	var buf bytes.Buffer
	if err := render.Plan(&buf, plan, render.JSON, false); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}
