package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/eci"
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

// plannerOptions are the planner's options for f under the flags.
func (a *app) plannerOptions(f *spec.File, pf planFlags) (planner.Options, error) {
	if pf.prune && f.Owner == "" {
		return planner.Options{}, fmt.Errorf("--prune needs `owner:` in %s: without it imcsync cannot tell this file's caches from others', so nothing would be deleted; set owner, or leave out --prune", a.file)
	}
	return planner.Options{Regions: a.regions, Targets: pf.targets, Prune: pf.prune, Replace: pf.replace, Source: sourcePath(a.file)}, nil
}

// planLive checks --replace against the live caches and plans.
func planLive(f *spec.File, live []cloud.Cache, opts planner.Options) (*planner.Plan, error) {
	if err := planner.CheckReplace(f, live, opts); err != nil {
		return nil, fmt.Errorf("%w\nnothing was planned", err)
	}
	return planner.Build(f, live, opts), nil
}

func newPlanCmd(a *app) *cobra.Command {
	var (
		pf      planFlags
		outFile string
		live    string
	)
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
			"  imcsync plan -f examples/imagecaches.yaml --sim examples/live-state.yaml",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			plan, _, err := a.planFromFile(cmd.Context(), pf, live)
			if err != nil {
				return err
			}
			if outFile != "" {
				if err := writePlanFile(outFile, plan); err != nil {
					return &exitError{Code: exitFailure, Err: err}
				}
			}
			if err := renderPlan(a.stdout, plan, a.output, a.colorEnabled(a.stdout)); err != nil {
				return &exitError{Code: exitFailure, Err: err}
			}
			if outFile != "" && a.output == "text" {
				fmt.Fprintf(a.stdout, "\nSaved the plan to %s. To apply exactly this plan, run:\n    imcsync apply %s\n", outFile, outFile)
			}
			if plan.HasChanges() {
				return &exitError{Code: exitChanges}
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().StringVar(&outFile, "out", "", "also write the plan as JSON to `PLANFILE`, for imcsync apply PLANFILE")
	cmd.Flags().StringVar(&live, "live", "", "read saved DescribeImageCaches output (JSON) instead of calling the API")
	return cmd
}

// planFromFile loads -f, reads the live caches of its regions (from liveFile when
// given) and plans. It returns the live caches too, for reports that need more than the
// plan.
func (a *app) planFromFile(ctx context.Context, pf planFlags, liveFile string) (*planner.Plan, []cloud.Cache, error) {
	f, err := a.loadFile()
	if err != nil {
		return nil, nil, err
	}
	opts, err := a.plannerOptions(f, pf)
	if err != nil {
		return nil, nil, &exitError{Code: exitFailure, Err: err}
	}
	liveTargets := pf.liveTargets || pf.prune
	if err := checkSelection(f, opts, nil, liveTargets); err != nil {
		return nil, nil, err
	}
	caches, err := a.readLive(ctx, liveFile, planner.Regions(f, opts))
	if err != nil {
		return nil, nil, &exitError{Code: exitFailure, Err: err}
	}
	if liveTargets && len(opts.Targets) > 0 {
		if err := checkSelection(f, opts, caches, true); err != nil {
			return nil, nil, err
		}
	}
	plan, err := planLive(f, caches, opts)
	if err != nil {
		return nil, nil, &exitError{Code: exitFailure, Err: err}
	}
	return plan, caches, nil
}

// readLive returns the live caches of the regions: from a saved DescribeImageCaches
// file when one is given, else from the API (or the --sim emulator).
func (a *app) readLive(ctx context.Context, liveFile string, regions []string) ([]cloud.Cache, error) {
	if liveFile != "" {
		data, err := readBounded(liveFile)
		if err != nil {
			return nil, fmt.Errorf("--live: %w", err)
		}
		region := "" // a saved page may lack RegionId: then it is the one planned region
		if len(regions) == 1 {
			region = regions[0]
		}
		caches, err := eci.ParseDescribe(data, region)
		if err != nil {
			return nil, fmt.Errorf("--live %s: %w", liveFile, err)
		}
		return caches, nil
	}
	conn, err := a.connect()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return listRegions(ctx, conn.client, regions)
}

// loadFile reads and validates -f; invalid input is printed like validate prints it,
// and so are the warnings of a valid file.
func (a *app) loadFile() (*spec.File, error) {
	f, err := spec.Load(a.file)
	if err != nil {
		a.printSpecError(err)
		return nil, &exitError{Code: exitFailure}
	}
	a.printWarnings(f)
	return f, nil
}

// writePlanFile saves the plan as indented JSON (the plan file format is the plan JSON).
func writePlanFile(path string, plan *planner.Plan) error {
	b, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}
