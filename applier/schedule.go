package applier

import (
	"time"

	"github.com/imcsync/imcsync/planner"
)

// settleTimes learns, per planned action, how long this run's accepted calls take to
// settle, so that the next read after the last call comes when the caches in flight
// should be settled rather than up to a whole poll interval later.
//
// A cache first read settled at readEnd, whose call was sent at sentAt, settled within
// readEnd − sentAt of the API accepting the call (the API starts the operation no
// earlier than the call was sent). The shortest such time seen is the estimate: the API
// runs one kind of operation for about the same time, and the caches read settled
// just after they became so give the tightest bounds.
type settleTimes map[planner.Action]time.Duration

// observe records a cache read settled for the first time.
func (s settleTimes) observe(action planner.Action, sentAt, readEnd time.Time) {
	if sentAt.IsZero() || readEnd.Before(sentAt) {
		return
	}
	d := readEnd.Sub(sentAt)
	if old, ok := s[action]; !ok || d < old {
		s[action] = d
	}
}

// pause is how long to wait at now before the next read of the settling tasks: until
// the last of them should be settled (its call's answer plus the estimate for its
// action), but never longer than interval, the usual back-off. With no estimate for
// one of them, or when that moment has passed (the estimate was short), interval.
func (s settleTimes) pause(now time.Time, interval time.Duration, tasks []*task) time.Duration {
	var due time.Time
	for _, t := range tasks {
		if t.phase != settling {
			continue
		}
		d, ok := s[t.change.Action]
		if !ok || t.acceptedAt.IsZero() {
			return interval
		}
		if at := t.acceptedAt.Add(d); at.After(due) {
			due = at
		}
	}
	if wait := due.Sub(now); !due.IsZero() && wait > 0 && wait < interval {
		return wait
	}
	return interval
}
