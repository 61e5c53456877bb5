package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/spec"
)

// pair is a declared cache with the live cache it manages. Live is nil when the cache
// does not exist yet; Problem (and its code) is set when pairing itself failed.
type pair struct {
	Desired     *spec.Cache
	Live        *cloud.Cache
	Problem     string
	ProblemCode ReasonCode
	// Duplicates are the other live caches of the name when every one of them carries
	// the file's owner: imcsync made the cache more than once (runs at once). Live is the
	// one kept (the oldest Ready one, or the oldest), and these are deleted.
	Duplicates []*cloud.Cache
}

// selected returns what a plan under opts covers: the declared caches its region and
// target filters keep, and every live cache of the regions Regions returns. Live caches
// are not filtered by target here, so that a declaration's pinned id can still claim
// one of another name; Build drops the unpaired ones outside the targets.
func selected(f *spec.File, live []cloud.Cache, opts Options) (desired []*spec.Cache, lives []*cloud.Cache) {
	regions := Regions(f, opts)
	for i := range f.Caches {
		c := &f.Caches[i]
		if opts.keepRegion(c.Region) && opts.keepName(c.Region, c.Name) {
			desired = append(desired, c)
		}
	}
	for i := range live {
		if slices.Contains(regions, live[i].Region) {
			lives = append(lives, &live[i])
		}
	}
	return desired, lives
}

// match pairs declared caches with live ones: a pinned id first, then (region, name)
// among the live caches no pin claimed. It returns the live caches left unpaired.
func match(owner string, desired []*spec.Cache, live []*cloud.Cache) ([]pair, []*cloud.Cache) {
	byID := map[string]*cloud.Cache{}
	byName := map[string][]*cloud.Cache{}
	for _, l := range live {
		byID[l.ID] = l
		byName[l.Region+"/"+l.Name] = append(byName[l.Region+"/"+l.Name], l)
	}
	claimed := map[string]bool{}
	pairs := make([]pair, len(desired))
	for i, d := range desired {
		pairs[i].Desired = d
		if d.ID == "" {
			continue
		}
		l, ok := byID[d.ID]
		switch {
		case !ok:
			pairs[i].ProblemCode = ReasonPinnedIDMissing
			pairs[i].Problem = fmt.Sprintf("pinned id %s does not exist in %s; remove `id:` to create the cache, or fix the id", d.ID, d.Region)
		case l.Region != d.Region:
			pairs[i].ProblemCode = ReasonPinnedIDRegion
			pairs[i].Problem = fmt.Sprintf("pinned id %s is in region %s, not %s", d.ID, l.Region, d.Region)
		default:
			pairs[i].Live = l
		}
		claimed[d.ID] = true
	}
	for i, d := range desired {
		if d.ID != "" {
			continue
		}
		var candidates []*cloud.Cache
		for _, l := range byName[d.Region+"/"+d.Name] {
			if !claimed[l.ID] {
				candidates = append(candidates, l)
			}
		}
		candidates, rebuilding := splitRebuilds(candidates)
		for _, l := range rebuilding {
			claimed[l.ID] = true
		}
		switch len(candidates) {
		case 0:
		case 1:
			pairs[i].Live = candidates[0]
		default:
			if keep, dups := madeTwice(owner, candidates); keep != nil {
				pairs[i].Live, pairs[i].Duplicates = keep, dups
				break
			}
			ids := make([]string, len(candidates))
			for j, l := range candidates {
				ids[j] = l.ID
			}
			pairs[i].ProblemCode = ReasonAmbiguousName
			pairs[i].Problem = fmt.Sprintf("%d live caches are named %q (%s); pin one with `id:`",
				len(candidates), d.Name, strings.Join(ids, ", "))
		}
		for _, l := range candidates {
			claimed[l.ID] = true
		}
	}
	var unmatched []*cloud.Cache
	for _, l := range live {
		if !claimed[l.ID] {
			unmatched = append(unmatched, l)
		}
	}
	return pairs, unmatched
}

// madeTwice returns, when every one of the caches of one name carries owner's
// ownership tag (imcsync made them all for this file), the one to keep - the first
// Ready one in the listing's order (creation), or the first - and the others; nil when
// some cache is not the file's, which is then reported, never deleted.
func madeTwice(owner string, caches []*cloud.Cache) (keep *cloud.Cache, dups []*cloud.Cache) {
	if owner == "" {
		return nil, nil
	}
	for _, l := range caches {
		if !ownership.Of(owner, l.Tags).Mine() {
			return nil, nil
		}
		if keep == nil && l.Status == cloud.Ready {
			keep = l
		}
	}
	if keep == nil {
		keep = caches[0]
	}
	for _, l := range caches {
		if l != keep {
			dups = append(dups, l)
		}
	}
	return keep, dups
}

// splitRebuilds separates from caches of one name those built to replace another of
// them (spec.ReplacesTag names a cache among them): a rebuild that has not finished. The
// one they replace is still the declared cache; apply finishes the rebuild.
func splitRebuilds(caches []*cloud.Cache) (rest, rebuilding []*cloud.Cache) {
	if len(caches) < 2 {
		return caches, nil
	}
	ids := map[string]bool{}
	for _, l := range caches {
		ids[l.ID] = true
	}
	for _, l := range caches {
		if old, ok := l.Tags[spec.ReplacesTag]; ok && old != l.ID && ids[old] {
			rebuilding = append(rebuilding, l)
		} else {
			rest = append(rest, l)
		}
	}
	return rest, rebuilding
}

// Replan returns the change f wants for one freshly read live cache, and false when f
// declares no cache that this live cache would be paired with. It pairs by the rules of
// Build: an entry pinning the cache's id claims it before any entry matches by name, and
// an entry pinning another id never does; opts.Replace plans a replace, as in Build. The
// applier calls it for a cache that was busy or changed since the plan was made.
func Replan(f *spec.File, live cloud.Cache, opts Options) (Change, bool) {
	var desired []*spec.Cache
	for i := range f.Caches {
		if f.Caches[i].Region == live.Region {
			desired = append(desired, &f.Caches[i])
		}
	}
	pairs, _ := match(f.Owner, desired, []*cloud.Cache{&live})
	for _, pr := range pairs {
		if pr.Live == &live {
			return diff(f, pr, opts), true
		}
	}
	return Change{}, false
}
