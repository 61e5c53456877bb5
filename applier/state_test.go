package applier

import (
	"fmt"
	"testing"
)

var allStages = []Stage{StagePending, StageWaiting, StageSending, StageUnsure, StagePartial, StageAccepted, StageMoving, StageRetiring, StageReverting, StageDone}

var allEvents = []event{evWait, evSend, evLost, evTook, evAccepted, evBusy, evRefused, evReplayed, evRetire, evRevert, evEnd, evInterrupt, evTimeout}

var allResults = []Result{Created, Updated, Deleted, Replaced, Recorded, Unchanged, Blocked, Failed, Stale, Skipped, Sent, InProgress}

// TestAdvanceTable lists every move of the task machine that is not an end: from a
// stage on an event to the next stage, still in progress. Every pair not listed (and
// not an end) is refused.
func TestAdvanceTable(t *testing.T) {
	moves := []struct {
		from Stage
		on   event
		to   Stage
	}{
		{StagePending, evWait, StageWaiting},
		{StageWaiting, evWait, StageWaiting},
		{StagePending, evSend, StageSending},
		{StageWaiting, evSend, StageSending},
		{StageSending, evLost, StageUnsure},
		{StageUnsure, evLost, StageUnsure},
		{StagePartial, evLost, StagePartial},
		{StageSending, evTook, StagePartial},
		{StageUnsure, evTook, StagePartial},
		{StagePartial, evTook, StagePartial},
		{StageSending, evAccepted, StageAccepted},
		{StageUnsure, evAccepted, StageAccepted},
		{StagePartial, evAccepted, StageAccepted},
		{StageAccepted, evBusy, StageMoving},
		{StageMoving, evBusy, StageMoving},
		{StageRetiring, evBusy, StageRetiring},
		{StageReverting, evBusy, StageReverting},
		{StageSending, evRefused, StageWaiting},
		{StageUnsure, evRefused, StageWaiting},
		{StagePartial, evRefused, StageWaiting},
		{StageAccepted, evReplayed, StagePending},
		{StageMoving, evReplayed, StagePending},
		{StageAccepted, evRetire, StageRetiring},
		{StageMoving, evRetire, StageRetiring},
		{StageAccepted, evRevert, StageReverting},
		{StageMoving, evRevert, StageReverting},
	}
	want := map[[2]int]Stage{}
	for _, m := range moves {
		want[[2]int{int(m.from), int(m.on)}] = m.to
	}
	for _, s := range allStages {
		for _, e := range allEvents {
			if e == evEnd || e == evInterrupt || e == evTimeout {
				continue
			}
			next, res, ok := advance(s, e, "")
			to, listed := want[[2]int{int(s), int(e)}]
			switch {
			case listed && (!ok || next != to || res != InProgress):
				t.Errorf("advance(%s, %s) = %s, %q, %t; want %s, in-progress", s, e, next, res, ok, to)
			case !listed && ok:
				t.Errorf("advance(%s, %s) = %s, %q; want it refused", s, e, next, res)
			}
		}
	}
}

// TestAdvanceEnds: a run cut short reports a cache sent, not verified, exactly when a
// call may have reached it, and skipped (interrupt) or blocked (timeout) otherwise; a
// done cache moves no more.
func TestAdvanceEnds(t *testing.T) {
	tests := []struct {
		from               Stage
		interrupt, timeout Result
	}{
		{StagePending, Skipped, Blocked},
		{StageWaiting, Skipped, Blocked},
		{StageSending, Skipped, Blocked},
		{StageUnsure, Sent, Sent},
		{StagePartial, Sent, Sent},
		{StageAccepted, Sent, Sent},
		{StageMoving, Sent, Sent},
		{StageRetiring, Sent, Sent},
		{StageReverting, Sent, Sent},
	}
	for _, tt := range tests {
		for e, want := range map[event]Result{evInterrupt: tt.interrupt, evTimeout: tt.timeout} {
			if next, res, ok := advance(tt.from, e, ""); !ok || next != StageDone || res != want {
				t.Errorf("advance(%s, %s) = %s, %q, %t; want done, %q", tt.from, e, next, res, ok, want)
			}
		}
	}
	for _, e := range allEvents {
		if _, _, ok := advance(StageDone, e, Failed); ok {
			t.Errorf("advance(done, %s) moved a done cache", e)
		}
	}
}

// TestOutcomeAgreesWithStage: whatever a cache's stage and whatever result the code
// found, the result advance lets it report agrees with the stage: created, updated and
// replaced only once every call was accepted; sent only once a call may have reached the
// cache; skipped, blocked and stale only while none did; in progress only while it is
// not done. A claim the stage cannot have is refused, and Apply reports it as a failure.
func TestOutcomeAgreesWithStage(t *testing.T) {
	for _, s := range allStages[:len(allStages)-1] {
		for _, r := range allResults {
			next, res, ok := advance(s, evEnd, r)
			if !ok {
				if allows(s, r) {
					t.Errorf("advance(%s, end %s) refused a result the stage allows", s, r)
				}
				continue
			}
			if err := agrees(next, res, s); err != nil {
				t.Errorf("advance(%s, end %s): %v", s, r, err)
			}
		}
		for _, e := range allEvents {
			next, res, ok := advance(s, e, "")
			if err := agrees(next, res, s); ok && err != nil {
				t.Errorf("advance(%s, %s): %v", s, e, err)
			}
		}
	}
}

// agrees checks a result against the stage it was reported from (from) and the stage
// it leaves the cache in (next).
func agrees(next Stage, res Result, from Stage) error {
	switch {
	case (res == InProgress) != (next != StageDone):
		return fmt.Errorf("result %q in stage %s", res, next)
	case res == Sent && !from.reached():
		return fmt.Errorf("sent from %s, where nothing reached the cache", from)
	case (res == Skipped || res == Blocked || res == Stale) && from.reached():
		return fmt.Errorf("%s from %s, where a call may have reached the cache", res, from)
	case (res == Created || res == Updated || res == Replaced || res == Recorded) && !from.settling():
		return fmt.Errorf("%s from %s, before every call was accepted", res, from)
	}
	return nil
}

// TestEndRefusesDisagreement: a result its stage cannot have is not reported as
// claimed: the cache fails with an internal error, so the report never says updated for
// a cache whose call was not accepted.
func TestEndRefusesDisagreement(t *testing.T) {
	var got []Outcome
	r := &runner{opts: Options{Progress: func(o Outcome) { got = append(got, o) }}.withDefaults()}
	tk := &task{stage: StageSending, out: Outcome{Region: "r", Name: "a", Result: InProgress}}
	r.finish(tk, Updated, "", nil)
	if tk.stage != StageDone || tk.out.Result != Failed || tk.out.Err == nil {
		t.Fatalf("finish(updated) from sending = %s, %q, %v; want done, failed with an error", tk.stage, tk.out.Result, tk.out.Err)
	}
	if len(got) != 1 || got[0].Result != Failed {
		t.Errorf("progress saw %v; want the failure", got)
	}
}

func TestStageNames(t *testing.T) {
	for _, s := range allStages {
		if s.String() == "" || s.String()[0] == 'S' {
			t.Errorf("stage %d is named %q", s, s)
		}
	}
	if got := Stage(42).String(); got != "Stage(42)" {
		t.Errorf("Stage(42) = %q", got)
	}
}
