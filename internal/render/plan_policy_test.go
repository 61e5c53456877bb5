package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/planner"
)

// TestRenderPolicy: what the policy found is in the text plan before its summary line
// and in the markdown comment after the counts; "every rule holds" with a policy and
// nothing broken; nothing at all without a policy.
func TestRenderPolicy(t *testing.T) {
	changes := []planner.Change{{Region: "cn-hangzhou", Name: "web", Action: planner.Create,
		Fields: []planner.FieldChange{{Field: "images", After: []any{"a:latest"}, Send: true}}}}
	plan := func(results []planner.PolicyResult) *planner.Plan {
		return &planner.Plan{FormatVersion: planner.FormatVersion, Changes: changes, Summary: planner.Summarize(changes), Policy: results}
	}
	broken := []planner.PolicyResult{
		{Rule: "no-latest", Severity: planner.SeverityError, Cache: "cn-hangzhou/web", Message: "images must be versioned", File: "imagecaches.yaml", Line: 4, Column: 5},
		{Rule: "max-deletes", Severity: planner.SeverityWarning, Message: "at most 10 deletes", File: "policy.yaml", Line: 9, Column: 5},
	}
	render := func(p *planner.Plan, f Format) string {
		var buf bytes.Buffer
		if err := Plan(&buf, p, f, false); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}

	text := render(plan(broken), Text)
	want := "Policy: 1 error, 1 warning\n" +
		"  error no-latest: cn-hangzhou/web: images must be versioned (imagecaches.yaml:4:5)\n" +
		"  warning max-deletes: the plan: at most 10 deletes (policy.yaml:9:5)\n\n" +
		"Plan: 1 to create"
	if !strings.Contains(text, want) {
		t.Errorf("text plan lacks\n%s\n---\n%s", want, text)
	}
	md := render(plan(broken), Markdown)
	for _, want := range []string{
		"0 unchanged.\n\n**Policy:** 1 error, 1 warning\n\n| Severity | Rule | Cache | Message | Where |\n",
		"| :x: error | `no-latest` | cn-hangzhou/web | images must be versioned | `imagecaches.yaml:4:5` |\n",
		"| :warning: warning | `max-deletes` | the plan | at most 10 deletes | `policy.yaml:9:5` |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown plan lacks\n%s\n---\n%s", want, md)
		}
	}
	if js := render(plan(broken), JSON); !strings.Contains(js, `"policy": [`) || !strings.Contains(js, `"rule": "no-latest"`) {
		t.Errorf("JSON plan lacks the policy list:\n%s", js)
	}

	for f, want := range map[Format]string{Text: "Policy: every rule holds.\n", Markdown: "**Policy:** every rule holds.\n", JSON: `"policy": []`} {
		if got := render(plan([]planner.PolicyResult{}), f); !strings.Contains(got, want) {
			t.Errorf("%s, nothing broken: lacks %q:\n%s", f, want, got)
		}
		if got := render(plan(nil), f); strings.Contains(strings.ToLower(got), "policy") {
			t.Errorf("%s without a policy mentions it:\n%s", f, got)
		}
	}
}

// TestRenderPolicyFitsComment: many results are cut to their share of one comment, with
// "and N more results".
func TestRenderPolicyFitsComment(t *testing.T) {
	p := bigPlan(3000)
	for i := range 5000 {
		p.Policy = append(p.Policy, planner.PolicyResult{Rule: "team-tag", Severity: planner.SeverityWarning,
			Cache: fmt.Sprintf("cn-hangzhou/cache-%05d", i), Message: "every cache names its team", File: "imagecaches.yaml", Line: i + 5, Column: 5})
	}
	var buf bytes.Buffer
	if err := PlanMarkdown(&buf, p, MarkdownOptions{File: "imagecaches.yaml"}); err != nil {
		t.Fatal(err)
	}
	if md := buf.String(); len(md) > CommentLimit || !strings.Contains(md, "more results_ |") {
		t.Errorf("%d bytes (limit %d), cut note present: %v", len(md), CommentLimit, strings.Contains(md, "more results_"))
	}
}
