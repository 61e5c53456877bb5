package applier

import (
	"fmt"
	"time"

	"github.com/imcsync/imcsync/planner"
)

// Stage is where one cache stands during Apply. A cache starts StagePending and ends
// StageDone; advance, one pure function, holds every move between stages, and the
// Result its outcome reports is what advance returned for the stage it is in:
// InProgress until StageDone, and a final result that the stage allows (Sent only once
// a call may have reached the cache, Skipped or Blocked only while none did).
//
//	pending ──wait──▶ waiting ──send──▶ sending ──lost──▶ unsure
//	pending ──send──▶ sending           sending, unsure ──took──▶ partial
//	sending, unsure, partial ──accepted──▶ accepted ──busy──▶ moving
//	sending, unsure, partial ──refused──▶ waiting   (IncorrectStatus: decide again)
//	accepted, moving ──replayed──▶ pending          (a create answered with a gone cache)
//	accepted, moving ──retire──▶ retiring           (a rebuild deletes the old cache)
//	accepted, moving ──revert──▶ reverting          (a rebuild's new cache failed)
//	any stage but done ──end, interrupt, timeout──▶ done
type Stage int

// The stages of a cache, in the order a cache usually passes them.
const (
	StagePending   Stage = iota // to be decided on the next read
	StageWaiting                // seen busy (or refused as busy): decided again on the next read, and planned again if it can be
	StageSending                // its calls are being made; none is known to have reached the cache
	StageUnsure                 // a try's answer was lost (a 5xx, a network error): the change may have been made
	StagePartial                // a call of the change was accepted and more follow (an update's tag calls, a replace's create)
	StageAccepted               // every call was accepted; read until the cache settles
	StageMoving                 // accepted, and seen busy since: the next settled status it shows is believed
	StageRetiring               // a rebuild's new cache is Ready and the old one's delete was accepted: read until it is gone
	StageReverting              // a rebuild's new cache failed and is being deleted; the old one is kept
	StageDone                   // the outcome is final
)

var stageNames = [...]string{"pending", "waiting", "sending", "unsure", "partial", "accepted", "moving", "retiring", "reverting", "done"}

// String names the stage: "pending", "waiting", …
func (s Stage) String() string {
	if s < 0 || int(s) >= len(stageNames) {
		return fmt.Sprintf("Stage(%d)", int(s))
	}
	return stageNames[s]
}

// reached reports whether a call of the change may have reached the cache in stage s:
// a run cut short there reports the cache sent, not verified.
func (s Stage) reached() bool { return s >= StageUnsure && s < StageDone }

// deciding reports whether the cache is decided on the next read.
func (s Stage) deciding() bool { return s == StagePending || s == StageWaiting }

// settling reports whether every call was accepted and the cache is read until it
// settles.
func (s Stage) settling() bool { return s >= StageAccepted && s < StageDone }

// event is what happens to a cache: the input of advance.
type event int

const (
	evWait      event = iota // decide: the cache is busy; read it again next round
	evSend                   // decide: send the change now
	evLost                   // a try's answer was lost: it may have taken effect
	evTook                   // a call of the change was accepted, and more follow
	evAccepted               // every call of the change was accepted
	evBusy                   // read busy since its call
	evRefused                // answered IncorrectStatus, or another run is creating the cache: wait and decide again
	evReplayed               // an accepted create named a cache that never showed: create it again
	evRetire                 // a rebuild's old cache is being deleted
	evRevert                 // a rebuild's new cache failed and is being deleted
	evEnd                    // the result is known (advance's result)
	evInterrupt              // the run was interrupted (ctx ended)
	evTimeout                // Options.Timeout passed
)

var eventNames = [...]string{"wait", "send", "lost", "took", "accepted", "busy", "refused", "replayed", "retire", "revert", "end", "interrupt", "timeout"}

func (e event) String() string { return eventNames[e] }

// advance is the task machine: the stage a cache in stage s moves to on event e, and
// the result its outcome then reports (InProgress unless the new stage is StageDone). For
// evEnd, result is the result found (by decide, settle or the API's answer); it is
// refused (ok false) when stage s cannot have it: created, updated or replaced before
// every call was accepted, sent before anything was, skipped, blocked or stale after a
// call may have taken effect. ok is false too for an event that cannot happen in s.
func advance(s Stage, e event, result Result) (next Stage, res Result, ok bool) {
	if s == StageDone {
		return s, "", false
	}
	to := func(n Stage) (Stage, Result, bool) { return n, InProgress, true }
	switch e {
	case evWait:
		if s.deciding() {
			return to(StageWaiting)
		}
	case evSend:
		if s.deciding() {
			return to(StageSending)
		}
	case evLost:
		switch s {
		case StageSending:
			return to(StageUnsure)
		case StageUnsure, StagePartial:
			return to(s)
		}
	case evTook:
		if s == StageSending || s == StageUnsure || s == StagePartial {
			return to(StagePartial)
		}
	case evAccepted:
		if s == StageSending || s == StageUnsure || s == StagePartial {
			return to(StageAccepted)
		}
	case evBusy:
		if s == StageAccepted || s == StageMoving {
			return to(StageMoving)
		}
		if s == StageRetiring || s == StageReverting {
			return to(s)
		}
	case evRefused:
		if s == StageSending || s == StageUnsure || s == StagePartial {
			return to(StageWaiting)
		}
	case evReplayed:
		if s == StageAccepted || s == StageMoving {
			return to(StagePending)
		}
	case evRetire:
		if s == StageAccepted || s == StageMoving {
			return to(StageRetiring)
		}
	case evRevert:
		if s == StageAccepted || s == StageMoving {
			return to(StageReverting)
		}
	case evInterrupt:
		if s.reached() {
			return StageDone, Sent, true
		}
		return StageDone, Skipped, true
	case evTimeout:
		if s.reached() {
			return StageDone, Sent, true
		}
		return StageDone, Blocked, true
	case evEnd:
		if allows(s, result) {
			return StageDone, result, true
		}
	}
	return s, "", false
}

// allows reports whether a cache that ends in stage s may report result r.
func allows(s Stage, r Result) bool {
	switch r {
	case Created, Updated, Replaced, Recorded:
		return s.settling()
	case Sent:
		return s.reached()
	case Skipped, Blocked, Stale:
		return !s.reached()
	case Failed, Deleted, Unchanged:
		return true
	}
	return false
}

// task is one cache's progress. Between rounds only the loop touches it; during the
// calls of a round only the goroutine working on it.
type task struct {
	change  planner.Change // what is applied: the planned change, or Replan's
	stage   Stage          // where it stands; moved by advance only (task.move, runner.finish)
	out     Outcome        // what is reported; out.Result is advance's
	sent    sent           // what the accepted calls sent (settling)
	polls   int            // reads since its call
	refused int            // IncorrectStatus answers
	tags    *tagWork       // tag calls still to make in this round (see sendTags)
	// after is the ID of a cache a create answered with that was then never listed: the
	// API replayed an earlier create whose cache is gone. The next create follows it
	// (createToken).
	after   string
	rebuild *rebuildState // a rebuild for moved image tags (rebuild.go)
	shown   Outcome       // the last outcome given to Options.Progress

	// sentAt and acceptedAt are when the call now settling was started and accepted.
	sentAt, acceptedAt time.Time
}

// move advances the task on an event that keeps it open.
func (t *task) move(e event) {
	next, res, ok := advance(t.stage, e, "")
	if !ok {
		panic(fmt.Sprintf("applier: %s/%s: no move on %s from stage %s", t.change.Region, t.change.Name, e, t.stage))
	}
	t.stage, t.out.Result = next, res
}
