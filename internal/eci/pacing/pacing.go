// Package pacing paces API calls per (region, action), after the AWS SDKs' "adaptive"
// retry mode, but it tells a ceiling from noise: calls start unthrottled; throttling
// answers cut that key's rate to Beta times the rate the API accepted during the last
// second only when they follow the send rate: when they cluster (several answers in a
// row) or when the throttled share of the recent answers rises well above the share seen
// at lower rates (the noise floor, e.g. another tenant of the account). An isolated
// throttling answer cuts nothing; its call is retried after its backoff. While calls
// succeed the rate grows back along a CUBIC curve (slowly near the rate that was
// throttled, faster beyond it), until it no longer limits anything.
//
// When nothing at all is accepted for a while (a quota window that is used up), the key
// is blocked: calls go out as spaced probes, the spacing growing with the time blocked,
// and the first accepted probe gives back the rate the key had before the block. An
// optional ceiling caps every call, whatever its key.
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
	// Beta is the factor a cut applies to the accepted rate.
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

// Telling a ceiling from noise.
const (
	// recent is how many of the latest answers the throttled share is judged on.
	recent = 50
	// minShareAnswers is the fewest answers the share is judged on.
	minShareAnswers = 50
	// shareMargin is how far above the floor, at least, the share must rise to cut.
	shareMargin = 0.2
	// shareSigmas is how many standard deviations of the floor's binomial noise the
	// throttled count must exceed to cut.
	shareSigmas = 3.5
	// runOdds is how unlikely a run of throttled answers must be under the floor alone
	// to cut: at a floor of 2% a run of 4, at 5% a run of 5, at 10% a run of 6.
	runOdds = 1e-6
	// minRun is the shortest run of throttled answers that cuts.
	minRun = 4
	// floorPrior is the noise floor assumed before answers teach it, with the weight of
	// floorPriorAnswers answers.
	floorPrior        = 0.02
	floorPriorAnswers = 25
)

// Blocked keys: nothing accepted for blockAfter.
const (
	blockAfter = time.Second
	// probeShare: while blocked, probes are spaced by this share of the time blocked,
	// so that the reopening of a quota window is found within that share of the wait.
	probeShare = 0.1
	// maxProbeGap caps the spacing of the probes.
	maxProbeGap = 10 * time.Second
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
	rate float64 // the key's rate when the permit was granted
}

// Wait blocks until a call of action in region may be sent, or ctx ends.
func (p *Pacer) Wait(ctx context.Context, region, action string) (Permit, error) {
	if p == nil {
		return Permit{}, ctx.Err()
	}
	a := p.adaptive(key{region, action})
	r, err := a.wait(ctx)
	if err != nil {
		return Permit{}, err
	}
	if p.ceiling != nil {
		if err := p.ceiling.Wait(ctx); err != nil {
			return Permit{}, err
		}
	}
	return Permit{a: a, sent: p.now(), rate: r}, nil
}

// Rate returns the adaptive rate of (region, action) in calls per second: +Inf while it
// has never been cut or has grown back beyond need. The ceiling is not included.
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

// Throttled reports that the API answered the permit's call with throttling. The key's
// rate is cut when the throttling follows the send rate (see the package doc), once per
// congestion event: answers to calls sent before the last cut do not cut again, as TCP
// reduces once per window.
func (pm Permit) Throttled() {
	if pm.a != nil {
		pm.a.answered(pm, true)
	}
}

// Succeeded reports any answer other than throttling: the key's rate grows back.
func (pm Permit) Succeeded() {
	if pm.a != nil {
		pm.a.answered(pm, false)
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
	cut     time.Time      // the last cut; zero: never cut
	wMax    float64        // the rate the last cut was made from (CUBIC's W_max)
	k       float64        // seconds after a cut at which CUBIC is back at wMax
	counts  [buckets]int   // accepted calls per bucket of the last window
	stamps  [buckets]int64 // the bucket number each count belongs to

	// since: only answers to calls sent from then on can cut (the last cut or unblock).
	since time.Time
	// answers are the latest answers, oldest first; at most recent of them.
	answers []answer
	// floorThrottled and floorAnswers count the answers to calls sent below the last
	// cut's rate (all of them before any cut): the noise floor is their throttled share.
	floorThrottled, floorAnswers int
	// streak is when the current run of throttled answers began; zero after a success.
	streak time.Time
	// before is the key's pacing when the streak began, given back when a probe is
	// accepted after the key was blocked.
	before pace
}

// answer is one answer: when its call was sent, whether it was throttled, and whether
// it counts towards the noise floor.
type answer struct {
	sent               time.Time
	throttled, counted bool
}

// pace is the part of a key's state a block takes away and an unblock gives back.
type pace struct {
	rate, wMax, k float64
	cut           time.Time
}

// answered records an answer and adapts the rate.
func (a *adaptive) answered(pm Permit, throttled bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	counted := a.cut.IsZero() || pm.rate < a.wMax
	if counted {
		a.floorAnswers++
		if throttled {
			a.floorThrottled++
		}
	}
	if len(a.answers) == recent {
		a.answers = append(a.answers[:0], a.answers[1:]...)
	}
	a.answers = append(a.answers, answer{sent: pm.sent, throttled: throttled, counted: counted})
	if !throttled {
		a.succeeded(now)
		return
	}
	if a.streak.IsZero() {
		a.streak = now
		a.before = pace{rate: a.rate, wMax: a.wMax, k: a.k, cut: a.cut}
	}
	if pm.sent.After(a.since) && a.ceiling() {
		a.cutRate(now)
	}
}

// floor is the throttled share the key saw at rates that were not throttled by a
// ceiling, before its latest answers (those being judged): the noise that does not
// follow the send rate.
func (a *adaptive) floor() float64 {
	throttled, answers := a.floorThrottled, a.floorAnswers
	for _, ans := range a.answers {
		if ans.counted {
			answers--
			if ans.throttled {
				throttled--
			}
		}
	}
	return (float64(throttled) + floorPrior*floorPriorAnswers) / float64(answers+floorPriorAnswers)
}

// ceiling reports whether the answers since the last cut show a ceiling rather than
// noise: a run of throttled answers too long for the floor, or a throttled share well
// above it.
func (a *adaptive) ceiling() bool {
	f := a.floor()
	run := max(minRun, int(math.Ceil(math.Log(runOdds)/math.Log(f))))
	n, throttled, tail := 0, 0, 0
	counting := true
	for i := len(a.answers) - 1; i >= 0; i-- {
		ans := a.answers[i]
		if !ans.sent.After(a.since) {
			continue
		}
		n++
		if ans.throttled {
			throttled++
			if counting {
				tail++
			}
		} else {
			counting = false
		}
	}
	if tail >= run {
		return true
	}
	if n < minShareAnswers {
		return false
	}
	mean := float64(n) * f
	spread := max(shareSigmas*math.Sqrt(mean*(1-f)), shareMargin*float64(n))
	return float64(throttled) >= mean+spread
}

// cutRate cuts the rate to Beta times the accepted rate (at most the current rate).
func (a *adaptive) cutRate(now time.Time) {
	from := min(a.accepted(now), a.rate)
	a.wMax = max(from, MinRate)
	a.k = math.Cbrt(a.wMax * (1 - Beta) / cubicScale)
	a.cut, a.since = now, now
	a.last = now // the API's bucket is empty now: wait a whole interval
	a.set(max(Beta*from, MinRate))
}

// wait blocks until a permit may be granted at the current rate, or ctx ends, and
// returns that rate. A blocked key spaces its permits (probes) by a share of the time
// it has been blocked.
func (a *adaptive) wait(ctx context.Context) (float64, error) {
	for {
		a.mu.Lock()
		now := a.now()
		r := a.rate
		if math.IsInf(r, 1) {
			a.mu.Unlock()
			return r, ctx.Err()
		}
		at := a.last.Add(a.gap(now))
		if !now.Before(at) {
			a.last = now
			a.mu.Unlock()
			return r, ctx.Err()
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
			return 0, ctx.Err()
		}
	}
}

// gap is the spacing of permits at now: 1/rate, or, while the key is blocked, a share
// of the time blocked (up to maxProbeGap) when that is longer.
func (a *adaptive) gap(now time.Time) time.Duration {
	gap := time.Duration(float64(time.Second) / a.rate)
	if blocked := a.blocked(now); blocked > 0 {
		gap = max(gap, min(time.Duration(probeShare*float64(blocked)), maxProbeGap))
	}
	return gap
}

// blocked returns how long the key has been answered nothing but throttling, once that
// is blockAfter or longer; 0 otherwise.
func (a *adaptive) blocked(now time.Time) time.Duration {
	if a.streak.IsZero() {
		return 0
	}
	if d := now.Sub(a.streak); d >= blockAfter {
		return d
	}
	return 0
}

// succeeded counts an accepted call and lets the rate grow back along CUBIC's curve
// W(t) = C·(t−K)³ + W_max, t being the time since the last cut. The first call accepted
// after a block gives back the pacing the key had before it: the API has room again (a
// quota window reopened).
func (a *adaptive) succeeded(now time.Time) {
	n := now.UnixNano() / int64(window/buckets)
	i := n % buckets
	if a.stamps[i] != n {
		a.stamps[i], a.counts[i] = n, 0
	}
	a.counts[i]++
	if a.blocked(now) > 0 {
		b := a.before
		a.wMax, a.k, a.cut, a.since = b.wMax, b.k, b.cut, now
		a.streak = time.Time{}
		a.set(b.rate)
		return
	}
	a.streak = time.Time{}
	if a.cut.IsZero() {
		return // never cut: not limited
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
