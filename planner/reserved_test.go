package planner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// TestValidateAcceptsWhatPlanCarries: for every mix of user tags, owner and a field the
// record tag covers (or none), the file is valid exactly when the planner can carry the
// tags without going over the API's limit, for a cache to create and for one that
// exists already.
func TestValidateAcceptsWhatPlanCarries(t *testing.T) {
	extras := map[string]string{
		"none":        "",
		"write-only":  "    flash: true\n",
		"create-only": "    zoneId: cn-hangzhou-k\n",
		"compared":    "    size: 30\n",
	}
	for _, owner := range []string{"", "team-a"} {
		for extraName, extra := range extras {
			for n := spec.MaxTags - 3; n <= spec.MaxTags+1; n++ {
				name := fmt.Sprintf("owner=%q/%s/%d tags", owner, extraName, n)
				var tags []string
				for i := range n {
					tags = append(tags, fmt.Sprintf("k%d: v", i))
				}
				src := "apiVersion: imcsync/v1\nregion: cn-hangzhou\n"
				if owner != "" {
					src += "owner: " + owner + "\n"
				}
				src += "imageCaches:\n  - name: web\n    images: [nginx:1.25]\n" + extra + "    tags: {" + strings.Join(tags, ", ") + "}\n"
				f, err := spec.Parse("t.yaml", []byte(src))
				valid := err == nil
				if !valid {
					// Validate the same cache without the tag count at stake, to
					// learn what plan makes of it.
					f, err = spec.Parse("t.yaml", []byte(strings.Replace(src, "tags: {"+strings.Join(tags, ", ")+"}", "tags: {}", 1)))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					f.Caches[0].Tags = map[string]string{}
					for i := range n {
						f.Caches[0].Tags[fmt.Sprintf("k%d", i)] = "v"
					}
				}
				live := cloud.Cache{ID: "imc-1", Region: "cn-hangzhou", Name: "web", Status: cloud.Ready, Images: []string{"nginx:1.25"}, Size: 20}
				for what, l := range map[string][]cloud.Cache{"create": nil, "update": {live}} {
					if what == "create" {
						sg, vsw := "sg-1", "vsw-1" // creating needs them: they are write-only
						f.Caches[0].SecurityGroupID, f.Caches[0].VSwitchID = &sg, &vsw
					} else {
						f.Caches[0].SecurityGroupID, f.Caches[0].VSwitchID = nil, nil
					}
					if what == "create" && extraName != "write-only" && extraName != "create-only" {
						continue // the write-only group and vSwitch change what is recorded
					}
					ch := Build(f, l, Options{}).Changes[0]
					carried := ch.Action != Blocked
					if !carried && ch.ReasonCode != ReasonTooManyTags {
						t.Fatalf("%s, %s: blocked for another reason: %s", name, what, ch.Reason)
					}
					if valid != carried {
						t.Errorf("%s, %s: validate says valid=%v, plan says %s (%s)", name, what, valid, ch.Action, ch.Reason)
					}
				}
			}
		}
	}
}
