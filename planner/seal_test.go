package planner

import (
	"strings"
	"testing"
)

// TestSeal: a sealed plan passes CheckSeal; any edit of a decision (an action, a value,
// the owner, the target) does not, and a plan never sealed is refused.
func TestSeal(t *testing.T) {
	sealed := func() *Plan {
		p := &Plan{FormatVersion: FormatVersion, Owner: "team-a", Changes: []Change{{Region: "r", Name: "web", ID: "imc-1", Action: Blocked,
			ReasonCode: ReasonOwnedByOther, Reason: "owned by someone-else"}}}
		p.Seal(Target{Endpoint: "http://127.0.0.1:1"})
		return p
	}
	if err := sealed().CheckSeal(); err != nil {
		t.Fatalf("sealed plan: %v", err)
	}
	for name, edit := range map[string]func(p *Plan){
		"action": func(p *Plan) { p.Changes[0].Action = Update },
		"fields": func(p *Plan) {
			p.Changes[0].Fields = []FieldChange{{Field: "size", After: int64(40), Send: true}}
		},
		"reason code": func(p *Plan) { p.Changes[0].ReasonCode = ReasonFailed },
		"reason":      func(p *Plan) { p.Changes[0].Reason = "failed" },
		"owner":       func(p *Plan) { p.Owner = "someone-else" },
		"endpoint":    func(p *Plan) { p.Target.Endpoint = "http://127.0.0.1:2" },
		"unsealed":    func(p *Plan) { p.Digest = "" },
	} {
		p := sealed()
		edit(p)
		if err := p.CheckSeal(); err == nil {
			t.Errorf("%s edited: accepted", name)
		}
	}
}

// TestTargetDiffers: another endpoint always differs; an account only when both sides
// know it.
func TestTargetDiffers(t *testing.T) {
	a := Target{Endpoint: "e", Account: "111"}
	for _, tc := range []struct {
		other Target
		want  string
	}{
		{Target{Endpoint: "e", Account: "111"}, ""},
		{Target{Endpoint: "e"}, ""},
		{Target{Endpoint: "f", Account: "111"}, "made against"},
		{Target{Endpoint: "e", Account: "222"}, "account"},
	} {
		got := a.Differs(tc.other)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.other, got, tc.want)
		}
	}
}
