package eci

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// RetryPolicy says how every call of a Client (listings included) is retried when it
// fails in a way Retryable accepts: throttling, a server error, an operation conflict,
// a network failure. Throttling is a wait, not a failure: a throttled try does not count
// among MaxAttempts, and the call keeps being tried (paced by the client's Pacer) until
// the wait's deadline (see WaitUntil and MaxWait). Zero fields take the defaults of
// DefaultRetryPolicy.
type RetryPolicy struct {
	// MaxAttempts is how often one call is tried, the first try included, throttled
	// tries not counted. 1 means no retry at all, not even after throttling.
	MaxAttempts int
	// BackoffBase is the ceiling of the pause before the first retry; it doubles with
	// each retry, up to BackoffMax. The pause itself is drawn at random below the
	// ceiling ("full jitter"), so that clients retrying together spread out.
	BackoffBase time.Duration
	// BackoffMax caps the ceiling of the pause.
	BackoffMax time.Duration
	// MaxWait is how long one call waits out throttling at most, when neither WaitUntil
	// nor ctx's deadline says when the run must end.
	MaxWait time.Duration
}

// DefaultRetryPolicy is six tries over about 15 s at most, and up to 30 minutes of
// waiting out throttling (apply's default --timeout).
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 6, BackoffBase: 500 * time.Millisecond, BackoffMax: 20 * time.Second, MaxWait: 30 * time.Minute}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts < 1 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BackoffBase <= 0 {
		p.BackoffBase = d.BackoffBase
	}
	if p.BackoffMax <= 0 {
		p.BackoffMax = max(d.BackoffMax, p.BackoffBase)
	}
	if p.MaxWait <= 0 {
		p.MaxWait = d.MaxWait
	}
	return p
}

// backoff is the pause after the attempt-th try: a random duration below
// min(BackoffMax, BackoffBase·2^(attempt-1)).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.BackoffMax
	if d := p.BackoffBase << (attempt - 1); d > 0 && d < ceiling {
		ceiling = d
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// attemptsKey carries a counter of requests sent in a context (see CountAttempts).
type attemptsKey struct{}

// CountAttempts returns a context under which every request a Client sends, retries
// included, adds one to n. The applier uses it to report attempts per cache.
func CountAttempts(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, attemptsKey{}, n)
}

func countAttempt(ctx context.Context) {
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// Retry is what a Client tells the observer set with ObserveRetries before it pauses
// to try a call again.
type Retry struct {
	Action      string        // the API action, e.g. UpdateImageCache
	Attempt     int           // the try that failed, from 1, throttled tries not counted
	MaxAttempts int           // how many tries the policy allows
	Err         error         // why it failed (Retryable)
	Pause       time.Duration // how long the client waits before the next try, at least
	// Waited is, for a throttled try, how long the call has been waiting out throttling
	// so far (since its first throttled answer); zero otherwise.
	Waited time.Duration
}

// waitUntilKey carries the deadline WaitUntil sets.
type waitUntilKey struct{}

// WaitUntil returns a context under which a Client's calls wait out throttling until
// deadline (the run's deadline, e.g. apply's --timeout), instead of RetryPolicy.MaxWait.
// ctx's own deadline, when earlier, still ends the wait.
func WaitUntil(ctx context.Context, deadline time.Time) context.Context {
	return context.WithValue(ctx, waitUntilKey{}, deadline)
}

// waitDeadline is when a call that started at start stops waiting out throttling.
func (c *Client) waitDeadline(ctx context.Context, start time.Time) time.Time {
	d, ok := ctx.Value(waitUntilKey{}).(time.Time)
	if !ok {
		d = start.Add(c.retry.MaxWait)
	}
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	return d
}

// ThrottledError is a call that was still throttled when its wait's deadline came.
type ThrottledError struct {
	Waited time.Duration // since the call's first throttled answer
	Last   error         // the last throttling answer
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("still throttled after waiting %s for the API's quota, until the run's deadline: %v", e.Waited.Round(time.Second), e.Last)
}

// Unwrap returns the last throttling answer, so that the error matches ErrThrottled.
func (e *ThrottledError) Unwrap() error { return e.Last }

// retryObserverKey carries the function ObserveRetries sets.
type retryObserverKey struct{}

// ObserveRetries returns a context under which a Client calls fn before each pause
// between two tries of a call, on the goroutine making the call. The applier uses it to
// show that a cache's call is being retried, and why.
func ObserveRetries(ctx context.Context, fn func(Retry)) context.Context {
	return context.WithValue(ctx, retryObserverKey{}, fn)
}

func observeRetry(ctx context.Context, r Retry) {
	if fn, ok := ctx.Value(retryObserverKey{}).(func(Retry)); ok {
		fn(r)
	}
}

// do runs one API call under the retry policy, the circuit breaker and the pacer: before
// each try it asks the breaker and waits for the pacer's permit (Ctrl-C ends that wait),
// after it tells both how the try went, and it pauses with backoff between retryable
// failures. A throttled try is retried after a short jittered pause, paced by the pacer
// (which slows the key only when throttling follows the send rate), for as long as the
// wait's deadline allows; it is not counted among the policy's attempts.
//
// A mutating call that is in flight is never abandoned: its try runs on a context that
// ctx's end does not cancel, because its effect would be unknown; ctx's end only stops
// further tries and the pauses. A read is abandoned at once.
func (c *Client) do(ctx context.Context, action, region string, mutating bool, try func(context.Context) error) error {
	key := region + "/" + action
	var last error
	var deadline, firstThrottle time.Time
	attempt := 1
	for throttles := 0; ; {
		if err := ctx.Err(); err != nil {
			return stopped(action, err, last)
		}
		if err := c.breaker.allow(key, action, region); err != nil {
			return errors.Join(err, last)
		}
		wctx, cancel := ctx, context.CancelFunc(func() {})
		if throttles > 0 {
			wctx, cancel = context.WithDeadline(ctx, deadline)
		}
		permit, err := c.pacer.Wait(wctx, region, action)
		cancel()
		if err != nil {
			if ctx.Err() == nil && throttles > 0 {
				return &ThrottledError{Waited: c.now().Sub(firstThrottle), Last: last}
			}
			return stopped(action, err, last)
		}
		tctx := ctx
		if mutating {
			tctx = context.WithoutCancel(ctx)
		}
		countAttempt(ctx)
		last = try(tctx)
		report(permit, last)
		c.observe(action, region, last)
		c.breaker.record(key, last)
		if last == nil || !Retryable(last) || c.retry.MaxAttempts == 1 {
			return last
		}
		var pause time.Duration
		rt := Retry{Action: action, Attempt: attempt, MaxAttempts: c.retry.MaxAttempts, Err: last}
		if errors.Is(last, ErrThrottled) {
			now := c.now()
			if throttles == 0 {
				firstThrottle, deadline = now, c.waitDeadline(ctx, now)
			}
			throttles++
			if !now.Before(deadline) {
				return &ThrottledError{Waited: now.Sub(firstThrottle), Last: last}
			}
			pause = min(c.throttlePause(throttles), deadline.Sub(now))
			rt.Waited = now.Sub(firstThrottle) + pause
		} else {
			if attempt >= c.retry.MaxAttempts {
				return fmt.Errorf("gave up after %d attempts: %w", attempt+throttles, last)
			}
			pause = c.retry.backoff(attempt)
			attempt++
		}
		rt.Pause = pause
		observeRetry(ctx, rt)
		if err := c.sleep(ctx, pause); err != nil {
			return stopped(action, err, last)
		}
	}
}

// throttlePause is the pause after a call's throttles-th throttled try. Paced, it is
// short (below a fifth of BackoffBase): it only spreads the retries, and the pacer does the
// waiting that a ceiling or a used-up window asks for, while noise (an isolated
// throttled answer) costs little. Unpaced, it is the usual backoff.
func (c *Client) throttlePause(throttles int) time.Duration {
	if c.pacer == nil {
		return c.retry.backoff(throttles)
	}
	if c.retry.BackoffBase < 5 {
		return 0
	}
	return rand.N(c.retry.BackoffBase / 5)
}

// stopped is the error of a call cut short by its context, keeping the last answer.
func stopped(action string, cause, last error) error {
	if last == nil {
		return fmt.Errorf("%s: %w", action, cause)
	}
	return fmt.Errorf("%w while retrying: %w", cause, last)
}

// Sleep pauses for d or until ctx ends, and then returns ctx's error. It is the pause
// between retries (Config.Sleep) and between the applier's reads (applier.Options.Sleep)
// when the caller sets none.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
