package ecisim

import (
	"testing"
	"time"
)

// TestWindowReopens checks a window quota over time: CALLS calls from the window's first
// call, none more until PERIOD has passed, then a fresh window opened by the next call.
func TestWindowReopens(t *testing.T) {
	var q quota
	q.set(map[string]Quota{"CreateImageCache": {Calls: 2, Per: time.Minute}})
	t0 := time.Unix(1700000000, 0)
	steps := []struct {
		at   time.Duration
		want bool
	}{
		{0, true}, {time.Second, true}, {2 * time.Second, false}, {59 * time.Second, false},
		{60 * time.Second, true}, {61 * time.Second, true}, {119 * time.Second, false},
		{300 * time.Second, true},
	}
	for _, s := range steps {
		if got := q.allow("CreateImageCache", t0.Add(s.at)); got != s.want {
			t.Errorf("call at %s allowed = %v, want %v", s.at, got, s.want)
		}
	}
	if !q.allow("UpdateImageCache", t0) {
		t.Error("an action without a quota was refused")
	}
}
