package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// TestPlainPlanEqualsTheJSONRoundTrip checks that the values the renderers get are those
// a plan file read back holds, for every Go type the planner puts in a field change.
func TestPlainPlanEqualsTheJSONRoundTrip(t *testing.T) {
	p := &planner.Plan{FormatVersion: planner.FormatVersion, Changes: []planner.Change{{
		Region: "cn-hangzhou", Name: "web", Action: planner.Update,
		Fields: []planner.FieldChange{
			{Field: "size", Before: int32(20), After: int32(40), Send: true},
			{Field: "images", Before: []string{"b:1", "a:1"}, After: []string(nil), Send: true},
			{Field: "tags", Before: map[string]string{"team": "web"}, After: map[string]string{}, Send: true},
			{Field: "flash", Before: planner.RecordedValue, After: true, WriteOnly: true},
			{Field: "retentionDays", Before: nil, After: 7},
			{Field: "imageRegistryCredentials", Before: planner.UnknownValue,
				After: []spec.RegistryCredential{{Server: "r.example.com", UserName: "ci", PasswordFromEnv: "PW"}}},
			{Field: "acrRegistryInfos", After: []spec.AcrRegistryInfo{{InstanceID: "cri-1", Domains: []string{"a&b"}}}},
			{Field: "eipInstanceId", Before: pointerTo("eip-1"), After: map[string]any{"n": int32(1)}},
		},
	}}}
	b, err := planJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var want planner.Plan
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	got, err := plainPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want.Changes, got.Changes); d != "" {
		t.Errorf("plain plan differs from the JSON round trip (-want +got):\n%s", d)
	}
	if _, ok := p.Changes[0].Fields[0].Before.(int32); !ok {
		t.Error("plainPlan changed the plan it was given")
	}
}

func pointerTo[T any](v T) *T { return &v }
