package planner

import (
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// An UpdateFailed or Failed cache is never noop, whatever its fields: the plan shows its
// status, the API's last event message and the remedy.
func TestUnhealthyCacheIsNeverNoop(t *testing.T) {
	for _, st := range []cloud.Status{cloud.UpdateFailed, cloud.Failed} {
		got := planOne(t, "", nil, func(c *cloud.Cache) {
			c.Status = st
			c.Events = []cloud.Event{{Type: "Warning", Message: "Failed to pull image x"}}
		})
		want := map[cloud.Status]ReasonCode{cloud.UpdateFailed: ReasonUpdateFailed, cloud.Failed: ReasonFailed}[st]
		if got.Action != Blocked || got.Status != string(st) || got.ReasonCode != want {
			t.Errorf("%s: action %s (%s), want blocked (%s)", st, got.Action, got.ReasonCode, want)
		}
		for _, want := range []string{string(st), "Failed to pull image x", "--replace web"} {
			if !strings.Contains(got.Reason, want) {
				t.Errorf("%s: reason %q lacks %q", st, got.Reason, want)
			}
		}
	}
}

// Replan pairs exactly as Build does: a pinned id claims its cache before any entry
// without a pin is matched by name.
func TestReplanHonoursPins(t *testing.T) {
	byName := spec.Cache{Name: "web", Region: "cn-hangzhou", Images: []string{"a:1"}, Size: p[int32](20)}
	pinned := spec.Cache{Name: "web-new", ID: "imc-1", Region: "cn-hangzhou", Images: []string{"b:1"}, Size: p[int32](60)}
	f := &spec.File{Region: "cn-hangzhou", Caches: []spec.Cache{byName, pinned}}
	live := baseLive() // imc-1, named web

	want := Build(f, []cloud.Cache{live}, Options{})
	var planned Change
	for _, c := range want.Changes {
		if c.ID == live.ID {
			planned = c
		}
	}
	got, ok := Replan(f, live, Options{})
	if !ok || got.Name != "web-new" || got.Name != planned.Name || len(got.Fields) != len(planned.Fields) {
		t.Fatalf("Replan = %v %+v, want the change Build pairs with imc-1 (%+v)", ok, got, planned)
	}
}

// --replace plans a delete followed by a create of a declared, owned cache.
func TestReplace(t *testing.T) {
	f := &spec.File{Owner: "team-a", Region: "cn-hangzhou", Caches: []spec.Cache{withNetwork(baseDesired())}}
	live := baseLive()
	live.Status = cloud.UpdateFailed
	live.Tags[spec.OwnerTag] = "team-a"
	for _, target := range []string{"web", "cn-hangzhou/web"} {
		opts := Options{Replace: []string{target}, Source: "caches/imagecaches.yaml"}
		if err := CheckReplace(f, []cloud.Cache{live}, opts); err != nil {
			t.Fatalf("CheckReplace(%s) = %v", target, err)
		}
		plan := Build(f, []cloud.Cache{live}, opts)
		c := plan.Changes[0]
		if c.Action != Replace || c.ReasonCode != ReasonReplaceRequested || c.ID != "imc-1" || plan.Summary.Replace != 1 || !plan.HasChanges() {
			t.Fatalf("%s: %+v, want a replace of imc-1", target, c)
		}
		req, err := c.Request()
		if tags := sentTags(t, c); err != nil || req["ImageCacheName"] != "web" || len(req["Image"].([]string)) != 2 || req["SecurityGroupId"] != "sg-1" ||
			tags[spec.OwnerTag] != "team-a" || tags[spec.SourceTag] != "caches/imagecaches.yaml" {
			t.Errorf("%s: request %+v, %v; want the whole create with owner and source tags", target, req, err)
		}
	}
	// Refused: a name the file does not declare, or a cache another owner holds.
	if err := CheckReplace(f, []cloud.Cache{live}, Options{Replace: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("undeclared: %v", err)
	}
	theirs := live
	theirs.Tags = map[string]string{spec.OwnerTag: "team-b"}
	if err := CheckReplace(f, []cloud.Cache{theirs}, Options{Replace: []string{"web"}}); err == nil || !strings.Contains(err.Error(), "team-b") {
		t.Errorf("another owner's cache: %v", err)
	}
	// A replace whose create is blocked is blocked for that reason.
	bare := &spec.File{Owner: "team-a", Region: "cn-hangzhou", Caches: []spec.Cache{baseDesired()}}
	if c := Build(bare, []cloud.Cache{live}, Options{Replace: []string{"web"}}).Changes[0]; c.Action != Blocked ||
		c.ReasonCode != ReasonMissingRequired || !strings.HasPrefix(c.Reason, "cannot replace: creating a cache needs") {
		t.Errorf("replace without network: %s, %q, %q; want blocked, missing-required", c.Action, c.ReasonCode, c.Reason)
	}
	// Nothing live: a plain create.
	if c := Build(f, nil, Options{Replace: []string{"web"}}).Changes[0]; c.Action != Create {
		t.Errorf("replace of a missing cache: %s, want create", c.Action)
	}
}

func withNetwork(c spec.Cache) spec.Cache {
	c.SecurityGroupID, c.VSwitchID = p("sg-1"), p("vsw-1")
	return c
}

// The prune guard fails closed: any value of imcsync:prune other than "true" protects.
func TestPruneGuardFailsClosed(t *testing.T) {
	f := &spec.File{Owner: "team-a", Region: "cn-hangzhou", Caches: []spec.Cache{baseDesired()}}
	var live []cloud.Cache
	values := []string{"false", "False", "no", "0", " false", "", "TRUE", "true"}
	for i, v := range values {
		live = append(live, cloud.Cache{Region: "cn-hangzhou", ID: "imc-" + string(rune('a'+i)), Name: "c" + string(rune('a'+i)),
			Status: cloud.Ready, Tags: map[string]string{spec.OwnerTag: "team-a", spec.PruneTag: v}})
	}
	live = append(live, cloud.Cache{Region: "cn-hangzhou", ID: "imc-z", Name: "untagged", Status: cloud.Ready, Tags: map[string]string{spec.OwnerTag: "team-a"}})
	plan := Build(f, append([]cloud.Cache{baseLive()}, live...), Options{Prune: true})
	var deleted []string
	for _, c := range plan.Changes {
		if c.Action == Delete {
			deleted = append(deleted, c.Name)
		}
	}
	if strings.Join(deleted, ",") != "ch,untagged" {
		t.Errorf("deleted %v, want only the cache tagged prune=true and the one without the tag", deleted)
	}
	if len(plan.Unmanaged) != 7 || !strings.Contains(plan.Unmanaged[0].Reason, spec.PruneTag) {
		t.Errorf("unmanaged %+v, want 7 protected with the reason", plan.Unmanaged)
	}
}

// A live cache with this file's owner but created from another file is pointed out.
func TestSameOwnerFromAnotherFile(t *testing.T) {
	f := &spec.File{Owner: "team-a", Region: "cn-hangzhou", Caches: []spec.Cache{baseDesired()}}
	web := baseLive()
	web.Tags[spec.OwnerTag] = "team-a"
	other := cloud.Cache{Region: "cn-hangzhou", ID: "imc-9", Name: "batch", Status: cloud.Ready,
		Tags: map[string]string{spec.OwnerTag: "team-a", spec.SourceTag: "batch/imagecaches.yaml"}}
	mine := cloud.Cache{Region: "cn-hangzhou", ID: "imc-8", Name: "old", Status: cloud.Ready,
		Tags: map[string]string{spec.OwnerTag: "team-a", spec.SourceTag: "web/imagecaches.yaml"}}
	for _, prune := range []bool{false, true} {
		plan := Build(f, []cloud.Cache{web, other, mine}, Options{Prune: prune, Source: "web/imagecaches.yaml"})
		if len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0], "batch/imagecaches.yaml") || !strings.Contains(plan.Warnings[0], "cn-hangzhou/batch") {
			t.Errorf("prune=%v: warnings %q, want one about batch", prune, plan.Warnings)
		}
	}
	// Created here: the source tag is written along with the owner.
	c := Build(f, nil, Options{Source: "web/imagecaches.yaml"}).Changes[0]
	if tags := sentTags(t, c); tags[spec.SourceTag] != "web/imagecaches.yaml" {
		t.Errorf("create tags %v, want the source tag", tags)
	}
	// Without an owner nothing is recorded.
	noOwner := &spec.File{Region: "cn-hangzhou", Caches: []spec.Cache{baseDesired()}}
	if tags := sentTags(t, Build(noOwner, nil, Options{Source: "x.yaml"}).Changes[0]); tags[spec.SourceTag] != "" {
		t.Errorf("source tag without owner: %v", tags)
	}
}
