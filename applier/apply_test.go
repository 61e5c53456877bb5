package applier_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

func TestUpdateSendsOnlyChangedFields(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	plan := e.plan(file("", declared("web", 40, "nginx:1")), planner.Options{})
	e.sim.Server.ResetRequests()

	out := applier.Apply(context.Background(), plan, e.client, e.opts())

	if len(out) != 1 || out[0].Result != applier.Updated || out[0].Attempts != 1 || out[0].Status != cloud.Ready || out[0].Err != nil {
		t.Fatalf("outcomes = %+v, want one updated, Ready, 1 attempt", out)
	}
	updates := e.requests("UpdateImageCache")
	if len(updates) != 1 {
		t.Fatalf("%d UpdateImageCache calls, want 1", len(updates))
	}
	if got, want := keys(updates[0].Params), []string{"ClientToken", "ImageCacheId", "ImageCacheSize", "RegionId"}; !cmp.Equal(got, want) {
		t.Errorf("UpdateImageCache params = %v, want %v", got, want)
	}
	if p := updates[0].Params; p["ImageCacheId"] != "imc-web" || p["ImageCacheSize"] != "40" || !strings.HasPrefix(p["ClientToken"], "imcsync-") || len(p["ClientToken"]) > 64 {
		t.Errorf("UpdateImageCache params = %v", p)
	}
	if describes := len(e.requests("DescribeImageCaches")); describes < 2 {
		t.Errorf("%d DescribeImageCaches calls, want a precondition read and at least one wait read", describes)
	}
	if got := e.get("imc-web"); got.Size != 40 || got.Status != cloud.Ready {
		t.Errorf("live cache = size %d %s, want 40 Ready", got.Size, got.Status)
	}
}

func TestNoopSendsNothing(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"), simCache("imc-api", "api", 30, "api:2"))
	plan := e.plan(file("", declared("web", 20, "nginx:1"), declared("api", 30, "api:2")), planner.Options{})
	e.sim.Server.ResetRequests()

	out := applier.Apply(context.Background(), plan, e.client, e.opts())

	for _, o := range out {
		if o.Result != applier.Unchanged || o.Attempts != 0 {
			t.Errorf("%s: %s after %d attempts, want unchanged without a call", o.Name, o.Result, o.Attempts)
		}
	}
	if n := len(e.sim.Server.Requests()); n != 0 {
		t.Errorf("%d requests for a plan without changes, want 0", n)
	}
	if !applier.Converged(out) {
		t.Error("Converged = false for unchanged caches")
	}
}

func TestRetriesConvergeWithOneEffect(t *testing.T) {
	tests := map[string]ecisim.Faults{
		"throttle 30%":       {Rule: ecisim.Rule{ThrottleRate: 0.3}},
		"first 503s":         {Actions: map[string]ecisim.Rule{"UpdateImageCache": {FailFirst: 8}, "DescribeImageCaches": {FailFirst: 2}}},
		"503s and throttles": {Rule: ecisim.Rule{FailRate: 0.15, ThrottleRate: 0.15, ThrottleFirst: 4}},
	}
	for name, faults := range tests {
		t.Run(name, func(t *testing.T) {
			var caches []ecisim.Cache
			var decl []spec.Cache
			for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
				caches = append(caches, simCache("imc-"+n, n, 20, n+":1"))
				decl = append(decl, declared(n, 20, n+":2"))
			}
			e := newEnv(t, nil, caches...)
			plan := e.plan(file("", decl...), planner.Options{})
			e.sim.Server.ResetRequests()
			e.sim.Server.SetFaults(faults)
			out := applier.Apply(context.Background(), plan, e.client, e.opts())

			for _, o := range out {
				if o.Result != applier.Updated {
					t.Errorf("%s: %s (%s, %v), want updated", o.Name, o.Result, o.Message, o.Err)
				}
			}
			e.sim.Server.SetFaults(ecisim.Faults{})
			tokens := map[string]map[string]bool{}
			accepted := map[string]int{}
			retried := 0
			for _, r := range e.requests("UpdateImageCache") {
				id := r.Params["ImageCacheId"]
				if tokens[id] == nil {
					tokens[id] = map[string]bool{}
				}
				tokens[id][r.Params["ClientToken"]] = true
				if r.Status == 200 {
					accepted[id]++
				} else {
					retried++
				}
			}
			if retried == 0 {
				t.Error("no UpdateImageCache call was refused; the faults did not bite")
			}
			for _, c := range caches {
				if len(tokens[c.ID]) != 1 || accepted[c.ID] != 1 {
					t.Errorf("%s: %d ClientTokens, %d accepted calls; want 1 and 1", c.ID, len(tokens[c.ID]), accepted[c.ID])
				}
				if live := e.get(c.ID); events(live, "Updating") != 1 {
					t.Errorf("%s: %d Updating events, want exactly one effect", c.ID, events(live, "Updating"))
				}
			}
		})
	}
}

func TestUpdateFailedReportsEventMessage(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	plan := e.plan(file("", declared("web", 20, "registry.example.com/fail-update:1")), planner.Options{})

	out := applier.Apply(context.Background(), plan, e.client, e.opts())

	o := out[0]
	if o.Result != applier.Failed || o.Status != cloud.UpdateFailed || o.Err == nil {
		t.Fatalf("outcome = %+v, want failed in UpdateFailed with an error", o)
	}
	if !strings.Contains(o.Message, "Failed to pull image") || !strings.Contains(o.Err.Error(), "web") {
		t.Errorf("message %q / error %q: want the event message, and the cache named in the error", o.Message, o.Err)
	}
	if applier.Converged(out) {
		t.Error("Converged = true with a failed cache")
	}
}

// makeBusy starts an update of a write-only field (so the fingerprint stays), leaving
// the cache Updating for the emulator's transition time.
func (e *env) makeBusy(id string) {
	e.t.Helper()
	if err := e.client.Update(context.Background(), eci.UpdateRequest{RegionID: region, ImageCacheID: id, Params: eci.Params{"RetentionDays": int32(30)}}); err != nil {
		e.t.Fatal(err)
	}
}

func TestBusyCacheIsWaitedFor(t *testing.T) {
	for _, withReplan := range []bool{false, true} {
		t.Run(map[bool]string{false: "saved plan", true: "replan"}[withReplan], func(t *testing.T) {
			e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
			f := file("", declared("web", 40, "nginx:1"))
			plan := e.plan(f, planner.Options{})
			e.makeBusy("imc-web") // between plan and apply
			e.sim.Server.ResetRequests()
			opts := e.opts()
			opts.CheckFingerprints = !withReplan
			if withReplan {
				opts.Replan = replan(f)
			}
			var seen []string
			opts.Progress = func(o applier.Outcome) { seen = append(seen, string(o.Result)+" "+o.Message) }

			out := applier.Apply(context.Background(), plan, e.client, opts)

			if out[0].Result != applier.Updated || out[0].Attempts != 1 {
				t.Fatalf("outcome = %+v, want updated after 1 attempt", out[0])
			}
			for _, r := range e.requests("UpdateImageCache") {
				if r.Code != "" {
					t.Errorf("UpdateImageCache answered %s: it was sent while the cache was busy", r.Code)
				}
			}
			if !strings.Contains(strings.Join(seen, "\n"), "waiting: the cache is Updating") {
				t.Errorf("progress = %q, want a wait for the busy cache", seen)
			}
			if got := e.get("imc-web").Size; got != 40 {
				t.Errorf("size = %d, want 40", got)
			}
		})
	}
}

func TestIncorrectStatusLeadsToFreshReadAndWait(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	plan := e.plan(file("", declared("web", 40, "nginx:1")), planner.Options{})
	opts := e.opts()
	busied := false
	opts.Progress = func(o applier.Outcome) {
		// The cache turns busy after the precondition read, right before the call.
		if o.Message == "sending" && !busied {
			busied = true
			e.makeBusy("imc-web")
		}
	}
	e.sim.Server.ResetRequests()

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if out[0].Result != applier.Updated || out[0].Attempts != 2 {
		t.Fatalf("outcome = %+v, want updated after 2 attempts", out[0])
	}
	var codes []string
	for _, r := range e.requests("UpdateImageCache") {
		codes = append(codes, r.Code)
	}
	if want := []string{"", "ImageCache.IncorrectStatus", ""}; !cmp.Equal(codes, want) {
		t.Errorf("UpdateImageCache answers = %q, want %q (makeBusy's, the refused one, the accepted one)", codes, want)
	}
}

func TestPermanentErrorIsNotRetried(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	c := declared("web", 20, "nginx:1")
	c.EliminationStrategy = ptr("FIFO") // the API refuses it; spec would have too
	plan := e.plan(file("", c), planner.Options{})
	e.sim.Server.ResetRequests()

	out := applier.Apply(context.Background(), plan, e.client, e.opts())

	o := out[0]
	var api *eci.APIError
	if o.Result != applier.Failed || o.Attempts != 1 || !errors.As(o.Err, &api) || !errors.Is(o.Err, eci.ErrPermanent) {
		t.Fatalf("outcome = %+v, want failed after 1 attempt with a permanent *eci.APIError", o)
	}
	if api.Code != "InvalidParameter" || !strings.HasPrefix(o.Message, "InvalidParameter: ") {
		t.Errorf("code %q, message %q: want the API's code and message", api.Code, o.Message)
	}
	if n := len(e.requests("UpdateImageCache")); n != 1 {
		t.Errorf("%d UpdateImageCache calls, want 1", n)
	}
}

func TestInterruptLetsCallsInFlightFinish(t *testing.T) {
	var caches []ecisim.Cache
	var decl []spec.Cache
	for i := range 30 {
		n := fmt.Sprintf("c%02d", i)
		caches = append(caches, simCache("imc-"+n, n, 20, "img:1"))
		decl = append(decl, declared(n, 40, "img:1"))
	}
	e := newEnv(t, nil, caches...)
	plan := e.plan(file("", decl...), planner.Options{})
	e.sim.Server.ResetRequests()
	e.sim.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{"UpdateImageCache": {Latency: ecisim.Duration(200 * time.Millisecond)}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := e.opts()
	opts.Parallelism = 3
	var once sync.Once
	opts.Progress = func(o applier.Outcome) {
		if o.Message == "sending" {
			once.Do(func() { time.AfterFunc(50*time.Millisecond, cancel) }) // Ctrl-C while calls are in flight
		}
	}

	start := time.Now()
	out := applier.Apply(ctx, plan, e.client, opts)
	elapsed := time.Since(start)

	if elapsed > 2*time.Second {
		t.Errorf("Apply took %s after the interrupt, want a prompt return", elapsed)
	}
	s := applier.Summarize(out)
	sent := e.requests("UpdateImageCache")
	if len(sent) == 0 || len(sent) > opts.Parallelism || s.Sent != len(sent) || s.Skipped != len(out)-len(sent) {
		t.Fatalf("%d calls sent, summary %s: want the calls in flight (1..%d) finished and reported sent (not verified), the rest skipped", len(sent), s, opts.Parallelism)
	}
	if applier.Converged(out) {
		t.Error("an interrupted run converged")
	}
	for _, r := range sent {
		if r.Status != 200 {
			t.Errorf("call in flight answered %d %s, want it finished normally", r.Status, r.Code)
		}
	}
	for _, o := range out {
		if o.Result == applier.Skipped && (!errors.Is(o.Err, applier.ErrInterrupted) || o.Attempts != 0) {
			t.Errorf("%s: skipped with %v after %d attempts, want errInterrupted and none", o.Name, o.Err, o.Attempts)
		}
	}
}

func TestRerunOfTheSamePlanHasNoSecondEffect(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	plan := e.plan(file("", declared("web", 40, "nginx:1")), planner.Options{})

	first := applier.Apply(context.Background(), plan, e.client, e.opts())
	second := applier.Apply(context.Background(), plan, e.client, e.opts())

	if first[0].Result != applier.Updated || second[0].Result != applier.Unchanged {
		t.Fatalf("results %s, %s; want updated, then unchanged (the API's NoNeedUpdate)", first[0].Result, second[0].Result)
	}
	updates := e.requests("UpdateImageCache")
	if len(updates) != 2 || updates[0].Params["ClientToken"] == updates[1].Params["ClientToken"] {
		t.Fatalf("UpdateImageCache calls = %+v, want two, each run with its own ClientToken", updates)
	}
	if n := events(e.get("imc-web"), "Updating"); n != 1 {
		t.Errorf("%d Updating events, want one effect", n)
	}

	// A saved plan checks fingerprints: its cache has changed, by the first run, to what
	// the plan asks for: it is already applied, and nothing is sent.
	opts := e.opts()
	opts.CheckFingerprints = true
	third := applier.Apply(context.Background(), plan, e.client, opts)
	if third[0].Result != applier.Unchanged || !strings.HasPrefix(third[0].Message, "already applied") || len(e.requests("UpdateImageCache")) != 2 {
		t.Errorf("third run: %s (%s) with %d calls in all, want already applied and no new call", third[0].Result, third[0].Message, len(e.requests("UpdateImageCache")))
	}
}

func TestStalePlan(t *testing.T) {
	for _, withReplan := range []bool{false, true} {
		t.Run(map[bool]string{false: "saved plan", true: "replan"}[withReplan], func(t *testing.T) {
			e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
			f := file("", declared("web", 40, "nginx:1"))
			plan := e.plan(f, planner.Options{})
			// Someone changes the cache after the plan.
			if err := e.client.Update(context.Background(), eci.UpdateRequest{RegionID: region, ImageCacheID: "imc-web", Params: eci.Params{"Image": []string{"nginx:2"}}}); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(time.Minute)
			e.sim.Server.ResetRequests()
			opts := e.opts()
			opts.CheckFingerprints = true
			if withReplan {
				opts.Replan = replan(f)
			}

			out := applier.Apply(context.Background(), plan, e.client, opts)

			updates := e.requests("UpdateImageCache")
			if !withReplan {
				if out[0].Result != applier.Stale || len(updates) != 0 || !strings.Contains(out[0].Message, "plan again") {
					t.Fatalf("outcome %+v with %d calls, want stale and none", out[0], len(updates))
				}
				return
			}
			// Replanned: the images go back to nginx:1 along with the size.
			if out[0].Result != applier.Updated || len(updates) != 1 || updates[0].Params["Image.1"] != "nginx:1" || updates[0].Params["ImageCacheSize"] != "40" {
				t.Fatalf("outcome %+v with calls %+v, want one update of images and size", out[0], updates)
			}
		})
	}
}

func TestBlockedWaitTimesOut(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	plan := e.plan(file("", declared("web", 40, "nginx:1")), planner.Options{})
	e.makeBusy("imc-web") // Updating for the emulator's 1 s transition
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Timeout = 500 * time.Millisecond

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if out[0].Result != applier.Blocked || out[0].Status != cloud.Updating || len(e.requests("UpdateImageCache")) != 0 {
		t.Errorf("outcome %+v, want blocked in Updating with nothing sent", out[0])
	}
}

func TestBlockedInPlanSendsNothing(t *testing.T) {
	e := newEnv(t, nil)
	plan := e.plan(file("", declared("web", 40, "nginx:1")), planner.Options{}) // a create without securityGroupId/vSwitchId
	if plan.Changes[0].Action != planner.Blocked {
		t.Fatalf("planned %s, want blocked", plan.Changes[0].Action)
	}
	out := applier.Apply(context.Background(), plan, e.client, e.opts())
	if out[0].Result != applier.Blocked || out[0].Message != plan.Changes[0].Reason || len(e.sim.Server.Requests()) != 1 {
		t.Errorf("outcome %+v after %d requests, want blocked with the plan's reason and no request after the plan's", out[0], len(e.sim.Server.Requests()))
	}
}

// An update planned while the cache was busy waits for Ready, then is made: planned
// afresh (Replan), or as saved (fingerprints checked), never refused.
func TestWaitingUpdateIsMadeOnceReady(t *testing.T) {
	for _, saved := range []bool{true, false} {
		e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
		f := file("", declared("web", 40, "nginx:1"))
		e.makeBusy("imc-web") // before the plan: the update waits for Ready
		plan := e.plan(f, planner.Options{})
		if c := plan.Changes[0]; c.Action != planner.Update || c.WaitsFor != planner.WaitsReady {
			t.Fatalf("planned %s waiting for %q, want an update waiting for Ready", c.Action, c.WaitsFor)
		}
		opts := e.opts()
		if saved {
			opts.CheckFingerprints = true
		} else {
			opts.Replan = replan(f)
		}
		out := applier.Apply(context.Background(), plan, e.client, opts)
		if out[0].Result != applier.Updated || out[0].Action != planner.Update || e.get("imc-web").Size != 40 {
			t.Errorf("saved=%v: %+v, want updated once the cache settled", saved, out[0])
		}
	}
}

func TestListFailureFailsTheRegion(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	plan := e.plan(file("", declared("web", 40, "nginx:1")), planner.Options{})
	e.sim.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{"DescribeImageCaches": {FailFirst: 100}}})
	out := applier.Apply(context.Background(), plan, e.client, e.opts())

	if o := out[0]; o.Result != applier.Failed || !errors.Is(o.Err, eci.ErrServer) || !strings.Contains(o.Message, "gave up after 12 attempts") {
		t.Errorf("outcome = %+v, want failed with the server error after 12 attempts", o)
	}
	if n := len(e.requests("UpdateImageCache")); n != 0 {
		t.Errorf("%d updates sent without a precondition read", n)
	}
}

// TestDeadAPIStopsPromptly: with every UpdateImageCache answered 503, the client's
// breaker opens and the caches not yet sent are skipped as not attempted, with the cause.
func TestDeadAPIStopsPromptly(t *testing.T) {
	var caches []ecisim.Cache
	var decl []spec.Cache
	for i := range 40 {
		n := fmt.Sprintf("c%02d", i)
		caches = append(caches, simCache("imc-"+n, n, 20, "img:1"))
		decl = append(decl, declared(n, 40, "img:1"))
	}
	e := newEnv(t, nil, caches...)
	plan := e.plan(file("", decl...), planner.Options{})
	e.sim.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{"UpdateImageCache": {FailRate: 1}}})
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Parallelism = 4

	out := applier.Apply(context.Background(), plan, e.client, opts)

	s := applier.Summarize(out)
	if s.Failed == 0 || s.Skipped == 0 || s.Failed+s.Skipped != len(out) {
		t.Fatalf("summary %s, want some failed and the rest skipped", s)
	}
	for _, o := range out {
		if o.Result == applier.Skipped && (o.Attempts != 0 || !errors.Is(o.Err, eci.ErrCircuitOpen) || !errors.Is(o.Err, eci.ErrServer) ||
			!strings.HasPrefix(o.Message, "not attempted: ") || !strings.Contains(o.Message, "ServiceUnavailable")) {
			t.Errorf("%s: skipped with %q (%v) after %d attempts, want not attempted with the 503 as cause", o.Name, o.Message, o.Err, o.Attempts)
		}
	}
	if n := len(e.requests("UpdateImageCache")); n > 30 {
		t.Errorf("%d UpdateImageCache calls to a dead API, want the breaker to stop them early", n)
	}
}

// TestInterruptWhileRetrying: a call cut short between retries is sent, not verified,
// when a try's answer left its effect unknown (503), and skipped when every try was
// refused without effect (throttling).
func TestInterruptWhileRetrying(t *testing.T) {
	for _, tt := range []struct {
		name string
		rule ecisim.Rule
		want applier.Result
	}{
		{"after a 503", ecisim.Rule{FailFirst: 1000}, applier.Sent},
		{"after throttling", ecisim.Rule{ThrottleFirst: 1000}, applier.Skipped},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
			plan := e.plan(file("", declared("web", 40, "nginx:1")), planner.Options{})
			e.sim.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{"UpdateImageCache": tt.rule}})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := e.opts()
			opts.Progress = func(o applier.Outcome) {
				if o.Phase == applier.Retrying {
					cancel() // Ctrl-C between two tries
				}
			}
			out := applier.Apply(ctx, plan, e.client, opts)
			if len(out) != 1 || out[0].Result != tt.want || out[0].Attempts == 0 {
				t.Fatalf("outcome %+v, want %s after at least one try", out, tt.want)
			}
		})
	}
}

// TestSavedPlanFinishesAnUpdateBegunBefore: a saved plan's update whose first run
// changed the size but not the tags (its tag call failed) is not stale the next time:
// the cache moved only toward the plan, so the change is sent again and finished; a
// third run finds it already applied.
func TestSavedPlanFinishesAnUpdateBegunBefore(t *testing.T) {
	e := newEnv(t, nil, simCache("imc-web", "web", 20, "nginx:1"))
	d := declared("web", 40, "nginx:1")
	d.Tags = map[string]string{"team": "web"}
	plan := e.plan(file("", d), planner.Options{})
	opts := e.opts()
	opts.CheckFingerprints = true

	e.sim.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{"TagResources": {FailFirst: 1000}}})
	first := applier.Apply(context.Background(), plan, e.client, opts)
	if live := e.get("imc-web"); first[0].Result != applier.Failed || live.Size != 40 || live.Tags["team"] != "" {
		t.Fatalf("first run: %s (%s), size %d, tags %v; want failed with the size changed and no tag", first[0].Result, first[0].Message, live.Size, live.Tags)
	}

	// The next run (a new process: its client's breaker is closed) with the API well.
	e.sim.Server.SetFaults(ecisim.Faults{})
	e.client = e.newClient(nil)
	second := applier.Apply(context.Background(), plan, e.client, opts)
	if live := e.get("imc-web"); second[0].Result != applier.Updated || live.Tags["team"] != "web" {
		t.Fatalf("second run: %s (%s), tags %v; want updated, with the tag", second[0].Result, second[0].Message, live.Tags)
	}
	third := applier.Apply(context.Background(), plan, e.client, opts)
	if third[0].Result != applier.Unchanged || !strings.HasPrefix(third[0].Message, "already applied") {
		t.Errorf("third run: %s (%s); want already applied", third[0].Result, third[0].Message)
	}
}
