package applier

import (
	"testing"
	"time"

	"github.com/imcsync/imcsync/planner"
)

// TestReadWhenTheCachesInFlightShouldBeSettled: once this run has seen how long its
// updates take to settle, the next read comes when the last cache in flight should be
// settled, never later than the usual back-off; with nothing learned, or when that
// moment has passed, the back-off decides.
func TestReadWhenTheCachesInFlightShouldBeSettled(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	update := func(sent, accepted int) *task {
		return &task{change: planner.Change{Action: planner.Update}, stage: StageAccepted, sentAt: at(sent), acceptedAt: at(accepted)}
	}
	inFlight := []*task{update(500, 550), update(550, 600), {stage: StageDone}}
	interval := 500 * time.Millisecond
	s := settleTimes{}
	if p := s.pause(at(700), interval, inFlight); p != interval {
		t.Errorf("pause with nothing learned = %s, want the back-off %s", p, interval)
	}
	// Read from 650 to 700 ms: caches whose calls flew from 0 to 50 and from 100 to 150 ms
	// were settled (at most 675 and 575 ms after the middle of their flight): updates
	// settle within 575 ms.
	s.observe(planner.Update, at(0), at(50), at(700))
	s.observe(planner.Update, at(100), at(150), at(700))
	s.observe(planner.Update, time.Time{}, at(150), at(700)) // no call time: nothing learned
	if got := s[planner.Update]; got != 575*time.Millisecond {
		t.Fatalf("estimate %s, want 575ms", got)
	}
	// The last call in flight flew from 550 to 600 ms: settled by 575 + 575 = 1150 ms.
	if p := s.pause(at(700), 2*time.Second, inFlight); p != 450*time.Millisecond {
		t.Errorf("pause = %s, want 450ms (until 1150 ms)", p)
	}
	if p := s.pause(at(700), 300*time.Millisecond, inFlight); p != 300*time.Millisecond {
		t.Errorf("pause = %s, want the back-off (300ms) when it comes first", p)
	}
	if p := s.pause(at(1300), interval, inFlight); p != interval {
		t.Errorf("pause after the expected moment = %s, want the back-off %s", p, interval)
	}
	create := &task{change: planner.Change{Action: planner.Create}, stage: StageAccepted, sentAt: at(600), acceptedAt: at(650)}
	if p := s.pause(at(700), interval, append(inFlight, create)); p != interval {
		t.Errorf("pause with a create in flight and no create settled yet = %s, want the back-off", p)
	}
}
