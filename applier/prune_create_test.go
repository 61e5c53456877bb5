package applier_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

func owned(c ecisim.Cache, owner string, extra ...string) ecisim.Cache {
	c.Tags = map[string]string{spec.OwnerTag: owner}
	for i := 0; i+1 < len(extra); i += 2 {
		c.Tags[extra[i]] = extra[i+1]
	}
	return c
}

// retag replaces a live cache's tags.
func (e *env) retag(id string, tags ...eci.Tag) {
	e.t.Helper()
	if err := e.client.Update(context.Background(), eci.UpdateRequest{RegionID: region, ImageCacheID: id, Params: eci.Params{"Tag": tags}}); err != nil {
		e.t.Fatal(err)
	}
}

func TestPruneDeletesOnlyOwnedCaches(t *testing.T) {
	e := newEnv(t, nil,
		owned(simCache("imc-web", "web", 20, "nginx:1"), "team"),
		owned(simCache("imc-old", "old", 20, "old:1"), "team"),
		owned(simCache("imc-foreign", "foreign", 20, "x:1"), "other"),
		owned(simCache("imc-kept", "kept", 20, "x:1"), "team", spec.PruneTag, "false"),
		owned(simCache("imc-moved", "moved", 20, "x:1"), "team"),
		owned(simCache("imc-late", "late", 20, "x:1"), "team"),
		owned(simCache("imc-guarded", "guarded", 20, "x:1"), "team"),
	)
	plan := e.plan(file("team", declared("web", 20, "nginx:1")), planner.Options{Prune: true})
	var planned []string
	for _, ch := range plan.Changes {
		if ch.Action == planner.Delete {
			planned = append(planned, ch.Name)
		}
	}
	if strings.Join(planned, ",") != "guarded,late,moved,old" {
		t.Fatalf("planned deletes %v; the planner should propose only the owned, unprotected caches", planned)
	}
	// After the plan: moved changes owner; late changes owner, and guarded gets the
	// prune=false tag, right before their delete.
	e.retag("imc-moved", eci.Tag{Key: spec.OwnerTag, Value: "other"})
	opts := e.opts()
	opts.Parallelism = 1
	opts.Progress = func(o applier.Outcome) {
		if o.Message != "sending" {
			return
		}
		switch o.Name {
		case "late":
			e.retag("imc-late", eci.Tag{Key: spec.OwnerTag, Value: "other"})
		case "guarded":
			e.retag("imc-guarded", eci.Tag{Key: spec.OwnerTag, Value: "team"}, eci.Tag{Key: spec.PruneTag, Value: "false"})
		}
	}
	e.sim.Server.ResetRequests()

	out := byName(t, applier.Apply(context.Background(), plan, e.client, opts))

	if o := out["old"]; o.Result != applier.Deleted || o.Attempts != 1 {
		t.Errorf("old: %+v, want deleted", o)
	}
	if out["web"].Result != applier.Unchanged {
		t.Errorf("web: %s, want unchanged", out["web"].Result)
	}
	for _, name := range []string{"moved", "late"} {
		var no *ownership.NotOwnedError
		if o := out[name]; o.Result != applier.Skipped || !errors.As(o.Err, &no) || no.Want != "team" || no.Got != "other" || o.Message != no.Error() {
			t.Errorf("%s: %+v, want skipped with NotOwnedError{team, other} as the message", name, o)
		}
	}
	var pe *ownership.ProtectedError
	if o := out["guarded"]; o.Result != applier.Skipped || !errors.As(o.Err, &pe) {
		t.Errorf("guarded: %+v, want skipped as protected", o)
	}
	deletes := e.requests("DeleteImageCache")
	if len(deletes) != 1 || deletes[0].Params["ImageCacheId"] != "imc-old" {
		t.Errorf("DeleteImageCache calls = %+v, want imc-old only", deletes)
	}
	var left []string
	for _, c := range e.live() {
		left = append(left, c.Name)
	}
	if strings.Contains(strings.Join(left, ","), "old") || len(left) != 6 {
		t.Errorf("live caches after prune = %v", left)
	}
}

func createFile(images ...string) *spec.File {
	c := declared("fresh", 30, images...)
	c.SecurityGroupID, c.VSwitchID = ptr("sg-1"), ptr("vsw-1")
	c.Tags = map[string]string{"team": "web"}
	c.ImageRegistryCredentials = []spec.RegistryCredential{{Server: "reg.example.com", UserName: "ci", PasswordFromEnv: "REG_PW"}}
	return file("team", c)
}

const secret = "s3cret-value"

func getenv(k string) string {
	if k == "REG_PW" {
		return secret
	}
	return ""
}

func TestCreateReachesReady(t *testing.T) {
	e := newEnv(t, nil)
	plan := e.plan(createFile("nginx:1"), planner.Options{})
	opts := e.opts()
	opts.Getenv = getenv

	out := applier.Apply(context.Background(), plan, e.client, opts)

	o := out[0]
	if o.Result != applier.Created || o.Status != cloud.Ready || !strings.HasPrefix(o.ID, "imc-") {
		t.Fatalf("outcome = %+v, want created and Ready with an id", o)
	}
	creates := e.requests("CreateImageCache")
	if len(creates) != 1 {
		t.Fatalf("%d CreateImageCache calls, want 1", len(creates))
	}
	p := creates[0].Params
	for k, want := range map[string]string{
		"ImageCacheName": "fresh", "Image.1": "nginx:1", "ImageCacheSize": "30", "SecurityGroupId": "sg-1", "VSwitchId": "vsw-1",
		"ImageRegistryCredential.1.Server": "reg.example.com", "ImageRegistryCredential.1.Password": "***",
	} {
		if p[k] != want {
			t.Errorf("CreateImageCache %s = %q, want %q", k, p[k], want)
		}
	}
	live := e.get(o.ID)
	if live.Tags[spec.OwnerTag] != "team" || live.Tags["team"] != "web" || live.Tags[spec.RecordTag] == "" {
		t.Errorf("created tags = %v, want the owner, the record and the user tag", live.Tags)
	}
	// The resolved password reached the API, and nothing else.
	sum := sha256.Sum256([]byte(secret))
	for _, c := range e.sim.Server.State().Caches {
		if c.ID == o.ID && (len(c.ImageRegistryCredentials) != 1 || c.ImageRegistryCredentials[0].PasswordSHA256 != hex.EncodeToString(sum[:])) {
			t.Errorf("stored credentials = %+v, want the password from the environment", c.ImageRegistryCredentials)
		}
	}
	b, err := json.Marshal(out)
	if err != nil || strings.Contains(string(b), secret) {
		t.Errorf("outcome JSON %s (%v) must not hold the password", b, err)
	}

	// A re-run of the same plan finds the cache it would create, as the plan asks for
	// it: already applied, and no second cache is made (the new run's ClientToken would
	// not stop it).
	again := applier.Apply(context.Background(), plan, e.client, opts)
	if again[0].Result != applier.Unchanged || !strings.HasPrefix(again[0].Message, "already applied") || len(e.live()) != 1 || len(e.requests("CreateImageCache")) != 1 {
		t.Errorf("re-run: %+v with %d caches, want already applied and no second one", again[0], len(e.live()))
	}
}

func TestCreateFailures(t *testing.T) {
	t.Run("image fails", func(t *testing.T) {
		e := newEnv(t, nil)
		plan := e.plan(createFile("registry.example.com/fail-create:1"), planner.Options{})
		opts := e.opts()
		opts.Getenv = getenv
		out := applier.Apply(context.Background(), plan, e.client, opts)
		if o := out[0]; o.Result != applier.Failed || o.Status != cloud.Failed || !strings.Contains(o.Message, "Failed to pull image") {
			t.Errorf("outcome = %+v, want failed with the event message", o)
		}
	})
	t.Run("password not set", func(t *testing.T) {
		e := newEnv(t, nil)
		plan := e.plan(createFile("nginx:1"), planner.Options{})
		out := applier.Apply(context.Background(), plan, e.client, e.opts())
		if o := out[0]; o.Result != applier.Failed || o.Attempts != 0 || !strings.Contains(o.Message, "REG_PW") || len(e.requests("CreateImageCache")) != 0 {
			t.Errorf("outcome = %+v, want failed before any call, naming the variable", o)
		}
	})
}

// TestReplaceConvergesUnhealthyCaches: Failed and UpdateFailed caches whose fields equal
// the file are blocked (never unchanged); --replace deletes and re-creates them.
func TestReplaceConvergesUnhealthyCaches(t *testing.T) {
	unhealthy := func(id, name, status string) ecisim.Cache {
		c := simCache(id, name, 20, "nginx:1")
		c.Status = status
		c.Tags = map[string]string{spec.OwnerTag: "team"}
		c.Events = []ecisim.Event{{Type: "Warning", Reason: status, Message: "Failed to pull image \"nginx:1\"", LastTimestamp: time.Now()}}
		return c
	}
	e := newEnv(t, nil, unhealthy("imc-a", "a", ecisim.StatusFailed), unhealthy("imc-b", "b", ecisim.StatusUpdateFailed))
	decl := func(name string) spec.Cache {
		c := declared(name, 20, "nginx:1")
		c.SecurityGroupID, c.VSwitchID = ptr("sg-1"), ptr("vsw-1")
		c.IgnoreChanges = []string{"securityGroupId", "vSwitchId"}
		return c
	}
	f := file("team", decl("a"), decl("b"))

	out := applier.Apply(context.Background(), e.plan(f, planner.Options{}), e.client, e.opts())
	for _, o := range out {
		if o.Result != applier.Blocked || !strings.Contains(o.Message, "--replace "+o.Name) || !strings.Contains(o.Message, "Failed to pull image") {
			t.Errorf("without --replace: %s %s %q, want blocked with the event and the remedy", o.Name, o.Result, o.Message)
		}
	}
	if applier.Converged(out) {
		t.Fatal("unhealthy caches reported converged")
	}

	plan := e.plan(f, planner.Options{Replace: []string{"a", "b"}})
	opts := e.opts()
	opts.Replan = replan(f)
	out = applier.Apply(context.Background(), plan, e.client, opts)
	for _, o := range out {
		if o.Result != applier.Replaced || o.Status != cloud.Ready || o.ID == "imc-a" || o.ID == "imc-b" || o.Attempts != 2 {
			t.Errorf("with --replace: %+v, want replaced by a new Ready cache after a delete and a create", o)
		}
	}
	if live := e.live(); len(live) != 2 || live[0].Status != cloud.Ready || live[1].Status != cloud.Ready {
		t.Errorf("live caches %+v, want two new Ready ones", live)
	}
	if after := e.plan(f, planner.Options{}); after.HasChanges() {
		t.Errorf("plan after the replace: %+v, want no changes", after.Summary)
	}
}
