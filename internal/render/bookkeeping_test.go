package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/planner"
)

// TestBookkeepingIsOneLineForThePlan: 200 adopted caches whose update only writes the
// reserved tags (and records their declared write-only values), beside one real change,
// show one bookkeeping line for the whole plan in text and markdown, and none of the
// per-cache tags; the plan's changes are the one real change.
func TestBookkeepingIsOneLineForThePlan(t *testing.T) {
	owner, record := "platform-prod", "v2;sg=c60_;vs=Zx5N"
	var changes []planner.Change
	for i := range 200 {
		changes = append(changes, planner.Change{Region: "cn-hangzhou", Name: fmt.Sprintf("adopted-%03d", i), ID: fmt.Sprintf("imc-%d", i),
			Status: "Ready", Action: planner.Update, Bookkeeping: []planner.Bookkeeping{
				{Tag: "imcsync:applied", After: &record, Recorded: []string{"securityGroupId", "vSwitchId"}},
				{Tag: "imcsync:owner", After: &owner},
			}})
	}
	onlyBookkeeping := &planner.Plan{FormatVersion: planner.FormatVersion, Owner: owner, Changes: changes}
	onlyBookkeeping.Summary = planner.Summarize(onlyBookkeeping.Changes)
	if onlyBookkeeping.HasChanges() || !onlyBookkeeping.Pending() {
		t.Errorf("bookkeeping only: HasChanges %v, Pending %v; want false, true", onlyBookkeeping.HasChanges(), onlyBookkeeping.Pending())
	}
	withChange := &planner.Plan{FormatVersion: planner.FormatVersion, Owner: owner, Changes: append(changes[:200:200], planner.Change{
		Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Ready", Action: planner.Update,
		Fields:      []planner.FieldChange{{Field: "size", Before: int64(20), After: int64(40), Send: true, Call: planner.CallUpdate}},
		Bookkeeping: []planner.Bookkeeping{{Tag: "imcsync:applied", After: &record}},
	})}
	withChange.Summary = planner.Summarize(withChange.Changes)
	if !withChange.HasChanges() || withChange.Summary.Update != 1 || withChange.Summary.Bookkeeping != 200 {
		t.Errorf("with a change: HasChanges %v, summary %+v; want true, 1 update, 200 bookkeeping", withChange.HasChanges(), withChange.Summary)
	}
	for _, p := range []*planner.Plan{onlyBookkeeping, withChange} {
		for _, f := range []Format{Text, Markdown} {
			var buf bytes.Buffer
			if err := Plan(&buf, p, f, false); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if n := strings.Count(out, "bookkeeping"); n != 1 {
				t.Errorf("%s: %d lines name bookkeeping, want 1:\n%s", f, n, out)
			}
			want := "imcsync also records its bookkeeping tags on 200 caches; nothing else is sent for them"
			if p == withChange {
				want = "imcsync also records its bookkeeping tags on 201 caches: 1 with the changes above, and 200 for which nothing else is sent"
			}
			// One statement; the text wraps it to 80 columns.
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%s: no summary line %q:\n%s", f, want, out)
			}
			for _, detail := range []string{"imcsync:owner", "imcsync:applied", "adopted-000", "securityGroupId"} {
				if strings.Contains(out, detail) && !(f == Markdown && detail == "adopted-000") { // listed as unchanged
					t.Errorf("%s: shows the per-cache detail %q", f, detail)
				}
			}
			if len(out) > 12000 {
				t.Errorf("%s: %d bytes for one change and 200 caches' bookkeeping", f, len(out))
			}
		}
	}
}
