package applier

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/planner"
)

// The two mutating calls that stand in several changes: a create whose answer names
// the new cache, and a delete guarded by a fresh read of whose the cache is.

// create sends c and records the new cache's ID in the task's outcome ("" until the
// API answers with one). It returns the number of tries.
func (r *runner) create(ctx context.Context, t *task, c eci.CreateRequest) (int, error) {
	t.out.ID = ""
	return r.call(ctx, func(cx context.Context) error {
		id, err := r.client.Create(cx, c)
		if err == nil {
			t.out.ID = id
		}
		return err
	})
}

// notAllowed is a guarded delete refused by the ownership check: the cache is not
// deleted, and err says why.
type notAllowed struct{ err error }

func (n *notAllowed) Error() string { return n.err.Error() }
func (n *notAllowed) Unwrap() error { return n.err }

// guardedDelete re-reads the cache ch.ID right before deleting it, the one irreversible
// call, and deletes it only while may (an ownership.Claim check) allows it. It returns
// the cache as read (zero when the read failed), the number of delete tries, and an
// error: the read's or the delete's (eci.ErrNotFound when the cache is gone), or a
// *notAllowed when the check refused.
func (r *runner) guardedDelete(ctx context.Context, ch planner.Change, may func(ownership.Claim) error) (cloud.Cache, int, error) {
	var live cloud.Cache
	_, err := r.call(ctx, func(c context.Context) error {
		var err error
		live, err = r.client.Get(c, ch.Region, ch.ID)
		return err
	})
	if err != nil {
		return cloud.Cache{}, 0, err
	}
	if err := may(ownership.Of(r.decider.owner, live.Tags)); err != nil {
		return live, 0, &notAllowed{err}
	}
	n, err := r.deleteOne(ctx, ch)
	return live, n, err
}

// deleteOne deletes the cache ch.ID with a ClientToken of its own, and returns the
// number of tries.
func (r *runner) deleteOne(ctx context.Context, ch planner.Change) (int, error) {
	token := clientToken(r.opts.RunID, ch, planner.Delete, planner.Request{})
	return r.call(ctx, func(c context.Context) error { return r.client.Delete(c, ch.Region, ch.ID, token) })
}

// delete deletes the task's cache, a prune, while the plan's owner may still prune it.
// A refusal finishes the task with the reason.
func (r *runner) delete(ctx context.Context, t *task) (int, error) {
	live, n, err := r.guardedDelete(ctx, t.change, ownership.Claim.CanPrune)
	if live.ID != "" {
		t.out.Status = live.Status
	}
	if refused := (*notAllowed)(nil); errors.As(err, &refused) {
		r.finish(t, Skipped, refused.Error(), refused.err)
		return 0, nil
	}
	return n, err
}

// replace deletes the task's cache unless another owner took it meanwhile, and creates
// it again: two calls, each with its own ClientToken. A cache already gone is simply
// created.
func (r *runner) replace(ctx context.Context, t *task, req planner.Request) (int, error) {
	// The create follows the cache it replaces: runs replacing the same cache at once
	// make one new cache, and the original create's answer is never replayed.
	c, err := createRequest(r.decider.owner, t.change, req, cmp.Or(t.after, t.change.ID), r.opts.Getenv)
	if err != nil {
		return 0, err
	}
	live, attempts, err := r.guardedDelete(ctx, t.change, ownership.Claim.CanManage)
	var refused *notAllowed
	switch {
	case errors.As(err, &refused):
		r.finish(t, Skipped, refused.Error(), refused.err)
		return 0, nil
	case err == nil:
		t.move(evTook)
	case live.ID == "" && !errors.Is(err, eci.ErrNotFound):
		return 0, err // the read failed
	case !errors.Is(err, eci.ErrNotFound):
		return attempts, fmt.Errorf("deleting %s before creating it again: %w", t.change.ID, err)
	}
	n, err := r.create(ctx, t, c)
	if err != nil {
		err = fmt.Errorf("%s was deleted, but creating it again failed: %w", t.change.ID, err)
	}
	return attempts + n, err
}
