// Package pacing paces API calls per (region, action), the way the AWS SDKs' "adaptive"
// retry mode does: calls start unthrottled; a throttling answer cuts that key's rate to
// Beta times the rate the API accepted during the last second; while calls succeed the
// rate grows back along a CUBIC curve (slowly near the rate that was throttled, faster
// beyond it), until it no longer limits anything. An optional ceiling caps every call,
// whatever its key.
//
// A caller asks Wait before each attempt of a call and reports the answer on the permit
// it got: Throttled for a throttling answer, Succeeded for any other answer.
package pacing

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Tuning of the adaptive rate, as in the AWS SDKs' adaptive retry mode.
const (
	// Beta is the factor a throttling answer applies to the accepted rate.
	Beta = 0.7
	// cubicScale is CUBIC's C: how fast the rate grows back, in calls/s per second cubed.
	cubicScale = 0.4
	// MinRate is the lowest rate a key is ever cut to, in calls per second. The AWS SDKs
	// go down to 0.5; a caller that sends this little is slowed by its retry backoff
	// already, and a listing's pages, sent one after the other, would crawl.
	MinRate = 2.0
)

// window is how far back the accepted rate is measured, in buckets of window/buckets.
const (
	window  = time.Second
	buckets = 10
)

// Pacer hands out permits to call, per (region, action). It is safe for concurrent use.
// A nil *Pacer paces nothing.
type Pacer struct {
	ceiling *rate.Limiter // nil: no ceiling
	now     func() time.Time

	mu   sync.Mutex
	keys map[key]*adaptive
}

type key struct{ region, action string }

// New returns a pacer whose calls, all keys together, never exceed ceiling calls per
// second; 0 means no ceiling, only the adaptive rate of each key.
func New(ceiling float64) *Pacer {
	p := &Pacer{now: time.Now, keys: map[key]*adaptive{}}
	if ceiling > 0 {
		p.ceiling = rate.NewLimiter(rate.Limit(ceiling), 1)
	}
	return p
}

// Permit is the right to send one attempt of a call. Report its answer with Throttled
// or Succeeded; a permit whose answer never came (the caller gave up) needs no report.
type Permit struct {
	a    *adaptive // nil: nothing to report to
	sent time.Time
}

// Wait blocks until a call of action in region may be sent, or ctx ends.
func (p *Pacer) Wait(ctx context.Context, region, action string) (Permit, error) {
	if p == nil {
		return Permit{}, ctx.Err()
	}
	a := p.adaptive(key{region, action})
	if err := a.wait(ctx); err != nil {
		return Permit{}, err
	}
	if p.ceiling != nil {
		if err := p.ceiling.Wait(ctx); err != nil {
			return Permit{}, err
		}
	}
	return Permit{a: a, sent: p.now()}, nil
}

// Rate returns the adaptive rate of (region, action) in calls per second: +Inf while it
// has never been throttled or has grown back beyond need. The ceiling is not included.
func (p *Pacer) Rate(region, action string) float64 {
	if p == nil {
		return math.Inf(1)
	}
	a := p.adaptive(key{region, action})
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rate
}

func (p *Pacer) adaptive(k key) *adaptive {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, ok := p.keys[k]
	if !ok {
		a = &adaptive{now: p.now, rate: math.Inf(1), changed: make(chan struct{})}
		p.keys[k] = a
	}
	return a
}

// Throttled reports that the API answered the permit's call with throttling: the key's
// rate is cut, once per congestion event (answers to calls sent before the last cut do
// not cut again, as TCP reduces once per window).
func (pm Permit) Throttled() {
	if pm.a != nil {
		pm.a.throttled(pm.sent)
	}
}

// Succeeded reports any answer other than throttling: the key's rate grows back.
func (pm Permit) Succeeded() {
	if pm.a != nil {
		pm.a.succeeded()
	}
}

// adaptive is the rate of one key. Permits are spaced 1/rate apart (a bucket of one):
// a burst would only meet the throttling again. The spacing is judged at each grant
// with the rate of that moment, so waiters speed up as soon as the rate grows.
type adaptive struct {
	now func() time.Time

	mu      sync.Mutex
	rate    float64        // calls/s; +Inf: not limited
	last    time.Time      // the last grant (or cut), from which the next is spaced
	changed chan struct{}  // closed and replaced whenever rate changes
	cut     time.Time      // the last cut; zero: never throttled
	wMax    float64        // the rate the last cut was made from (CUBIC's W_max)
	k       float64        // seconds after a cut at which CUBIC is back at wMax
	counts  [buckets]int   // accepted calls per bucket of the last window
	stamps  [buckets]int64 // the bucket number each count belongs to
}

// throttled cuts the rate to Beta times the accepted rate (at most the current rate).
func (a *adaptive) throttled(sent time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	if !a.cut.IsZero() && sent.Before(a.cut) {
		return
	}
	from := min(a.accepted(now), a.rate)
	a.wMax = max(from, MinRate)
	a.k = math.Cbrt(a.wMax * (1 - Beta) / cubicScale)
	a.cut = now
	a.last = now // the API's bucket is empty now: wait a whole interval
	a.set(max(Beta*from, MinRate))
}

// wait blocks until a permit may be granted at the current rate, or ctx ends.
func (a *adaptive) wait(ctx context.Context) error {
	for {
		a.mu.Lock()
		now := a.now()
		if math.IsInf(a.rate, 1) {
			a.mu.Unlock()
			return ctx.Err()
		}
		at := a.last.Add(time.Duration(float64(time.Second) / a.rate))
		if !now.Before(at) {
			a.last = now
			a.mu.Unlock()
			return ctx.Err()
		}
		changed := a.changed
		a.mu.Unlock()
		t := time.NewTimer(at.Sub(now))
		select {
		case <-t.C:
		case <-changed:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// succeeded counts an accepted call and lets the rate grow back along CUBIC's curve
// W(t) = C·(t−K)³ + W_max, t being the time since the last cut.
func (a *adaptive) succeeded() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	n := now.UnixNano() / int64(window/buckets)
	i := n % buckets
	if a.stamps[i] != n {
		a.stamps[i], a.counts[i] = n, 0
	}
	a.counts[i]++
	if a.cut.IsZero() {
		return // never throttled: not limited
	}
	t := now.Sub(a.cut).Seconds() - a.k
	w := cubicScale*t*t*t + a.wMax
	if w > a.rate {
		a.set(w)
	}
}

// accepted is the number of calls accepted during the last second: a rate in calls/s.
func (a *adaptive) accepted(now time.Time) float64 {
	n := now.UnixNano() / int64(window/buckets)
	total := 0
	for i := range buckets {
		if n-a.stamps[i] < buckets {
			total += a.counts[i]
		}
	}
	return float64(total) * float64(time.Second) / float64(window)
}

// set installs a new rate and wakes the waiters to judge it.
func (a *adaptive) set(r float64) {
	a.rate = r
	close(a.changed)
	a.changed = make(chan struct{})
}
