package applier_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// liveOf is Options.Live for one region's listing.
func liveOf(caches []cloud.Cache) map[string][]cloud.Cache {
	return map[string][]cloud.Cache{region: caches}
}

// TestPlansListingIsTheFirstRead checks that apply of a fresh plan does not list again
// what the plan was just made from: the first call is the update.
func TestPlansListingIsTheFirstRead(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-a", "a", 20, "img:1"), simCache("imc-b", "b", 20, "img:1"))
	f := file("", declared("a", 40, "img:1"), declared("b", 20, "img:1"))
	live := e.live()
	plan := planner.Build(f, live, planner.Options{})
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Live = liveOf(live)
	opts.Replan = replan(f)

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if s := applier.Summarize(out); s.Updated != 1 || s.Unchanged != 1 {
		t.Fatalf("summary %s, want 1 updated, 1 unchanged", s)
	}
	reqs := e.sim.Server.Requests()
	if len(reqs) == 0 || reqs[0].Action != "UpdateImageCache" {
		t.Fatalf("first request %+v, want UpdateImageCache: the plan's listing is the first read", reqs)
	}
}

// TestSettleCheckStartsRightAfterTheCallsAndBacksOff checks the polling: the first
// read right after the last call, then pauses of PollInterval growing by half.
func TestSettleCheckStartsRightAfterTheCallsAndBacksOff(t *testing.T) {
	e := newEnvWith(t, ecisim.Config{Transition: 2 * time.Second}, simCache("imc-a", "a", 20, "img:1"))
	f := file("", declared("a", 40, "img:1"))
	live := e.live()
	plan := planner.Build(f, live, planner.Options{})
	e.sim.Server.ResetRequests()
	opts := e.opts() // PollInterval 1s, PollIntervalMax 5s
	opts.Live = liveOf(live)
	var trace []string
	sleep := opts.Sleep
	opts.Sleep = func(ctx context.Context, d time.Duration) error {
		trace = append(trace, fmt.Sprintf("%d requests, sleep %s", len(e.sim.Server.Requests()), d))
		return sleep(ctx, d)
	}

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if out[0].Result != applier.Updated {
		t.Fatalf("outcome %+v", out[0])
	}
	// Update, read (Updating), 1s, read (Updating), 1.5s, read (Ready after 2.5s).
	want := []string{"2 requests, sleep 1s", "3 requests, sleep 1.5s"}
	if !slices.Equal(trace, want) {
		t.Errorf("pauses %q, want %q", trace, want)
	}
	if n := len(e.requests("DescribeImageCaches")); n != 3 {
		t.Errorf("%d reads, want 3", n)
	}
}

// TestPollPausesStopGrowingAtPollIntervalMax checks that the pauses, growing by half,
// never exceed PollIntervalMax, however long a cache takes to settle.
func TestPollPausesStopGrowingAtPollIntervalMax(t *testing.T) {
	e := newEnvWith(t, ecisim.Config{Transition: 10 * time.Second}, simCache("imc-a", "a", 20, "img:1"))
	f := file("", declared("a", 40, "img:1"))
	live := e.live()
	plan := planner.Build(f, live, planner.Options{})
	opts := e.opts() // PollInterval 1s, PollIntervalMax 5s
	opts.Live = liveOf(live)
	var pauses []time.Duration
	sleep := opts.Sleep
	opts.Sleep = func(ctx context.Context, d time.Duration) error {
		pauses = append(pauses, d)
		return sleep(ctx, d)
	}

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if out[0].Result != applier.Updated {
		t.Fatalf("outcome %+v", out[0])
	}
	// Updating at 0, 1s, 2.5s, 4.75s and 8.125s; Ready at 13.125s.
	want := []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond, 3375 * time.Millisecond, 5 * time.Second}
	if !slices.Equal(pauses, want) {
		t.Errorf("pauses %v, want %v", pauses, want)
	}
}

// TestOnlyRegionsWithCachesInFlightArePolled checks that, while a cache settles in one
// region, a region whose caches are all done is not read again.
func TestOnlyRegionsWithCachesInFlightArePolled(t *testing.T) {
	other := simCache("imc-b", "b", 20, "img:1")
	other.Region = "cn-shanghai"
	e := newEnv(t, nil, simCache("imc-a", "a", 20, "img:1"), other)
	otherDecl := declared("b", 20, "img:1")
	otherDecl.Region = other.Region
	f := file("", declared("a", 40, "img:1"), otherDecl)
	live := append(e.live(), e.listRegion(other.Region)...)
	plan := planner.Build(f, live, planner.Options{})
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Live = map[string][]cloud.Cache{region: live[:1], other.Region: live[1:]}

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if s := applier.Summarize(out); s.Updated != 1 || s.Unchanged != 1 {
		t.Fatalf("summary %s, want 1 updated, 1 unchanged", s)
	}
	reads := e.requests("DescribeImageCaches")
	if len(reads) == 0 {
		t.Fatal("no read after the update")
	}
	for _, r := range reads {
		if r.Params["RegionId"] != region {
			t.Errorf("a read of %s (%v): only %s has a cache in flight", r.Params["RegionId"], r.Params, region)
		}
	}
}

// TestFewCachesInFlightAreLookedUpByID checks that a region of three pages with two
// caches in flight is polled with two lookups rather than three pages.
func TestFewCachesInFlightAreLookedUpByID(t *testing.T) {
	var caches []ecisim.Cache
	var decl []spec.Cache
	for i := range 250 {
		name := fmt.Sprintf("c%03d", i)
		caches = append(caches, simCache("imc-"+name, name, 20, "img:1"))
		size := int32(20)
		if i == 7 || i == 201 {
			size = 40
		}
		decl = append(decl, declared(name, size, "img:1"))
	}
	e := newEnv(t, nil, caches...)
	f := file("", decl...)
	live := e.live()
	plan := planner.Build(f, live, planner.Options{})
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Live = liveOf(live)

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if s := applier.Summarize(out); s.Updated != 2 || s.Unchanged != 248 {
		t.Fatalf("summary %s", s)
	}
	reads := e.requests("DescribeImageCaches")
	if len(reads) == 0 {
		t.Fatal("no read after the updates")
	}
	for _, r := range reads {
		if r.Params["ImageCacheId"] == "" {
			t.Errorf("a read lists the region (%v); two caches in flight cost two lookups, the region three pages", r.Params)
		}
	}
}
