package liveview

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/imcsync/imcsync/applier"
)

// plain is the view for a log (CI): at most two lines per cache — when it is first worked
// on ("[3/14 done] cn-hangzhou/web: sending") and when it is done ("[4/14 done]
// cn-hangzhou/web: updated after 1m12s", in the words of its outcome's result) — and, every SummaryEvery while caches are in
// progress, one summary line with the counts, the elapsed time and the ETA. A cache that
// needed no work gets no line; no line repeats an outcome, which the report prints.
type plain struct {
	w     io.Writer
	every time.Duration
	limit int
	start time.Time

	mu      sync.Mutex
	t       tally
	started map[string]time.Time       // the caches in progress, since when
	last    map[string]applier.Outcome // and their last event, counted in t
	stop    chan struct{}
	stopped sync.WaitGroup
}

func newPlain(w io.Writer, o Options) *plain {
	p := &plain{w: w, every: o.SummaryEvery, limit: o.Parallelism, start: time.Now(), t: tally{total: o.Total},
		started: map[string]time.Time{}, last: map[string]applier.Outcome{}, stop: make(chan struct{})}
	if p.every <= 0 {
		p.every = DefaultSummaryEvery
	}
	p.stopped.Add(1)
	go p.summarize()
	return p
}

func (p *plain) Update(o applier.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := o.Region + "/" + o.Name
	since, worked := p.started[key]
	if worked {
		p.t.add(p.last[key], -1)
	}
	if o.Result == applier.InProgress {
		p.t.add(o, 1)
		p.last[key] = o
		if !worked {
			p.started[key] = time.Now()
			fmt.Fprintf(p.w, "[%d/%d done] %s: %s\n", p.t.done, p.t.total, key, phaseText(o))
		}
		return
	}
	p.t.done++
	if worked {
		took := time.Since(since)
		delete(p.started, key)
		delete(p.last, key)
		p.t.took = append(p.t.took, took)
		fmt.Fprintf(p.w, "[%d/%d done] %s: %s after %s\n", p.t.done, p.t.total, key, resultText(o.Result), clock(took))
	}
}

// summarize prints the summary line every p.every while caches are in progress.
func (p *plain) summarize() {
	defer p.stopped.Done()
	tick := time.NewTicker(p.every)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
			p.mu.Lock()
			if len(p.started) > 0 {
				now := time.Now()
				open := make([]time.Duration, 0, len(p.started))
				for _, since := range p.started {
					open = append(open, now.Sub(since))
				}
				fmt.Fprintf(p.w, "%s · %s\n", counts(p.t), elapsedAndETA(now.Sub(p.start), p.t, open, p.limit))
			}
			p.mu.Unlock()
		}
	}
}

func (p *plain) Close() {
	close(p.stop)
	p.stopped.Wait()
}

// resultText is a final result in the report's words: "updated", "sent, not verified",
// "skipped".
func resultText(r applier.Result) string {
	if r == applier.Sent {
		return "sent, not verified"
	}
	return string(r)
}
