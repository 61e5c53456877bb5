package policy

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/planner"
)

// TestSkipAndForbidden: an error result holds back the mutating changes of the cache it
// names, a plan-wide error every mutating change; warnings hold back nothing.
func TestSkipAndForbidden(t *testing.T) {
	changes := []planner.Change{
		{Region: "r", Name: "a", Action: planner.Create},
		{Region: "r", Name: "b", ID: "imc-b", Action: planner.Update},
		{Region: "r", Name: "c", ID: "imc-c", Action: planner.Noop},
		{Region: "r", Name: "d", ID: "imc-d", Action: planner.Delete},
	}
	names := func(cs []planner.Change) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	tests := []struct {
		name          string
		results       []planner.PolicyResult
		kept, skipped []string
	}{
		{"warnings only", []planner.PolicyResult{{Rule: "w", Severity: planner.SeverityWarning, Cache: "r/a"}}, []string{"a", "b", "c", "d"}, nil},
		{"one cache", []planner.PolicyResult{{Rule: "e", Severity: planner.SeverityError, Cache: "r/b"}, {Rule: "e", Severity: planner.SeverityError, Cache: "r/c"}}, []string{"a", "c", "d"}, []string{"b"}},
		{"the whole plan", []planner.PolicyResult{{Rule: "e", Severity: planner.SeverityError}}, []string{"c"}, []string{"a", "b", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := &planner.Plan{Changes: changes, Summary: planner.Summarize(changes), Policy: tt.results}
			kept, skipped := Skip(plan)
			if diff := cmp.Diff(tt.kept, names(kept.Changes)); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.skipped, names(skipped)); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			if kept.Summary != planner.Summarize(kept.Changes) || len(plan.Changes) != 4 {
				t.Errorf("summary %+v, original plan changed: %d changes", kept.Summary, len(plan.Changes))
			}
			err := Forbidden(plan)
			if (err != nil) != (tt.skipped != nil) || err != nil && !errors.Is(err, ErrForbidden) {
				t.Errorf("Forbidden = %v", err)
			}
			if err := Forbidden(kept); err != nil {
				t.Errorf("Forbidden(kept) = %v", err)
			}
		})
	}
}

// TestDocsRulesLoad: every rule docs/policy.md shows loads and type-checks.
func TestDocsRulesLoad(t *testing.T) {
	doc, err := os.ReadFile("../../docs/policy.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	n := 0
	for _, b := range blocks {
		body := b[1]
		if !strings.Contains(body, "  - name:") || strings.Contains(body, "uses:") {
			continue
		}
		if !strings.HasPrefix(body, "apiVersion") {
			body = header + body
		}
		if _, err := Load(writePolicy(t, body)); err != nil {
			t.Errorf("a policy of docs/policy.md does not load:\n%s\n%v", body, err)
		}
		n++
	}
	if n < 3 {
		t.Errorf("found %d policies in docs/policy.md, want at least 3", n)
	}
}
