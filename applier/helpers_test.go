package applier_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/eci/pacing"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

var _ applier.Client = (*eci.Client)(nil)

const region = "cn-hangzhou"

func ptr[T any](v T) *T { return &v }

// env is an emulator on a manual clock with a real eci.Client talking to it.
type env struct {
	t      testing.TB
	sim    *ecisim.Running
	clock  *ecisim.ManualClock
	client *eci.Client
}

// newEnv starts an emulator holding caches, with faults (nil: none).
func newEnv(t testing.TB, faults *ecisim.Faults, caches ...ecisim.Cache) *env {
	t.Helper()
	return newEnvWith(t, ecisim.Config{Faults: faults}, caches...)
}

// newEnvWith starts an emulator configured by cfg, on a manual clock and with a fixed
// seed, holding caches.
func newEnvWith(t testing.TB, cfg ecisim.Config, caches ...ecisim.Cache) *env {
	t.Helper()
	sim, clock := ecisimtest.NewManualServer(t, cfg, &ecisim.State{Caches: caches})
	e := &env{t: t, sim: sim, clock: clock}
	e.client = e.newClient(nil)
	return e
}

// newClient returns a client of the emulator whose calls go through pacer (nil: none).
func (e *env) newClient(pacer *pacing.Pacer) *eci.Client {
	e.t.Helper()
	client, err := eci.New(eci.Config{Endpoint: e.sim.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret, Pacer: pacer,
		Retry: retryPolicy, Breaker: eci.BreakerPolicy{Threshold: 12, MinSpan: -1}})
	if err != nil {
		e.t.Fatal(err)
	}
	return client
}

// retryPolicy retries as often as the default, with pauses of a few milliseconds.
var retryPolicy = eci.RetryPolicy{MaxAttempts: 12, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}

// opts are the defaults with the clock and pauses moved onto the emulator's manual
// clock: waiting for a status costs no real time.
func (e *env) opts() applier.Options {
	o := applier.DefaultOptions()
	o.PollInterval = time.Second
	o.PollIntervalMax = 5 * time.Second
	o.Timeout = 10 * time.Minute
	o.Getenv = func(string) string { return "" }
	o.Now = e.clock.Now
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		e.clock.Advance(d)
		return nil
	}
	return o
}

// live lists the region.
func (e *env) live() []cloud.Cache {
	e.t.Helper()
	return e.listRegion(region)
}

// listRegion lists another region.
func (e *env) listRegion(r string) []cloud.Cache {
	e.t.Helper()
	l, err := e.client.List(context.Background(), r)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// get returns one live cache.
func (e *env) get(id string) cloud.Cache {
	e.t.Helper()
	c, err := e.client.Get(context.Background(), region, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// plan builds the plan of f against the emulator's caches.
func (e *env) plan(f *spec.File, opts planner.Options) *planner.Plan {
	e.t.Helper()
	return planner.Build(f, e.live(), opts)
}

// replan is the Options.Replan that the CLI provides: plan f against one live cache.
func replan(f *spec.File) func(cloud.Cache) (planner.Change, bool) {
	return func(live cloud.Cache) (planner.Change, bool) {
		p := planner.Build(f, []cloud.Cache{live}, planner.Options{Targets: []string{live.Region + "/" + live.Name}})
		for _, ch := range p.Changes {
			if ch.ID == live.ID {
				return ch, true
			}
		}
		return planner.Change{}, false
	}
}

// requests returns the logged requests of one action.
func (e *env) requests(action string) []ecisim.LoggedRequest {
	var out []ecisim.LoggedRequest
	for _, r := range e.sim.Server.Requests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// simCache is a Ready cache in the emulator.
func simCache(id, name string, size int32, images ...string) ecisim.Cache {
	return ecisim.Cache{Region: region, ID: id, Name: name, Size: size, Images: images, Status: ecisim.StatusReady}
}

// declared is a declared cache equal to simCache(…, name, size, images…).
func declared(name string, size int32, images ...string) spec.Cache {
	return spec.Cache{Name: name, Region: region, Size: ptr(size), Images: images}
}

// file is an imagecaches.yaml with these caches.
func file(owner string, caches ...spec.Cache) *spec.File {
	return &spec.File{APIVersion: spec.APIVersion, Owner: owner, Region: region, Caches: caches}
}

// byName indexes outcomes by cache name, failing on duplicates.
func byName(t testing.TB, outcomes []applier.Outcome) map[string]applier.Outcome {
	t.Helper()
	m := map[string]applier.Outcome{}
	for _, o := range outcomes {
		if _, dup := m[o.Name]; dup {
			t.Fatalf("two outcomes for %s", o.Name)
		}
		m[o.Name] = o
	}
	return m
}

// keys returns a map's keys, sorted.
func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// events counts a cache's events with this reason.
func events(c cloud.Cache, reason string) int {
	n := 0
	for _, ev := range c.Events {
		if ev.Reason == reason {
			n++
		}
	}
	return n
}
