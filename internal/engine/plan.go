package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/drift"
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
}

// Planned is a plan with what it was made from: the file, and the live caches of the
// regions it covers, as listed for it.
type Planned struct {
	File    *spec.File
	Plan    *planner.Plan
	Regions []string
	Live    []cloud.Cache
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
	live, err := src.Live(ctx, regions)
	if err != nil {
		return nil, err
	}
	if liveTargets && len(opts.Targets) > 0 {
		if err := checkSelection(f, opts, live, true); err != nil {
			return nil, err
		}
	}
	if err := planner.CheckReplace(f, live, opts); err != nil {
		return nil, fmt.Errorf("%w\nnothing was planned", err)
	}
	return &Planned{File: f, Plan: planner.Build(f, live, opts), Regions: regions, Live: live}, nil
}

// errNothingApplied heads the errors of checks that refuse a plan before any call.
var errNothingApplied = errors.New("nothing was applied")

// Drift is the drift report of the plan at time now (see package drift).
func (p *Planned) Drift(now time.Time, opts drift.Options) drift.Report {
	return drift.Build(p.Plan, p.Live, now, opts)
}
