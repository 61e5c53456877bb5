package applier

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
)

func TestDecideTagOnlyIgnoresStatus(t *testing.T) {
	live := cloud.Cache{ID: "imc-1", Name: "web", Status: cloud.Updating, Tags: map[string]string{"team": "web"}}
	tagOnly := planner.Change{ID: "imc-1", Action: planner.Update, Fingerprint: planner.Fingerprint(live), Fields: []planner.FieldChange{
		{Field: "tags", Before: map[string]any{"team": "web"}, After: map[string]any{"team": "api"}, Send: true, Call: planner.CallTag}}}
	withSize := tagOnly
	withSize.Fields = append([]planner.FieldChange{{Field: "size", Before: int64(20), After: int64(40), Send: true, Call: planner.CallUpdate}}, tagOnly.Fields...)
	replan := func(ch planner.Change) func(cloud.Cache) (planner.Change, bool) {
		return func(cloud.Cache) (planner.Change, bool) { return ch, true }
	}
	failed := live
	failed.Status = cloud.Failed
	for _, tt := range []struct {
		name   string
		d      decider
		ch     planner.Change
		live   cloud.Cache
		waited bool
		want   stepKind
	}{
		{"tag-only, Updating: send", decider{}, tagOnly, live, false, send},
		{"tag-only, Updating, changed since the plan: replanned and sent", decider{replan: replan(tagOnly)}, tagOnly, func() cloud.Cache { c := live; c.Size = 30; return c }(), false, send},
		{"size and tags, Updating: wait", decider{}, withSize, live, false, wait},
		{"tag-only, Failed: blocked", decider{}, tagOnly, failed, false, final},
	} {
		if got := tt.d.decide(tt.ch, &tt.live, tt.waited); got.kind != tt.want {
			t.Errorf("%s: step %d (%s), want %d", tt.name, got.kind, got.msg, tt.want)
		}
	}
}

func TestTagBatches(t *testing.T) {
	var tasks []*task
	for i := range 120 {
		region := "cn-hangzhou"
		if i >= 110 {
			region = "cn-beijing"
		}
		w := &tagWork{set: map[string]string{"team": "web"}}
		if i%2 == 0 {
			w.remove = []string{"old"}
		}
		if i == 7 {
			w.set = map[string]string{"team": "api"}
		}
		tasks = append(tasks, &task{change: planner.Change{Region: region, ID: fmt.Sprintf("imc-%d", i)}, tags: w})
	}
	var got []string
	for _, b := range tagBatches(tasks) {
		what := fmt.Sprint(b.tags)
		if b.untag {
			what = "untag " + strings.Join(b.keys, ",")
		}
		got = append(got, fmt.Sprintf("%s %s x%d", b.region, what, len(b.tasks)))
	}
	want := []string{
		"cn-hangzhou untag old x50", "cn-hangzhou [{team web}] x50", "cn-hangzhou [{team api}] x1",
		"cn-hangzhou [{team web}] x50", "cn-hangzhou untag old x5", "cn-hangzhou [{team web}] x9",
		"cn-beijing untag old x5", "cn-beijing [{team web}] x10",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("batches:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestVerifyNamesValues(t *testing.T) {
	sent := sent{req: planner.Request{"ImageCacheSize": int32(40), "Image": []string{"a:1", "b:1"}, "Tag": []cloud.Tag{{Key: "env", Value: ""}, {Key: "team", Value: "web"}}}}
	live := cloud.Cache{Size: 20, Images: []string{"a:1", "b:1"}, Tags: map[string]string{"team": "web", "old": "x", "acs:rm:rgId": "rg-1"}}
	got := mismatchMessage(verify(sent, live))
	want := `the API accepted size=40 but the cache shows size=20; ` +
		`the API accepted tags.env="" but the cache shows tags.env=(none); ` +
		`the API accepted tags.old=(none) but the cache shows tags.old="x"`
	if got != want {
		t.Errorf("message\n %s\nwant\n %s", got, want)
	}
	live.Size, live.Tags["env"] = 40, ""
	delete(live.Tags, "old")
	if ms := verify(sent, live); len(ms) != 0 {
		t.Errorf("a cache showing what was sent (plus a system tag): %v", ms)
	}
}

// An existing cache's tags go through the tag calls: the keys set must show their
// values and the keys removed must be gone; other live tags (the unchanged user tags and
// reserved ones) are not a mismatch.
func TestVerifyTagCalls(t *testing.T) {
	s := sent{req: planner.Request{}, tagSet: map[string]string{"imcsync:owner": "o", "env": "prod"}, tagRemove: []string{"old"}}
	live := cloud.Cache{Tags: map[string]string{"team": "web", "imcsync:applied": "v2;sg=x", "imcsync:owner": "o", "env": "prod"}}
	if ms := verify(s, live); len(ms) != 0 {
		t.Errorf("a cache showing the tags set and lacking the one removed: %v", ms)
	}
	live.Tags["old"], live.Tags["imcsync:owner"] = "x", "p"
	want := `the API accepted tags.imcsync:owner="o" but the cache shows tags.imcsync:owner="p"; ` +
		`the API accepted tags.old=(none) but the cache shows tags.old="x"`
	if got := mismatchMessage(verify(s, live)); got != want {
		t.Errorf("message\n %s\nwant\n %s", got, want)
	}
}
