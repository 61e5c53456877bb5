package engine

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
)

// reportFormatVersion is the format_version of `apply -o json`.
const reportFormatVersion = "1"

// Report is what applying a plan did, per cache and in sum; `apply -o json` writes it
// as it is.
type Report struct {
	FormatVersion string            `json:"format_version"`
	Outcomes      []applier.Outcome `json:"outcomes"`
	Summary       applier.Summary   `json:"summary"`
	Converged     bool              `json:"converged"`
	// Interrupted is true when ctx ended before the run was done: no new call was
	// started after that, and the run is not a success whatever the outcomes.
	Interrupted bool `json:"-"`
}

// OK reports whether every cache converged in a run that was not interrupted.
func (r Report) OK() bool { return r.Converged && !r.Interrupted }

// NewReport sums up outcomes.
func NewReport(outcomes []applier.Outcome) Report {
	if outcomes == nil {
		outcomes = []applier.Outcome{}
	}
	return Report{FormatVersion: reportFormatVersion, Outcomes: outcomes, Summary: applier.Summarize(outcomes), Converged: applier.Converged(outcomes)}
}

// Apply applies a fresh plan. The plan's listing is the applier's first read, and a
// cache that was busy or changed since is planned again from the file. It refuses
// before any call when a registry password it would send cannot be read (CheckSecrets).
// Progress events go to opts.Progress.
func (p *Planned) Apply(ctx context.Context, client applier.Client, opts applier.Options) (Report, error) {
	if err := CheckSecrets(p.Plan, opts.Getenv); err != nil {
		return Report{}, err
	}
	opts.Live = byRegion(p.Regions, p.Live)
	replace := planner.Options{Replace: p.Plan.Replace}
	opts.Replan = func(l cloud.Cache) (planner.Change, bool) { return planner.Replan(p.File, l, replace) }
	opts.CheckFingerprints = false
	return run(ctx, p.Plan, client, opts), nil
}

// ApplySaved applies a plan read from a file (ReadPlan) as it was made: a change whose
// live cache changed since is refused (stale), and nothing is planned again.
func ApplySaved(ctx context.Context, plan *planner.Plan, client applier.Client, opts applier.Options) (Report, error) {
	if err := CheckSecrets(plan, opts.Getenv); err != nil {
		return Report{}, err
	}
	opts.Live, opts.Replan, opts.CheckFingerprints = nil, nil, true
	return run(ctx, plan, client, opts), nil
}

func run(ctx context.Context, plan *planner.Plan, client applier.Client, opts applier.Options) Report {
	r := NewReport(applier.Apply(ctx, plan, client, opts))
	r.Interrupted = ctx.Err() != nil
	return r
}

// CheckSecrets fails before any call when a change would send a registry password whose
// variable is unset, or is a credential variable it may not read
// (see spec.RegistryCredential.Password). getenv nil means os.Getenv.
func CheckSecrets(plan *planner.Plan, getenv func(string) string) error {
	if getenv == nil {
		getenv = os.Getenv
	}
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
		for _, cred := range req.Credentials() {
			if _, err := cred.Password(getenv); err != nil {
				errs = append(errs, fmt.Errorf("%s/%s: %w", c.Region, c.Name, err))
			}
		}
	}
	if len(errs) > 0 {
		errs = append([]error{errNothingApplied}, errs...)
	}
	return errors.Join(errs...)
}
