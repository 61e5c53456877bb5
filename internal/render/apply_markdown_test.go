package render

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

// applyOf is the report and plan of an apply that updated n caches, of which the last
// failed, plus two unchanged ones.
func applyOf(n int) (engine.Report, *planner.Plan) {
	var outcomes []applier.Outcome
	var changes []planner.Change
	for i := range n {
		o := applier.Outcome{Region: "cn-hangzhou", Name: fmt.Sprintf("team-%04d-web-frontend", i), ID: fmt.Sprintf("imc-bp1%013d", i),
			Action: planner.Update, Result: applier.Updated, Status: "Ready", Attempts: 1, Duration: 93 * time.Second}
		if i == n-1 {
			o.Result, o.Status, o.Message = applier.Failed, "UpdateFailed", "pull access denied for registry.example.com/web:2"
		}
		outcomes = append(outcomes, o)
		changes = append(changes, planner.Change{Region: o.Region, Name: o.Name, ID: o.ID, Action: planner.Update, Status: "Ready",
			Fields: []planner.FieldChange{{Field: "size", Before: int64(20), After: int64(40), Send: true, Call: planner.CallUpdate}}})
	}
	for _, name := range []string{"api", "etl"} {
		outcomes = append(outcomes, applier.Outcome{Region: "cn-shanghai", Name: name, ID: "imc-" + name, Action: planner.Noop, Result: applier.Unchanged, Status: "Ready"})
		changes = append(changes, planner.Change{Region: "cn-shanghai", Name: name, ID: "imc-" + name, Action: planner.Noop, Status: "Ready"})
	}
	p := &planner.Plan{FormatVersion: planner.FormatVersion, Changes: changes}
	p.Summary = planner.Summarize(changes)
	return engine.NewReport(outcomes), p
}

// TestApplyMarkdownFitsOneComment: the apply report of 1,000 changed caches is one comment
// within GitHub's limit, with plan's marker and heading, the verdict, the plan's summary
// line and no diff; the failure comes first, and what is cut is counted.
func TestApplyMarkdownFitsOneComment(t *testing.T) {
	for _, n := range []int{3, 100, 1000} {
		r, p := applyOf(n)
		var b strings.Builder
		if err := ApplyMarkdown(&b, r, p, MarkdownOptions{File: "imagecaches.yaml", Commit: "0123abcd"}); err != nil {
			t.Fatal(err)
		}
		md := b.String()
		t.Logf("%d changed caches: %d bytes", n, len(md))
		if len(md) > CommentLimit {
			t.Errorf("%d caches: %d bytes, over the comment limit %d", n, len(md), CommentLimit)
		}
		for _, want := range []string{
			"<!-- imcsync:apply:imagecaches.yaml -->\n### imcsync apply: `imagecaches.yaml` at 0123abcd\n\n",
			fmt.Sprintf("**Apply incomplete:** %d updated, 2 unchanged, 1 failed.\n", n-1),
			fmt.Sprintf("The plan: 0 to create, %d to update, 0 to delete, 0 blocked, 2 unchanged.\n", n),
			"| Cache | ID | Result | Status | Duration | Calls | Message |\n|---|---|---|---|---:|---:|---|\n" +
				fmt.Sprintf("| cn-hangzhou/team-%04d-web-frontend | imc-bp1%013d | failed | UpdateFailed |", n-1, n-1),
		} {
			if !strings.Contains(md, want) {
				t.Errorf("%d caches: the report lacks %q:\n%.1500s", n, want, md)
			}
		}
		if strings.Contains(md, "```") || strings.Contains(md, "size:") {
			t.Errorf("%d caches: the report repeats the plan's diffs", n)
		}
		if cut := strings.Contains(md, "more cache"); cut != (n == 1000) {
			t.Errorf("%d caches: cut %v", n, cut)
		}
	}
}

// TestApplyMarkdownParts: --split lists every cache once, each part within the limit and
// starting with its marker and "part K of N".
func TestApplyMarkdownParts(t *testing.T) {
	r, p := applyOf(1000)
	o := MarkdownOptions{File: "imagecaches.yaml", MaxChars: 20000}
	parts := ApplyMarkdownParts(r, p, o)
	if len(parts) < 5 {
		t.Fatalf("%d parts for 1,000 caches within 20,000 characters", len(parts))
	}
	all := strings.Join(parts, "")
	for i, part := range parts {
		if len(part) > o.MaxChars {
			t.Errorf("part %d: %d bytes, over %d", i+1, len(part), o.MaxChars)
		}
		head := fmt.Sprintf("<!-- imcsync:apply:imagecaches.yaml part %d -->\n### imcsync apply: `imagecaches.yaml` (part %d of %d)\n", i+1, i+1, len(parts))
		if !strings.HasPrefix(part, head) {
			t.Errorf("part %d starts %.120q, want %q", i+1, part, head)
		}
	}
	for i := range 1000 {
		if n := strings.Count(all, fmt.Sprintf("| cn-hangzhou/team-%04d-web-frontend |", i)); n != 1 {
			t.Errorf("cache %d listed %d times", i, n)
		}
	}
	if !strings.Contains(all, "- cn-shanghai/api\n") {
		t.Error("the unchanged caches are not listed")
	}
}
