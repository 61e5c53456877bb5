package planner

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

func TestFieldChangesNameTheirCall(t *testing.T) {
	tests := []struct {
		name    string
		desired func(*spec.Cache)
		live    func(*cloud.Cache)
		want    map[string]string // field -> call
	}{
		{name: "a read-back field goes through UpdateImageCache",
			desired: func(c *spec.Cache) { c.Size = p[int32](40) },
			want:    map[string]string{"size": CallUpdate}},
		{name: "added tags go through TagResources",
			desired: func(c *spec.Cache) { c.Tags["env"] = "prod" },
			want:    map[string]string{"tags": CallTag}},
		{name: "a changed value goes through TagResources",
			desired: func(c *spec.Cache) { c.Tags["team"] = "api" },
			want:    map[string]string{"tags": CallTag}},
		{name: "removed tags go through UntagResources",
			live: func(c *cloud.Cache) { c.Tags["old"] = "x" },
			want: map[string]string{"tags": CallUntag}},
		{name: "both",
			desired: func(c *spec.Cache) { c.Tags = map[string]string{"env": "prod"}; c.Size = p[int32](40) },
			want:    map[string]string{"size": CallUpdate, "tags": CallTagAndUntag}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planOne(t, "", tt.desired, tt.live)
			calls := map[string]string{}
			for _, f := range got.Fields {
				calls[f.Field] = f.Call
			}
			if diff := cmp.Diff(tt.want, calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("create sends everything in CreateImageCache", func(t *testing.T) {
		d := baseDesired()
		d.SecurityGroupID, d.VSwitchID = p("sg-1"), p("vsw-1")
		plan := Build(&spec.File{Owner: "o", Region: "cn-hangzhou", Caches: []spec.Cache{d}}, nil, Options{})
		for _, f := range plan.Changes[0].Fields {
			if f.Call != CallCreate {
				t.Errorf("%s: call %q, want %s", f.Field, f.Call, CallCreate)
			}
		}
	})
}

func TestTagOnlyChangesIgnoreStatus(t *testing.T) {
	for _, st := range []cloud.Status{cloud.Preparing, cloud.Creating, cloud.Updating} {
		got := planOne(t, "team-a", func(c *spec.Cache) { c.Tags = map[string]string{"env": "prod"} }, func(c *cloud.Cache) { c.Status = st })
		if got.Action != Update || !got.TagsOnly() {
			t.Errorf("%s: tag-only change is %s (%s), TagsOnly %v; want an update", st, got.Action, got.Reason, got.TagsOnly())
		}
	}
	got := planOne(t, "", func(c *spec.Cache) { c.Tags["env"] = "prod" }, func(c *cloud.Cache) { c.Status = cloud.Failed })
	if got.Action != Blocked {
		t.Errorf("Failed cache: %s, want blocked", got.Action)
	}
	mixed := planOne(t, "", func(c *spec.Cache) { c.Tags["env"] = "prod"; c.Size = p[int32](40) }, func(c *cloud.Cache) { c.Status = cloud.Updating })
	if !mixed.Waits() || mixed.TagsOnly() {
		t.Errorf("Updating cache with a size change: %s, TagsOnly %v; want an update that waits", mixed.Action, mixed.TagsOnly())
	}
}

func TestRemovingEveryTag(t *testing.T) {
	got := planOne(t, "", func(c *spec.Cache) { c.Tags = map[string]string{} }, nil)
	if got.Action != Update {
		t.Fatalf("action %s (%s), want update: UntagResources can remove the last tag", got.Action, got.Reason)
	}
	want := []FieldChange{{Field: "tags", Before: map[string]string{"team": "web"}, After: map[string]string{}, Send: true, Call: CallUntag}}
	if diff := cmp.Diff(plainFields(t, want), got.Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestTagDeltaOfASavedPlan(t *testing.T) {
	ch := planOne(t, "", func(c *spec.Cache) { c.Tags = map[string]string{"team": "api", "env": ""} },
		func(c *cloud.Cache) { c.Tags["old"] = "x" })
	b, err := json.Marshal(ch)
	if err != nil {
		t.Fatal(err)
	}
	var saved Change
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Change{"fresh": ch, "saved": saved} {
		set, remove, err := c.TagDelta()
		if err != nil || !cmp.Equal(set, map[string]string{"team": "api", "env": ""}) || !cmp.Equal(remove, []string{"old"}) {
			t.Errorf("%s: TagDelta = %v, %v, %v; want team=api env= set, old removed", name, set, remove, err)
		}
		if !c.TagsOnly() || c.Fields[0].Call != CallTagAndUntag {
			t.Errorf("%s: TagsOnly %v, call %q", name, c.TagsOnly(), c.Fields[0].Call)
		}
	}
}
