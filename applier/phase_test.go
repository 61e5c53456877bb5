package applier_test

import (
	"context"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/ecisim"
	"github.com/imcsync/imcsync/planner"
)

// TestProgressReportsPhases: Progress says what a cache in progress is doing: sending
// its call, retrying it after throttling (with the API's code), waiting for it to be
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
	want := []applier.Phase{applier.Sending, applier.Retrying, applier.Retrying, applier.Settling}
	if len(phases) < len(want) {
		t.Fatalf("phases %v, want at least %v", phases, want)
	}
	for i, p := range want {
		if phases[i] != p {
			t.Fatalf("phases %v, want them to start with %v", phases, want)
		}
	}
	if !strings.Contains(retryMsg, "retrying after throttling (Throttling.User): attempt 3 of 12") {
		t.Errorf("retry message %q, want why and which attempt", retryMsg)
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
