package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/internal/render"
)

// driftClock is the time drift reports are made for; tests fix it.
var driftClock = time.Now

func newDriftCmd(a *app) *cobra.Command {
	o := &driftOptions{app: a, pf: planFlags{liveTargets: true}}
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Report where the live image caches no longer match the file; never changes anything",
		Long: "drift plans the file against the live image caches and reports, for a cron job:\n" +
			"  drifted    declared caches apply would update (or cannot update now: blocked)\n" +
			"  missing    declared caches that do not exist\n" +
			"  unhealthy  declared caches in UpdateFailed or Failed, with the last warning\n" +
			"  expiring   declared caches that expire within --expiring-within (listed only)\n" +
			"  unmanaged  live caches the file does not declare; those owned by this file's\n" +
			"             owner are \"not declared; --prune would delete it\" and count as\n" +
			"             drift with --prune only, others are listed only\n\n" +
			"drift and plan agree: with the same file and flags, drift exits 2 exactly when plan\n" +
			"would, and also for unhealthy caches. imcsync's bookkeeping is never drift.\n\n" +
			"Exit status: 0 in sync, 2 drift found, 1 error.",
		Example: "  # Daily cron job: exit 2 when the cloud no longer matches Git\n" +
			"  imcsync drift -f imagecaches.yaml\n" +
			"\n" +
			"  # As JSON for a monitoring system, warning about caches expiring within a week\n" +
			"  imcsync drift -f imagecaches.yaml -o json --expiring-within 7d",
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	cmd.Flags().StringArrayVar(&o.pf.targets, "target", nil, "only this cache, as NAME or REGION/NAME (repeatable)")
	cmd.Flags().BoolVar(&o.pf.prune, "prune", false, "count live caches absent from the file whose ownership tag names this file's owner as drift, as plan --prune counts their deletes")
	cmd.Flags().StringVar(&o.live, "live", "", "read saved DescribeImageCaches output (JSON) instead of calling the API")
	registerRefresh(cmd, &o.pf.refresh)
	registerReport(cmd, &o.pf.report)
	registerWorkloads(cmd, &o.pf.workloads)
	durationVar(cmd.Flags(), &o.within, "expiring-within", drift.DefaultExpiringWithin, "report caches that expire within this long")
	return cmd
}

// driftOptions are `imcsync drift`'s options.
type driftOptions struct {
	*app
	pf     planFlags
	live   string        // --live: saved DescribeImageCaches output
	within time.Duration // --expiring-within
}

func (o *driftOptions) complete(*cobra.Command, []string) error { return nil }

func (o *driftOptions) validate() error { return checkNotNegative("expiring-within", o.within) }

// run plans and reports the drift; drift found is errChanges.
func (o *driftOptions) run(ctx context.Context) error {
	o.pf.expiring = o.within
	planned, err := o.plan(ctx, o.pf, o.live)
	if err != nil {
		return err
	}
	report := planned.Drift(driftClock().UTC().Truncate(time.Second), drift.Options{ExpiringWithin: o.within})
	if err := render.Drift(o.stdout, report, o.format, o.colorEnabled(o.stdout)); err != nil {
		return err
	}
	o.annotateCoverage(report.Coverage)
	if !report.InSync() {
		return errChanges
	}
	return nil
}
