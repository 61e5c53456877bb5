package applier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/digests"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// rebuildEnv is an emulator that records the digests of what it builds, with a
// registry holding web:1, and the file declaring one cache of it.
func rebuildEnv(t *testing.T) (*env, *ecisim.Registry, *spec.File) {
	t.Helper()
	reg := ecisimtest.NewRegistry(t)
	if _, err := reg.Push(context.Background(), "web:1"); err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, ecisim.Config{Resolve: reg.Resolve})
	d := declared("web", 20, reg.Host+"/web:1")
	d.SecurityGroupID, d.VSwitchID = ptr("sg-1"), ptr("vsw-1")
	return e, reg, file("team", d)
}

func (e *env) resolvedPlan(f *spec.File) *planner.Plan {
	e.t.Helper()
	var images []string
	for _, c := range f.Caches {
		images = append(images, c.Images...)
	}
	res := digests.Resolve(context.Background(), images, digests.Options{})
	if len(res.Registries)+len(res.Images) > 0 {
		e.t.Fatalf("resolving: %v %v", res.Registries, res.Images)
	}
	return e.plan(f, planner.Options{Digests: res.Digests})
}

// A moved tag rebuilds the cache: the new one is created, and the old one is deleted
// only once the new one is Ready, so that the image always has a Ready cache; the new
// cache holds the new digest, and the next plan is clean.
func TestRebuildKeepsAReadyCache(t *testing.T) {
	e, reg, f := rebuildEnv(t)
	image := f.Caches[0].Images[0]
	out := applier.Apply(context.Background(), e.resolvedPlan(f), e.client, e.opts())
	if out[0].Result != applier.Created {
		t.Fatalf("create: %+v", out[0])
	}
	old := out[0].ID
	if p := e.resolvedPlan(f); p.HasChanges() {
		t.Fatalf("plan after create: %+v", p.Changes)
	}

	moved, err := reg.Push(context.Background(), "web:1")
	if err != nil {
		t.Fatal(err)
	}
	plan := e.resolvedPlan(f)
	ch := plan.Changes[0]
	built := e.sim.Server.State().Caches[0].Digests[image]
	if !ch.Refreshes() || ch.Refresh[0].To != moved || !strings.HasPrefix(built, ch.Refresh[0].From) {
		t.Fatalf("want a refresh to %s, got %s %+v", moved, ch.Action, ch.Refresh)
	}
	e.sim.Server.ResetHistory()
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Wait = false // a rebuild waits anyway
	out = applier.Apply(context.Background(), plan, e.client, opts)
	if out[0].Result != applier.Replaced || out[0].ID == old {
		t.Fatalf("rebuild: %+v", out[0])
	}
	var actions []string
	for _, r := range e.sim.Server.Requests() {
		if r.Action != "DescribeImageCaches" {
			actions = append(actions, r.Action)
		}
	}
	if strings.Join(actions, " ") != "CreateImageCache DeleteImageCache" {
		t.Errorf("calls %v, want a create, then a delete", actions)
	}
	live := e.live()
	if len(live) != 1 || live[0].ID != out[0].ID {
		t.Fatalf("live after the rebuild: %+v", live)
	}
	state := e.sim.Server.State().Caches
	if state[0].Digests[image] != moved {
		t.Errorf("the new cache holds %v, want %s", state[0].Digests, moved)
	}
	history := append([]ecisim.StatusChange{{Region: region, ID: old, Images: []string{image}, Status: ecisim.StatusReady}}, e.sim.Server.History()...)
	if gaps := ecisim.ReadyGaps(history, region, []string{image}); len(gaps) > 0 {
		t.Errorf("moments without a Ready cache: %+v", gaps)
	}
	if p := e.resolvedPlan(f); p.HasChanges() {
		t.Fatalf("plan after the rebuild: %+v", p.Changes)
	}
}

// A new cache that fails is deleted, and the old one kept.
func TestRebuildFailureKeepsTheOldCache(t *testing.T) {
	e, reg, f := rebuildEnv(t)
	out := applier.Apply(context.Background(), e.resolvedPlan(f), e.client, e.opts())
	old := out[0].ID
	if _, err := reg.Push(context.Background(), "web:1"); err != nil {
		t.Fatal(err)
	}
	plan := e.resolvedPlan(f)
	e.sim.Server.SetFaults(ecisim.Faults{FailCreateImage: "web"})
	out = applier.Apply(context.Background(), plan, e.client, e.opts())
	if out[0].Result != applier.Failed || out[0].ID != old || !strings.Contains(out[0].Message, "is kept") {
		t.Fatalf("failed rebuild: %+v", out[0])
	}
	live := e.live()
	if len(live) != 1 || live[0].ID != old || live[0].Status != "Ready" {
		t.Fatalf("live after a failed rebuild: %+v", live)
	}
}

// A rebuild interrupted after its create leaves two caches of one name; the next plan
// pairs the file with the old one (the new one names it in imcsync:replaces), and the
// next apply finishes the rebuild: no second create, the old cache deleted once the new
// one is Ready.
func TestInterruptedRebuildIsFinished(t *testing.T) {
	e, reg, f := rebuildEnv(t)
	out := applier.Apply(context.Background(), e.resolvedPlan(f), e.client, e.opts())
	old := out[0].ID
	if _, err := reg.Push(context.Background(), "web:1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	opts := e.opts()
	opts.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	out = applier.Apply(ctx, e.resolvedPlan(f), e.client, opts)
	if live := e.live(); len(live) != 2 || !strings.Contains(out[0].Message, old+" is kept") {
		t.Fatalf("after the interruption: %+v, live %d", out[0], len(live))
	}
	fresh := out[0].ID

	plan := e.resolvedPlan(f)
	if ch := plan.Changes[0]; len(plan.Changes) != 1 || !ch.Refreshes() || ch.ID != old || len(plan.Unmanaged) != 0 {
		t.Fatalf("plan after the interruption: %+v, unmanaged %+v", plan.Changes, plan.Unmanaged)
	}
	e.sim.Server.ResetRequests()
	out = applier.Apply(context.Background(), plan, e.client, e.opts())
	if out[0].Result != applier.Replaced || out[0].ID != fresh {
		t.Fatalf("finishing: %+v", out[0])
	}
	if n := len(e.requests("CreateImageCache")); n != 0 {
		t.Errorf("%d creates; the earlier run's cache should be used", n)
	}
	if live := e.live(); len(live) != 1 || live[0].ID != fresh {
		t.Fatalf("live: %+v", live)
	}
	if p := e.resolvedPlan(f); p.HasChanges() {
		t.Fatalf("plan after finishing: %+v", p.Changes)
	}
}

// A rebuild interrupted after its create, whose tag moves again before the next apply
// finishes it: the rebuild is finished (the earlier run's cache kept, the old one
// deleted), but the cache is stale already, so the run fails and says to apply again,
// rather than end in success with a plan that rebuilds once more.
func TestResumedRebuildOfAMovedTagFails(t *testing.T) {
	e, reg, f := rebuildEnv(t)
	out := applier.Apply(context.Background(), e.resolvedPlan(f), e.client, e.opts())
	old := out[0].ID
	if _, err := reg.Push(context.Background(), "web:1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	opts := e.opts()
	opts.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	out = applier.Apply(ctx, e.resolvedPlan(f), e.client, opts)
	fresh := out[0].ID
	if _, err := reg.Push(context.Background(), "web:1"); err != nil { // moves again
		t.Fatal(err)
	}
	out = applier.Apply(context.Background(), e.resolvedPlan(f), e.client, e.opts())
	if out[0].Result.Converged() || !strings.Contains(out[0].Message, "moved again since: apply again") {
		t.Fatalf("finishing a stale rebuild: %+v, want a failure saying to apply again", out[0])
	}
	if live := e.live(); len(live) != 1 || live[0].ID != fresh || live[0].ID == old {
		t.Fatalf("live: %+v, want the earlier run's cache alone", live)
	}
	if p := e.resolvedPlan(f); !p.HasChanges() {
		t.Fatal("the next plan has no changes; the cache was built from the older digest")
	}
}
