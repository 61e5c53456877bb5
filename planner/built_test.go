package planner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

const (
	nginxOld = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	nginxNew = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
	redisNow = "sha256:aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff0000"
)

// builtOf is the built tag of a cache built from these digests.
func builtOf(digests map[string]string, images ...string) string {
	return wantBuilt(images, digests).format()
}

// planFresh plans the base pair (securityGroupId and vSwitchId declared, so that a
// rebuild can be planned) with the digests the tags point to now.
func planFresh(t *testing.T, digests map[string]string, mutateDesired func(*spec.Cache), mutateLive func(*cloud.Cache)) Change {
	t.Helper()
	d, l := baseDesired(), baseLive()
	d.SecurityGroupID, d.VSwitchID = p("sg-1"), p("vsw-1")
	if mutateDesired != nil {
		mutateDesired(&d)
	}
	if mutateLive != nil {
		mutateLive(&l)
	}
	plan := Build(&spec.File{Region: "cn-hangzhou", Caches: []spec.Cache{d}}, []cloud.Cache{l}, Options{Digests: digests})
	if len(plan.Changes) != 1 {
		t.Fatalf("got %d changes, want 1: %+v", len(plan.Changes), plan.Changes)
	}
	return plan.Changes[0]
}

func builtBookkeeping(c Change) (string, bool) {
	for _, b := range c.Bookkeeping {
		if b.Tag == spec.BuiltTag && b.After != nil {
			return *b.After, true
		}
	}
	return "", false
}

func TestFreshness(t *testing.T) {
	was := map[string]string{"nginx:1.25": nginxOld, "redis:7": redisNow}
	now := map[string]string{"nginx:1.25": nginxNew, "redis:7": redisNow}
	builtWas := builtOf(was, "nginx:1.25", "redis:7")
	withRecord := func(l *cloud.Cache) {
		l.Tags[spec.BuiltTag] = builtWas
		l.Tags[spec.RecordTag] = desiredRecord(&spec.Cache{SecurityGroupID: p("sg-1"), VSwitchID: p("vsw-1")}).format()
	}
	tests := []struct {
		name        string
		digests     map[string]string
		desired     func(*spec.Cache)
		live        func(*cloud.Cache)
		wantAction  Action
		wantRefresh []Refresh
		wantBuilt   string // the built tag the change writes, "" for none
		wantCode    ReasonCode
	}{
		{name: "unchanged", digests: was, live: withRecord, wantAction: Noop},
		{name: "moved", digests: now, live: withRecord, wantAction: Replace, wantCode: ReasonMovedTags,
			wantRefresh: []Refresh{{Image: "nginx:1.25", From: "sha256:0123456789", To: nginxNew}},
			wantBuilt:   builtOf(now, "nginx:1.25", "redis:7")},
		{name: "resolution off", digests: nil, live: withRecord, wantAction: Noop},
		{name: "refresh never", digests: now, live: withRecord, wantAction: Noop,
			desired: func(c *spec.Cache) { c.Refresh = p(spec.RefreshNever) }},
		{name: "unresolved image keeps its entry", digests: map[string]string{"redis:7": redisNow}, live: withRecord, wantAction: Noop},
		{name: "no record yet: recorded, not rebuilt", digests: now, wantAction: Update,
			live: func(l *cloud.Cache) {
				withRecord(l)
				delete(l.Tags, spec.BuiltTag)
			},
			wantBuilt: builtOf(now, "nginx:1.25", "redis:7")},
		{name: "pinned digests never refresh", wantAction: Noop,
			digests: now, live: func(l *cloud.Cache) { withRecord(l); l.Images = []string{"nginx@" + nginxOld} },
			desired: func(c *spec.Cache) { c.Images = []string{"nginx@" + nginxOld} },
		},
		{name: "busy cache waits", digests: now, wantAction: Noop,
			live: func(l *cloud.Cache) { withRecord(l); l.Status = cloud.Updating }},
		{name: "pinned id cannot be rebuilt", digests: now, wantAction: Blocked, wantCode: ReasonMovedTagsPinned,
			wantRefresh: []Refresh{{Image: "nginx:1.25", From: "sha256:0123456789", To: nginxNew}},
			desired:     func(c *spec.Cache) { c.ID = "imc-1" }, live: withRecord},
		{name: "image list changes: update, new record", digests: was, wantAction: Update,
			desired:   func(c *spec.Cache) { c.Images = []string{"nginx:1.25"} },
			live:      withRecord,
			wantBuilt: builtOf(was, "nginx:1.25")},
		{name: "image list changes and a kept tag moved: rebuilt", digests: map[string]string{"nginx:1.25": nginxNew, "redis:7": redisNow, "api:1": redisNow},
			wantAction: Replace, wantCode: ReasonMovedTags,
			desired:     func(c *spec.Cache) { c.Images = []string{"nginx:1.25", "redis:7", "api:1"} },
			live:        withRecord,
			wantRefresh: []Refresh{{Image: "nginx:1.25", From: "sha256:0123456789", To: nginxNew}},
			wantBuilt:   builtOf(map[string]string{"nginx:1.25": nginxNew, "redis:7": redisNow, "api:1": redisNow}, "api:1", "nginx:1.25", "redis:7")},
		{name: "image list changes unresolved: record emptied", digests: nil, wantAction: Update,
			desired:   func(c *spec.Cache) { c.Images = []string{"nginx:1.25"} },
			live:      withRecord,
			wantBuilt: builtVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := planFresh(t, tt.digests, tt.desired, tt.live)
			if c.Action != tt.wantAction || c.ReasonCode != tt.wantCode {
				t.Fatalf("action %s, %q (%s), want %s, %q", c.Action, c.ReasonCode, c.Reason, tt.wantAction, tt.wantCode)
			}
			if diff := cmp.Diff(tt.wantRefresh, c.Refresh); diff != "" {
				t.Errorf("refresh (-want +got):\n%s", diff)
			}
			if got, _ := builtBookkeeping(c); got != tt.wantBuilt {
				t.Errorf("built tag written %q, want %q", got, tt.wantBuilt)
			}
		})
	}
}

// A rebuild the create of which is blocked is blocked for the create's reason, told as
// a rebuild, never as a replace.
func TestRefreshBlockedByCreate(t *testing.T) {
	now := map[string]string{"nginx:1.25": nginxNew, "redis:7": redisNow}
	c := planFresh(t, now, func(d *spec.Cache) { d.VSwitchID = nil }, func(l *cloud.Cache) {
		l.Tags = map[string]string{spec.BuiltTag: builtOf(map[string]string{"nginx:1.25": nginxOld, "redis:7": redisNow}, "nginx:1.25", "redis:7")}
	})
	want := "image tags moved, but the cache cannot be rebuilt: creating a cache needs vSwitchId"
	if c.Action != Blocked || c.ReasonCode != ReasonMissingRequired || !strings.HasPrefix(c.Reason, want) || len(c.Refresh) != 1 {
		t.Fatalf("got %s, %q, %q, refresh %v; want blocked %q: %q…", c.Action, c.ReasonCode, c.Reason, c.Refresh, ReasonMissingRequired, want)
	}
}

// A refresh creates the new cache with every declared field, the moved record and the
// live user tags when the file does not manage tags.
func TestRefreshCreatesWholeCache(t *testing.T) {
	now := map[string]string{"nginx:1.25": nginxNew, "redis:7": redisNow}
	c := planFresh(t, now, func(d *spec.Cache) { d.Tags = nil }, func(l *cloud.Cache) {
		l.Tags = map[string]string{"team": "web", spec.BuiltTag: builtOf(map[string]string{"nginx:1.25": nginxOld, "redis:7": redisNow}, "nginx:1.25", "redis:7")}
	})
	if !c.Refreshes() || c.ID != "imc-1" {
		t.Fatalf("want a refresh of imc-1, got %s %q", c.Action, c.Reason)
	}
	req, err := c.Request()
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tg := range req["Tag"].([]cloud.Tag) {
		tags[tg.Key] = tg.Value
	}
	if tags["team"] != "web" || tags[spec.BuiltTag] != builtOf(now, "nginx:1.25", "redis:7") || req["SecurityGroupId"] != "sg-1" {
		t.Fatalf("create request %v", req)
	}
}

// More tag references than a tag value holds entries for: one digest of the set, and a
// moved tag is a refresh without From.
func TestFreshnessManyImages(t *testing.T) {
	var images []string
	was, now := map[string]string{}, map[string]string{}
	for i := range 12 {
		img := fmt.Sprintf("reg.example.com/app%d:1", i)
		images = append(images, img)
		was[img], now[img] = nginxOld, nginxOld
	}
	now[images[3]] = nginxNew
	tag := builtOf(was, images...)
	if !strings.HasPrefix(tag, builtVersion+";"+builtSetKey+"=") || len(tag) > spec.MaxTagLength {
		t.Fatalf("built tag %q", tag)
	}
	c := planFresh(t, now, func(d *spec.Cache) { d.Images = images }, func(l *cloud.Cache) {
		l.Images = images
		l.Tags[spec.BuiltTag] = tag
		l.Tags[spec.RecordTag] = desiredRecord(&spec.Cache{SecurityGroupID: p("sg-1"), VSwitchID: p("vsw-1")}).format()
	})
	if !c.Refreshes() || len(c.Refresh) != 12 || c.Refresh[0].From != "" {
		t.Fatalf("want a refresh of all 12 without from, got %s %+v", c.Action, c.Refresh)
	}
}

func TestBuiltTagFits(t *testing.T) {
	images, digests := []string{}, map[string]string{}
	for i := range maxBuiltEntries {
		img := fmt.Sprintf("registry.example.com/team/app%d:1", i)
		images, digests[img] = append(images, img), nginxNew
	}
	tag := builtOf(digests, images...)
	if len(tag) > spec.MaxTagLength || strings.Contains(tag, builtSetKey) {
		t.Fatalf("%d entries: %d characters: %s", maxBuiltEntries, len(tag), tag)
	}
	if b, ok := parseBuilt(tag); !ok || len(b) != maxBuiltEntries {
		t.Fatalf("read back %v %v", b, ok)
	}
}
