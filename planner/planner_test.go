package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

func p[T any](v T) *T { return &v }

// baseDesired is one declared cache that baseLive matches exactly.
func baseDesired() spec.Cache {
	return spec.Cache{
		Name: "web", Region: "cn-hangzhou",
		Images: []string{"nginx:1.25", "redis:7"},
		Size:   p[int32](20),
		Tags:   map[string]string{"team": "web"},
	}
}

func baseLive() cloud.Cache {
	return cloud.Cache{
		Region: "cn-hangzhou", ID: "imc-1", Name: "web", Status: cloud.Ready, Size: 20,
		Images: []string{"redis:7", "nginx:1.25"},
		Tags:   map[string]string{"team": "web"},
	}
}

// planOne plans the base pair after the mutations and returns the single change.
func planOne(t *testing.T, owner string, mutateDesired func(*spec.Cache), mutateLive func(*cloud.Cache)) Change {
	t.Helper()
	d, l := baseDesired(), baseLive()
	if mutateDesired != nil {
		mutateDesired(&d)
	}
	if mutateLive != nil {
		mutateLive(&l)
	}
	plan := Build(&spec.File{Owner: owner, Region: "cn-hangzhou", Caches: []spec.Cache{d}}, []cloud.Cache{l}, Options{})
	if len(plan.Changes) != 1 {
		t.Fatalf("got %d changes, want 1: %+v", len(plan.Changes), plan.Changes)
	}
	return plan.Changes[0]
}

func fieldNames(c Change) []string {
	var out []string
	for _, f := range c.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestDiffReadBackFields(t *testing.T) {
	tests := []struct {
		name       string
		desired    func(*spec.Cache)
		live       func(*cloud.Cache)
		wantAction Action
		wantFields []FieldChange
	}{
		{name: "equal", wantAction: Noop},
		{name: "image order and duplicates do not count", wantAction: Noop,
			desired: func(c *spec.Cache) { c.Images = []string{"redis:7", "nginx:1.25", "redis:7"} }},
		{name: "size", wantAction: Update,
			desired:    func(c *spec.Cache) { c.Size = p[int32](40) },
			wantFields: []FieldChange{{Field: "size", Before: int32(20), After: int32(40), Send: true, Call: CallUpdate}}},
		{name: "images as sorted sets", wantAction: Update,
			desired: func(c *spec.Cache) { c.Images = []string{"nginx:1.26", "redis:7"} },
			wantFields: []FieldChange{{Field: "images", Before: []string{"nginx:1.25", "redis:7"},
				After: []string{"nginx:1.26", "redis:7"}, Send: true, Call: CallUpdate}}},
		{name: "elimination strategy", wantAction: Update,
			desired:    func(c *spec.Cache) { c.EliminationStrategy = p("LRU") },
			wantFields: []FieldChange{{Field: "eliminationStrategy", Before: "", After: "LRU", Send: true, Call: CallUpdate}}},
		{name: "resource group", wantAction: Update,
			desired:    func(c *spec.Cache) { c.ResourceGroupID = p("rg-2") },
			live:       func(c *cloud.Cache) { c.ResourceGroupID = "rg-1" },
			wantFields: []FieldChange{{Field: "resourceGroupId", Before: "rg-1", After: "rg-2", Send: true, Call: CallUpdate}}},
		{name: "unmanaged field is not compared", wantAction: Noop,
			desired: func(c *spec.Cache) { c.Size = nil },
			live:    func(c *cloud.Cache) { c.Size = 99 }},
		{name: "tags added and removed", wantAction: Update,
			desired: func(c *spec.Cache) { c.Tags = map[string]string{"team": "web", "env": "prod"} },
			live:    func(c *cloud.Cache) { c.Tags = map[string]string{"team": "web", "old": "x"} },
			wantFields: []FieldChange{{Field: "tags", Before: map[string]string{"team": "web", "old": "x"},
				After: map[string]string{"team": "web", "env": "prod"}, Send: true, Call: CallTagAndUntag}}},
		{name: "system tags are kept and not compared", wantAction: Noop,
			live: func(c *cloud.Cache) { c.Tags["acs:rm:rgId"] = "rg-1"; c.Tags["aliyun-ecs"] = "x" }},
		{name: "unmanaged tags are kept", wantAction: Noop,
			desired: func(c *spec.Cache) { c.Tags = nil },
			live:    func(c *cloud.Cache) { c.Tags = map[string]string{"whatever": "x"} }},
		{name: "ignored field", wantAction: Noop,
			desired: func(c *spec.Cache) { c.Size = p[int32](40); c.IgnoreChanges = []string{"size"} }},
		{name: "ignored tag key keeps its live value", wantAction: Update,
			desired: func(c *spec.Cache) {
				c.Tags = map[string]string{"team": "web", "env": "prod"}
				c.IgnoreChanges = []string{"tags.cost"}
			},
			live: func(c *cloud.Cache) { c.Tags = map[string]string{"team": "web", "cost": "42"} },
			wantFields: []FieldChange{{Field: "tags", Before: map[string]string{"team": "web", "cost": "42"},
				After: map[string]string{"team": "web", "cost": "42", "env": "prod"}, Send: true, Call: CallTag}}},
		{name: "pinned id renames", wantAction: Update,
			desired:    func(c *spec.Cache) { c.ID = "imc-1"; c.Name = "web2" },
			wantFields: []FieldChange{{Field: "name", Before: "web", After: "web2", Send: true, Call: CallUpdate}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := planOne(t, "", tt.desired, tt.live)
			if got.Action != tt.wantAction {
				t.Errorf("action = %s, want %s (reason %q)", got.Action, tt.wantAction, got.Reason)
			}
			if diff := cmp.Diff(plainFields(t, tt.wantFields), got.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// A busy cache's update is an update that waits for Ready, not a blocked change; a
// Failed cache's is blocked: apply refuses it.
func TestBusyCacheWaits(t *testing.T) {
	for _, st := range []cloud.Status{cloud.Preparing, cloud.Creating, cloud.Updating} {
		t.Run(string(st), func(t *testing.T) {
			got := planOne(t, "", func(c *spec.Cache) { c.Size = p[int32](40) }, func(c *cloud.Cache) { c.Status = st })
			if got.Action != Update || got.WaitsFor != WaitsReady || !got.Waits() || got.Reason != "" {
				t.Fatalf("action = %s, waits_for %q, reason %q; want an update that waits for Ready", got.Action, got.WaitsFor, got.Reason)
			}
			if len(got.Fields) != 1 {
				t.Errorf("fields %v, want size", fieldNames(got))
			}
		})
	}
	got := planOne(t, "", func(c *spec.Cache) { c.Size = p[int32](40) }, func(c *cloud.Cache) {
		c.Status = cloud.Failed
		c.Events = []cloud.Event{{Type: "Warning", Message: "pull image failed"}}
	})
	if got.Action != Blocked || got.WaitsFor != "" || got.ReasonCode != ReasonFailed || !strings.Contains(got.Reason, "pull image failed") || len(got.Fields) != 1 {
		t.Errorf("Failed: %s, waits_for %q, reason %q, fields %v; want blocked with the event and the fields", got.Action, got.WaitsFor, got.Reason, fieldNames(got))
	}
	for _, st := range []cloud.Status{cloud.Ready, cloud.UpdateFailed} {
		got := planOne(t, "", func(c *spec.Cache) { c.Size = p[int32](40) }, func(c *cloud.Cache) { c.Status = st })
		if got.Action != Update || got.WaitsFor != "" {
			t.Errorf("%s: action = %s, waits_for %q; want an update now", st, got.Action, got.WaitsFor)
		}
	}
	got = planOne(t, "", nil, func(c *cloud.Cache) { c.Status = cloud.Updating })
	if got.Action != Noop || got.Status != "Updating" {
		t.Errorf("an equal cache is noop whatever its status, got %s/%s", got.Action, got.Status)
	}
}

func TestWriteOnlyFields(t *testing.T) {
	withSG := func(sg string) func(*spec.Cache) {
		return func(c *spec.Cache) { c.SecurityGroupID = p(sg); c.Flash = p(true) }
	}
	// The record a created or updated cache carries for sg-1 and flash.
	rec := desiredRecord(&spec.Cache{SecurityGroupID: p("sg-1"), Flash: p(true)}).format()
	recorded := func(c *cloud.Cache) { c.Tags[spec.RecordTag] = rec }

	t.Run("adopted cache gets a record without sending", func(t *testing.T) {
		got := planOne(t, "", withSG("sg-1"), nil)
		if got.Action != Update || !got.BookkeepingOnly() || !got.TagsOnly() {
			t.Fatalf("action = %s, fields %v: want a bookkeeping-only update", got.Action, fieldNames(got))
		}
		req, err := got.Request()
		if err != nil {
			t.Fatal(err)
		}
		if len(req) != 0 {
			t.Errorf("adopted cache sends fields: %+v", req)
		}
		if tags := sentTags(t, got); tags[spec.RecordTag] != rec || len(tags) != 1 {
			t.Errorf("tags sent = %v, want the record %s alone", tags, rec)
		}
		want := []Bookkeeping{{Tag: spec.RecordTag, After: &rec, Recorded: []string{"securityGroupId", "flash"}}}
		if diff := cmp.Diff(want, got.Bookkeeping); diff != "" {
			t.Errorf("bookkeeping (-want +got):\n%s", diff)
		}
	})
	t.Run("recorded and unchanged is noop", func(t *testing.T) {
		if got := planOne(t, "", withSG("sg-1"), recorded); got.Action != Noop {
			t.Errorf("action = %s, fields %v", got.Action, fieldNames(got))
		}
	})
	t.Run("changed since the record is sent", func(t *testing.T) {
		got := planOne(t, "", withSG("sg-2"), recorded)
		req, _ := got.Request()
		if req["SecurityGroupId"] != "sg-2" || req["Flash"] != nil {
			t.Errorf("request = %+v, want only securityGroupId sg-2 (and tags)", req)
		}
		if fc := got.Fields[0]; fc.Before != nil || fc.BeforeState != BeforeRecorded {
			t.Errorf("before = %v (%q), want nil (%q)", fc.Before, fc.BeforeState, BeforeRecorded)
		}
		if r := sentTags(t, got)[spec.RecordTag]; r == "" || r == rec {
			t.Errorf("the record tag is not updated: %q", r)
		}
	})
	t.Run("field removed from the file is left alone", func(t *testing.T) {
		got := planOne(t, "", func(c *spec.Cache) { c.SecurityGroupID = p("sg-1") }, recorded)
		if got.Action != Noop {
			t.Errorf("action = %s, fields %v", got.Action, fieldNames(got))
		}
	})
	t.Run("create-only change is blocked", func(t *testing.T) {
		zoned := desiredRecord(&spec.Cache{ZoneID: p("cn-hangzhou-h")}).format()
		got := planOne(t, "", func(c *spec.Cache) { c.ZoneID = p("cn-hangzhou-i") },
			func(c *cloud.Cache) { c.Tags[spec.RecordTag] = zoned })
		if got.Action != Blocked || got.ReasonCode != ReasonCreateOnly || !strings.Contains(got.Reason, "zoneId") {
			t.Errorf("got %s %q", got.Action, got.Reason)
		}
	})
}

func TestSecretsNeverInPlan(t *testing.T) {
	t.Setenv("REG_PASS", "s3cr3t-value")
	d := baseDesired()
	d.SecurityGroupID, d.VSwitchID = p("sg"), p("vsw")
	d.ImageRegistryCredentials = []spec.RegistryCredential{{Server: "r.example.com", UserName: "ci", PasswordFromEnv: "REG_PASS"}}
	f := &spec.File{Owner: "o", Caches: []spec.Cache{d, func() spec.Cache { c := d; c.Name = "new"; return c }()}}
	plan := Build(f, []cloud.Cache{baseLive()}, Options{})
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cr3t") {
		t.Fatalf("plan leaks the secret: %s", b)
	}
	if !strings.Contains(string(b), "REG_PASS") {
		t.Fatalf("plan does not name the variable: %s", b)
	}
}

func TestOwnershipAndPrune(t *testing.T) {
	f := &spec.File{Owner: "team-a", Caches: []spec.Cache{baseDesired()}}
	owned := func(id, name, owner string, extra ...string) cloud.Cache {
		l := cloud.Cache{Region: "cn-hangzhou", ID: id, Name: name, Status: cloud.Ready, Tags: map[string]string{}}
		if owner != "" {
			l.Tags[spec.OwnerTag] = owner
		}
		for i := 0; i+1 < len(extra); i += 2 {
			l.Tags[extra[i]] = extra[i+1]
		}
		return l
	}
	live := []cloud.Cache{
		func() cloud.Cache { l := baseLive(); l.Tags[spec.OwnerTag] = "team-a"; return l }(),
		owned("imc-2", "gone", "team-a"),
		owned("imc-3", "theirs", "team-b"),
		owned("imc-4", "console", ""),
		owned("imc-5", "keep", "team-a", spec.PruneTag, "false"),
		{Region: "cn-beijing", ID: "imc-6", Name: "elsewhere", Tags: map[string]string{spec.OwnerTag: "team-a"}},
	}
	plan := Build(f, live, Options{Prune: true})
	var got []string
	for _, c := range plan.Changes {
		got = append(got, string(c.Action)+" "+c.Name)
	}
	if diff := cmp.Diff([]string{"delete gone", "noop web"}, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	var unmanaged []string
	for _, u := range plan.Unmanaged {
		unmanaged = append(unmanaged, u.Name+" "+string(u.ReasonCode))
	}
	if diff := cmp.Diff([]string{"console not-owned", "keep protected", "theirs owned-by-other"}, unmanaged); diff != "" {
		t.Errorf("unmanaged (-want +got):\n%s", diff)
	}
	for _, c := range plan.Changes {
		if c.Action == Delete && c.ReasonCode != ReasonPrune {
			t.Errorf("delete %s: reason code %q, want %q", c.Name, c.ReasonCode, ReasonPrune)
		}
	}
	noPrune := Build(f, live, Options{})
	if noPrune.Summary.Delete != 0 {
		t.Errorf("deletes without --prune: %+v", noPrune.Summary)
	}
	for _, u := range noPrune.Unmanaged {
		if u.Name == "gone" && u.ReasonCode != ReasonPruneNotSet {
			t.Errorf("gone without --prune: reason code %q, want %q", u.ReasonCode, ReasonPruneNotSet)
		}
	}

	// A cache owned by another file is never adopted.
	got1 := planOne(t, "team-a", nil, func(c *cloud.Cache) { c.Tags[spec.OwnerTag] = "team-b" })
	if got1.Action != Blocked || got1.ReasonCode != ReasonOwnedByOther || !strings.Contains(got1.Reason, "team-b") {
		t.Errorf("foreign-owned cache: %s %q", got1.Action, got1.Reason)
	}
	// An owner on the file adds the ownership tag once.
	got2 := planOne(t, "team-a", nil, nil)
	if got2.Action != Update || sentTags(t, got2)[spec.OwnerTag] != "team-a" {
		t.Errorf("owner tag: %s %+v", got2.Action, got2.Bookkeeping)
	}
}

func TestMatching(t *testing.T) {
	twin := baseLive()
	twin.ID = "imc-twin"
	t.Run("two live caches with one name", func(t *testing.T) {
		plan := Build(&spec.File{Caches: []spec.Cache{baseDesired()}}, []cloud.Cache{baseLive(), twin}, Options{})
		if len(plan.Changes) != 1 || plan.Changes[0].Action != Blocked || plan.Changes[0].ReasonCode != ReasonAmbiguousName ||
			!strings.Contains(plan.Changes[0].Reason, "imc-twin") || len(plan.Unmanaged) != 0 {
			t.Fatalf("got %+v", plan)
		}
	})
	t.Run("pinned id picks one", func(t *testing.T) {
		d := baseDesired()
		d.ID = "imc-twin"
		plan := Build(&spec.File{Caches: []spec.Cache{d}}, []cloud.Cache{baseLive(), twin}, Options{})
		if plan.Changes[0].ID != "imc-twin" || plan.Changes[0].Action != Noop || len(plan.Unmanaged) != 1 {
			t.Fatalf("got %+v", plan)
		}
	})
	t.Run("pinned id missing", func(t *testing.T) {
		d := baseDesired()
		d.ID = "imc-nope"
		plan := Build(&spec.File{Caches: []spec.Cache{d}}, []cloud.Cache{baseLive()}, Options{})
		if plan.Changes[0].Action != Blocked || plan.Changes[0].ReasonCode != ReasonPinnedIDMissing || !strings.Contains(plan.Changes[0].Reason, "imc-nope") {
			t.Fatalf("got %+v", plan.Changes[0])
		}
	})
	t.Run("create needs network", func(t *testing.T) {
		plan := Build(&spec.File{Caches: []spec.Cache{baseDesired()}}, nil, Options{})
		if c := plan.Changes[0]; c.Action != Blocked || c.ReasonCode != ReasonMissingRequired || !strings.Contains(c.Reason, "securityGroupId and vSwitchId") {
			t.Fatalf("got %+v", c)
		}
	})
	t.Run("create sends every managed field and the reserved tags", func(t *testing.T) {
		d := baseDesired()
		d.SecurityGroupID, d.VSwitchID = p("sg"), p("vsw")
		plan := Build(&spec.File{Owner: "o", Caches: []spec.Cache{d}}, nil, Options{})
		c := plan.Changes[0]
		req, err := c.Request()
		if c.Action != Create || err != nil {
			t.Fatalf("got %s, %v", c.Action, err)
		}
		rec := desiredRecord(&spec.Cache{SecurityGroupID: p("sg"), VSwitchID: p("vsw")}).format()
		want := Request{"ImageCacheName": "web", "Image": []string{"nginx:1.25", "redis:7"}, "ImageCacheSize": int32(20),
			"SecurityGroupId": "sg", "VSwitchId": "vsw",
			"Tag": []cloud.Tag{{Key: spec.RecordTag, Value: rec}, {Key: spec.OwnerTag, Value: "o"}, {Key: "team", Value: "web"}}}
		if diff := cmp.Diff(want, req); diff != "" {
			t.Errorf("request (-want +got):\n%s", diff)
		}
		// The reserved tags are bookkeeping, not a part of the tags field.
		if diff := cmp.Diff(map[string]any{"team": "web"}, c.Fields[len(c.Fields)-1].After); c.Fields[len(c.Fields)-1].Field != "tags" || diff != "" {
			t.Errorf("tags field (-want +got):\n%s", diff)
		}
		owner := "o"
		wantBK := []Bookkeeping{{Tag: spec.RecordTag, After: &rec}, {Tag: spec.OwnerTag, After: &owner}}
		if diff := cmp.Diff(wantBK, c.Bookkeeping); diff != "" {
			t.Errorf("bookkeeping (-want +got):\n%s", diff)
		}
	})
	t.Run("targets and regions filter", func(t *testing.T) {
		other := baseDesired()
		other.Name, other.Region = "api", "cn-beijing"
		f := &spec.File{Caches: []spec.Cache{baseDesired(), other}}
		if got := Build(f, nil, Options{Targets: []string{"cn-beijing/api"}}); len(got.Changes) != 1 || got.Changes[0].Name != "api" {
			t.Errorf("target: %+v", got.Changes)
		}
		if got := Regions(f, Options{Regions: []string{"cn-hangzhou"}}); !cmp.Equal(got, []string{"cn-hangzhou"}) {
			t.Errorf("regions: %v", got)
		}
	})
}

func TestRequestFromPlanFile(t *testing.T) {
	d := baseDesired()
	d.ImageRegistryCredentials = []spec.RegistryCredential{{Server: "r", UserName: "u", PasswordFromEnv: "P"}}
	d.Size = p[int32](50)
	rec := desiredRecord(&spec.Cache{}).format()
	c := planOne(t, "", func(c *spec.Cache) { *c = d }, func(c *cloud.Cache) { c.Tags[spec.RecordTag] = rec })
	fresh, err := c.Request()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c)
	var decoded Change
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	fromFile, err := decoded.Request()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fresh, fromFile); diff != "" {
		t.Errorf("plan file request differs (-fresh +file):\n%s", diff)
	}
	if fresh["ImageCacheSize"] != int32(50) || len(fresh.Credentials()) != 1 {
		t.Errorf("request = %+v", fresh)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := desiredRecord(&spec.Cache{SecurityGroupID: p("sg"), FlashCopyCount: p[int32](2)})
	s := r.format()
	if len(s) > 128 {
		t.Errorf("record %q is longer than a tag value may be", s)
	}
	back, ok := parseRecord(s)
	if !ok || !cmp.Equal(r, back) {
		t.Errorf("round trip: %v → %q → %v", r, s, back)
	}
	for _, bad := range []string{"", "v2.abc", "v2;sg", "v2;sg=a;sg=b", "v3;sg=abcd", "v1.zz", "v1" + strings.Repeat(".------", len(byV1)+1)} {
		if _, ok := parseRecord(bad); ok {
			t.Errorf("parseRecord(%q) accepted", bad)
		}
	}
}

func TestReplan(t *testing.T) {
	f := &spec.File{Caches: []spec.Cache{baseDesired()}}
	busy := baseLive()
	busy.Status, busy.Size = cloud.Updating, 10
	if c, ok := Replan(f, busy, Options{}); !ok || !c.Waits() {
		t.Errorf("busy: %v %+v", ok, c)
	}
	busy.Status = cloud.Ready
	if c, ok := Replan(f, busy, Options{}); !ok || c.Action != Update || c.Fields[0].Field != "size" {
		t.Errorf("settled: %v %+v", ok, c)
	}
	other := baseLive()
	other.Name = "other"
	if _, ok := Replan(f, other, Options{}); ok {
		t.Error("an undeclared cache was replanned")
	}
}

// sentTags is the tags applying the change sets: a create's whole set, an update's
// tags to set through the tag API.
func sentTags(t *testing.T, c Change) map[string]string {
	t.Helper()
	if c.Action == Create || c.Action == Replace {
		r, err := c.Request()
		if err != nil {
			t.Fatal(err)
		}
		tags := map[string]string{}
		for _, tg := range r["Tag"].([]cloud.Tag) {
			tags[tg.Key] = tg.Value
		}
		return tags
	}
	set, _, err := c.TagDelta()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// plainFields is fcs with Before and After as the plain values a plan holds.
func plainFields(t *testing.T, fcs []FieldChange) []FieldChange {
	t.Helper()
	for i := range fcs {
		var err1, err2 error
		fcs[i].Before, err1 = spec.Plain(fcs[i].Before)
		fcs[i].After, err2 = spec.Plain(fcs[i].After)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
	}
	return fcs
}

// TestCreateNeedsRequiredOnCreate: a new cache that leaves out the table's required-on-
// create fields is blocked with a reason naming exactly those; one that sets them is not.
func TestCreateNeedsRequiredOnCreate(t *testing.T) {
	var required []string
	for _, f := range spec.CacheFields() {
		if f.RequiredOnCreate {
			required = append(required, f.Key)
		}
	}
	if len(required) == 0 {
		t.Fatal("the table marks no field required on create")
	}
	plan := Build(&spec.File{Region: "cn-hangzhou", Caches: []spec.Cache{baseDesired()}}, nil, Options{})
	c := plan.Changes[0]
	want := "creating a cache needs " + strings.Join(required, " and ") + "; set it on the cache or under defaults"
	if c.Action != Blocked || c.Reason != want {
		t.Errorf("got %s %q, want blocked %q", c.Action, c.Reason, want)
	}

	d := baseDesired()
	d.SecurityGroupID, d.VSwitchID = p("sg-1"), p("vsw-1")
	plan = Build(&spec.File{Region: "cn-hangzhou", Caches: []spec.Cache{d}}, nil, Options{})
	if c := plan.Changes[0]; c.Action != Create {
		t.Errorf("with %v set: got %s (%s), want create", required, c.Action, c.Reason)
	}
}
