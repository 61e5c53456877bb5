// Package liveview shows apply's progress on stderr while it runs: on a terminal a live
// view (one line per cache being worked on, at most as many as apply's parallelism, and
// an overall bar with counts, elapsed time and ETA), elsewhere one plain line per event.
// It never prints a cache's outcome: the report printed when apply is done does, once.
package liveview

import (
	"io"
	"time"

	"github.com/imcsync/imcsync/applier"
)

// View receives apply's progress (applier.Options.Progress) and shows it.
type View interface {
	// Update is the applier's Progress callback.
	Update(o applier.Outcome)
	// Close stops the view; a live view is removed from the screen.
	Close()
}

// Options describe where and how the view is shown.
type Options struct {
	Total       int  // the caches of the plan, noops included
	Parallelism int  // apply's --parallelism: at most this many cache lines are shown
	Live        bool // redraw in place (w is a terminal); otherwise plain lines
	Color       bool // colour the view
	// SummaryEvery is how often the plain view prints its summary line while caches are
	// in progress; 0 means DefaultSummaryEvery.
	SummaryEvery time.Duration
}

// DefaultSummaryEvery is how often a plain view (a CI log) sums up while caches wait.
const DefaultSummaryEvery = 30 * time.Second

// New returns the view of apply's progress written to w.
func New(w io.Writer, o Options) View {
	o.Parallelism = max(o.Parallelism, 1)
	if o.Live {
		return newLive(w, o)
	}
	return newPlain(w, o)
}

// cache is one cache in progress.
type cache struct {
	key   string // region/name
	start time.Time
	out   applier.Outcome
}

// tally counts the caches by where they stand, and times those that finished after
// being worked on, for the ETA.
type tally struct {
	total, done, sending, queued, settling, waiting int
	// took holds how long each cache that was worked on took, first event to outcome.
	took []time.Duration
}

// eta estimates the time left from the caches that finished so far: each cache in
// progress needs the mean of those times less what it has had (nothing once it has had
// more), and the caches not started yet follow in waves of parallelism. ok is false
// while nothing has finished to measure, or when the estimate says nothing is left
// although caches still wait (it is then unknown, never "0s").
func (t *tally) eta(open []time.Duration, parallelism int) (left time.Duration, ok bool) {
	if len(t.took) == 0 {
		return 0, false
	}
	var sum time.Duration
	for _, d := range t.took {
		sum += d
	}
	mean := sum / time.Duration(len(t.took))
	for _, age := range open {
		left = max(left, mean-age)
	}
	notStarted := max(t.total-t.done-len(open), 0)
	waves := (notStarted + parallelism - 1) / max(parallelism, 1)
	left += time.Duration(waves) * mean
	if left < time.Second && t.done < t.total {
		return 0, false
	}
	return left, true
}

func (t *tally) add(o applier.Outcome, n int) {
	switch o.Phase {
	case applier.Sending, applier.Retrying:
		t.sending += n
	case applier.Queued:
		t.queued += n
	case applier.Settling:
		t.settling += n
	case applier.Waiting:
		t.waiting += n
	}
}
