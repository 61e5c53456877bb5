package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/policy"
	"github.com/imcsync/imcsync/planner"
)

const policyFile = `apiVersion: imcsync/v1
kind: Policy
rules:
  - name: max-size
    severity: error
    expr: '!has(cache.size) || cache.size <= 30'
    message: a cache is at most 30 GiB
  - name: team-tag
    severity: warning
    expr: '"team" in cache.tags'
    message: every cache names its team
`

// loadPolicy writes a policy file of content and loads it.
func loadPolicy(t *testing.T, content string) *policy.Policy {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	write(t, path, content)
	pol, err := policy.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return pol
}

// TestPolicyForbidsApply: the policy's findings are the plan's Policy list, each placed
// at its cache; a plan with an error finding is refused before any call, fresh or
// saved, naming the caches it forbids; warnings alone are applied and reported.
func TestPolicyForbidsApply(t *testing.T) {
	sim, conn := startSim(t, ecisim.Config{}, parseState(t, "settings: {transition: 20ms}\ncaches: []\n"))
	pol := loadPolicy(t, policyFile)
	big := loadFile(t, `apiVersion: imcsync/v1
region: cn-hangzhou
defaults: {securityGroupId: sg-1, vSwitchId: vsw-1}
imageCaches:
  - {name: web, images: [nginx:1], size: 40}
  - {name: api, images: [api:1], size: 20, tags: {team: a}}
`)
	p := mustPlan(t, big, conn, engine.PlanOptions{Policy: pol})
	var found []string
	for _, r := range p.Plan.Policy {
		found = append(found, string(r.Severity)+" "+r.Rule+" "+r.Cache)
		if r.File != big.Path || r.Line == 0 {
			t.Errorf("%+v: want it placed in %s", r, big.Path)
		}
	}
	slices.Sort(found)
	if want := []string{"error max-size cn-hangzhou/web", "warning team-tag cn-hangzhou/web"}; !slices.Equal(found, want) {
		t.Errorf("policy results %q, want %q", found, want)
	}
	for name, prepare := range map[string]func() (*engine.Run, error){
		"fresh": func() (*engine.Run, error) { return p.Prepare(nil) },
		"saved": func() (*engine.Run, error) { return engine.PrepareSaved(p.Plan, nil) },
	} {
		run, err := prepare()
		if run != nil || !errors.Is(err, policy.ErrForbidden) || !strings.Contains(err.Error(), "cn-hangzhou/web") ||
			strings.Contains(err.Error(), "cn-hangzhou/api") || !strings.Contains(err.Error(), "nothing was applied") {
			t.Errorf("%s: got %v, %v; want the change of web forbidden, and nothing else", name, run, err)
		}
	}
	if _, err := p.Apply(context.Background(), conn.Client, fastApply()); !errors.Is(err, policy.ErrForbidden) {
		t.Errorf("Planned.Apply: got %v, want the policy's refusal", err)
	}
	if n := len(sim.Server.Requests()); n != 1 {
		t.Errorf("%d requests sent, want the plan's listing alone", n)
	}

	// Warnings alone: applied, and the report carries them.
	p = mustPlan(t, loadFile(t, strings.Replace(readFile(t, big.Path), "size: 40", "size: 30", 1)), conn, engine.PlanOptions{Policy: pol})
	run, err := p.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := run.Apply(context.Background(), conn.Client, fastApply())
	if !rep.OK() || rep.Summary.Created != 2 {
		t.Errorf("apply: %+v, want both created", rep.Summary)
	}
	if len(rep.Policy) != 1 || rep.Policy[0].Rule != "team-tag" || rep.Policy[0].Severity != planner.SeverityWarning {
		t.Errorf("report's policy %+v, want the team-tag warning", rep.Policy)
	}
}

// TestRunAppliesSavedPlanAsMade: a saved plan whose cache changed since it was made is
// refused as stale and nothing is sent for it; a fresh plan made while its cache was
// busy waits for it and plans it again from the file, and converges.
func TestRunAppliesSavedPlanAsMade(t *testing.T) {
	clock := ecisim.NewManualClock(time.Now())
	sim, conn := startSim(t, ecisim.Config{Clock: clock}, parseState(t, `settings: {transition: 1m}
caches:
  - {region: cn-hangzhou, id: imc-web, name: web, images: ["nginx:1"], size: 20}
`))
	f := loadFile(t, "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [\"nginx:1\"], size: 40}\n")
	p := mustPlan(t, f, conn, engine.PlanOptions{})
	if p.Plan.Summary.Update != 1 {
		t.Fatalf("plan %+v, want web updated", p.Plan.Summary)
	}
	planFile := filepath.Join(t.TempDir(), "plan.json")
	b, err := json.Marshal(p.Plan)
	if err != nil {
		t.Fatal(err)
	}
	write(t, planFile, string(b))

	// Someone changes the cache's images after the plan.
	ctx := context.Background()
	setImages(t, conn, "imc-web", "nginx:2")
	clock.Advance(2 * time.Minute)
	sim.Server.ResetRequests()

	saved, err := engine.ReadPlan(planFile)
	if err != nil {
		t.Fatal(err)
	}
	run, err := engine.PrepareSaved(saved, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep := run.Apply(ctx, conn.Client, clocked(clock))
	if rep.OK() || rep.Summary.Stale != 1 || len(rep.Outcomes) != 1 || !strings.Contains(rep.Outcomes[0].Message, "plan again") {
		t.Errorf("saved plan: %+v %+v, want web stale", rep.Summary, rep.Outcomes)
	}
	if n := requests(sim, "UpdateImageCache"); n != 0 {
		t.Errorf("saved plan sent %d updates, want none", n)
	}
	if l := get(t, conn, "imc-web"); l.Size != 20 || !slices.Equal(l.Images, []string{"nginx:2"}) {
		t.Errorf("after the saved plan: %d GiB of %v, want it untouched", l.Size, l.Images)
	}

	// The cache is being updated again while the fresh plan is made.
	setImages(t, conn, "imc-web", "nginx:3")
	sim.Server.ResetRequests()
	p = mustPlan(t, f, conn, engine.PlanOptions{})
	if len(p.Plan.Changes) != 1 || p.Plan.Changes[0].Status != string(cloud.Updating) {
		t.Fatalf("plan %+v, want web's change made while it was Updating", p.Plan.Changes)
	}
	run, err = p.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	rep = run.Apply(ctx, conn.Client, clocked(clock))
	if !rep.OK() || rep.Summary.Updated != 1 || requests(sim, "UpdateImageCache") != 1 {
		t.Errorf("fresh plan: %+v with %d updates, want web updated once", rep.Summary, requests(sim, "UpdateImageCache"))
	}
	if l := get(t, conn, "imc-web"); l.Size != 40 || !slices.Equal(l.Images, []string{"nginx:1"}) {
		t.Errorf("after the fresh plan: %d GiB of %v, want 40 GiB of nginx:1 as the file says", l.Size, l.Images)
	}
}

// setImages changes a cache's images behind the plan's back.
func setImages(t *testing.T, conn *engine.Connection, id string, images ...string) {
	t.Helper()
	if err := conn.Client.Update(context.Background(), eci.UpdateRequest{RegionID: "cn-hangzhou", ImageCacheID: id, Params: eci.Params{"Image": images}}); err != nil {
		t.Fatal(err)
	}
}

// clocked are apply options whose waits move the emulator's manual clock.
func clocked(clock *ecisim.ManualClock) applier.Options {
	o := fastApply()
	o.Now = clock.Now
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		clock.Advance(d)
		return nil
	}
	return o
}

// TestRunInterrupted: a run whose context has ended starts no call and is not OK,
// whatever its outcomes.
func TestRunInterrupted(t *testing.T) {
	sim, conn := startSim(t, ecisim.Config{}, parseState(t, "caches: []\n"))
	f := loadFile(t, "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1], securityGroupId: sg-1, vSwitchId: vsw-1}\n")
	p := mustPlan(t, f, conn, engine.PlanOptions{})
	run, err := p.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	sim.Server.ResetRequests()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := run.Apply(ctx, conn.Client, fastApply())
	if !rep.Interrupted || rep.OK() || requests(sim, "CreateImageCache") != 0 {
		t.Errorf("interrupted run: %+v (interrupted %v), %d creates; want no call and not OK", rep.Summary, rep.Interrupted, requests(sim, "CreateImageCache"))
	}
}

// TestPrepareReadsTheEnvironment: without a getenv, registry passwords are looked up in
// the process's environment.
func TestPrepareReadsTheEnvironment(t *testing.T) {
	f := loadFile(t, `apiVersion: imcsync/v1
region: cn-hangzhou
imageCaches:
  - name: web
    images: [r.example.com/web:1]
    securityGroupId: sg-1
    vSwitchId: vsw-1
    imageRegistryCredentials:
      - {server: r.example.com, userName: ci, passwordFromEnv: ENGINE_TEST_REGISTRY_PW}
`)
	p := mustPlan(t, f, emptySaved(t), engine.PlanOptions{})
	t.Setenv("ENGINE_TEST_REGISTRY_PW", "")
	if _, err := engine.PrepareSaved(p.Plan, nil); err == nil || !strings.Contains(err.Error(), "ENGINE_TEST_REGISTRY_PW") {
		t.Errorf("unset: got %v, want the variable named", err)
	}
	t.Setenv("ENGINE_TEST_REGISTRY_PW", "pw")
	if _, err := engine.PrepareSaved(p.Plan, nil); err != nil {
		t.Errorf("set: %v", err)
	}
}

// TestNewReportOfNothing: a report of no outcomes is a converged run whose JSON lists
// no outcome (an empty list, not null), in the current format.
func TestNewReportOfNothing(t *testing.T) {
	r := engine.NewReport(nil)
	if !r.OK() || r.Outcomes == nil {
		t.Errorf("report %+v, want converged with an empty list", r)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"format_version":"1"`, `"outcomes":[]`, `"converged":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	if strings.Contains(string(b), "policy") || strings.Contains(string(b), "nterrupted") {
		t.Errorf("%s: want no policy without one, and no interrupted field", b)
	}
}

func fastApply() applier.Options {
	opts := applier.DefaultOptions()
	opts.PollInterval = 10 * time.Millisecond
	return opts
}

func requests(sim *ecisim.Running, action string) int {
	n := 0
	for _, r := range sim.Server.Requests() {
		if r.Action == action {
			n++
		}
	}
	return n
}

func get(t *testing.T, conn *engine.Connection, id string) cloud.Cache {
	t.Helper()
	l, err := conn.Client.Get(context.Background(), "cn-hangzhou", id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
