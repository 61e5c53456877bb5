package pacing

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestPacer() (*Pacer, *fakeClock) {
	c := &fakeClock{t: time.Unix(1700000000, 0)}
	p := New(0)
	p.now = c.now
	return p, c
}

// permit is a permit sent at the fake clock's time, without waiting in real time for
// the limiter (the rate it reaches is what these tests check).
func permit(_ *testing.T, p *Pacer, action string) Permit {
	return Permit{a: p.adaptive(key{"cn-hangzhou", action}), sent: p.now()}
}

// throttleRun answers 8 calls sent together with throttling: a cluster, which cuts
// once. With a clock, the answers come 10 ms after the calls.
func throttleRun(t *testing.T, p *Pacer, c *fakeClock) {
	var inFlight []Permit
	for range 8 {
		inFlight = append(inFlight, permit(t, p, "UpdateImageCache"))
	}
	if c != nil {
		c.advance(10 * time.Millisecond)
	}
	for _, pm := range inFlight {
		pm.Throttled()
	}
}

func near(got, want float64) bool { return math.Abs(got-want) < 0.01*math.Max(1, want) }

func TestUnthrottledUntilTheFirstThrottlingAnswer(t *testing.T) {
	p, c := newTestPacer()
	for range 100 {
		permit(t, p, "UpdateImageCache").Succeeded()
		c.advance(time.Millisecond)
	}
	if r := p.Rate("cn-hangzhou", "UpdateImageCache"); !math.IsInf(r, 1) {
		t.Errorf("rate after successes only = %v, want +Inf (not limited)", r)
	}
	var nilPacer *Pacer
	pm, err := nilPacer.Wait(context.Background(), "cn-hangzhou", "UpdateImageCache")
	if err != nil {
		t.Fatal(err)
	}
	pm.Throttled() // a nil pacer's permit reports to nothing
	if r := nilPacer.Rate("cn-hangzhou", "UpdateImageCache"); !math.IsInf(r, 1) {
		t.Errorf("nil pacer rate = %v", r)
	}
}

func TestThrottlingCutsToBetaTimesTheAcceptedRateOncePerEvent(t *testing.T) {
	p, c := newTestPacer()
	// 40 calls accepted over 0.4 s, then 20 calls in flight all come back throttled.
	for range 40 {
		permit(t, p, "UpdateImageCache").Succeeded()
		c.advance(10 * time.Millisecond)
	}
	var inFlight []Permit
	for range 20 {
		inFlight = append(inFlight, permit(t, p, "UpdateImageCache"))
	}
	c.advance(50 * time.Millisecond)
	for _, pm := range inFlight {
		pm.Throttled()
	}
	if r := p.Rate("cn-hangzhou", "UpdateImageCache"); !near(r, Beta*40) {
		t.Fatalf("rate after a throttled burst = %v, want %v (one cut from 40 accepted calls/s)", r, Beta*40)
	}
	if r := p.Rate("cn-hangzhou", "DescribeImageCaches"); !math.IsInf(r, 1) {
		t.Errorf("another action's rate = %v, want +Inf: keys are paced apart", r)
	}
	// Calls sent after the cut and throttled again cut again, from at most the current rate.
	c.advance(10 * time.Millisecond)
	throttleRun(t, p, c)
	if r := p.Rate("cn-hangzhou", "UpdateImageCache"); !near(r, Beta*Beta*40) {
		t.Errorf("rate after a second event = %v, want %v", r, Beta*Beta*40)
	}
	// Nothing accepted for a second: the rate falls to the floor, never to zero.
	c.advance(2 * time.Second)
	throttleRun(t, p, c)
	if r := p.Rate("cn-hangzhou", "UpdateImageCache"); r != MinRate {
		t.Errorf("rate with nothing accepted = %v, want %v", r, MinRate)
	}
}

func TestRateGrowsBackAlongCubic(t *testing.T) {
	p, c := newTestPacer()
	for range 40 {
		permit(t, p, "UpdateImageCache").Succeeded()
		c.advance(25 * time.Millisecond)
	}
	throttleRun(t, p, nil)
	prev := p.Rate("cn-hangzhou", "UpdateImageCache")
	wMax := prev / Beta // the accepted rate it was cut from
	if wMax < 35 || wMax > 41 {
		t.Fatalf("cut from %v calls/s, want about 40 accepted in the last second", wMax)
	}
	k := math.Cbrt(wMax * (1 - Beta) / cubicScale)
	var atK float64
	for elapsed := 100 * time.Millisecond; elapsed <= 8*time.Second; elapsed += 100 * time.Millisecond {
		c.advance(100 * time.Millisecond)
		permit(t, p, "UpdateImageCache").Succeeded()
		r := p.Rate("cn-hangzhou", "UpdateImageCache")
		if r < prev {
			t.Fatalf("rate fell from %v to %v on success", prev, r)
		}
		prev = r
		if math.Abs(elapsed.Seconds()-k) < 0.05 {
			atK = r
		}
	}
	if !near(atK, wMax) {
		t.Errorf("rate %.2fs after the cut = %v, want back at %v", k, atK, wMax)
	}
	if want := cubicScale*math.Pow(8-k, 3) + wMax; !near(prev, want) {
		t.Errorf("rate 8s after the cut = %v, want %v (probing beyond %v)", prev, want, wMax)
	}
}

func TestCeilingCapsEveryKey(t *testing.T) {
	p := New(50) // one call per 20 ms, all keys together
	start := time.Now()
	for i := range 11 {
		action := "UpdateImageCache"
		if i%2 == 0 {
			action = "DescribeImageCaches"
		}
		if _, err := p.Wait(context.Background(), "cn-hangzhou", action); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("11 calls under a ceiling of 50/s took %s, want at least 200ms", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Wait(ctx, "cn-hangzhou", "UpdateImageCache"); err == nil {
		t.Error("Wait with an ended context succeeded")
	}
}

func TestWaitersSpeedUpAsSoonAsTheRateGrows(t *testing.T) {
	p := New(0)
	throttleRun(t, p, nil) // nothing accepted: cut to MinRate
	if r := p.Rate("cn-hangzhou", "UpdateImageCache"); r != MinRate {
		t.Fatalf("rate %v, want %v", r, MinRate)
	}
	start := time.Now()
	done := make(chan time.Duration, 5)
	for range 5 {
		go func() {
			if _, err := p.Wait(context.Background(), "cn-hangzhou", "UpdateImageCache"); err != nil {
				t.Error(err)
			}
			done <- time.Since(start)
		}()
	}
	// The first permit after a cut waits a whole interval (the API's bucket is empty).
	select {
	case d := <-done:
		t.Fatalf("a permit %s after the cut, want none before %s", d, time.Duration(float64(time.Second)/MinRate))
	case <-time.After(200 * time.Millisecond):
	}
	a := p.adaptive(key{"cn-hangzhou", "UpdateImageCache"})
	a.mu.Lock()
	a.set(1000)
	a.mu.Unlock()
	for range 5 {
		if d := <-done; d > 400*time.Millisecond {
			t.Errorf("a waiter got its permit %s after start; the rate grew to 1000/s at 200ms", d)
		}
	}
}

// send answers n calls of UpdateImageCache sent every interval; throttled(i) says which
// are throttled. It returns the lowest rate seen after an answer.
func send(t *testing.T, p *Pacer, c *fakeClock, n int, interval time.Duration, throttled func(i int) bool) float64 {
	lowest := math.Inf(1)
	for i := range n {
		pm := permit(t, p, "UpdateImageCache")
		pm.rate = p.Rate("cn-hangzhou", "UpdateImageCache")
		c.advance(interval)
		if throttled(i) {
			pm.Throttled()
		} else {
			pm.Succeeded()
		}
		lowest = min(lowest, p.Rate("cn-hangzhou", "UpdateImageCache"))
	}
	return lowest
}

// TestIsolatedThrottlesDoNotCutTheRate: throttling that does not follow the send rate
// (another tenant of the account: 5% of the answers, at random, and 10% in a fixed
// pattern) never cuts the rate, whether or not a ceiling was found before.
func TestIsolatedThrottlesDoNotCutTheRate(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for name, throttled := range map[string]func(int) bool{
		"5% at random":       func(int) bool { return rnd.Float64() < 0.05 },
		"every 10th answer":  func(i int) bool { return i%10 == 9 },
		"every 20th, paired": func(i int) bool { return i%20 == 18 || i%20 == 19 },
	} {
		t.Run(name, func(t *testing.T) {
			p, c := newTestPacer()
			if r := send(t, p, c, 3000, 5*time.Millisecond, throttled); !math.IsInf(r, 1) {
				t.Errorf("rate cut to %v by isolated throttling at 200 calls/s", r)
			}
			// Once a ceiling was found and the rate grew back, the same noise below it
			// cuts nothing either.
			throttleRun(t, p, c)
			cut := p.Rate("cn-hangzhou", "UpdateImageCache")
			if math.IsInf(cut, 1) {
				t.Fatal("a run of throttled answers did not cut")
			}
			c.advance(time.Second)
			interval := time.Duration(float64(time.Second) / cut)
			if r := send(t, p, c, 2000, interval, throttled); r < cut {
				t.Errorf("rate cut from %v to %v by isolated throttling below the ceiling", cut, r)
			}
		})
	}
}

// TestRisingThrottledShareCuts: a throttled share that rises well above the share seen
// at lower rates cuts the rate even when no two throttled answers are adjacent.
func TestRisingThrottledShareCuts(t *testing.T) {
	p, c := newTestPacer()
	// 5% of the answers are throttled at 100 calls/s: the noise floor.
	if r := send(t, p, c, 1000, 10*time.Millisecond, func(i int) bool { return i%20 == 19 }); !math.IsInf(r, 1) {
		t.Fatalf("rate cut to %v by a steady 5%%", r)
	}
	// At 200 calls/s every third answer is throttled: the share follows the rate.
	r := send(t, p, c, 200, 5*time.Millisecond, func(i int) bool { return i%3 == 2 })
	if math.IsInf(r, 1) || r > Beta*200*1.01 {
		t.Errorf("rate %v after the throttled share rose to a third, want cut to about %v", r, Beta*200*2/3)
	}
}

// TestBlockedKeyProbesAndGetsItsRateBack: when nothing is accepted for a while (a used-up
// quota window), calls go out as probes spaced by a tenth of the time blocked (at most
// maxProbeGap), and the first accepted probe gives back the rate from before the block.
func TestBlockedKeyProbesAndGetsItsRateBack(t *testing.T) {
	p, c := newTestPacer()
	send(t, p, c, 200, 5*time.Millisecond, func(int) bool { return false })
	a := p.adaptive(key{"cn-hangzhou", "UpdateImageCache"})
	for elapsed := time.Duration(0); elapsed < 30*time.Second; elapsed += 500 * time.Millisecond {
		permit(t, p, "UpdateImageCache").Throttled()
		c.advance(500 * time.Millisecond)
	}
	if r := p.Rate("cn-hangzhou", "UpdateImageCache"); r != MinRate {
		t.Fatalf("rate %v after 30 s of throttling only, want %v", r, MinRate)
	}
	if g := a.gap(c.now()); g < 2900*time.Millisecond || g > 3100*time.Millisecond {
		t.Errorf("probes %s apart after 30 s blocked, want 3s", g)
	}
	c.advance(200 * time.Second)
	if g := a.gap(c.now()); g != maxProbeGap {
		t.Errorf("probes %s apart after 230 s blocked, want %s", g, maxProbeGap)
	}
	permit(t, p, "UpdateImageCache").Succeeded()
	if r := p.Rate("cn-hangzhou", "UpdateImageCache"); !math.IsInf(r, 1) {
		t.Errorf("rate %v after the first accepted probe, want the rate before the block (+Inf)", r)
	}
	if g := a.gap(c.now()); g != 0 {
		t.Errorf("permits %s apart after the block, want none", g)
	}
}
