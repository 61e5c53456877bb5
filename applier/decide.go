package applier

import (
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
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
		// An equal cache that is not Ready is watched until it settles: a run exits 0
		// only when every declared cache is Ready.
		return ch.Status != "" && cloud.Status(ch.Status) != cloud.Ready
	case planner.Blocked:
		// A duplicate stays blocked: planning it again would pair it as the declared cache.
		return ch.ID != "" && d.replan != nil && ch.DuplicateOf == ""
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
		switch {
		case !d.needsLive(ch):
			return finalStep(Unchanged, "")
		case live == nil:
			return finalStep(Failed, vanished)
		case !live.Status.Settled():
			return step{kind: wait}
		case d.replan != nil:
			return d.replanned(*live)
		case live.Status == cloud.Ready:
			return finalStep(Unchanged, "")
		}
		return finalStep(Blocked, unhealthyMessage(*live))
	case planner.Replace:
		switch {
		case live == nil:
			return step{kind: send, change: ch} // gone already: the delete finds it so
		case d.checkFingerprints && planner.Fingerprint(*live) != ch.Fingerprint:
			return finalStep(Stale, staleMessage(ch, *live))
		}
		if err := ownership.Of(d.owner, live.Tags).CanManage(); err != nil {
			return step{kind: final, result: Skipped, msg: err.Error(), err: err}
		}
		return step{kind: send, change: ch}
	case planner.Create:
		switch {
		case live == nil:
			return step{kind: send, change: ch}
		case d.replan != nil:
			return d.replanned(*live)
		case d.alreadyApplied(ch, *live):
			return finalStep(Unchanged, alreadyAppliedMessage)
		}
		// Another run's ClientToken would not stop a second cache of the same name.
		return finalStep(Stale, fmt.Sprintf("a cache named %q (%s) exists now, unlike when the plan was made; plan again", ch.Name, live.ID))
	case planner.Delete:
		switch {
		case live == nil:
			return finalStep(Deleted, "already gone")
		case d.checkFingerprints && planner.Fingerprint(*live) != ch.Fingerprint:
			return finalStep(Stale, staleMessage(ch, *live))
		}
		if err := ownership.Of(d.owner, live.Tags).CanPrune(); err != nil {
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
				if d.alreadyApplied(ch, *live) {
					return finalStep(Unchanged, alreadyAppliedMessage)
				}
				if !partlyApplied(ch, *live) {
					return finalStep(Stale, staleMessage(ch, *live))
				}
			}
		}
		if live.Status == cloud.Failed {
			return finalStep(Blocked, failedMessage(*live))
		}
		// A saved plan may have been edited: whose the cache is, is read again here
		// rather than trusted from the plan, as the planner decided it.
		if err := ownership.Of(d.owner, live.Tags).CanManage(); err != nil {
			return finalStep(Blocked, "not updated: "+strings.TrimPrefix(err.Error(), "not deleted: "))
		}
		return step{kind: send, change: ch}
	}
	return finalStep(Failed, fmt.Sprintf("unknown action %q in the plan", ch.Action))
}

// alreadyAppliedMessage is the message of a change a saved plan finds made already.
const alreadyAppliedMessage = "already applied: the cache has what the plan asks for; nothing was sent"

// alreadyApplied reports whether the live cache already is what a create or an update
// of a saved plan asks for, as when the plan is applied a second time or after an
// interrupted run: Ready, still the plan's owner's to manage, every field the change
// sets at its planned value (After) as the API reads it back, and every reserved tag the
// change writes at its planned value. The write-only fields, which the API never shows,
// are judged by the record tag (spec.RecordTag) that carries their digests: a change of
// one always writes it. An updated cache must show nothing else changed since the plan
// (planner.Change.OnlyThisChanged). A cache found so is unchanged, where its new
// fingerprint would make it stale; any other difference still is stale.
func (d decider) alreadyApplied(ch planner.Change, live cloud.Cache) bool {
	if (ch.Action != planner.Update && ch.Action != planner.Create) || len(ch.Fields)+len(ch.Bookkeeping) == 0 || live.Status != cloud.Ready ||
		ownership.Of(d.owner, live.Tags).CanManage() != nil {
		return false
	}
	records := false
	for _, b := range ch.Bookkeeping {
		if !tagIs(live, b.Tag, b.After) {
			return false
		}
		records = records || b.Tag == spec.RecordTag
	}
	for _, fc := range ch.Fields {
		if !fieldIs(live, fc.Field, fc.After) && !(fc.WriteOnly && records) {
			return false
		}
	}
	// An update's cache must not have moved in a field the change does not set.
	return ch.Action == planner.Create || ch.OnlyThisChanged(live)
}

// partlyApplied reports whether an update of a saved plan was begun on the live cache
// and not finished, as by a run interrupted between the update and its tag calls:
// every field and reserved tag the change sets is at its planned value or still at the
// one the plan was made against, some still at the latter, and nothing else changed
// (planner.Change.OnlyThisChanged). Such a change is sent as planned, to finish it, not
// refused as stale.
func partlyApplied(ch planner.Change, live cloud.Cache) bool {
	if ch.Action != planner.Update || !ch.OnlyThisChanged(live) {
		return false
	}
	rest := false // something is still to be done
	for _, b := range ch.Bookkeeping {
		switch {
		case tagIs(live, b.Tag, b.After):
		case tagIs(live, b.Tag, b.Before):
			rest = true
		default:
			return false
		}
	}
	for _, fc := range ch.Fields {
		switch {
		case fc.WriteOnly, fieldIs(live, fc.Field, fc.After):
		case fieldIs(live, fc.Field, fc.Before):
			rest = true
		default:
			return false
		}
	}
	return rest
}

// tagIs reports whether the live cache's tag key has the value want (nil: absent).
func tagIs(live cloud.Cache, key string, want *string) bool {
	have, ok := live.Tags[key]
	if want == nil {
		return !ok
	}
	return ok && have == *want
}

// fieldIs reports whether the live cache shows value want for the field key, as the
// API reads it back ("tags": the user tags, imcsync's reserved ones apart).
func fieldIs(live cloud.Cache, key string, want any) bool {
	if key == "tags" {
		user := map[string]any{}
		for k, v := range live.Tags {
			if !strings.HasPrefix(k, spec.ReservedTagPrefix) {
				user[k] = v
			}
		}
		return spec.Equal(user, want)
	}
	f, ok := spec.FieldByKey(key)
	return ok && f.ReadBack() && spec.Equal(f.Live(&live), want)
}

// replanned decides with the change the file wants for the cache as it is now.
func (d decider) replanned(live cloud.Cache) step {
	ch, ok := d.replan(live)
	if !ok {
		return finalStep(Skipped, "the file no longer declares this cache")
	}
	switch ch.Action {
	case planner.Noop:
		if !live.Status.Settled() {
			return step{kind: wait} // e.g. created by another run: exit 0 only once it is Ready
		}
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
	return unhealthyMessage(live)
}

// unhealthyMessage names a Failed or UpdateFailed cache's status, its last event and the
// remedy.
func unhealthyMessage(live cloud.Cache) string {
	msg := "status " + string(live.Status)
	if w := live.LastWarning(); w != "" {
		msg += " (last event: " + w + ")"
	}
	return msg + fmt.Sprintf("; re-create it with `imcsync apply --replace %s`", live.Name)
}
