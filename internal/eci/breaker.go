package eci

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrCircuitOpen marks a call that was not sent because the circuit breaker is open:
// the same action in the same region failed too often in a row (see BreakerPolicy).
var ErrCircuitOpen = errors.New("circuit breaker open")

// BreakerPolicy says when the client stops sending an action to a region that keeps
// failing. After Threshold consecutive server errors (5xx) or network failures of that
// action and region, spanning at least MinSpan, with no other answer in between, calls
// are refused without being sent (ErrCircuitOpen) for Cooldown; then one call is let
// through as a probe, and its answer closes the breaker or opens it again. Any answer
// that is not a server or network failure (success, throttling, a refusal) proves the
// service alive and restarts the count. Zero fields take DefaultBreakerPolicy's values;
// a negative Threshold turns the breaker off.
type BreakerPolicy struct {
	Threshold int
	MinSpan   time.Duration
	Cooldown  time.Duration
}

// DefaultBreakerPolicy opens after 10 failures in a row over at least a second, and
// probes again after 30 s.
func DefaultBreakerPolicy() BreakerPolicy {
	return BreakerPolicy{Threshold: 10, MinSpan: time.Second, Cooldown: 30 * time.Second}
}

func (p BreakerPolicy) withDefaults() BreakerPolicy {
	d := DefaultBreakerPolicy()
	if p.Threshold == 0 {
		p.Threshold = d.Threshold
	}
	if p.MinSpan == 0 {
		p.MinSpan = d.MinSpan
	}
	if p.Cooldown <= 0 {
		p.Cooldown = d.Cooldown
	}
	return p
}

// CircuitOpenError is a call refused by the open breaker, with the failure that opened
// it. It matches ErrCircuitOpen.
type CircuitOpenError struct {
	Action   string
	Region   string
	Failures int   // consecutive failures seen
	Last     error // the last of them
}

func (e *CircuitOpenError) Error() string {
	return fmt.Sprintf("%s: not sent: %s in %s failed %d times in a row, so imcsync stopped sending it (last failure: %v)",
		e.Action, e.Action, e.Region, e.Failures, e.Last)
}

// Is makes a *CircuitOpenError match ErrCircuitOpen.
func (e *CircuitOpenError) Is(target error) bool { return target == ErrCircuitOpen }

// Unwrap returns the failure that opened the breaker.
func (e *CircuitOpenError) Unwrap() error { return e.Last }

// breaker keeps one failure run per region and action.
type breaker struct {
	policy BreakerPolicy
	now    func() time.Time
	mu     sync.Mutex
	runs   map[string]*failureRun
}

// failureRun is a run of consecutive server or network failures.
type failureRun struct {
	count     int
	since     time.Time // the first failure of the run
	last      error
	openUntil time.Time // zero while closed
}

func newBreaker(p BreakerPolicy, now func() time.Time) *breaker {
	return &breaker{policy: p.withDefaults(), now: now, runs: map[string]*failureRun{}}
}

// allow refuses a call while the breaker of key is open. Once Cooldown has passed it
// lets one call through and keeps refusing the others until that call's answer.
func (b *breaker) allow(key, action, region string) error {
	if b.policy.Threshold < 0 {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	run := b.runs[key]
	if run == nil || run.openUntil.IsZero() {
		return nil
	}
	now := b.now()
	if now.Before(run.openUntil) {
		return &CircuitOpenError{Action: action, Region: region, Failures: run.count, Last: run.last}
	}
	run.openUntil = now.Add(b.policy.Cooldown) // this call is the probe
	return nil
}

// record counts a try's answer.
func (b *breaker) record(key string, err error) {
	if b.policy.Threshold < 0 || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !serverOrNetwork(err) {
		delete(b.runs, key)
		return
	}
	now := b.now()
	run := b.runs[key]
	if run == nil {
		run = &failureRun{since: now}
		b.runs[key] = run
	}
	run.count++
	run.last = err
	if run.count >= b.policy.Threshold && now.Sub(run.since) >= b.policy.MinSpan {
		run.openUntil = now.Add(b.policy.Cooldown)
	}
}

// serverOrNetwork reports whether err is a 5xx answer or no usable answer at all.
func serverOrNetwork(err error) bool {
	if err == nil {
		return false
	}
	var te *TransportError
	return errors.Is(err, ErrServer) || errors.As(err, &te)
}
