package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/planner"
)

// bigPlan is a plan of n caches in three regions, a mix of every action; updates carry
// bookkeeping and some wait for Ready.
func bigPlan(n int) *planner.Plan {
	regions := []string{"cn-beijing", "cn-hangzhou", "cn-shanghai"}
	actions := []planner.Action{planner.Update, planner.Noop, planner.Create, planner.Update, planner.Blocked, planner.Delete}
	owner := "platform-prod"
	p := &planner.Plan{FormatVersion: planner.FormatVersion, Owner: owner}
	for r, region := range regions {
		for i := range n / len(regions) {
			a := actions[(r+i)%len(actions)]
			c := planner.Change{Region: region, Name: fmt.Sprintf("cache-%05d", i), Action: a}
			if a != planner.Create {
				c.ID, c.Status = fmt.Sprintf("imc-%s-%05d", region, i), "Ready"
			}
			switch a {
			case planner.Update, planner.Blocked:
				c.Fields = []planner.FieldChange{
					{Field: "size", Before: int64(20), After: int64(40), Send: true},
					{Field: "images", Before: []any{"x:1", "y:1"}, After: []any{"x:2", "y:1"}, Send: true},
				}
				if i%4 == 0 {
					c.Status, c.WaitsFor = "Updating", planner.WaitsReady
				}
				c.Bookkeeping = []planner.Bookkeeping{{Tag: "imcsync:owner", After: &owner}}
			case planner.Create:
				c.Fields = []planner.FieldChange{{Field: "images", After: []any{"x:1"}, Send: true}}
			}
			p.Changes = append(p.Changes, c)
		}
	}
	p.Summary = planner.Summarize(p.Changes)
	return p
}

// TestRenderMarkdownFitsOneComment: a plan of 10,000 caches is one postable comment
// within GitHub's limit: marker and summary line first, the table cut with "and N
// more", diffs grouped per region, fences and <details> balanced, and a pointer to the
// full plan.
func TestRenderMarkdownFitsOneComment(t *testing.T) {
	for _, n := range []int{300, 3000, 10000} {
		p := bigPlan(n)
		var buf bytes.Buffer
		o := MarkdownOptions{File: "caches/imagecaches.yaml", Commit: "0123abc", FullPlan: "https://ci.example.com/run/1"}
		if err := PlanMarkdown(&buf, p, o); err != nil {
			t.Fatal(err)
		}
		md := buf.String()
		t.Logf("%d caches: one comment of %d bytes", n, len(md))
		if len(md) > CommentLimit {
			t.Errorf("%d caches: comment is %d bytes, over GitHub's %d limit", n, len(md), CommentLimit)
		}
		wantStart := "<!-- imcsync:plan:caches/imagecaches.yaml -->\n### imcsync plan: `caches/imagecaches.yaml` at 0123abc\n\n**Plan:** " + summaryLine(p) + "\n"
		if !strings.HasPrefix(md, wantStart) {
			t.Errorf("%d caches: comment does not start with\n%s\ngot:\n%.400s", n, wantStart, md)
		}
		if !strings.Contains(summaryLine(p), "after the cache is Ready") {
			t.Errorf("summary %q does not count the updates that wait", summaryLine(p))
		}
		changed := len(p.Changes) - p.Summary.Noop
		rows := strings.Count(md, "\n| `")
		more := fmt.Sprintf("_and %s_", plural(changed-rows, "more change"))
		if rows < changed && !strings.Contains(md, more) {
			t.Errorf("%d caches: %d of %d rows and no %q", n, rows, changed, more)
		}
		if rows > changed || rows < min(changed, 100) {
			t.Errorf("%d caches: %d table rows for %d changes", n, rows, changed)
		}
		if n, m := strings.Count(md, "<details>"), strings.Count(md, "</details>"); n != m || n > 4 {
			t.Errorf("%d <details> and %d </details>, want equal and at most one per region plus the unchanged list", n, m)
		}
		if fences := strings.Count(md, "\n```"); fences%2 != 0 {
			t.Errorf("%d fence lines: unbalanced", fences)
		}
		if !strings.Contains(md, "The full plan: https://ci.example.com/run/1") {
			t.Errorf("%d caches: no pointer to the full plan", n)
		}
	}
}

// TestRenderMarkdownParts: split, the whole plan is every change in exactly one part,
// every part within the limit, with its own marker.
func TestRenderMarkdownParts(t *testing.T) {
	p := bigPlan(10000)
	parts := PlanMarkdownParts(p, MarkdownOptions{File: "imagecaches.yaml"})
	if len(parts) < 2 {
		t.Fatalf("%d parts for 10,000 caches", len(parts))
	}
	all := strings.Join(parts, "")
	t.Logf("10,000 caches: %d parts, %d bytes in all", len(parts), len(all))
	for i, part := range parts {
		if len(part) > CommentLimit {
			t.Errorf("part %d is %d bytes", i+1, len(part))
		}
		head := fmt.Sprintf("<!-- imcsync:plan:imagecaches.yaml part %d -->\n### imcsync plan: `imagecaches.yaml` (part %d of %d)\n\n**Plan:** ", i+1, i+1, len(parts))
		if !strings.HasPrefix(part, head) {
			t.Errorf("part %d starts %.200q, want %q", i+1, part, head)
		}
		if n, m := strings.Count(part, "<details>"), strings.Count(part, "</details>"); n != m {
			t.Errorf("part %d: %d <details>, %d </details>", i+1, n, m)
		}
		if fences := strings.Count(part, "\n```"); fences%2 != 0 {
			t.Errorf("part %d: unbalanced fences", i+1)
		}
	}
	// Count, line by line, the unchanged list items, table rows and diffs per cache.
	seen := map[string]int{}
	for _, l := range strings.Split(all, "\n") {
		switch {
		case strings.Contains(l, `imagecache "`):
			_, ref, _ := strings.Cut(l, `imagecache "`)
			ref, _, _ = strings.Cut(ref, `"`)
			seen["diff "+ref]++
		case strings.HasPrefix(l, "- "):
			seen["noop "+strings.TrimPrefix(l, "- ")]++
		case strings.HasPrefix(l, "| `"):
			cells := strings.Split(l, " | ")
			seen["row "+cells[1]+"/"+cells[2]]++
		}
	}
	for _, c := range p.Changes {
		ref := c.Region + "/" + c.Name
		want := []string{"row " + ref, "diff " + ref}
		if c.Action == planner.Noop {
			want = []string{"noop " + ref}
		}
		for _, k := range want {
			if seen[k] != 1 {
				t.Errorf("%s: %d times, want once", k, seen[k])
			}
		}
	}
	if strings.Contains(all, "_and ") || strings.Contains(all, "shortened") {
		t.Error("a split plan cuts something")
	}
}

// TestRenderMarkdownSmallPlanIsWhole: a plan that fits is not cut.
func TestRenderMarkdownSmallPlanIsWhole(t *testing.T) {
	p := bigPlan(30)
	md := renderString(t, p, "markdown", false)
	if strings.Contains(md, "_and ") || strings.Contains(md, "shortened") {
		t.Errorf("a small plan is cut:\n%s", md)
	}
	if parts := PlanMarkdownParts(p, MarkdownOptions{}); len(parts) != 1 {
		t.Errorf("a small plan is split in %d parts", len(parts))
	}
}

func renderString(t *testing.T, p *planner.Plan, format string, color bool) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Plan(&buf, p, Format(format), color); err != nil {
		t.Fatalf("Plan %s: %v", format, err)
	}
	return buf.String()
}

// TestWriteOnlyListNamesItsEntries: a changed registry credential, whose old value only
// the record knows, reads "(recorded value) → the entry below" and then the entry, never
// an arrow with nothing after it.
func TestWriteOnlyListNamesItsEntries(t *testing.T) {
	cred := map[string]any{"server": "registry.example.com", "userName": "ci", "passwordFromEnv": "REGISTRY_PASSWORD"}
	p := &planner.Plan{FormatVersion: planner.FormatVersion, Changes: []planner.Change{{
		Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Ready", Action: planner.Update,
		Fields: []planner.FieldChange{{Field: "imageRegistryCredentials", BeforeState: planner.BeforeRecorded,
			After: []any{cred}, WriteOnly: true, Send: true, Call: planner.CallUpdate}},
	}}}
	p.Summary = planner.Summarize(p.Changes)
	for _, f := range []Format{Text, Markdown} {
		var b strings.Builder
		if err := Plan(&b, p, f, false); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "imageRegistryCredentials: (recorded value) → the entry below  (write-only)\n") {
			t.Errorf("%s: no credential header naming its entry:\n%s", f, out)
		}
		if strings.Contains(out, "→  (") || strings.Contains(out, "→\n") {
			t.Errorf("%s: an arrow with nothing after it:\n%s", f, out)
		}
		if !strings.Contains(out, "passwordFromEnv: REGISTRY_PASSWORD") {
			t.Errorf("%s: the new entry is not shown:\n%s", f, out)
		}
	}
}
