package applier_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/eci/pacing"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

func TestParallelismBound(t *testing.T) {
	var caches []ecisim.Cache
	var decl []spec.Cache
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
		caches = append(caches, simCache("imc-"+n, n, 20, "img:1"))
		decl = append(decl, declared(n, 40, "img:1"))
	}
	e := newEnv(t, &ecisim.Faults{Actions: map[string]ecisim.Rule{"UpdateImageCache": {Latency: ecisim.Duration(30 * time.Millisecond)}}}, caches...)
	plan := e.plan(file("", decl...), planner.Options{})
	opts := e.opts()
	opts.Parallelism = 3

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if s := applier.Summarize(out); s.Updated != len(caches) {
		t.Fatalf("summary %s, want all updated", s)
	}
	// The largest number of UpdateImageCache calls the emulator served at once.
	type edge struct {
		at    time.Time
		delta int
	}
	var edges []edge
	for _, r := range e.requests("UpdateImageCache") {
		edges = append(edges, edge{r.Time, 1}, edge{r.Time.Add(time.Duration(r.Latency)), -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // an end before a start at the same instant
	})
	peak, n := 0, 0
	for _, ed := range edges {
		n += ed.delta
		peak = max(peak, n)
	}
	if peak > opts.Parallelism || peak < 2 {
		t.Errorf("at most %d UpdateImageCache calls at once, want 2..%d", peak, opts.Parallelism)
	}
}

func TestOutcomeJSONAndSummary(t *testing.T) {
	out := []applier.Outcome{
		{Region: "r", Name: "a", ID: "imc-a", Action: planner.Update, Result: applier.Updated, Status: "Ready", Attempts: 2, Duration: 1500 * time.Millisecond},
		{Region: "r", Name: "b", Action: planner.Update, Result: applier.Failed, Message: "QuotaExceeded: x", Err: errors.New("r/b: boom"), Attempts: 1},
		{Region: "r", Name: "c", Action: planner.Noop, Result: applier.Unchanged},
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"region": "r", "name": "a", "id": "imc-a", "action": "update", "result": "updated", "status": "Ready", "attempts": 2.0, "duration_ms": 1500.0},
		{"region": "r", "name": "b", "action": "update", "result": "failed", "message": "QuotaExceeded: x", "error": "r/b: boom", "attempts": 1.0, "duration_ms": 0.0},
		{"region": "r", "name": "c", "action": "noop", "result": "unchanged", "attempts": 0.0, "duration_ms": 0.0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	s := applier.Summarize(out)
	if s != (applier.Summary{Updated: 1, Failed: 1, Unchanged: 1}) || s.String() != "1 updated, 1 unchanged, 1 failed" {
		t.Errorf("summary = %+v %q", s, s)
	}
	if applier.Converged(out) || !applier.Converged(out[:1]) || applier.Summarize(nil).String() != "nothing to do" {
		t.Error("Converged or the empty summary is wrong")
	}
}

func TestRateLimitAndNoWait(t *testing.T) {
	var caches []ecisim.Cache
	var decl []spec.Cache
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		caches = append(caches, simCache("imc-"+n, n, 20, "img:1"))
		decl = append(decl, declared(n, 40, "img:1"))
	}
	e := newEnv(t, nil, caches...)
	plan := e.plan(file("", decl...), planner.Options{})
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Wait = false
	client := e.newClient(pacing.New(40)) // one call per 25 ms

	out := applier.Apply(context.Background(), plan, client, opts)

	if s := applier.Summarize(out); s.Sent != len(caches) || out[0].Message != applier.NotWaited || applier.Converged(out) || !applier.SentOrConverged(out) {
		t.Fatalf("summary %s (%q), want all sent, not verified, and not converged", s, out[0].Message)
	}
	reqs := e.sim.Server.Requests()
	if len(reqs) != len(caches)+1 {
		t.Fatalf("%d requests, want one List and one update per cache, no wait", len(reqs))
	}
	// The rate is kept per action: the updates alone are paced at 40/s (the listing has
	// its own). n updates at 40/s span at least (n-1)·25 ms; allow for clock granularity.
	updates := slices.DeleteFunc(reqs, func(r ecisim.LoggedRequest) bool { return r.Action != "UpdateImageCache" })
	slices.SortFunc(updates, func(a, b ecisim.LoggedRequest) int { return a.Time.Compare(b.Time) })
	if span, want := updates[len(updates)-1].Time.Sub(updates[0].Time), time.Duration(len(updates)-1)*25*time.Millisecond; span < want-10*time.Millisecond {
		t.Errorf("%d updates within %s, want at least %s at 40 calls/s", len(updates), span, want)
	}
}
