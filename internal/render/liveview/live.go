package liveview

import (
	"cmp"
	"io"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/imcsync/imcsync/applier"
)

// refresh is how often the live view is redrawn, so that clocks tick between events.
const refresh = 200 * time.Millisecond

// live is the terminal view, drawn by mpb: one line (an mpb bar without filler) per
// shown cache and an overall bar below them. mpb redraws it in place every refresh,
// cutting lines to the terminal's width so that none wraps.
type live struct {
	p       *mpb.Progress
	overall *mpb.Bar
	st      styles
	limit   int // at most this many cache lines
	start   time.Time

	// ops serialises the calls into mpb; mu guards the model, which mpb's goroutines
	// read while drawing. mu is never held during a call into mpb, which may wait for a
	// drawing in progress.
	ops    sync.Mutex
	lines  []*mpb.Bar // one per shown cache (ops)
	mu     sync.Mutex
	t      tally
	caches map[string]*cache // in progress
	shown  []*cache          // the caches on the cache lines, in order
}

func newLive(w io.Writer, o Options) *live {
	v := &live{
		p:      mpb.New(mpb.WithOutput(w), mpb.WithRefreshRate(refresh)),
		st:     newStyles(o.Color),
		limit:  o.Parallelism,
		start:  time.Now(),
		t:      tally{total: o.Total},
		caches: map[string]*cache{},
	}
	// The spaces are the decorators' own, so that they stay when a narrow terminal
	// leaves no room for the bar.
	v.overall = v.p.New(int64(o.Total), mpb.BarStyle(), mpb.BarPriority(math.MaxInt32), mpb.BarRemoveOnComplete(),
		mpb.BarFillerTrim(),
		mpb.PrependDecorators(decor.Any(func(s decor.Statistics) string { return v.countsText(s.AvailableWidth) + " " })),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return " " + v.timeText() })))
	return v
}

func (v *live) Update(o applier.Outcome) {
	v.ops.Lock()
	defer v.ops.Unlock()
	shown, done := v.record(o)
	v.setLines(shown)
	v.overall.SetCurrent(int64(done))
}

// record updates the model with o and returns how many caches are shown and done.
func (v *live) record(o applier.Outcome) (shown, done int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	key := o.Region + "/" + o.Name
	c, ok := v.caches[key]
	if ok {
		v.t.add(c.out, -1)
	}
	switch {
	case o.Result == applier.InProgress && !ok:
		c = &cache{key: key, start: time.Now(), out: o}
		v.caches[key] = c
		v.t.add(o, 1)
	case o.Result == applier.InProgress:
		c.out = o
		v.t.add(o, 1)
	default:
		delete(v.caches, key)
		v.t.done++
		if ok {
			v.t.took = append(v.t.took, time.Since(c.start))
		}
	}
	v.arrange()
	return len(v.shown), v.t.done
}

// phaseRank orders the cache lines: calls being made first, then waits.
var phaseRank = map[applier.Phase]int{applier.Retrying: 0, applier.Sending: 1, applier.Queued: 2, applier.Waiting: 3, applier.Settling: 4}

// arrange picks the shown caches, never more than the limit: calls in flight first,
// then the longest-running.
func (v *live) arrange() {
	all := make([]*cache, 0, len(v.caches))
	for _, c := range v.caches {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b *cache) int {
		return cmp.Or(cmp.Compare(phaseRank[a.out.Phase], phaseRank[b.out.Phase]), a.start.Compare(b.start), cmp.Compare(a.key, b.key))
	})
	v.shown = all[:min(len(all), v.limit)]
}

// setLines keeps one line per shown cache.
func (v *live) setLines(shown int) {
	for len(v.lines) < shown {
		i := len(v.lines)
		v.lines = append(v.lines, v.p.New(0, mpb.NopStyle(), mpb.BarPriority(i), mpb.BarFillerTrim(),
			mpb.PrependDecorators(decor.Any(func(s decor.Statistics) string { return v.lineText(i, s.AvailableWidth) }))))
	}
	for len(v.lines) > shown {
		last := len(v.lines) - 1
		v.lines[last].Abort(true)
		v.lines = v.lines[:last]
	}
}

func (v *live) lineText(i, width int) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if i >= len(v.shown) {
		return ""
	}
	return cacheLine(v.shown[i], time.Now(), v.st, width)
}

// countsText is the overall line's counts, as long as a terminal width columns wide
// leaves room for: the clock and ETA after them always keep theirs (countsFor).
func (v *live) countsText(width int) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.st.bold.Render(countsFor(v.t, width-len(" ")-len(" "+v.timeLocked())))
}

// timeText is the overall line's elapsed time and ETA (tally.eta).
func (v *live) timeText() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.timeLocked()
}

func (v *live) timeLocked() string {
	now := time.Now()
	open := make([]time.Duration, 0, len(v.caches))
	for _, c := range v.caches {
		open = append(open, now.Sub(c.start))
	}
	return elapsedAndETA(now.Sub(v.start), v.t, open, v.limit)
}

func (v *live) Close() {
	v.ops.Lock()
	defer v.ops.Unlock()
	v.setLines(0)
	v.overall.Abort(true)
	v.p.Wait()
}
