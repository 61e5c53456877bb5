package reconcile

import (
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/drift"
)

// TestReadyWindow: ready while the last listing succeeded and is at most two intervals
// (plus jitter) old, or its cycle still runs.
func TestReadyWindow(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	l := &Loop{cfg: Config{Interval: time.Minute, Jitter: 0.5}, now: func() time.Time { return now }}
	for _, tc := range []struct {
		name     string
		age      time.Duration
		ok       bool
		running  bool
		want     bool
		reason   string
		neverRun bool
	}{
		{name: "never listed", neverRun: true, reason: "no cycle has listed"},
		{name: "fresh", age: 10 * time.Second, ok: true, want: true},
		{name: "at the window", age: 3 * time.Minute, ok: true, want: true},
		{name: "too old", age: 3*time.Minute + time.Second, ok: true, reason: "more than two intervals"},
		{name: "old, cycle still applying", age: 10 * time.Minute, ok: true, running: true, want: true},
		{name: "failed", age: time.Second, ok: false, reason: "could not list"},
	} {
		l.listedAt, l.listedOK, l.running = now.Add(-tc.age), tc.ok, tc.running
		if tc.neverRun {
			l.listedAt = time.Time{}
		}
		got, why := l.Ready()
		if got != tc.want || !strings.Contains(why, tc.reason) {
			t.Errorf("%s: Ready = %v %q, want %v %q", tc.name, got, why, tc.want, tc.reason)
		}
	}
}

// TestStatesOf: each declared cache counts once (missing, else unhealthy, else
// drifted, else in sync); an unhealthy cache that also drifted is unhealthy; undeclared
// caches owned by the file are prunable, the others unmanaged.
func TestStatesOf(t *testing.T) {
	r := drift.Report{
		Drifted:   []drift.Drifted{{ID: "imc-a"}, {ID: "imc-b"}},
		Missing:   []drift.Missing{{Name: "c"}},
		Unhealthy: []drift.Unhealthy{{ID: "imc-b"}, {ID: "imc-d"}},
		Unmanaged: []drift.Unmanaged{{}, {Owned: true}, {}, {}},
		Summary:   drift.Summary{Checked: 6},
	}
	want := States{InSync: 2, Drifted: 1, Missing: 1, Unhealthy: 2, Prunable: 1, Unmanaged: 3}
	if got := statesOf(r); got != want {
		t.Errorf("statesOf = %+v, want %+v", got, want)
	}
}

func TestParseJitter(t *testing.T) {
	for in, want := range map[string]float64{"10%": 0.1, "0": 0, "0%": 0, "100%": 1, "2.5%": 0.025} {
		if got, err := ParseJitter(in); err != nil || got != want {
			t.Errorf("ParseJitter(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0.1", "10", "-5%", "101%", "ten%", ""} {
		if _, err := ParseJitter(in); err == nil || !strings.Contains(err.Error(), "--jitter") {
			t.Errorf("ParseJitter(%q) = %v, want an error naming --jitter", in, err)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	for _, c := range []Config{{Interval: 500 * time.Millisecond}, {Interval: time.Minute, Jitter: 1.5}, {Interval: time.Minute, Jitter: -0.1}, {Interval: 2562047 * time.Hour, Jitter: 0.1}} {
		if err := c.Check(); err == nil {
			t.Errorf("Check(%+v) = nil, want an error", c)
		}
	}
	if err := (Config{Interval: time.Second, Jitter: 1}).Check(); err != nil {
		t.Errorf("Check of 1s and 100%%: %v", err)
	}
	longest := Config{Interval: MaxInterval, Jitter: 1}
	if err := longest.Check(); err != nil {
		t.Errorf("Check of MaxInterval and 100%%: %v", err)
	}
	if w := longest.waitAfter(0, 0.99); w < MaxInterval {
		t.Errorf("the wait after a cycle of the longest interval is %v, want at least %v", w, MaxInterval)
	}
}

// TestWaitAfter: the next cycle starts an interval (plus jitter) after the last one
// started, at once when the last one took longer.
func TestWaitAfter(t *testing.T) {
	c := Config{Interval: time.Minute, Jitter: 0.1}
	for _, tc := range []struct {
		took, draw float64
		want       time.Duration
	}{
		{0, 0, time.Minute},
		{0, 1, 66 * time.Second},
		{20, 0.5, 43 * time.Second},
		{90, 0, 0},
	} {
		if got := c.waitAfter(time.Duration(tc.took*float64(time.Second)), tc.draw); got != tc.want {
			t.Errorf("waitAfter(%vs, %v) = %v, want %v", tc.took, tc.draw, got, tc.want)
		}
	}
}
