package applier

import (
	"time"

	"github.com/imcsync/imcsync/planner"
)

// settleTimes learns, per planned action, how long this run's accepted calls take to
// settle, so that the next read after the last call comes when the caches in flight
// should be settled rather than up to a whole poll interval later.
//
// The API starts an operation while its call is in flight, between the call's sending
// and its answer; taking the middle of the two, a cache first read settled at readEnd
// settled within readEnd − middle of the start of its operation. The shortest such time
// seen is the estimate: the API runs one kind of operation for about the same time, and
// the caches read settled just after they became so give the tightest bounds. The next
// read is aimed at the last cache's middle plus the estimate.
type settleTimes map[planner.Action]time.Duration

// middle is the middle of a call's flight.
func middle(sentAt, acceptedAt time.Time) time.Time { return sentAt.Add(acceptedAt.Sub(sentAt) / 2) }

// observe records a cache read settled for the first time, whose call was sent at
// sentAt and answered at acceptedAt.
func (s settleTimes) observe(action planner.Action, sentAt, acceptedAt, readEnd time.Time) {
	if sentAt.IsZero() || acceptedAt.Before(sentAt) || readEnd.Before(acceptedAt) {
		return
	}
	d := readEnd.Sub(middle(sentAt, acceptedAt))
	if old, ok := s[action]; !ok || d < old {
		s[action] = d
	}
}

// pause is how long to wait at now before the next read of the settling tasks: until
// the last of them should be settled (the middle of its call's flight plus the estimate
// for its action), but never longer than interval, the usual back-off. With no estimate for
// one of them, or when that moment has passed (the estimate was short), interval.
func (s settleTimes) pause(now time.Time, interval time.Duration, tasks []*task) time.Duration {
	var due time.Time
	for _, t := range tasks {
		if !t.stage.settling() {
			continue
		}
		d, ok := s[t.change.Action]
		if !ok || t.acceptedAt.IsZero() {
			return interval
		}
		if at := middle(t.sentAt, t.acceptedAt).Add(d); at.After(due) {
			due = at
		}
	}
	if wait := due.Sub(now); !due.IsZero() && wait > 0 && wait < interval {
		return wait
	}
	return interval
}
