package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/planner"
)

// TestBookkeepingIsOneLine: a cache adopted from the console, whose update only writes
// the reserved tags and records its declared write-only values, shows one quiet line in
// the text plan and the markdown diff, naming the tags and the recorded fields.
func TestBookkeepingIsOneLine(t *testing.T) {
	owner, record := "platform-prod", "v2;sg=c60_;vs=Zx5N"
	c := planner.Change{Region: "cn-hangzhou", Name: "api", ID: "imc-1", Status: "Ready", Action: planner.Update,
		Bookkeeping: []planner.Bookkeeping{
			{Tag: "imcsync:applied", After: &record, Recorded: []string{"securityGroupId", "vSwitchId"}},
			{Tag: "imcsync:owner", After: &owner},
		}}
	p := &planner.Plan{FormatVersion: planner.FormatVersion, Owner: owner, Changes: []planner.Change{c}}
	p.Summary = planner.Summarize(p.Changes)
	for _, f := range []Format{Text, Markdown} {
		var buf bytes.Buffer
		if err := Plan(&buf, p, f, false); err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "# ") && !strings.Contains(l, "will be updated") {
				notes = append(notes, l)
			}
		}
		if len(notes) != 1 {
			t.Errorf("%s: %d bookkeeping lines, want 1:\n%s", f, len(notes), strings.Join(notes, "\n"))
			continue
		}
		for _, want := range []string{"adds imcsync:applied, imcsync:owner", "securityGroupId, vSwitchId", "nothing is sent"} {
			if !strings.Contains(notes[0], want) {
				t.Errorf("%s: bookkeeping line %q lacks %q", f, notes[0], want)
			}
		}
	}
}
