package planner

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// TestPlanValuesSurviveTheFile: the values of a plan just built are the values the same
// plan holds once written and read back, for every kind of field, so that renderers,
// the request builder and drift see one model whatever the plan's origin.
func TestPlanValuesSurviveTheFile(t *testing.T) {
	d := baseDesired()
	d.Size = p[int32](40)
	d.Tags = map[string]string{"team": "ml", "a&b": "<x>"}
	d.SecurityGroupID, d.VSwitchID = p("sg-1"), p("vsw-1")
	d.Flash, d.RetentionDays = p(true), p[int32](7)
	d.ImageRegistryCredentials = []spec.RegistryCredential{{Server: "r.example.com", UserName: "ci", PasswordFromEnv: "PW"}}
	d.AcrRegistryInfos = []spec.AcrRegistryInfo{{InstanceID: "cri-1", Domains: []string{"a.example.com"}}}
	d.ZoneID = p("cn-hangzhou-k")
	f := &spec.File{Owner: "o", Caches: []spec.Cache{d, func() spec.Cache { n := d; n.Name = "new"; return n }()}}
	fresh := Build(f, []cloud.Cache{baseLive()}, Options{})

	b, err := json.Marshal(fresh)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var read Plan
	if err := dec.Decode(&read); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fresh, &read); diff != "" {
		t.Errorf("plan read back differs (-fresh +read):\n%s", diff)
	}
	for _, c := range fresh.Changes {
		for _, fc := range c.Fields {
			for _, v := range []any{fc.Before, fc.After} {
				if p, err := spec.Plain(v); err != nil || !spec.Equal(p, v) {
					t.Errorf("%s/%s %s: %#v is not a plain value", c.Name, fc.Field, fc.Field, v)
				}
			}
		}
	}
}

// TestPlanFileRefusesNonIntegers: a plan file's numbers are integers.
func TestPlanFileRefusesNonIntegers(t *testing.T) {
	var fc FieldChange
	if err := json.Unmarshal([]byte(`{"field": "size", "after": 1.5, "send": true}`), &fc); err == nil {
		t.Errorf("1.5 accepted: %#v", fc)
	}
	if err := json.Unmarshal([]byte(`{"field": "size", "after": 40, "send": true, "extra": 1}`), &fc); err == nil {
		t.Error("unknown key accepted")
	}
}
