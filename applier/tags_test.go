package applier_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// newTagEnv is newEnv with the emulator's UpdateImageCache treating Tag.N as updateTags says.
func newTagEnv(t testing.TB, updateTags string, caches ...ecisim.Cache) *env {
	t.Helper()
	return newEnvWith(t, ecisim.Config{UpdateTags: updateTags}, caches...)
}

// tagged is simCache with tags (key, value pairs).
func tagged(c ecisim.Cache, kv ...string) ecisim.Cache {
	c.Tags = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Tags[kv[i]] = kv[i+1]
	}
	return c
}

func TestTagRemovalsConvergeWhateverUpdateDoesWithTags(t *testing.T) {
	for _, mode := range []string{ecisim.UpdateTagsReplace, ecisim.UpdateTagsMerge} {
		t.Run(mode, func(t *testing.T) {
			e := newTagEnv(t, mode,
				tagged(simCache("imc-web", "web", 20, "nginx:1"), "team", "web", "old", "x", "env", "dev"),
				tagged(simCache("imc-api", "api", 20, "api:1"), "team", "api", "gone", "y"),
				tagged(simCache("imc-all", "all", 20, "all:1"), "only", "z"))
			web := declared("web", 40, "nginx:1")
			web.Tags = map[string]string{"team": "web", "env": "prod"}
			api := declared("api", 20, "api:1")
			api.Tags = map[string]string{"team": "api"}
			all := declared("all", 20, "all:1")
			all.Tags = map[string]string{}
			f := file("team", web, api, all)
			opts := e.opts()
			opts.Replan = replan(f)

			out := applier.Apply(context.Background(), e.plan(f, planner.Options{}), e.client, opts)

			for _, o := range out {
				if o.Result != applier.Updated {
					t.Errorf("%s: %s (%s), want updated", o.Name, o.Result, o.Message)
				}
			}
			if p := e.plan(f, planner.Options{}); p.HasChanges() {
				t.Errorf("the next plan still has changes: %+v", p.Changes)
			}
			want := map[string]map[string]string{
				"imc-web": {"team": "web", "env": "prod", spec.OwnerTag: "team"},
				"imc-api": {"team": "api", spec.OwnerTag: "team"},
				"imc-all": {spec.OwnerTag: "team"},
			}
			for id, tags := range want {
				if got := e.get(id).Tags; !maps.Equal(got, tags) {
					t.Errorf("%s tags = %v, want %v", id, got, tags)
				}
			}
			for _, u := range e.requests("UpdateImageCache") {
				if u.Params["ImageCacheId"] != "imc-web" || strings.Contains(fmt.Sprint(u.Params), "Tag.") {
					t.Errorf("UpdateImageCache %v: only web's size goes through it, and no tag", u.Params)
				}
			}
		})
	}
}

func TestTagOnlyChangeOfUpdatingCacheIsSentAtOnce(t *testing.T) {
	busy := tagged(simCache("imc-web", "web", 20, "nginx:1"), "team", "web")
	busy.Status = ecisim.StatusUpdating
	e := newEnv(t, nil, busy)
	d := declared("web", 20, "nginx:1")
	d.Tags = map[string]string{"team": "platform"}
	f := file("", d)
	plan := e.plan(f, planner.Options{})
	if ch := plan.Changes[0]; ch.Action != planner.Update {
		t.Fatalf("planned %s (%s), want update", ch.Action, ch.Reason)
	}
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Replan = replan(f)
	var tagsWhileUpdating map[string]string
	opts.Progress = func(o applier.Outcome) {
		if tagsWhileUpdating == nil && o.Message == "accepted; waiting for the cache to settle" {
			tagsWhileUpdating = e.get("imc-web").Tags
			if st := e.get("imc-web").Status; st != cloud.Updating {
				t.Errorf("when the tag call was accepted the cache was %s, want still Updating", st)
			}
		}
	}

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if o := out[0]; o.Result != applier.Updated || o.Status != cloud.Ready {
		t.Errorf("outcome %+v, want updated and Ready", o)
	}
	if tagsWhileUpdating["team"] != "platform" {
		t.Errorf("tags while Updating = %v, want team=platform sent at once", tagsWhileUpdating)
	}
	var actions []string
	for _, r := range e.sim.Server.Requests() {
		actions = append(actions, r.Action)
	}
	if len(actions) < 2 || actions[0] != "DescribeImageCaches" || actions[1] != "TagResources" {
		t.Errorf("requests %v, want the tag call right after the first read", actions)
	}
	if n := len(e.requests("UpdateImageCache")); n != 0 {
		t.Errorf("%d UpdateImageCache calls for a tag-only change, want 0", n)
	}
}

func TestCommonTagChangeIsBatched(t *testing.T) {
	var caches []ecisim.Cache
	var decl []spec.Cache
	for i := range 200 {
		name := fmt.Sprintf("c%03d", i)
		caches = append(caches, tagged(simCache("imc-"+name, name, 20, "app:1"), "old", "x"))
		d := declared(name, 20, "app:1")
		d.Tags = map[string]string{"team": "web"}
		decl = append(decl, d)
	}
	e := newEnv(t, nil, caches...)
	f := file("", decl...)
	plan := e.plan(f, planner.Options{})
	e.sim.Server.ResetRequests()
	opts := e.opts()
	opts.Replan = replan(f)

	out := applier.Apply(context.Background(), plan, e.client, opts)

	if !applier.Converged(out) {
		t.Fatalf("not converged: %s", applier.Summarize(out))
	}
	for _, action := range []string{"TagResources", "UntagResources"} {
		calls := e.requests(action)
		if len(calls) > 4 {
			t.Errorf("%d %s calls for one common change of 200 caches, want at most 4", len(calls), action)
		}
		ids := 0
		for _, c := range calls {
			for k := range c.Params {
				if strings.HasPrefix(k, "ResourceId.") {
					ids++
				}
			}
		}
		if ids != 200 {
			t.Errorf("%s named %d caches in all, want 200", action, ids)
		}
	}
	if n := len(e.requests("UpdateImageCache")); n != 0 {
		t.Errorf("%d UpdateImageCache calls, want 0", n)
	}
	if p := e.plan(f, planner.Options{}); p.HasChanges() {
		t.Errorf("the next plan has %d updates", p.Summary.Update)
	}
}

// lossyClient is an API that accepts calls but drops part of them: the case only
// verification after apply can catch.
type lossyClient struct {
	*eci.Client
	dropTag  string // TagResources forgets this key
	dropSize bool   // UpdateImageCache forgets ImageCacheSize
}

func (c lossyClient) Tag(ctx context.Context, region string, ids []string, tags []eci.Tag) error {
	var kept []eci.Tag
	for _, t := range tags {
		if t.Key != c.dropTag {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return c.Client.Tag(ctx, region, ids, kept)
}

func (c lossyClient) Update(ctx context.Context, r eci.UpdateRequest) error {
	if c.dropSize {
		r.Params = maps.Clone(r.Params)
		delete(r.Params, "ImageCacheSize")
		r.Params["Image"] = []string{"nginx:2"} // something must still change
	}
	return c.Client.Update(ctx, r)
}

func TestVerificationNamesAFieldThatDidNotTake(t *testing.T) {
	tests := []struct {
		name    string
		client  func(*eci.Client) applier.Client
		desired func(*spec.Cache)
		want    string
	}{
		{"tag", func(c *eci.Client) applier.Client { return lossyClient{Client: c, dropTag: "env"} },
			func(d *spec.Cache) { d.Tags = map[string]string{"team": "web", "env": "prod"} },
			`the API accepted tags.env="prod" but the cache shows tags.env=(none)`},
		{"size", func(c *eci.Client) applier.Client { return lossyClient{Client: c, dropSize: true} },
			func(d *spec.Cache) { d.Size = ptr[int32](40) },
			"the API accepted size=40 but the cache shows size=20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, tagged(simCache("imc-web", "web", 20, "nginx:1"), "team", "web"))
			d := declared("web", 20, "nginx:1")
			tt.desired(&d)
			out := applier.Apply(context.Background(), e.plan(file("", d), planner.Options{}), tt.client(e.client), e.opts())
			if o := out[0]; o.Result != applier.Failed || !strings.Contains(o.Message, tt.want) || o.Err == nil {
				t.Errorf("outcome %+v, want failed with %q", o, tt.want)
			}
			if applier.Converged(out) {
				t.Error("a field that did not take counts as converged")
			}
		})
	}
}

func TestTagsWaitForTheirUpdate(t *testing.T) {
	e := newEnv(t, &ecisim.Faults{Actions: map[string]ecisim.Rule{"UpdateImageCache": {FailFirst: 100}}},
		tagged(simCache("imc-web", "web", 20, "nginx:1"), "team", "web"))
	d := declared("web", 40, "nginx:1")
	d.Tags = map[string]string{"team": "web", "env": "prod"}
	opts := e.opts()
	opts.MaxAttempts = 2

	out := applier.Apply(context.Background(), e.plan(file("", d), planner.Options{}), e.client, opts)

	if o := out[0]; o.Result != applier.Failed || !strings.Contains(o.Message, "ServiceUnavailable") {
		t.Errorf("outcome %+v, want failed with the update's error", o)
	}
	if n := len(e.requests("TagResources")); n != 0 {
		t.Errorf("%d TagResources calls although the update failed, want 0: the tags (and the record) follow the update", n)
	}
}

// vanishingClient deletes a cache right before the first tag call, as someone else might.
type vanishingClient struct {
	*eci.Client
	victim string
	once   *bool
}

func (c vanishingClient) Tag(ctx context.Context, region string, ids []string, tags []eci.Tag) error {
	if !*c.once {
		*c.once = true
		if err := c.Client.Delete(ctx, region, c.victim, ""); err != nil {
			return err
		}
	}
	return c.Client.Tag(ctx, region, ids, tags)
}

func TestBatchWithAVanishedCache(t *testing.T) {
	var caches []ecisim.Cache
	var decl []spec.Cache
	for _, name := range []string{"a", "b", "c"} {
		caches = append(caches, simCache("imc-"+name, name, 20, "app:1"))
		d := declared(name, 20, "app:1")
		d.Tags = map[string]string{"team": "web"}
		decl = append(decl, d)
	}
	e := newEnv(t, nil, caches...)
	plan := e.plan(file("", decl...), planner.Options{})

	out := byName(t, applier.Apply(context.Background(), plan, vanishingClient{Client: e.client, victim: "imc-b", once: new(bool)}, e.opts()))

	if o := out["b"]; o.Result != applier.Failed || !strings.Contains(o.Message, "no longer exists") {
		t.Errorf("b: %+v, want failed as vanished", o)
	}
	for _, name := range []string{"a", "c"} {
		if o := out[name]; o.Result != applier.Updated || e.get("imc-" + name).Tags["team"] != "web" {
			t.Errorf("%s: %+v, want updated despite b", name, o)
		}
	}
}

// BenchmarkApplyCommonTag applies one tag change common to 200 caches (add team=web,
// remove old) against the emulator answering every call after 10 ms. Run it with
//
//	go test ./applier -run '^$' -bench ApplyCommonTag -benchtime 3x
func BenchmarkApplyCommonTag(b *testing.B) {
	const caches = 200
	faults := &ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(10 * time.Millisecond)}}
	var calls, tagCalls int
	for range b.N {
		b.StopTimer()
		var sim []ecisim.Cache
		var decl []spec.Cache
		for i := range caches {
			name := fmt.Sprintf("cache-%03d", i)
			sim = append(sim, tagged(simCache("imc-"+name, name, 20, "img:1"), "old", "x"))
			d := declared(name, 20, "img:1")
			d.Tags = map[string]string{"team": "web"}
			decl = append(decl, d)
		}
		e := newEnv(b, faults, sim...)
		plan := e.plan(file("", decl...), planner.Options{})
		e.sim.Server.ResetRequests()
		b.StartTimer()

		out := applier.Apply(context.Background(), plan, e.client, e.opts())

		b.StopTimer()
		if s := applier.Summarize(out); s.Updated != caches {
			b.Fatalf("summary %s, want %d updated", s, caches)
		}
		calls += len(e.sim.Server.Requests())
		tagCalls += len(e.requests("TagResources")) + len(e.requests("UntagResources"))
		b.StartTimer()
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(tagCalls)/float64(b.N), "tagcalls/op")
}

// A cache at the tag limit that swaps one key for another stays within the limit: the
// keys it loses are removed before the keys it gains are added, however long the removal
// takes.
func TestTagSwapAtTheLimit(t *testing.T) {
	var kv []string
	for i := range spec.MaxTags {
		kv = append(kv, fmt.Sprintf("k%02d", i), "v")
	}
	slow := &ecisim.Faults{Actions: map[string]ecisim.Rule{"UntagResources": {Latency: ecisim.Duration(50 * time.Millisecond)}}}
	e := newEnv(t, slow, tagged(simCache("imc-web", "web", 20, "nginx:1"), kv...))
	d := declared("web", 20, "nginx:1")
	d.Tags = map[string]string{"new": "v"}
	for i := 1; i < spec.MaxTags; i++ {
		d.Tags[fmt.Sprintf("k%02d", i)] = "v"
	}
	f := file("", d)

	out := applier.Apply(context.Background(), e.plan(f, planner.Options{}), e.client, e.opts())

	if o := out[0]; o.Result != applier.Updated {
		t.Fatalf("outcome %s (%s), want updated", o.Result, o.Message)
	}
	if got := e.get("imc-web").Tags; !maps.Equal(got, d.Tags) {
		t.Errorf("tags = %v, want %v", got, d.Tags)
	}
}
