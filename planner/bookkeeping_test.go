package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// Reserved tags are never part of the tags field: a change of the user tags lists user
// tags only, and the reserved tags that change are the change's bookkeeping; both are
// sent together through the tag API.
func TestReservedTagsAreBookkeeping(t *testing.T) {
	got := planOne(t, "team-a", func(c *spec.Cache) { c.Tags["env"] = "prod" }, func(c *cloud.Cache) {
		c.Tags[spec.PruneTag] = "false"
		c.Tags[spec.RecordTag] = "v1.zz" // unreadable: rewritten
	})
	if len(got.Fields) != 1 || got.Fields[0].Field != "tags" {
		t.Fatalf("fields %v, want tags", fieldNames(got))
	}
	for _, v := range []any{got.Fields[0].Before, got.Fields[0].After} {
		for k := range v.(map[string]any) {
			if strings.HasPrefix(k, spec.ReservedTagPrefix) {
				t.Errorf("the tags field holds the reserved tag %s: %v", k, v)
			}
		}
	}
	owner := "team-a"
	if diff := cmp.Diff([]Bookkeeping{{Tag: spec.OwnerTag, After: &owner}}, got.Bookkeeping); diff != "" {
		t.Errorf("bookkeeping (-want +got):\n%s", diff)
	}
	set, remove, err := got.TagDelta()
	if err != nil || len(remove) != 0 || !cmp.Equal(set, map[string]string{"env": "prod", spec.OwnerTag: "team-a"}) {
		t.Errorf("TagDelta = %v %v %v, want env and the owner set", set, remove, err)
	}
}

// A cache that needs only its reserved tags is a bookkeeping-only update: no field.
func TestBookkeepingOnlyUpdate(t *testing.T) {
	got := planOne(t, "team-a", nil, nil)
	if !got.BookkeepingOnly() || len(got.Fields) != 0 || !got.TagsOnly() {
		t.Errorf("%s with fields %v, bookkeeping %+v; want a bookkeeping-only update", got.Action, fieldNames(got), got.Bookkeeping)
	}
	got = planOne(t, "team-a", nil, func(c *cloud.Cache) { c.Tags[spec.OwnerTag] = "team-a" })
	if got.Action != Noop {
		t.Errorf("owned cache with nothing to change: %s", got.Action)
	}
}

// An old value that cannot be read is null in JSON with before_state, never a string
// in a field that holds numbers.
func TestUnknownBeforeIsNull(t *testing.T) {
	rec := desiredRecord(&spec.Cache{SecurityGroupID: p("sg-1")}).format()
	got := planOne(t, "", func(c *spec.Cache) { c.SecurityGroupID = p("sg-1"); c.StandardCopyCount = p[int32](2) },
		func(c *cloud.Cache) { c.Tags[spec.RecordTag] = rec })
	b, err := json.Marshal(got.Fields)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"field":"standardCopyCount","before":null,"after":2,"before_state":"unknown","write_only":true,"send":true,"call":"UpdateImageCache"}]`
	if string(b) != want {
		t.Errorf("fields\n %s\nwant\n %s", b, want)
	}
}

func TestCheckWaitsForAndBookkeeping(t *testing.T) {
	v := "x"
	for _, tc := range []struct {
		name string
		c    Change
		want string
	}{
		{"waits on a create", Change{Action: Create, WaitsFor: WaitsReady}, "only an update waits"},
		{"waits for another status", Change{Action: Update, ID: "imc-1", WaitsFor: "Updating"}, "waits only for Ready"},
		{"bookkeeping of a user tag", Change{Action: Update, ID: "imc-1", Bookkeeping: []Bookkeeping{{Tag: "team", After: &v}}}, "only tags starting with imcsync:"},
		{"bookkeeping on a noop", Change{Action: Noop, ID: "imc-1", Bookkeeping: []Bookkeeping{{Tag: spec.OwnerTag, After: &v}}}, "bookkeeping on a noop"},
	} {
		tc.c.Region, tc.c.Name = "cn-hangzhou", "web"
		p := &Plan{FormatVersion: FormatVersion, Changes: []Change{tc.c}, Summary: Summarize([]Change{tc.c})}
		if err := p.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Check() = %v, want %q", tc.name, err, tc.want)
		}
	}
	ok := Change{Region: "r", Name: "web", ID: "imc-1", Action: Update, WaitsFor: WaitsReady,
		Fields: []FieldChange{{Field: "size", Before: int64(20), After: int64(40), Send: true, Call: CallUpdate}}}
	if err := (&Plan{Changes: []Change{ok}, Summary: Summarize([]Change{ok})}).Check(); err != nil {
		t.Errorf("an update waiting for Ready: %v", err)
	}
}

// TestBookkeepingOnlyIsNoChange: an update that writes only reserved tags is counted in
// summary.bookkeeping, not update; the plan has no changes (plan exits 0) but is pending
// (apply writes it). A plan file of an older imcsync, which counted it in update, is
// still read.
func TestBookkeepingOnlyIsNoChange(t *testing.T) {
	owner := "team-a"
	c := Change{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Action: Update, Status: "Ready",
		Bookkeeping: []Bookkeeping{{Tag: spec.OwnerTag, After: &owner}}}
	p := &Plan{FormatVersion: FormatVersion, Owner: owner, Changes: []Change{c}, Summary: Summarize([]Change{c})}
	if p.Summary != (Summary{Bookkeeping: 1}) {
		t.Errorf("summary %+v, want 1 bookkeeping and no update", p.Summary)
	}
	if p.HasChanges() || !p.Pending() {
		t.Errorf("HasChanges %v, Pending %v: want false, true", p.HasChanges(), p.Pending())
	}
	if err := p.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	p.Summary = Summary{Update: 1}
	if err := p.Check(); err != nil {
		t.Errorf("Check of an older plan file's summary: %v", err)
	}
	p.Summary = Summary{Update: 2}
	if err := p.Check(); err == nil {
		t.Error("Check accepts a summary that matches neither count")
	}
}
