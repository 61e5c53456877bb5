package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/policy"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// planFlags are the flags plan and apply share.
type planFlags struct {
	targets []string
	prune   bool
	// liveTargets lets --target name live caches the file does not declare (drift
	// reports them); with --prune, plan and apply allow it too.
	liveTargets bool
	replace     []string
	refresh     string // --refresh as given
	report      reportFlags
	expiring    time.Duration // --expiring-within (plan, drift)
	workloads   []string      // --workloads: more workload sources for coverage
	policy      []string      // --policy files (plan, apply)
}

// registerWorkloads adds --workloads to a command that reports coverage.
func registerWorkloads(cmd *cobra.Command, paths *[]string) {
	cmd.Flags().StringArrayVar(paths, "workloads", nil, "also read the Kubernetes workloads in `PATH` for coverage: a file, a glob (** allowed), a kustomization directory, or - for standard input (repeatable; region: the file's)")
}

func (pf *planFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&pf.targets, "target", nil, "only this cache, as NAME or REGION/NAME (repeatable)")
	cmd.Flags().BoolVar(&pf.prune, "prune", false, "delete live caches absent from the file whose ownership tag names this file's owner")
	cmd.Flags().StringArrayVar(&pf.replace, "replace", nil, "delete and create again this declared cache, as NAME or REGION/NAME (repeatable), e.g. a Failed one")
	registerRefresh(cmd, &pf.refresh)
	registerWorkloads(cmd, &pf.workloads)
}

// enginePlanOptions are the engine's plan options under the flags and the loaded
// policy (nil for none); offline says the live caches come from saved output (--live).
func (a *app) enginePlanOptions(pf planFlags, pol *policy.Policy, offline bool) (engine.PlanOptions, error) {
	refresh, err := a.refreshMode(pf.refresh, offline)
	if err != nil {
		return engine.PlanOptions{}, err
	}
	o := engine.PlanOptions{Regions: a.regions, Targets: pf.targets, Prune: pf.prune, Replace: pf.replace,
		LiveTargets: pf.liveTargets, Policy: pol, Refresh: refresh, ExpiringWithin: pf.expiring}
	if err := pf.report.apply(&o); err != nil {
		return engine.PlanOptions{}, err
	}
	if slices.Contains(pf.workloads, "-") && a.file == "-" {
		return engine.PlanOptions{}, usageError("--workloads - and -f - both read standard input: give one of them a file")
	}
	o.Workloads = engine.WorkloadOptions{Paths: pf.workloads, Stdin: a.stdin}
	return o, nil
}

func newPlanCmd(a *app) *cobra.Command {
	o := &planOptions{app: a}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show which fields of which image caches would change; never changes anything",
		Long: "plan reads the file and the live image caches and prints, field by field, what apply would do.\n" +
			"With --policy it checks every cache, its change and the plan against the policy's rules.\n\n" +
			"Exit status: 0 no changes, 2 changes pending, 1 error or an error-severity policy rule broken.",
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
	cmd.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "also print what the text's one-line summaries leave out (each unreachable registry's error)")
	registerPolicy(cmd, &o.pf.policy)
	cmd.Flags().StringVar(&o.live, "live", "", "read saved DescribeImageCaches output (JSON) instead of calling the API")
	registerReport(cmd, &o.pf.report)
	durationVar(cmd.Flags(), &o.pf.expiring, "expiring-within", drift.DefaultExpiringWithin, "list the caches that expire within this long")
	return cmd
}

// planOptions are `imcsync plan`'s options.
type planOptions struct {
	*app
	pf      planFlags
	mf      markdownFlags
	outFile string                 // --out: also save the plan here
	live    string                 // --live: saved DescribeImageCaches output
	verbose bool                   // -v: details the text summarises
	given   func(flag string) bool // whether the command line gave the flag
}

func (o *planOptions) complete(cmd *cobra.Command, _ []string) error {
	o.given = cmd.Flags().Changed
	return nil
}

func (o *planOptions) validate() error { return o.mf.check(o.given, o.format) }

// run plans, saves the plan with --out, and prints it; changes pending are errChanges.
func (o *planOptions) run(ctx context.Context) error {
	view := render.NewPlanView(o.format, o.streams(), o.comment(o.mf)).Verbose(o.verbose)
	planned, err := o.plan(ctx, o.pf, o.live)
	if err != nil {
		return err
	}
	plan := planned.Plan
	refused := "the plan cannot be applied"
	if o.outFile != "" {
		refused += ", and --out is not written"
	}
	broken := policyError(plan.Policy, refused)
	if o.outFile != "" && broken == nil {
		if err := writePlanFile(o.outFile, plan, o.target()); err != nil {
			return err
		}
	}
	if err := view.Plan(plan); err != nil {
		return err
	}
	o.annotatePolicy(plan.Policy)
	o.annotateCoverage(plan.Coverage)
	if broken != nil {
		return broken
	}
	if o.outFile != "" {
		view.Saved(o.outFile)
	}
	if plan.HasChanges() {
		return errChanges
	}
	return nil
}

// plan loads -f and plans it against the live caches: read from liveFile when given,
// else from the API (or the --sim emulator).
func (a *app) plan(ctx context.Context, pf planFlags, liveFile string) (*engine.Planned, error) {
	pol, err := a.loadPolicy(pf.policy)
	if err != nil {
		return nil, err
	}
	opts, err := a.enginePlanOptions(pf, pol, liveFile != "")
	if err != nil {
		return nil, err
	}
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
	planned, err := engine.Plan(ctx, f, src, opts)
	if err != nil {
		return nil, err
	}
	return planned, nil
}

// loadFile reads and validates -f; invalid input is printed like validate prints it,
// and so are the warnings of a valid file.
func (a *app) loadFile() (*spec.File, error) {
	f, err := a.loadSpec()
	if err != nil {
		a.printSpecError(err)
		return nil, errReported
	}
	a.printWarnings(f)
	return f, nil
}

// fileName is how messages name -f: its path, or <stdin> for -.
func (a *app) fileName() string {
	if a.file == "-" {
		return engine.StdinName
	}
	return a.file
}

// loadSpec reads and validates -f: a path, or "-" for standard input.
func (a *app) loadSpec() (*spec.File, error) { return engine.Load(a.file, a.stdin) }

// writePlanFile saves the plan as JSON (the plan file format is the plan JSON), sealed
// for target: the endpoint and account it was made against, and the digest of its
// decisions, which apply checks.
func writePlanFile(path string, plan *planner.Plan, target planner.Target) error {
	plan.Seal(target)
	var buf bytes.Buffer
	if err := render.Plan(&buf, plan, render.JSON, false); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}
