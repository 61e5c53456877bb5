package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

func init() { commands = append(commands, newApplyCmd) }

func newApplyCmd(a *app) *cobra.Command {
	var (
		pf          planFlags
		autoApprove bool
		opts        = applier.DefaultOptions()
	)
	cmd := &cobra.Command{
		Use:   "apply [PLANFILE]",
		Short: "Make the live image caches equal to the file, or apply a saved plan",
		Long: "apply plans (or reads PLANFILE, saved by `plan --out`), shows the plan, asks for confirmation,\n" +
			"then sends one UpdateImageCache per changed cache with only the changed fields, in parallel,\n" +
			"waits until the caches are Ready and reports each cache's outcome.\n\n" +
			"A saved plan is applied as saved (--target, --region, --prune, --replace and -f are refused\n" +
			"with it), and only where the live cache is still what the plan was made against;\n" +
			"changed caches are reported stale.\n\n" +
			"Exit status: 0 every cache converged, 1 anything failed, was blocked, stale or skipped.",
		Example: "  # Plan, show the plan, ask for \"yes\", apply, wait until Ready\n" +
			"  imcsync apply -f imagecaches.yaml\n" +
			"\n" +
			"  # In CI after merge: no prompt, at most 4 caches changed at once\n" +
			"  imcsync apply -f imagecaches.yaml --auto-approve --parallelism 4\n" +
			"\n" +
			"  # Apply exactly the plan a reviewer saw\n" +
			"  imcsync plan -f imagecaches.yaml --out plan.json && imcsync apply plan.json\n" +
			"\n" +
			"  # Try it against a throwaway emulator, no credentials needed\n" +
			"  imcsync apply -f examples/imagecaches.yaml --sim examples/live-state.yaml --auto-approve",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkApplyFlags(opts, a.rate); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			opts.Getenv = a.getenv
			if a.sim != "" && !cmd.Flags().Changed("poll-interval") {
				opts.PollInterval = 200 * time.Millisecond // an in-process emulator is cheap to poll
			}
			if opts.PollIntervalMax < opts.PollInterval {
				if cmd.Flags().Changed("poll-interval-max") {
					return &exitError{Code: exitFailure, Err: fmt.Errorf("--poll-interval-max %s is below --poll-interval %s", opts.PollIntervalMax, opts.PollInterval)}
				}
				opts.PollIntervalMax = opts.PollInterval
			}
			if len(args) == 1 {
				if err := refuseWithSavedPlan(cmd); err != nil {
					return &exitError{Code: exitFailure, Err: err}
				}
				return a.applySaved(ctx, args[0], autoApprove, opts)
			}
			return a.applyFresh(ctx, pf, autoApprove, opts)
		},
	}
	pf.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&autoApprove, "auto-approve", false, "apply without asking for confirmation (required without a terminal)")
	fl.IntVar(&opts.Parallelism, "parallelism", opts.Parallelism, "how many caches are changed at once")
	fl.Float64Var(&a.rate, "rate", 0, "at most this many API calls per second (0: no ceiling; the rate adapts to throttling either way)")
	fl.BoolVar(&opts.Wait, "wait", opts.Wait, "wait until every changed cache is Ready (or failed) before reporting")
	fl.DurationVar(&opts.Timeout, "timeout", opts.Timeout, "how long to wait for busy caches and for caches to become Ready")
	fl.DurationVar(&opts.PollInterval, "poll-interval", opts.PollInterval, "first pause between two reads of the caches while waiting (the first read comes right after the calls; pauses grow by half)")
	fl.DurationVar(&opts.PollIntervalMax, "poll-interval-max", opts.PollIntervalMax, "longest pause between two reads of the caches while waiting")
	return cmd
}

// applyFresh plans against the live caches and applies the plan.
func (a *app) applyFresh(ctx context.Context, pf planFlags, autoApprove bool, opts applier.Options) error {
	f, err := a.loadFile()
	if err != nil {
		return err
	}
	popts, err := a.plannerOptions(f, pf)
	if err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	if err := checkSelection(f, popts, nil, pf.prune); err != nil {
		return err
	}
	conn, err := a.connect()
	if err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	defer conn.Close()
	regions := planner.Regions(f, popts)
	live, err := listRegions(ctx, conn.client, regions)
	if err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	if popts.Prune && len(popts.Targets) > 0 {
		if err := checkSelection(f, popts, live, true); err != nil {
			return err
		}
	}
	plan, err := planLive(f, live, popts)
	if err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	opts.Live = byRegion(regions, live)
	opts.Replan = func(l cloud.Cache) (planner.Change, bool) { return planner.Replan(f, l) }
	if err := checkSecrets(f, plan, a.getenv); err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	return a.confirmAndApply(ctx, conn, plan, autoApprove, opts)
}

// byRegion groups a listing of regions by region; a region without caches has a nil
// entry, so that it counts as read.
func byRegion(regions []string, live []cloud.Cache) map[string][]cloud.Cache {
	out := make(map[string][]cloud.Cache, len(regions))
	for _, r := range regions {
		out[r] = nil
	}
	for _, c := range live {
		out[c.Region] = append(out[c.Region], c)
	}
	return out
}

// applySaved applies a plan file, refusing the changes whose live cache changed since.
func (a *app) applySaved(ctx context.Context, path string, autoApprove bool, opts applier.Options) error {
	plan, err := readPlanFile(path)
	if err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	if err := checkSecrets(nil, plan, a.getenv); err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	conn, err := a.connect()
	if err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	defer conn.Close()
	opts.CheckFingerprints = true
	return a.confirmAndApply(ctx, conn, plan, autoApprove, opts)
}

// confirmAndApply shows the plan, asks for confirmation, applies and reports.
func (a *app) confirmAndApply(ctx context.Context, conn *connection, plan *planner.Plan, autoApprove bool, opts applier.Options) error {
	color := a.colorEnabled(a.stdout)
	if a.output != "json" {
		if err := renderPlan(a.stdout, plan, a.output, color); err != nil {
			return &exitError{Code: exitFailure, Err: err}
		}
	}
	if !plan.HasChanges() {
		if a.output == "json" {
			return a.writeApplyJSON(nil)
		}
		return nil
	}
	if !autoApprove {
		if err := a.confirm(ctx); err != nil {
			return &exitError{Code: exitFailure, Err: err}
		}
	}
	view := a.newView(len(plan.Changes), opts.Parallelism)
	opts.Progress = view.Update
	outcomes := applier.Apply(ctx, plan, conn.client, opts)
	view.Close()
	if ctx.Err() != nil {
		fmt.Fprintln(a.stderr, "Interrupted: no new calls were started; calls in flight finished.")
	}
	var err error
	switch a.output {
	case "json":
		err = a.writeApplyJSON(outcomes)
	case "markdown":
		_, err = io.WriteString(a.stdout, renderOutcomesMarkdown(outcomes))
	default:
		_, err = io.WriteString(a.stdout, renderOutcomesText(outcomes, newStyles(color)))
	}
	if err != nil {
		return &exitError{Code: exitFailure, Err: err}
	}
	if !applier.Converged(outcomes) || ctx.Err() != nil { // an interrupted run is never a success
		return &exitError{Code: exitFailure}
	}
	return nil
}

// checkSecrets fails before any call when a change would send a registry password whose
// variable is unset, or is a credential variable it may not read (spec.CredentialVariable).
func checkSecrets(f *spec.File, plan *planner.Plan, getenv func(string) string) error {
	var errs []error
	for _, c := range plan.Changes {
		if !c.Action.Mutates() {
			continue
		}
		req, err := c.Request()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, cred := range req.ImageRegistryCredentials {
			if _, err := cred.Password(getenv); err != nil {
				errs = append(errs, fmt.Errorf("%s/%s: %w", c.Region, c.Name, err))
			}
		}
	}
	if len(errs) > 0 {
		errs = append([]error{errors.New("nothing was applied")}, errs...)
	}
	return errors.Join(errs...)
}

// applyReport is `apply -o json`.
type applyReport struct {
	Outcomes  []applier.Outcome `json:"outcomes"`
	Summary   applier.Summary   `json:"summary"`
	Converged bool              `json:"converged"`
}

func (a *app) writeApplyJSON(outcomes []applier.Outcome) error {
	if outcomes == nil {
		outcomes = []applier.Outcome{}
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(applyReport{Outcomes: outcomes, Summary: applier.Summarize(outcomes), Converged: applier.Converged(outcomes)})
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
