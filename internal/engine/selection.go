package engine

import (
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// closestShown is how many close names a SelectionError lists.
const closestShown = 3

// checkSelection refuses regions and targets that name nothing in the file, so that a
// typo is not a plan of nothing reported as "No changes" forever. A target must name a
// declared cache of the selected regions, or, when liveTargets (pruning deletes live
// caches, drift reports them), a live one. live is nil before the live
// caches are read: targets are then checked only when they cannot name live caches.
func checkSelection(f *spec.File, opts planner.Options, live []cloud.Cache, liveTargets bool) error {
	var problems []Unselected
	var regions []string
	for _, c := range f.Caches {
		regions = append(regions, c.Region)
	}
	for _, r := range opts.Regions {
		if !slices.Contains(regions, r) {
			problems = append(problems, Unselected{Value: r, Where: "of " + f.Path, Closest: closest(r, regions)})
		}
	}
	if len(problems) == 0 && (!liveTargets || live != nil) {
		problems = append(problems, checkTargets(f, opts, live, liveTargets)...)
	}
	if len(problems) == 0 {
		return nil
	}
	return &SelectionError{Problems: problems}
}

// checkTargets lists the targets that name no cache.
func checkTargets(f *spec.File, opts planner.Options, live []cloud.Cache, liveTargets bool) []Unselected {
	var names, qualified []string
	add := func(region, name string) {
		if len(opts.Regions) == 0 || slices.Contains(opts.Regions, region) {
			names = append(names, name)
			qualified = append(qualified, region+"/"+name)
		}
	}
	for _, c := range f.Caches {
		add(c.Region, c.Name)
	}
	for _, l := range live {
		add(l.Region, l.Name)
	}
	var problems []Unselected
	for _, t := range opts.Targets {
		if slices.Contains(names, t) || slices.Contains(qualified, t) {
			continue
		}
		where := "in " + f.Path
		if liveTargets {
			where += " nor a live one"
		}
		if len(opts.Regions) > 0 {
			where += " in region " + strings.Join(opts.Regions, ", ")
		}
		candidates := names
		if strings.Contains(t, "/") {
			candidates = qualified
		}
		problems = append(problems, Unselected{Target: true, Value: t, Where: where, Closest: closest(t, candidates)})
	}
	return problems
}

// closest lists the candidates nearest to word, closest first.
func closest(word string, candidates []string) []string {
	return spec.Closest(word, candidates, closestShown)
}
