package eci_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// retrying starts an emulator with one Ready cache and faults, and a client with quick
// retries.
func retrying(t *testing.T, faults ecisim.Faults, breaker eci.BreakerPolicy) (*eci.Client, *ecisim.Running) {
	t.Helper()
	run := ecisimtest.NewServer(t, ecisim.Config{Seed: 1, Faults: &faults}, &ecisim.State{Caches: seedCaches(1, region, ecisim.StatusReady)})
	c, err := eci.New(eci.Config{Endpoint: run.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret,
		Retry: eci.RetryPolicy{MaxAttempts: 4, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}, Breaker: breaker})
	if err != nil {
		t.Fatal(err)
	}
	return c, run
}

func codes(run *ecisim.Running, action string) []string {
	var out []string
	for _, r := range run.Server.Requests() {
		if r.Action == action {
			out = append(out, r.Code)
		}
	}
	return out
}

// TestListingsAreRetried: DescribeImageCaches goes through the same retry policy as the
// mutating calls, so plan, drift and export survive a throttled or 503 listing.
func TestListingsAreRetried(t *testing.T) {
	for name, rule := range map[string]ecisim.Rule{
		"503":       {FailFirst: 2},
		"throttled": {ThrottleFirst: 3},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := retrying(t, ecisim.Faults{Actions: map[string]ecisim.Rule{"DescribeImageCaches": rule}}, eci.BreakerPolicy{})
			var n atomic.Int64
			got, err := c.List(eci.CountAttempts(context.Background(), &n), region)
			if err != nil || len(got) != 1 {
				t.Fatalf("List = %d caches, %v; want 1 after retries", len(got), err)
			}
			if want := int64(max(rule.FailFirst, rule.ThrottleFirst) + 1); n.Load() != want {
				t.Errorf("%d attempts counted, want %d", n.Load(), want)
			}
		})
	}
}

// TestErrorClassesAgainstInjectedCodes: conflicts and throttling are retried with the
// same ClientToken; quota and permission errors fail at once with the API's message.
func TestErrorClassesAgainstInjectedCodes(t *testing.T) {
	tests := []struct {
		fault   ecisim.ErrorFault
		retried bool
	}{
		{ecisim.ErrorFault{Code: "OperationConflict", Status: 400, First: 2}, true},
		{ecisim.ErrorFault{Code: "Throttling", Status: 400, First: 2}, true},
		{ecisim.ErrorFault{Code: "InternalError", Status: 500, First: 2}, true},
		{ecisim.ErrorFault{Code: "QuotaExceeded", Status: 403, First: 2}, false},
		{ecisim.ErrorFault{Code: "NoPermission", Status: 403, First: 2}, false},
		{ecisim.ErrorFault{Code: "Forbidden.RAM", Status: 403, First: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.fault.Code, func(t *testing.T) {
			tt.fault.Action = "UpdateImageCache"
			c, run := retrying(t, ecisim.Faults{Errors: []ecisim.ErrorFault{tt.fault}}, eci.BreakerPolicy{})
			id := seedCaches(1, region, ecisim.StatusReady)[0].ID
			err := c.Update(context.Background(), eci.UpdateRequest{RegionID: region, ImageCacheID: id, ClientToken: "tok-1", Params: eci.Params{"ImageCacheSize": int32(30)}})
			sent := codes(run, "UpdateImageCache")
			if tt.retried {
				if err != nil || len(sent) != 3 {
					t.Fatalf("Update = %v after %q; want success on the third try", err, sent)
				}
				for _, r := range run.Server.Requests() {
					if r.Action == "UpdateImageCache" && r.Params["ClientToken"] != "tok-1" {
						t.Errorf("a retry sent ClientToken %q", r.Params["ClientToken"])
					}
				}
				return
			}
			var api *eci.APIError
			if !errors.As(err, &api) || api.Code != tt.fault.Code || !errors.Is(err, eci.ErrPermanent) || len(sent) != 1 {
				t.Fatalf("Update = %v after %q; want %s at once", err, sent, tt.fault.Code)
			}
			if !strings.Contains(err.Error(), api.Message) || api.Message == "" {
				t.Errorf("error %q does not carry the API's message", err)
			}
		})
	}
}

// TestBreakerStopsADeadAction: once UpdateImageCache failed often enough in a row, no
// further update is sent; listings, a separate action, still are.
func TestBreakerStopsADeadAction(t *testing.T) {
	c, run := retrying(t, ecisim.Faults{Actions: map[string]ecisim.Rule{"UpdateImageCache": {FailRate: 1}}},
		eci.BreakerPolicy{Threshold: 5, MinSpan: -1, Cooldown: time.Hour})
	id := seedCaches(1, region, ecisim.StatusReady)[0].ID
	update := func() error {
		return c.Update(context.Background(), eci.UpdateRequest{RegionID: region, ImageCacheID: id, Params: eci.Params{"ImageCacheSize": int32(30)}})
	}
	if err := update(); !errors.Is(err, eci.ErrServer) || errors.Is(err, eci.ErrCircuitOpen) {
		t.Fatalf("first update: %v, want the 503 after 4 tries", err)
	}
	err := update()
	var open *eci.CircuitOpenError
	if !errors.As(err, &open) || !errors.Is(err, eci.ErrServer) || open.Failures != 5 || eci.Retryable(err) {
		t.Fatalf("second update: %v, want the breaker open after one more try, with the cause", err)
	}
	if err := update(); !errors.Is(err, eci.ErrCircuitOpen) {
		t.Fatalf("third update: %v, want refused", err)
	}
	if n := len(codes(run, "UpdateImageCache")); n != 5 {
		t.Errorf("%d updates sent, want 5 (the breaker's threshold)", n)
	}
	if _, err := c.List(context.Background(), region); err != nil {
		t.Errorf("List after the update breaker opened: %v", err)
	}
}

// TestBreakerProbesAfterCooldown: after the cooldown one call goes through; its success
// closes the breaker.
func TestBreakerProbesAfterCooldown(t *testing.T) {
	c, run := retrying(t, ecisim.Faults{Actions: map[string]ecisim.Rule{"DescribeImageCaches": {FailFirst: 3}}},
		eci.BreakerPolicy{Threshold: 3, MinSpan: -1, Cooldown: 50 * time.Millisecond})
	if _, err := c.List(context.Background(), region); !errors.Is(err, eci.ErrCircuitOpen) {
		t.Fatalf("List = %v, want the breaker open after 3 failures", err)
	}
	time.Sleep(60 * time.Millisecond)
	if _, err := c.List(context.Background(), region); err != nil {
		t.Fatalf("List after the cooldown = %v, want the probe to succeed", err)
	}
	if got := codes(run, "DescribeImageCaches"); len(got) != 4 {
		t.Errorf("describes %q, want 3 failures and the probe", got)
	}
}

// TestThrottlingIsAWaitUntilTheDeadline: a throttled call is not one of the policy's
// few tries; it is tried again until the run's deadline (WaitUntil), and then fails
// with the time waited and the API's last answer. The observer is told that it waits.
func TestThrottlingIsAWaitUntilTheDeadline(t *testing.T) {
	c, run := retrying(t, ecisim.Faults{Actions: map[string]ecisim.Rule{"DescribeImageCaches": {ThrottleRate: 1}}}, eci.BreakerPolicy{})
	var waited []time.Duration
	ctx := eci.ObserveRetries(context.Background(), func(r eci.Retry) { waited = append(waited, r.Waited) })
	ctx = eci.WaitUntil(ctx, time.Now().Add(time.Second))
	_, err := c.List(ctx, region)
	var te *eci.ThrottledError
	if !errors.As(err, &te) || !errors.Is(err, eci.ErrThrottled) || !strings.Contains(err.Error(), "Throttling.User") {
		t.Fatalf("List = %v, want a ThrottledError carrying the API's answer", err)
	}
	if n := len(codes(run, "DescribeImageCaches")); n <= 4 {
		t.Errorf("%d tries, want more than the policy's 4: throttling is a wait", n)
	}
	if len(waited) == 0 || waited[len(waited)-1] <= waited[0] {
		t.Errorf("times waited told to the observer: %v, want them growing", waited)
	}
	// Without a deadline, MaxAttempts 1 still means a single try.
	c1, err := eci.New(eci.Config{Endpoint: run.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret,
		Retry: eci.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	before := len(codes(run, "DescribeImageCaches"))
	if _, err := c1.List(context.Background(), region); !errors.Is(err, eci.ErrThrottled) || len(codes(run, "DescribeImageCaches")) != before+1 {
		t.Errorf("List with MaxAttempts 1 = %v after %d tries, want one throttled try", err, len(codes(run, "DescribeImageCaches"))-before)
	}
}
