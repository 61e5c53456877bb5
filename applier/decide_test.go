package applier

import (
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

func TestDecide(t *testing.T) {
	ready := cloud.Cache{ID: "imc-1", Name: "web", Status: cloud.Ready, Size: 20}
	fp := planner.Fingerprint(ready)
	update := planner.Change{Name: "web", ID: "imc-1", Action: planner.Update, Fingerprint: fp}
	with := func(c cloud.Cache, f func(*cloud.Cache)) *cloud.Cache { f(&c); return &c }
	replanTo := func(a planner.Action) func(cloud.Cache) (planner.Change, bool) {
		return func(l cloud.Cache) (planner.Change, bool) {
			return planner.Change{ID: l.ID, Action: a, Reason: "because"}, true
		}
	}
	applied := "v2;rd=x"
	resize := update
	resize.Fields = []planner.FieldChange{{Field: "size", Before: int64(20), After: int64(40), Send: true}, {Field: "retentionDays", After: int64(7), WriteOnly: true, Send: true}}
	resize.Bookkeeping = []planner.Bookkeeping{{Tag: spec.RecordTag, After: &applied}}
	resized := with(ready, func(c *cloud.Cache) { c.Size, c.Tags = 40, map[string]string{spec.RecordTag: applied} })
	create := planner.Change{Name: "web", Action: planner.Create, Fields: []planner.FieldChange{{Field: "size", After: int64(20), Send: true}}}
	tests := []struct {
		name   string
		d      decider
		ch     planner.Change
		live   *cloud.Cache
		waited bool
		kind   stepKind
		result Result
	}{
		{"ready: send", decider{}, update, &ready, false, send, ""},
		{"update failed: send", decider{}, update, with(ready, func(c *cloud.Cache) { c.Status = cloud.UpdateFailed }), false, send, ""},
		{"busy: wait", decider{}, update, with(ready, func(c *cloud.Cache) { c.Status = cloud.Updating }), false, wait, ""},
		{"failed: blocked", decider{}, update, with(ready, func(c *cloud.Cache) { c.Status = cloud.Failed }), false, final, Blocked},
		{"vanished", decider{}, update, nil, false, final, Failed},
		{"changed, saved plan: stale", decider{checkFingerprints: true}, update, with(ready, func(c *cloud.Cache) { c.Size = 30 }), false, final, Stale},
		{"changed, no check: send as planned", decider{}, update, with(ready, func(c *cloud.Cache) { c.Size = 30 }), false, send, ""},
		{"waited, replan noop", decider{replan: replanTo(planner.Noop)}, update, &ready, true, final, Unchanged},
		{"not waited, same fingerprint: no replan", decider{replan: replanTo(planner.Noop)}, update, &ready, false, send, ""},
		{"replan blocked", decider{replan: replanTo(planner.Blocked)}, update, &ready, true, final, Blocked},
		{"blocked in a saved plan stays blocked", decider{}, planner.Change{ID: "imc-1", Action: planner.Blocked}, &ready, false, final, Blocked},
		{"blocked, busy, replan: wait", decider{replan: replanTo(planner.Update)}, planner.Change{ID: "imc-1", Action: planner.Blocked}, with(ready, func(c *cloud.Cache) { c.Status = cloud.Creating }), false, wait, ""},
		{"blocked, settled, replan: send", decider{replan: replanTo(planner.Update)}, planner.Change{ID: "imc-1", Action: planner.Blocked}, &ready, true, send, ""},
		{"create: send", decider{}, planner.Change{Name: "web", Action: planner.Create}, nil, false, send, ""},
		{"create, name taken, saved plan: stale", decider{checkFingerprints: true}, planner.Change{Name: "web", Action: planner.Create}, &ready, false, final, Stale},
		{"delete gone", decider{owner: "team"}, planner.Change{ID: "imc-1", Action: planner.Delete, Fingerprint: fp}, nil, false, final, Deleted},
		{"delete not owned", decider{owner: "team"}, planner.Change{ID: "imc-1", Action: planner.Delete, Fingerprint: fp}, &ready, false, final, Skipped},
		{"delete owned", decider{owner: "team"}, planner.Change{ID: "imc-1", Action: planner.Delete}, with(ready, func(c *cloud.Cache) { c.Tags = map[string]string{spec.OwnerTag: "team"} }), false, send, ""},
		{"noop", decider{}, planner.Change{Action: planner.Noop}, nil, false, final, Unchanged},
		{"changed to what a saved plan asks: already applied", decider{checkFingerprints: true}, resize, resized, false, final, Unchanged},
		{"already applied after waiting for it", decider{checkFingerprints: true}, resize, resized, true, final, Unchanged},
		{"changed to what the plan asks and elsewhere: stale", decider{checkFingerprints: true}, resize, with(*resized, func(c *cloud.Cache) { c.Images = []string{"other:1"} }), false, final, Stale},
		{"changed to what the plan asks, record differs: stale", decider{checkFingerprints: true}, resize, with(*resized, func(c *cloud.Cache) { c.Tags = map[string]string{spec.RecordTag: "v2;rd=y"} }), false, final, Stale},
		{"changed to what the plan asks, owned by another: stale", decider{owner: "team", checkFingerprints: true}, resize, with(*resized, func(c *cloud.Cache) { c.Tags = map[string]string{spec.RecordTag: applied, spec.OwnerTag: "other"} }), false, final, Stale},
		{"changed to what the plan asks, UpdateFailed: stale", decider{checkFingerprints: true}, resize, with(*resized, func(c *cloud.Cache) { c.Status = cloud.UpdateFailed }), false, final, Stale},
		{"changed partly to what the plan asks (record not written yet): send the rest", decider{checkFingerprints: true}, resize, with(*resized, func(c *cloud.Cache) { c.Tags = nil }), false, send, ""},
		{"changed partly, record elsewhere: stale", decider{checkFingerprints: true}, resize, with(*resized, func(c *cloud.Cache) { c.Tags = map[string]string{spec.RecordTag: "v2;rd=y"} }), false, final, Stale},
		{"changed partly and elsewhere: stale", decider{checkFingerprints: true}, resize, with(*resized, func(c *cloud.Cache) { c.Tags, c.Images = nil, []string{"other:1"} }), false, final, Stale},
		{"changed to a third value: stale", decider{checkFingerprints: true}, resize, with(ready, func(c *cloud.Cache) { c.Size = 60 }), false, final, Stale},
		{"create, the name holds what the plan asks: already applied", decider{checkFingerprints: true}, create, &ready, false, final, Unchanged},
		{"create, the name holds other content: stale", decider{checkFingerprints: true}, create, with(ready, func(c *cloud.Cache) { c.Size = 30 }), false, final, Stale},
	}
	for _, tt := range tests {
		s := tt.d.decide(tt.ch, tt.live, tt.waited)
		if s.kind != tt.kind || s.result != tt.result {
			t.Errorf("%s: got step %d %q (%s), want %d %q", tt.name, s.kind, s.result, s.msg, tt.kind, tt.result)
		}
	}
}

func TestSettle(t *testing.T) {
	sent := sent{req: planner.Request{"ImageCacheSize": int32(40)}}
	old := &cloud.Cache{Status: cloud.Ready, Size: 20}
	updated := &cloud.Cache{Status: cloud.Ready, Size: 40}
	failed := &cloud.Cache{Status: cloud.UpdateFailed, Size: 40, Events: []cloud.Event{{Type: "Warning", Message: "pull failed"}}}
	tests := []struct {
		name     string
		action   planner.Action
		live     *cloud.Cache
		busySeen bool
		polls    int
		done     bool
		result   Result
	}{
		{"old Ready right after the call: not believed", planner.Update, old, false, 1, false, ""},
		{"old Ready after settlePolls reads: the update did not show", planner.Update, old, false, settlePolls, true, Failed},
		{"Ready with the sent values", planner.Update, updated, false, 1, true, Updated},
		{"Updating", planner.Update, &cloud.Cache{Status: cloud.Updating}, true, 1, false, ""},
		{"UpdateFailed after Updating", planner.Update, failed, true, 2, true, Failed},
		{"UpdateFailed before seen busy: not believed yet", planner.Update, failed, false, 1, false, ""},
		{"gone while updating", planner.Update, nil, false, 1, true, Failed},
		{"created Ready", planner.Create, updated, false, 1, true, Created},
		{"create not listed yet", planner.Create, nil, false, 1, false, ""},
		{"create never listed", planner.Create, nil, false, settlePolls, true, Failed},
		{"delete still listed", planner.Delete, old, false, 5, false, ""},
		{"delete gone", planner.Delete, nil, false, 1, true, Deleted},
	}
	for _, tt := range tests {
		res, msg, done := settle(tt.action, sent, tt.live, tt.busySeen, tt.polls)
		if done != tt.done || res != tt.result {
			t.Errorf("%s: got %v %q (%s), want %v %q", tt.name, done, res, msg, tt.done, tt.result)
		}
	}
	if _, msg, _ := settle(planner.Update, sent, failed, true, 2); msg != "pull failed" {
		t.Errorf("UpdateFailed message = %q, want the event message", msg)
	}
}

func TestClientToken(t *testing.T) {
	ch := planner.Change{Region: "cn-hangzhou", Name: "web", ID: "imc-1", Action: planner.Update, Fingerprint: "f1"}
	r := planner.Request{"ImageCacheSize": int32(40)}
	run := newRunID()
	tok := clientToken(run, ch, planner.Update, r)
	if tok != clientToken(run, ch, planner.Update, r) || len(tok) > 64 || !strings.HasPrefix(tok, "imcsync-"+run+"-") {
		t.Fatalf("token %q: want stable within the run, ASCII, at most 64", tok)
	}
	other := ch
	other.Fingerprint = "f2"
	if clientToken(run, other, planner.Update, r) == tok || clientToken(run, ch, planner.Update, planner.Request{"ImageCacheSize": int32(41)}) == tok {
		t.Error("token does not depend on the fingerprint or the request")
	}
	if next := newRunID(); next == run || clientToken(next, ch, planner.Update, r) == tok {
		t.Error("a later run sends the same token")
	}
}

func TestCreateToken(t *testing.T) {
	ch := planner.Change{Region: "cn-hangzhou", Name: "web", Action: planner.Create}
	r := planner.Request{"ImageCacheName": "web", "Image": []string{"nginx:1"}}
	tok := createToken("team-a", ch, r, "")
	if tok != createToken("team-a", ch, r, "") || len(tok) > 64 || !strings.HasPrefix(tok, "imcsync-c-") {
		t.Fatalf("token %q: want the same for the same create in any run, ASCII, at most 64", tok)
	}
	region, name := ch, ch
	region.Region, name.Name = "cn-beijing", "api"
	for what, other := range map[string]string{
		"owner":   createToken("team-b", ch, r, ""),
		"region":  createToken("team-a", region, r, ""),
		"name":    createToken("team-a", name, r, ""),
		"content": createToken("team-a", ch, planner.Request{"ImageCacheName": "web", "Image": []string{"nginx:2"}}, ""),
		"after":   createToken("team-a", ch, r, "imc-gone"),
	} {
		if other == tok {
			t.Errorf("the token does not depend on the %s", what)
		}
	}
}
