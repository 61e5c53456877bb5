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
	Live        bool // redraw in place (w is a terminal); otherwise one line per event
	Color       bool // colour the view
}

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

// tally counts the caches by where they stand.
type tally struct {
	total, done, sending, queued, settling, waiting int
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
