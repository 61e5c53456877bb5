package applier

import (
	"fmt"

	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/planner"
)

// step is what to do next for one cache, decided from its change and a fresh read.
type step struct {
	kind   stepKind
	change planner.Change // the change to send (kind send)
	result Result         // the final result (kind final)
	msg    string
	err    error
}

type stepKind int

const (
	final stepKind = iota // the cache is done: result, msg, err
	send                  // send change now
	wait                  // the cache is busy: read it again next round
)

func finalStep(r Result, msg string) step { return step{kind: final, result: r, msg: msg} }

// decider holds what decisions depend on besides the change and the live cache.
type decider struct {
	owner             string
	replan            func(cloud.Cache) (planner.Change, bool)
	checkFingerprints bool
}

// needsLive reports whether deciding ch needs a fresh read of the cache.
func (d decider) needsLive(ch planner.Change) bool {
	switch ch.Action {
	case planner.Noop:
		return false
	case planner.Blocked:
		return ch.ID != "" && d.replan != nil
	}
	return true
}

// decide is the precondition check, a pure function: given a change and the cache as
// just read (nil when absent; for a create, the cache listed under its name), it says
// whether to send the change, wait for the cache, or stop with a result. waited reports
// that the cache was seen busy before, so the change is re-planned if it can be.
func (d decider) decide(ch planner.Change, live *cloud.Cache, waited bool) step {
	switch ch.Action {
	case planner.Noop:
		return finalStep(Unchanged, "")
	case planner.Create:
		switch {
		case live == nil:
			return step{kind: send, change: ch}
		case d.replan != nil:
			return d.replanned(*live)
		case d.checkFingerprints:
			return finalStep(Stale, fmt.Sprintf("a cache named %q (%s) exists now, unlike when the plan was made; plan again", ch.Name, live.ID))
		}
		// A re-run of the same create sends the same ClientToken, so the API answers
		// with the cache it made the first time.
		return step{kind: send, change: ch}
	case planner.Delete:
		switch {
		case live == nil:
			return finalStep(Deleted, "already gone")
		case d.checkFingerprints && planner.Fingerprint(*live) != ch.Fingerprint:
			return finalStep(Stale, staleMessage(ch, *live))
		}
		if err := canDelete(d.owner, *live); err != nil {
			return step{kind: final, result: Skipped, msg: err.Error(), err: err}
		}
		return step{kind: send, change: ch}
	case planner.Blocked:
		switch {
		case !d.needsLive(ch):
			return finalStep(Blocked, ch.Reason)
		case live == nil:
			return finalStep(Failed, vanished)
		case !live.Status.Settled():
			return step{kind: wait}
		}
		return d.replanned(*live)
	case planner.Update:
		switch {
		case live == nil:
			return finalStep(Failed, vanished)
		case !live.Status.Settled() && !tagsOnly(ch):
			return step{kind: wait}
		}
		if changed := planner.Fingerprint(*live) != ch.Fingerprint; changed || waited {
			if d.replan != nil {
				return d.replanned(*live)
			}
			if changed && d.checkFingerprints {
				return finalStep(Stale, staleMessage(ch, *live))
			}
		}
		if live.Status == cloud.Failed {
			return finalStep(Blocked, failedMessage(*live))
		}
		return step{kind: send, change: ch}
	}
	return finalStep(Failed, fmt.Sprintf("unknown action %q in the plan", ch.Action))
}

// replanned decides with the change the file wants for the cache as it is now.
func (d decider) replanned(live cloud.Cache) step {
	ch, ok := d.replan(live)
	if !ok {
		return finalStep(Skipped, "the file no longer declares this cache")
	}
	switch ch.Action {
	case planner.Noop:
		return finalStep(Unchanged, "the cache already has the declared values")
	case planner.Update, planner.Blocked:
		if !live.Status.Settled() && !tagsOnly(ch) {
			return step{kind: wait}
		}
		if ch.Action == planner.Blocked {
			return finalStep(Blocked, ch.Reason)
		}
		return step{kind: send, change: ch}
	}
	return finalStep(Blocked, fmt.Sprintf("planning again proposes %s for this cache; plan again and review", ch.Action))
}

const vanished = "the cache no longer exists (deleted since the plan was made)"

func staleMessage(ch planner.Change, live cloud.Cache) string {
	return fmt.Sprintf("the cache changed since the plan was made (fingerprint %s, now %s); plan again", ch.Fingerprint, planner.Fingerprint(live))
}

func failedMessage(live cloud.Cache) string {
	msg := "creation failed; imcsync never updates a Failed cache: delete it so that imcsync re-creates it"
	if w := live.LastWarning(); w != "" {
		msg += " (" + w + ")"
	}
	return msg
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
func settle(action planner.Action, sent planner.Request, live *cloud.Cache, busySeen bool, polls int) (r Result, msg string, done bool) {
	switch action {
	case planner.Delete:
		if live != nil {
			return "", "", false
		}
		return Deleted, "", true
	case planner.Create:
		switch {
		case live == nil && polls >= settlePolls:
			return Failed, "the API accepted the create but does not list the new cache", true
		case live == nil || !live.Status.Settled():
			return "", "", false
		case live.Status == cloud.Ready && len(verify(sent, *live)) > 0:
			return Failed, mismatchMessage(verify(sent, *live)), true
		case live.Status == cloud.Ready:
			return Created, "", true
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
