package applier_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/eci/pacing"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// TestCreatesWaitForTheQuotaWindow: CreateImageCache is documented at 200 calls per
// 60 s. 260 creates meet a used-up window that reopens long after a handful of tries;
// throttling is a wait, not a failure, so all 260 are created, none twice, and the
// progress says that the caches wait for the API's quota. Time is scaled down 30 times
// so that the test takes seconds: the window to 200 per 2 s (the emulator's window logic
// is the same), the default retry policy (6 tries, pauses from 500 ms up to 20 s) to
// pauses from 17 ms up to 667 ms.
func TestCreatesWaitForTheQuotaWindow(t *testing.T) {
	const n, window = 260, 2 * time.Second
	e := newEnvWith(t, ecisim.Config{Quota: map[string]ecisim.Quota{"CreateImageCache": {Calls: 200, Per: window}}})
	client, err := eci.New(eci.Config{Endpoint: e.sim.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret,
		Pacer: pacing.New(0), Retry: eci.RetryPolicy{MaxAttempts: 6, BackoffBase: 17 * time.Millisecond, BackoffMax: 667 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var desired []spec.Cache
	for i := range n {
		c := declared(fmt.Sprintf("c%03d", i), 20, "a:1")
		c.SecurityGroupID, c.VSwitchID = ptr("sg-1"), ptr("vsw-1")
		desired = append(desired, c)
	}
	plan := e.plan(file("", desired...), planner.Options{})
	opts := e.opts()
	var waiting atomic.Int64
	var message atomic.Value
	opts.Progress = func(o applier.Outcome) {
		if o.Phase == applier.Retrying && strings.HasPrefix(o.Message, "waiting for the API's quota (Throttling.User): ") {
			waiting.Add(1)
			message.Store(o.Message)
		}
	}
	start := time.Now()
	out := applier.Apply(context.Background(), plan, client, opts)
	took := time.Since(start)
	for _, o := range out {
		if o.Result != applier.Created {
			t.Errorf("%s: %s (%s), want created", o.Name, o.Result, o.Message)
		}
	}
	accepted, throttled := 0, 0
	for _, r := range e.requests("CreateImageCache") {
		switch {
		case r.Status == 200:
			accepted++
		case r.Code == "Throttling.User":
			throttled++
		}
	}
	if accepted != n || len(e.sim.Server.State().Caches) != n {
		t.Errorf("%d creates accepted, %d caches; want %d", accepted, len(e.sim.Server.State().Caches), n)
	}
	if throttled == 0 || waiting.Load() == 0 {
		t.Errorf("%d throttled creates, %d progress updates waiting for the quota; want the second window waited for", throttled, waiting.Load())
	}
	if took < window {
		t.Errorf("all created in %s, before the second window opened at %s", took, window)
	}
	t.Logf("%d caches to create, done in %s; %d creates throttled; last progress: %v", n, took.Round(time.Millisecond), throttled, message.Load())
}
