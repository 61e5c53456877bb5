package engine

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/policy"
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
	// Policy lists what the policy's rules found in the plan applied (nil without a
	// policy); apply refuses a plan with errors, so these are warnings.
	Policy []planner.PolicyResult `json:"policy,omitzero"`
	// Interrupted is true when ctx ended before the run was done: no new call was
	// started after that, and the run is not a success whatever the outcomes.
	Interrupted bool `json:"-"`
	// NotWaited is true for a run that did not wait for the caches (--wait=false): its
	// accepted changes are sent, not verified, and never converged.
	NotWaited bool `json:"-"`
}

// OK reports whether every cache converged in a run that was not interrupted; in a run
// that did not wait, whether every change was sent or needed none (the user asked not
// to verify them).
func (r Report) OK() bool {
	if r.Interrupted {
		return false
	}
	return r.Converged || (r.NotWaited && applier.SentOrConverged(r.Outcomes))
}

// NewReport sums up outcomes.
func NewReport(outcomes []applier.Outcome) Report {
	if outcomes == nil {
		outcomes = []applier.Outcome{}
	}
	return Report{FormatVersion: reportFormatVersion, Outcomes: outcomes, Summary: applier.Summarize(outcomes), Converged: applier.Converged(outcomes)}
}

// Run is a plan that passed the checks made before any call (checkSecrets), ready to
// apply: Prepare or PrepareSaved makes one, so that a front end can ask for confirmation
// between the checks and the first call.
type Run struct {
	plan    *planner.Plan
	planned *Planned // the fresh plan's sources; nil for a saved plan
	getenv  func(string) string
}

// Prepare checks the fresh plan before anything is sent: no error of the policy may
// forbid a change (policy.Forbidden), and a registry password it would send must be
// readable through getenv (nil means os.Getenv).
func (p *Planned) Prepare(getenv func(string) string) (*Run, error) {
	r, err := PrepareSaved(p.Plan, getenv)
	if r != nil {
		r.planned = p
	}
	return r, err
}

// PrepareSaved checks a plan read from a file (ReadPlan) as Prepare does.
func PrepareSaved(plan *planner.Plan, getenv func(string) string) (*Run, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := policy.Forbidden(plan); err != nil {
		return nil, err
	}
	if err := checkSecrets(plan, getenv); err != nil {
		return nil, err
	}
	return &Run{plan: plan, getenv: getenv}, nil
}

// Apply applies the plan; progress events go to opts.Progress, and registry passwords
// are read through the getenv the plan was checked with. A fresh plan's listing is the
// applier's first read (the plan shown is the plan applied, as Terraform applies the
// plan it showed at its prompt): a cache that was busy then is planned again from the
// file once it settles, and an update the API refuses as IncorrectStatus is read and
// planned again. A saved plan is applied as it was made: a change whose live cache
// changed since is refused (stale), and nothing is planned again.
func (r *Run) Apply(ctx context.Context, client applier.Client, opts applier.Options) Report {
	opts.Getenv = r.getenv
	if p := r.planned; p != nil {
		opts.Live = byRegion(p.Regions, p.Live)
		replace := planner.Options{Replace: p.Plan.Replace}
		if p.Resolution != nil {
			replace.Digests = p.Resolution.Digests // a cache planned again keeps its built record
		}
		opts.Replan = func(l cloud.Cache) (planner.Change, bool) { return planner.Replan(p.File, l, replace) }
		opts.CheckFingerprints = false
	} else {
		opts.Live, opts.Replan, opts.CheckFingerprints = nil, nil, true
	}
	return run(ctx, r.plan, client, opts)
}

// Apply prepares and applies a fresh plan at once, for a caller with nobody to ask.
func (p *Planned) Apply(ctx context.Context, client applier.Client, opts applier.Options) (Report, error) {
	r, err := p.Prepare(opts.Getenv)
	if err != nil {
		return Report{}, err
	}
	return r.Apply(ctx, client, opts), nil
}

func run(ctx context.Context, plan *planner.Plan, client applier.Client, opts applier.Options) Report {
	r := NewReport(applier.Apply(ctx, plan, client, opts))
	r.Policy = plan.Policy
	r.Interrupted = ctx.Err() != nil
	r.NotWaited = !opts.Wait
	return r
}

// checkSecrets fails before any call when a change would send a registry password whose
// variable is unset, or is a credential variable it may not read
// (see spec.RegistryCredential.Password).
func checkSecrets(plan *planner.Plan, getenv func(string) string) error {
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
