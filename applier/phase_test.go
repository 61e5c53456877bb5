package applier_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// TestProgressReportsPhases: Progress says what a cache in progress is doing: sending
// its call, waiting for the API's quota after throttling (with the API's code), waiting for it to be
// Ready with the progress the API lists; the final outcome carries no phase.
func TestProgressReportsPhases(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-a", "a", 20, "a:1"))
	plan := e.plan(file("", declared("a", 20, "a:2")), planner.Options{})
	e.sim.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{"UpdateImageCache": {ThrottleFirst: 2}}})
	opts := e.opts()
	var phases []applier.Phase
	var retryMsg string
	var settlingProgress []string
	var final applier.Outcome
	opts.Progress = func(o applier.Outcome) {
		if o.Result != applier.InProgress {
			final = o
			return
		}
		phases = append(phases, o.Phase)
		switch o.Phase {
		case applier.Retrying:
			retryMsg = o.Message
		case applier.Settling:
			settlingProgress = append(settlingProgress, o.Progress)
		}
	}
	out := applier.Apply(context.Background(), plan, e.client, opts)
	if out[0].Result != applier.Updated {
		t.Fatalf("result %s (%s), want updated", out[0].Result, out[0].Message)
	}
	// Two throttled tries: one wait for the quota, shown again only when the time
	// waited (in tenths of a second) has changed.
	want := []applier.Phase{applier.Sending, applier.Retrying}
	if len(phases) < len(want) {
		t.Fatalf("phases %v, want at least %v", phases, want)
	}
	for i, p := range want {
		if phases[i] != p {
			t.Fatalf("phases %v, want them to start with %v", phases, want)
		}
	}
	if !slices.Contains(phases, applier.Settling) {
		t.Errorf("phases %v, want settling after the call", phases)
	}
	if !strings.Contains(retryMsg, "waiting for the API's quota (Throttling.User): ") || !strings.HasSuffix(retryMsg, "s so far") {
		t.Errorf("retry message %q, want the wait for the quota, with the API's code and the time waited", retryMsg)
	}
	var listed bool
	for _, p := range settlingProgress {
		listed = listed || strings.HasSuffix(p, "%")
	}
	if !listed {
		t.Errorf("settling progress %q: want the API's percentage once the cache was listed", settlingProgress)
	}
	if final.Phase != "" || final.Progress != "" {
		t.Errorf("final outcome has phase %q, progress %q; want none", final.Phase, final.Progress)
	}
}

// TestSendingNeverExceedsParallelism: a cache counts as sending only while its own call is
// made. Once its update is accepted, a cache whose tag calls follow in the same round is
// queued, not sending, so that a view counting sending caches never shows more calls in
// flight than Parallelism allows while the updates are made.
func TestSendingNeverExceedsParallelism(t *testing.T) {
	var live []ecisim.Cache
	var desired []spec.Cache
	for i := range 12 {
		name := fmt.Sprintf("c%02d", i)
		live = append(live, simCache("imc-"+name, name, 20, "a:1"))
		d := declared(name, 40, "a:1")
		d.Tags = map[string]string{"team": "web"}
		desired = append(desired, d)
	}
	e := newEnv(t, nil, live...)
	plan := e.plan(file("", desired...), planner.Options{})
	opts := e.opts()
	opts.Parallelism = 4
	phase := map[string]applier.Phase{}
	var most, queued int
	opts.Progress = func(o applier.Outcome) {
		if o.Message == "sending tags" {
			return // the tag round: one call carries many caches
		}
		phase[o.Name] = o.Phase
		if o.Phase == applier.Queued {
			queued++
		}
		n := 0
		for _, p := range phase {
			if p == applier.Sending || p == applier.Retrying {
				n++
			}
		}
		most = max(most, n)
	}
	for _, o := range applier.Apply(context.Background(), plan, e.client, opts) {
		if o.Result != applier.Updated {
			t.Fatalf("%s: %s (%s), want updated", o.Name, o.Result, o.Message)
		}
	}
	if most > opts.Parallelism {
		t.Errorf("%d caches sending at once, want at most %d", most, opts.Parallelism)
	}
	if queued != 12 {
		t.Errorf("%d caches queued for their tag calls, want 12", queued)
	}
}

// TestSettlingSaysNothingOfTheCacheBeforeItIsRead: the first Settling event, sent when
// the call is accepted and before any read, carries no status: the status listed before
// the call (Ready) would say the cache is Ready but does not show the change yet.
func TestSettlingSaysNothingOfTheCacheBeforeItIsRead(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-a", "a", 20, "a:1"))
	plan := e.plan(file("", declared("a", 20, "a:2")), planner.Options{})
	opts := e.opts()
	var settling []applier.Outcome
	opts.Progress = func(o applier.Outcome) {
		if o.Result == applier.InProgress && o.Phase == applier.Settling {
			settling = append(settling, o)
		}
	}
	if out := applier.Apply(context.Background(), plan, e.client, opts); out[0].Result != applier.Updated {
		t.Fatalf("result %s (%s), want updated", out[0].Result, out[0].Message)
	}
	if len(settling) == 0 {
		t.Fatal("no Settling event")
	}
	if first := settling[0]; first.Status != "" || first.Progress != "" {
		t.Errorf("first Settling event has status %q, progress %q before any read; want none", first.Status, first.Progress)
	}
}
