package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/planner"
)

func newApplyCmd(a *app) *cobra.Command {
	o := &applyOptions{app: a, opts: applier.DefaultOptions()}
	cmd := &cobra.Command{
		Use:   "apply [PLANFILE]",
		Short: "Make the live image caches equal to the file, or apply a saved plan",
		Long: "apply plans (or reads PLANFILE, saved by `plan --out`), shows the plan, asks for confirmation,\n" +
			"then sends one UpdateImageCache per changed cache with only the changed fields, in parallel,\n" +
			"waits until the caches are Ready and reports each cache's outcome.\n\n" +
			"A saved plan is applied as saved (--target, --region, --prune, --replace, --workloads and -f\n" +
			"are refused with it), and only where the live cache is still what the plan was made against;\n" +
			"changed caches are reported stale.\n\n" +
			"With --policy, the plan is checked against the policy's rules first: an error-severity rule\n" +
			"broken stops apply before any change is sent (see docs/policy.md).\n\n" +
			"Exit status: 0 every cache converged (Ready and equal to the file), 1 anything failed, was\n" +
			"blocked, stale or skipped, or was sent but not verified (Ctrl-C, SIGTERM, --timeout).",
		Example: "  # Plan, show the plan, ask for \"yes\", apply, wait until Ready\n" +
			"  imcsync apply -f imagecaches.yaml\n" +
			"\n" +
			"  # In CI after merge: no prompt, at most 4 caches changed at once\n" +
			"  imcsync apply -f imagecaches.yaml --auto-approve --parallelism 4\n" +
			"\n" +
			"  # Apply exactly the plan a reviewer saw. plan exits 2 when it has changes\n" +
			"  # (like terraform plan -detailed-exitcode), so do not chain it with &&\n" +
			"  imcsync plan -f imagecaches.yaml --out plan.json\n" +
			"  imcsync apply plan.json\n" +
			"\n" +
			"  # Try it against a throwaway emulator, no credentials needed\n" +
			"  imcsync apply -f examples/imagecaches.yaml --sim examples/live-state.yaml --auto-approve",
		Args: cobra.MaximumNArgs(1),
		RunE: runE(o),
	}
	o.pf.register(cmd)
	registerPolicy(cmd, &o.pf.policy)
	o.mf.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&o.autoApprove, "auto-approve", false, "apply without asking for confirmation (required without a terminal)")
	fl.IntVar(&o.opts.Parallelism, "parallelism", o.opts.Parallelism, "how many caches are changed at once")
	fl.Float64Var(&o.rate, "rate", 0, "at most this many API calls per second (0: no ceiling; the rate adapts to throttling either way)")
	fl.BoolVar(&o.opts.Wait, "wait", o.opts.Wait, "wait until every changed cache is Ready (or failed) before reporting")
	durationVar(fl, &o.opts.Timeout, "timeout", o.opts.Timeout, "how long to wait for busy caches and for caches to become Ready")
	durationVar(fl, &o.opts.PollInterval, "poll-interval", o.opts.PollInterval, "first pause between two reads of the caches while waiting (the first read comes right after the calls; pauses grow by half)")
	durationVar(fl, &o.opts.PollIntervalMax, "poll-interval-max", o.opts.PollIntervalMax, "longest pause between two reads of the caches while waiting")
	return cmd
}

// applyOptions are `imcsync apply`'s options.
type applyOptions struct {
	*app
	pf          planFlags
	mf          markdownFlags // shape -o markdown as they shape plan's
	autoApprove bool
	opts        applier.Options
	rate        float64                // --rate
	planFile    string                 // PLANFILE, "" to plan afresh
	given       func(flag string) bool // whether the command line gave the flag
}

// complete reads PLANFILE and fills in the defaults that depend on other flags: an
// in-process emulator is polled more often, and the longest pause is at least the first.
func (o *applyOptions) complete(cmd *cobra.Command, args []string) error {
	o.given = func(name string) bool {
		f := cmd.Flags().Lookup(name)
		return f != nil && f.Changed
	}
	if len(args) == 1 {
		o.planFile = args[0]
	}
	o.opts.Getenv = o.getenv
	if o.sim != "" && !o.given("poll-interval") {
		o.opts.PollInterval = 200 * time.Millisecond // an in-process emulator is cheap to poll
	}
	if o.opts.PollIntervalMax < o.opts.PollInterval && !o.given("poll-interval-max") {
		o.opts.PollIntervalMax = o.opts.PollInterval
	}
	return nil
}

// validate refuses flags out of range, and flags that would change a saved plan.
func (o *applyOptions) validate() error {
	if err := checkApplyFlags(o.opts, o.rate); err != nil {
		return err
	}
	if o.opts.PollIntervalMax < o.opts.PollInterval {
		return fmt.Errorf("--poll-interval-max %s is below --poll-interval %s: raise --poll-interval-max or lower --poll-interval", o.opts.PollIntervalMax, o.opts.PollInterval)
	}
	if err := o.mf.check(o.given, o.format); err != nil {
		return err
	}
	if o.planFile != "" {
		if err := refuseWithSavedPlan(o.given); err != nil {
			return err
		}
		return refusePolicyWithSavedPlan(o.given)
	}
	return nil
}

// run applies the saved plan, or a fresh one; Ctrl-C or SIGTERM stops new calls.
func (o *applyOptions) run(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	view := render.NewApplyView(o.format, o.streams(), o.comment(o.mf))
	if o.planFile != "" {
		return o.applySaved(ctx, view)
	}
	return o.applyFresh(ctx, view)
}

// applyFresh plans against the live caches and applies the plan.
func (o *applyOptions) applyFresh(ctx context.Context, view *render.ApplyView) error {
	pol, err := o.loadPolicy(o.pf.policy)
	if err != nil {
		return err
	}
	popts, err := o.enginePlanOptions(o.pf, pol, false)
	if err != nil {
		return err
	}
	f, err := o.loadFile()
	if err != nil {
		return err
	}
	conn := &lazyConn{a: o.app, rate: o.rate}
	defer conn.Close()
	planned, err := engine.Plan(ctx, f, conn, popts)
	if err != nil {
		return err
	}
	if err := o.refusePolicy(view, planned.Plan); err != nil {
		return err
	}
	run, err := planned.Prepare(o.getenv)
	if err != nil {
		return err
	}
	o.annotatePolicy(planned.Plan.Policy)
	return o.confirmAndApply(ctx, view, planned.Plan, func(opts applier.Options) engine.Report {
		return run.Apply(ctx, conn.conn.Client, opts)
	})
}

// applySaved applies a plan file, refusing the changes whose live cache changed since.
func (o *applyOptions) applySaved(ctx context.Context, view *render.ApplyView) error {
	plan, err := engine.ReadPlan(o.planFile)
	if err != nil {
		return err
	}
	if err := engine.CheckSavedFor(o.planFile, plan, o.target()); err != nil {
		return err
	}
	if err := o.refusePolicy(view, plan); err != nil {
		return err
	}
	run, err := engine.PrepareSaved(plan, o.getenv)
	if err != nil {
		return err
	}
	conn, err := o.connect(engine.Config{Rate: o.rate})
	if err != nil {
		return err
	}
	defer conn.Close()
	return o.confirmAndApply(ctx, view, plan, func(opts applier.Options) engine.Report {
		return run.Apply(ctx, conn.Client, opts)
	})
}

// confirmAndApply shows the plan, asks for confirmation, applies with live progress on
// stderr and reports.
func (o *applyOptions) confirmAndApply(ctx context.Context, view *render.ApplyView, plan *planner.Plan, apply func(applier.Options) engine.Report) error {
	a, autoApprove, opts := o.app, o.autoApprove, o.opts
	if err := view.Plan(plan); err != nil {
		return err
	}
	if !applier.HasWork(plan) {
		return view.NothingToDo(plan)
	}
	// Waiting for busy caches sends nothing, and bookkeeping alone is written without asking.
	if !autoApprove && plan.HasChanges() {
		if err := view.Asking(plan); err != nil {
			return err
		}
		if err := a.confirm(ctx); err != nil {
			return err
		}
	}
	progress := a.newView(len(plan.Changes), opts.Parallelism)
	opts.Progress = progress.Update
	report := apply(opts)
	progress.Close()
	if report.Interrupted {
		fmt.Fprintln(a.stderr, "Interrupted: no new calls were started; calls in flight finished.")
	}
	if err := view.Report(report, plan); err != nil {
		return err
	}
	if !report.OK() { // an interrupted run is never a success
		return errReported
	}
	return nil
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
