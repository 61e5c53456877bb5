package applier

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
)

// observeSettling looks at a task whose call was accepted, in a read that ended at
// readEnd.
func (r *runner) observeSettling(t *task, v regionView, readEnd time.Time) {
	t.polls++
	var live *cloud.Cache
	c, listed := v.byID[t.out.ID]
	if !listed && replayed(t) && t.out.ID != t.after {
		// The answer named a cache that does not exist: the API replayed an earlier
		// create (same token) whose cache was deleted since. Create it again, following
		// the gone cache.
		t.move(evReplayed)
		t.after, t.out.ID = t.out.ID, ""
		r.progress(t, Waiting, fmt.Sprintf("the API answered with %s, which no longer exists (an earlier create replayed); creating it again", t.after))
		return
	}
	if listed {
		live = &c
		t.out.Status, t.out.Progress = c.Status, c.Progress
		if !c.Status.Settled() {
			t.move(evBusy)
		}
	} else if t.change.Action == planner.Delete {
		t.out.Status = ""
	}
	res, msg, ok := settle(t.change.Action, t.sent, live, t.stage == StageMoving, t.polls)
	if ok && !readEnd.IsZero() {
		r.settled.observe(t.change.Action, t.sentAt, t.acceptedAt, readEnd)
	}
	if !ok {
		r.progress(t, Settling, fmt.Sprintf("waiting for the cache to settle (%s)", cmp.Or(string(t.out.Status), "not listed")))
		return
	}
	if res == Created {
		if others := namesakes(v, t); others != "" {
			res, msg = Failed, fmt.Sprintf("created, but other caches are named %q too (%s), made by another run or by hand: "+
				"the next apply deletes those imcsync made and keeps one; others are reported", t.change.Name, others)
		}
	}
	if res == Updated && t.change.BookkeepingOnly() {
		res, msg = Recorded, bookkeepingOnly
	}
	var err error
	if res == Failed {
		err = errors.New(msg)
	}
	r.finish(t, res, msg, err)
}

// bookkeepingOnly is the message of a Recorded outcome.
const bookkeepingOnly = "only imcsync's bookkeeping tags were written; no field changed"

// namesakes lists the IDs of the other caches a listing shows under a created cache's
// name, "" when there are none (or the view is a lookup by ID): a run never ends in
// success while two caches share a declared name.
func namesakes(v regionView, t *task) string {
	var ids []string
	for _, c := range v.byName[t.change.Name] {
		if c.ID != t.out.ID {
			ids = append(ids, c.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// replayed reports whether a create's cache has not been listed for as long as settle
// waits for a new cache to show.
func replayed(t *task) bool {
	return (t.change.Action == planner.Create || t.change.Action == planner.Replace) && t.out.ID != "" && t.polls >= settlePolls
}

// lastLook reads, once, the caches of the tasks accepted but never read since: their
// round's other calls (throttled until the deadline, say) kept the reads from starting,
// and a cache Ready since is verified, not reported as timed out.
func (r *runner) lastLook(ctx context.Context, open []*task) {
	var unread []*task
	for _, t := range open {
		if t.stage.settling() && t.polls == 0 && t.rebuild == nil {
			unread = append(unread, t)
		}
	}
	if len(unread) == 0 || ctx.Err() != nil {
		return
	}
	views := r.read(ctx, unread)
	readEnd := r.opts.Now()
	for _, t := range unread {
		if v := views[t.out.Region]; v.err == nil {
			r.observeSettling(t, v, readEnd)
		}
	}
}

// settlePolls is how many reads after an accepted update it takes to believe a settled
// status the cache was never seen leaving (see settle).
const settlePolls = 3

// settle judges a cache read after its call was accepted: done reports a final result.
// live is nil when the cache is not listed; busySeen reports that it was seen Preparing,
// Creating or Updating since the call, polls how many reads were made since.
//
// Right after an accepted update the API may still show the old Ready status for a
// moment. A settled status is therefore believed only once the cache was seen busy, or
// it is Ready and shows every sent field it reads back, or settlePolls reads were made.
func settle(action planner.Action, sent sent, live *cloud.Cache, busySeen bool, polls int) (r Result, msg string, done bool) {
	switch action {
	case planner.Delete:
		if live != nil {
			return "", "", false
		}
		return Deleted, "", true
	case planner.Create, planner.Replace:
		done := Created
		if action == planner.Replace {
			done = Replaced
		}
		switch {
		case live == nil && polls >= settlePolls:
			return Failed, "the API accepted the create but does not list the new cache", true
		case live == nil || !live.Status.Settled():
			return "", "", false
		case live.Status == cloud.Ready && len(verify(sent, *live)) > 0:
			return Failed, mismatchMessage(verify(sent, *live)), true
		case live.Status == cloud.Ready:
			return done, "", true
		}
		return Failed, eventMessage(*live, "creation failed"), true
	}
	switch {
	case live == nil:
		return Failed, "the cache disappeared while it was being updated", true
	case !live.Status.Settled():
		return "", "", false
	}
	missing := verify(sent, *live)
	if !busySeen && polls < settlePolls && (live.Status != cloud.Ready || len(missing) > 0) {
		return "", "", false
	}
	switch {
	case live.Status == cloud.Ready && len(missing) == 0:
		return Updated, "", true
	case live.Status == cloud.Ready:
		return Failed, mismatchMessage(missing), true
	case live.Status == cloud.UpdateFailed:
		return Failed, eventMessage(*live, "update failed"), true
	}
	return Failed, eventMessage(*live, "the cache is "+string(live.Status)), true
}

// eventMessage is the cache's last warning event, or fallback.
func eventMessage(live cloud.Cache, fallback string) string {
	if w := live.LastWarning(); w != "" {
		return w
	}
	return fallback
}
