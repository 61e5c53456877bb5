package planner

import (
	"encoding/json"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// TestOnlyThisChanged: a cache a change was applied to, and nothing else since, is
// the cache the change was planned against once the change is taken back; one that also
// moved in a field the change does not set is not. The change may come from a plan
// file (values decoded from JSON).
func TestOnlyThisChanged(t *testing.T) {
	before := cloud.Cache{ID: "imc-1", Name: "web", Status: cloud.Ready, Size: 20, Images: []string{"a:1"}}
	ch := Change{ID: "imc-1", Action: Update, Fingerprint: Fingerprint(before),
		Fields: []FieldChange{
			{Field: "size", Before: int64(20), After: int64(40), Send: true},
			{Field: tagsField, Before: map[string]any{}, After: map[string]any{"team": "web"}, Send: true},
		},
		Bookkeeping: []Bookkeeping{{Tag: spec.OwnerTag, After: p("team-a")}}}
	b, err := json.Marshal(ch)
	if err != nil {
		t.Fatal(err)
	}
	var saved Change
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	after := before
	after.Size, after.Tags = 40, map[string]string{"team": "web", spec.OwnerTag: "team-a"}
	moved := after
	moved.Images = []string{"a:2"}
	tests := []struct {
		name string
		ch   Change
		live cloud.Cache
		want bool
	}{
		{"applied", ch, after, true},
		{"applied, from a plan file", saved, after, true},
		{"applied and moved elsewhere", ch, moved, false},
		{"not applied yet: nothing else changed either", ch, before, true},
		{"a create has no cache it was planned against", Change{Action: Create}, after, false},
	}
	for _, tt := range tests {
		if got := tt.ch.OnlyThisChanged(tt.live); got != tt.want {
			t.Errorf("%s: OnlyThisChanged = %t, want %t", tt.name, got, tt.want)
		}
	}
}
