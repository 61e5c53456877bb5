package planner

import (
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// fingerprintEdits change one read-back field of a live cache, by the field's key in
// spec's table. A read-back field added to the table needs its edit here.
var fingerprintEdits = map[string]func(*cloud.Cache){
	"name":                func(c *cloud.Cache) { c.Name = "other" },
	"id":                  func(c *cloud.Cache) { c.ID = "imc-other" },
	"region":              func(c *cloud.Cache) { c.Region = "cn-beijing" },
	"images":              func(c *cloud.Cache) { c.Images = []string{"nginx:2"} },
	"size":                func(c *cloud.Cache) { c.Size++ },
	"eliminationStrategy": func(c *cloud.Cache) { c.EliminationStrategy = "" },
	"resourceGroupId":     func(c *cloud.Cache) { c.ResourceGroupID = "rg-other" },
	"tags":                func(c *cloud.Cache) { c.Tags["team"] = "other" },
}

// TestFingerprintCoversReadBackFields: the fingerprint follows spec's field table, so
// that a saved plan is refused when any field the API reads back has changed.
func TestFingerprintCoversReadBackFields(t *testing.T) {
	base := func() cloud.Cache {
		return cloud.Cache{Region: "cn-hangzhou", ID: "imc-1", Name: "web", Status: cloud.Ready, Size: 20,
			Images: []string{"nginx:1"}, EliminationStrategy: "LRU", ResourceGroupID: "rg-1", Tags: map[string]string{"team": "web"}}
	}
	want := Fingerprint(base())
	for _, f := range spec.CacheFields() {
		if !f.ReadBack() {
			continue
		}
		edit, ok := fingerprintEdits[f.Key]
		if !ok {
			t.Errorf("no edit of %s in fingerprintEdits", f.Key)
			continue
		}
		l := base()
		edit(&l)
		if Fingerprint(l) == want {
			t.Errorf("the fingerprint does not change with %s", f.Key)
		}
	}
	// Neither the status nor the order of the images is content.
	l := base()
	l.Status, l.Images = cloud.Updating, []string{"nginx:1", "nginx:1"}
	if Fingerprint(l) != want {
		t.Errorf("the fingerprint changes with the status or a duplicate image")
	}
}
