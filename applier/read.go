package applier

import (
	"context"
	"errors"
	"sync"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/planner"
)

// regionView is one region as a read saw it: a listing of the whole region, or the
// caches looked up one by one (then a cache absent from byID does not exist).
type regionView struct {
	byID   map[string]cloud.Cache
	byName map[string][]cloud.Cache // only from a listing
	listed int                      // caches listed; -1 for a lookup by ID
	err    error
}

func listingView(caches []cloud.Cache, err error) regionView {
	v := regionView{byID: map[string]cloud.Cache{}, byName: map[string][]cloud.Cache{}, listed: len(caches), err: err}
	for _, c := range caches {
		v.byID[c.ID] = c
		v.byName[c.Name] = append(v.byName[c.Name], c)
	}
	return v
}

// given is the first read: the plan's own listing (opts.Live) for the regions it holds,
// a fresh read for the others, and for every region with a create: the listing the plan
// was made from may be minutes old (a prompt), and another run may have created the
// cache since.
func (r *runner) given(ctx context.Context, open []*task) map[string]regionView {
	var rest []*task
	views := map[string]regionView{}
	for _, t := range open {
		caches, ok := r.opts.Live[t.out.Region]
		if !ok || t.change.Action == planner.Create {
			rest = append(rest, t)
			continue
		}
		if _, done := views[t.out.Region]; !done {
			views[t.out.Region] = listingView(caches, nil)
			r.listed[t.out.Region] = len(caches)
		}
	}
	if len(rest) > 0 {
		for region, v := range r.read(ctx, rest) {
			views[region] = v
		}
	}
	return views
}

// read reads each region that an open task is in, in parallel, with at most
// opts.Parallelism calls at once: a listing (one call per page), or, when the region's
// open caches are fewer than its pages and all known by ID, one lookup per cache.
func (r *runner) read(ctx context.Context, open []*task) map[string]regionView {
	tasks := map[string][]*task{}
	var regions []string
	for _, t := range open {
		if _, ok := tasks[t.out.Region]; !ok {
			regions = append(regions, t.out.Region)
		}
		tasks[t.out.Region] = append(tasks[t.out.Region], t)
	}
	slots := make(chan struct{}, r.opts.Parallelism)
	results := make([]regionView, len(regions))
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Go(func() {
			results[i] = r.readRegion(ctx, region, tasks[region], slots)
		})
	}
	wg.Wait()
	views := map[string]regionView{}
	for i, region := range regions {
		views[region] = results[i]
		if results[i].err == nil && results[i].listed >= 0 {
			r.listed[region] = results[i].listed
		}
	}
	return views
}

// readRegion reads one region for its open tasks. A lookup that fails is replaced by a
// listing.
func (r *runner) readRegion(ctx context.Context, region string, tasks []*task, slots chan struct{}) regionView {
	if ids := r.lookups(region, tasks); ids != nil {
		if v, err := r.lookup(ctx, region, ids, slots); err == nil {
			return v
		}
	}
	var caches []cloud.Cache
	slots <- struct{}{}
	_, err := r.call(ctx, func(ctx context.Context) error {
		// A read may be abandoned when ctx ends: it changes nothing.
		var err error
		caches, err = r.client.List(ctx, region)
		return err
	})
	<-slots
	return listingView(caches, err)
}

// lookups returns the IDs to look up one by one in region, or nil when a listing is
// the cheaper read (or the only one: a create not yet sent is found by its name).
func (r *runner) lookups(region string, tasks []*task) []string {
	listed, ok := r.listed[region]
	if !ok {
		return nil
	}
	pages := max(1, (listed+eci.PageSize-1)/eci.PageSize)
	seen := map[string]bool{}
	var ids []string
	for _, t := range tasks {
		id := t.out.ID
		if id == "" || (t.stage.deciding() && t.change.Action == planner.Create) {
			return nil
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) >= pages {
		return nil
	}
	return ids
}

// lookup reads the caches ids one by one, in parallel.
func (r *runner) lookup(ctx context.Context, region string, ids []string, slots chan struct{}) (regionView, error) {
	found := make([]*cloud.Cache, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			_, errs[i] = r.call(ctx, func(ctx context.Context) error {
				c, err := r.client.Get(ctx, region, id)
				if err == nil {
					found[i] = &c
				}
				return err
			})
			if errors.Is(errs[i], eci.ErrNotFound) {
				errs[i] = nil
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return regionView{}, err
	}
	v := regionView{byID: map[string]cloud.Cache{}, listed: -1}
	for _, c := range found {
		if c != nil {
			v.byID[c.ID] = *c
		}
	}
	return v, nil
}
