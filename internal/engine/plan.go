package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/internal/digests"
	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/internal/policy"
	"github.com/imcsync/imcsync/internal/workloads"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// A Source reads the live caches of regions: a Connection (the API), or Saved output.
type Source interface {
	Live(ctx context.Context, regions []string) ([]cloud.Cache, error)
}

// PlanOptions say what to plan.
type PlanOptions struct {
	// Regions keeps only these regions of the file; empty means all.
	Regions []string
	// Targets keeps only these caches ("name" or "region/name"); empty means all.
	Targets []string
	// Prune proposes deleting owned live caches the file does not declare.
	Prune bool
	// Replace names declared caches to delete and create again.
	Replace []string
	// LiveTargets lets Targets name live caches the file does not declare (drift
	// reports them); Prune allows it too.
	LiveTargets bool
	// Policy, when not nil, is checked against the plan; what its rules find is the
	// plan's Policy list.
	Policy *policy.Policy
	// Refresh says whether image tags are resolved, to rebuild caches whose tags moved,
	// and what a registry failure means; "" is RefreshOff.
	Refresh Refresh
	// Registry tunes the registry lookups; their credentials come from its keychain
	// (the Docker config by default), never from the file.
	Registry digests.Options

	// Now is the time the reports of the plan are made for (unused, expiring); nil
	// means time.Now.
	Now func() time.Time
	// UnusedFor lists the live caches no pod matched for this long (0: none).
	UnusedFor time.Duration
	// ExpiringWithin lists the live caches that expire within this long.
	ExpiringWithin time.Duration
	// Workloads says which workloads coverage reads besides the file's (--workloads).
	Workloads WorkloadOptions

	// PricePerGiBMonth, when above 0, is the storage price the user gave
	// (--price-per-gib-month); it wins over the file's pricing block.
	PricePerGiBMonth float64
}

// Planned is a plan with what it was made from: the file, and the live caches of the
// regions it covers, as listed for it.
type Planned struct {
	File    *spec.File
	Plan    *planner.Plan
	Regions []string
	Live    []cloud.Cache
	// Resolution is what resolving the image tags found; nil when they were not
	// resolved (RefreshOff).
	Resolution *Resolution
	// Workloads are the workloads read for coverage, in the planned regions; nil when
	// no source names any (WorkloadsRead says whether any was named).
	Workloads     []workloads.Workload
	WorkloadsRead bool
}

// Plan checks the selection against the file, reads the live caches of the regions it
// covers from src, and plans. It refuses, before reading anything, pruning without an
// owner (PruneWithoutOwnerError) and regions or targets that name nothing
// (SelectionError); and, before planning, a replacement the plan could not honour.
func Plan(ctx context.Context, f *spec.File, src Source, o PlanOptions) (*Planned, error) {
	if o.Prune && f.Owner == "" {
		return nil, &PruneWithoutOwnerError{Path: f.Path}
	}
	opts := planner.Options{Regions: o.Regions, Targets: o.Targets, Prune: o.Prune, Replace: o.Replace, Source: sourcePath(f.Path)}
	liveTargets := o.LiveTargets || o.Prune
	if err := checkSelection(f, opts, nil, liveTargets); err != nil {
		return nil, err
	}
	regions := planner.Regions(f, opts)
	// Workloads are read first: a manifest that cannot be read stops the plan before
	// anything is asked of the API.
	ws, err := ReadWorkloads(ctx, f, o.Workloads, regions)
	if err != nil {
		return nil, err
	}
	wsRead := len(workloadSources(f, o.Workloads)) > 0
	type resolved struct {
		r   *Resolution
		err error
	}
	tags := make(chan resolved, 1)
	rctx, stopResolving := context.WithCancel(ctx)
	defer stopResolving()
	if o.Refresh.resolves() { // the registries are read while the API lists
		go func() {
			r, err := resolveTags(rctx, f, o)
			tags <- resolved{r, err}
		}()
	}
	live, err := src.Live(ctx, regions)
	var res *Resolution
	if o.Refresh.resolves() {
		if err != nil {
			stopResolving() // no plan without the listing: stop asking registries
		}
		t := <-tags
		if err == nil && t.err != nil {
			return nil, t.err
		}
		res = t.r
	}
	if err != nil {
		return nil, err
	}
	if res != nil {
		opts.Digests = res.Digests
	}
	if liveTargets && len(opts.Targets) > 0 {
		if err := checkSelection(f, opts, live, true); err != nil {
			return nil, err
		}
	}
	if err := planner.CheckReplace(f, live, opts); err != nil {
		return nil, fmt.Errorf("%w\nnothing was planned", err)
	}
	plan := planner.Build(f, live, opts)
	if res != nil {
		plan.Warnings = append(plan.Warnings, res.Warnings...)
		plan.RegistryErrors = res.Unreachable
	}
	report(plan, f, live, regions, o)
	addCoverage(plan, f, ws, live, time.Now(), wsRead)
	if o.Policy != nil {
		if plan.Policy, err = o.Policy.CheckPlan(f, plan); err != nil {
			return nil, err
		}
	}
	return &Planned{File: f, Plan: plan, Regions: regions, Live: live, Resolution: res, Workloads: ws, WorkloadsRead: wsRead}, nil
}

// report adds to the plan what it reports besides changes: the storage of its regions
// (and its price, only from the user), and the caches unused or expiring soon.
func report(plan *planner.Plan, f *spec.File, live []cloud.Cache, regions []string, o PlanOptions) {
	var price *planner.Price
	switch {
	case o.PricePerGiBMonth > 0:
		price = &planner.Price{PerGiBMonth: o.PricePerGiBMonth}
		if f.Pricing != nil {
			price.Currency = f.Pricing.Currency
		}
	case f.Pricing != nil:
		price = &planner.Price{PerGiBMonth: f.Pricing.PerGiBMonth, Currency: f.Pricing.Currency}
	}
	inRegions := live[:0:0]
	for _, l := range live {
		if slices.Contains(regions, l.Region) {
			inRegions = append(inRegions, l)
		}
	}
	st := planner.StorageOf(plan, inRegions, regions, price)
	plan.Storage = &st
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	t := now().UTC().Truncate(time.Second)
	if o.UnusedFor > 0 {
		plan.Unused = planner.Unused(inRegions, t, o.UnusedFor, planner.DeclaredNames(f))
	}
	if o.ExpiringWithin > 0 {
		if exp := planner.ExpiringSoon(inRegions, t, o.ExpiringWithin); len(exp) > 0 {
			plan.Expiring = exp
		}
	}
}

// errNothingApplied heads the errors of checks that refuse a plan before any call.
var errNothingApplied = errors.New("nothing was applied")

// Drift is the drift report of the plan at time now (see package drift).
func (p *Planned) Drift(now time.Time, opts drift.Options) drift.Report {
	r := drift.Build(p.Plan, p.Live, now, opts)
	if p.WorkloadsRead {
		r.Coverage = coverage.Against(p.Workloads, liveCoverage(p.Live))
		s := coverage.Summarize(r.Coverage)
		r.CoverageSummary = &s
	}
	return r
}
