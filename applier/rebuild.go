package applier

import (
	"context"
	"errors"
	"fmt"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// A rebuild (planner.Change.Refreshes: image tags moved) replaces a cache without a
// moment in which its images have no Ready cache: the new cache is created first; once
// it is Ready (and shows what was sent) the old one is deleted; the rebuild is done
// when the old one is no longer listed. UpdateImageCache cannot do it: with an unchanged
// image list it answers NoNeedUpdate. If the new cache fails, it is deleted and the old
// one kept. A rebuild always waits, whatever Options.Wait says: deleting the old cache
// before the new one is Ready would leave pods without a cache.

// rebuildState is what a rebuilding task knows besides its stage (task.rebuild): its
// stage is Retiring once the old cache's delete was accepted, Reverting while the failed
// new cache is deleted.
type rebuildState struct {
	old    string       // the cache being replaced, deleted once the new one is Ready
	resume *cloud.Cache // the new cache of a rebuild an earlier run began, if any
	failed string       // why the new cache failed (Reverting)
}

// createForRebuild creates the new cache of a rebuild. The old one is left alone. Its
// ClientToken follows the cache it replaces (and, through the request's built record,
// the digests it is built from), so two runs rebuilding one cache make one new cache,
// and a later rebuild of the same cache is a new create.
func (r *runner) createForRebuild(ctx context.Context, t *task, req planner.Request) (int, error) {
	c, err := createRequest(r.decider.owner, t.change, req, "rebuild:"+t.change.ID, r.opts.Getenv)
	if err != nil {
		return 0, err
	}
	if resume := t.rebuild.resume; resume != nil { // an earlier run created it: wait for it, then delete the old one
		t.out.ID = resume.ID
		return 0, nil
	}
	n, err := r.create(ctx, t, c)
	if err != nil {
		t.out.ID = t.change.ID
		err = fmt.Errorf("creating the new cache (%s is kept): %w", t.change.ID, err)
	}
	return n, err
}

// sent0 is a call that sent nothing to check.
var sent0 sent

// unfinishedRebuild finds, among the live caches of a name, one an earlier run built to
// replace old (spec.ReplacesTag) and did not finish with.
func unfinishedRebuild(named []cloud.Cache, old string) *cloud.Cache {
	for i := range named {
		if named[i].ID != old && named[i].Tags[spec.ReplacesTag] == old {
			return &named[i]
		}
	}
	return nil
}

// staleResume says, for a rebuild an earlier run began and this one finished, when the
// new cache was built from other digests than this run's plan wants (the tags moved
// again since): the rebuild is done, but the cache is stale already, and the next plan
// rebuilds it, so the run is no success. "" otherwise.
func staleResume(t *task) string {
	resume := t.rebuild.resume
	if resume == nil {
		return ""
	}
	for _, b := range t.change.Bookkeeping {
		if b.Tag != spec.BuiltTag || b.After == nil {
			continue
		}
		if have := resume.Tags[spec.BuiltTag]; have != *b.After {
			return fmt.Sprintf("finished the rebuild an earlier run began (%s is Ready, %s was deleted), but %s was built from what the tags pointed to then, and they moved again since: apply again to rebuild it",
				t.out.ID, t.rebuild.old, t.out.ID)
		}
	}
	return ""
}

// observeRebuild looks at a rebuilding task after its create was accepted, and
// reports whether it handled the read (false: the new cache is still settling as any
// create does).
func (r *runner) observeRebuild(ctx context.Context, t *task, v regionView) bool {
	rb := t.rebuild
	switch t.stage {
	case StageRetiring:
		if _, listed := v.byID[rb.old]; listed {
			r.progress(t, Settling, fmt.Sprintf("%s is Ready; waiting for %s to be deleted", t.out.ID, rb.old))
			return true
		}
		if why := staleResume(t); why != "" {
			r.finish(t, Failed, why, errors.New(why))
			return true
		}
		r.finish(t, Replaced, fmt.Sprintf("rebuilt: %s is Ready, then %s was deleted", t.out.ID, rb.old), nil)
		return true
	case StageReverting:
		if _, listed := v.byID[t.out.ID]; listed {
			r.progress(t, Settling, "waiting for the failed new cache to be deleted")
			return true
		}
		err := errors.New(rb.failed)
		t.out.ID = rb.old
		r.finish(t, Failed, rb.failed, err)
		return true
	}
	live, ok := v.byID[t.out.ID]
	if !ok {
		return false
	}
	t.out.Status, t.out.Progress = live.Status, live.Progress
	sent := t.sent
	if rb.resume != nil {
		sent = sent0 // built by an earlier run, from its own plan: not checked against this one
	}
	res, msg, done := settle(planner.Create, sent, &live, true, t.polls)
	if !done {
		return false
	}
	if res != Created {
		rb.failed = fmt.Sprintf("the new cache %s did not become Ready (%s); it is deleted and %s is kept", t.out.ID, msg, rb.old)
		t.move(evRevert)
		gone := t.change
		gone.ID = t.out.ID
		n, err := r.deleteOne(ctx, gone)
		t.out.Attempts += n
		if err != nil && !errors.Is(err, eci.ErrNotFound) {
			r.finish(t, Failed, rb.failed+"; deleting it failed: "+err.Error(), err)
		}
		return true
	}
	old := t.change
	if err := r.retire(ctx, t, old); err != nil {
		msg := fmt.Sprintf("%s is Ready, but deleting %s failed: %v; delete it yourself, or plan again", t.out.ID, rb.old, err)
		r.finish(t, Failed, msg, errors.New(msg))
		return true
	}
	t.move(evRetire)
	r.progress(t, Settling, fmt.Sprintf("%s is Ready; %s is being deleted", t.out.ID, rb.old))
	return true
}

// retire deletes the old cache of a rebuild, unless another owner took it meanwhile. A
// cache already gone is fine.
func (r *runner) retire(ctx context.Context, t *task, old planner.Change) error {
	_, n, err := r.guardedDelete(ctx, old, ownership.Claim.CanManage)
	t.out.Attempts += n
	var refused *notAllowed
	switch {
	case errors.Is(err, eci.ErrNotFound):
		return nil
	case errors.As(err, &refused):
		return refused.err
	}
	return err
}
