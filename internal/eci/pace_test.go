package eci_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/eci/pacing"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// TestCallsReportThrottlingToThePacer checks that every call goes through the pacer of
// its region and action: a run of throttling answers cuts that key's rate, and only
// that key's.
func TestCallsReportThrottlingToThePacer(t *testing.T) {
	faults := &ecisim.Faults{Actions: map[string]ecisim.Rule{"DescribeImageCaches": {ThrottleFirst: 4}}}
	run, _ := ecisimtest.NewManualServer(t, ecisim.Config{Clock: ecisim.NewManualClock(epoch), Faults: faults}, nil)
	pacer := pacing.New(0)
	// One try per call, so that the throttling answer is what List returns.
	c, err := eci.New(eci.Config{Endpoint: run.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret, Pacer: pacer,
		Retry: eci.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 4 {
		if _, err := c.List(ctx, region); !errors.Is(err, eci.ErrThrottled) {
			t.Fatalf("List %d: %v, want throttled", i+1, err)
		}
	}
	if r := pacer.Rate(region, "DescribeImageCaches"); math.IsInf(r, 1) || r > pacing.MinRate {
		t.Errorf("DescribeImageCaches rate after 4 throttled calls = %v, want cut to %v", r, pacing.MinRate)
	}
	if r := pacer.Rate(region, "UpdateImageCache"); !math.IsInf(r, 1) {
		t.Errorf("UpdateImageCache rate = %v, want not limited", r)
	}
	if r := pacer.Rate("cn-shanghai", "DescribeImageCaches"); !math.IsInf(r, 1) {
		t.Errorf("another region's rate = %v, want not limited", r)
	}
	// The next call waits for the cut rate, and the answer lets the rate grow again.
	start := time.Now()
	if _, err := c.List(ctx, region); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second List took %s", d)
	}
	// A cancelled context stops the wait for a permit.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.List(cancelled, region); !errors.Is(err, context.Canceled) {
		t.Errorf("List with a cancelled context: %v", err)
	}
}
