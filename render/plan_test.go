package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/planner"
)

// TestRenderMarkdownManyCaches checks that a plan of 500 caches stays a valid, postable
// pull-request comment: every change in the table, diffs grouped per region and within
// GitHub's comment limit, fences and <details> balanced.
func TestRenderMarkdownManyCaches(t *testing.T) {
	regions := []string{"cn-beijing", "cn-hangzhou", "cn-shanghai"}
	actions := []planner.Action{planner.Update, planner.Noop, planner.Create, planner.Update, planner.Blocked, planner.Delete}
	p := &planner.Plan{FormatVersion: planner.FormatVersion}
	for r, region := range regions {
		for i := range 500 / len(regions) {
			a := actions[(r+i)%len(actions)]
			c := planner.Change{Region: region, Name: fmt.Sprintf("cache-%03d", i), Action: a}
			if a != planner.Create {
				c.ID, c.Status = fmt.Sprintf("imc-%s-%03d", region, i), "Ready"
			}
			switch a {
			case planner.Update, planner.Blocked:
				c.Fields = []planner.FieldChange{
					{Field: "size", Before: 20, After: 40, Send: true},
					{Field: "images", Before: []string{"x:1", "y:1"}, After: []string{"x:2", "y:1"}, Send: true},
				}
			case planner.Create:
				c.Fields = []planner.FieldChange{{Field: "images", After: []string{"x:1"}, Send: true}}
			}
			p.Changes = append(p.Changes, c)
			switch a {
			case planner.Create:
				p.Summary.Create++
			case planner.Update:
				p.Summary.Update++
			case planner.Delete:
				p.Summary.Delete++
			case planner.Blocked:
				p.Summary.Blocked++
			default:
				p.Summary.Noop++
			}
		}
	}
	md := renderString(t, p, "markdown", false)
	changed := len(p.Changes) - p.Summary.Noop

	if len(md) > 65536 {
		t.Errorf("comment is %d bytes, over GitHub's 65,536 limit", len(md))
	}
	rows := 0
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| `") {
			rows++
		}
	}
	if rows != changed {
		t.Errorf("change table has %d rows, want %d", rows, changed)
	}
	if n, m := strings.Count(md, "<details>"), strings.Count(md, "</details>"); n != m || n > len(regions)+1 {
		t.Errorf("%d <details> and %d </details>, want equal and at most one per region plus the unchanged list", n, m)
	}
	for _, region := range regions {
		if !strings.Contains(md, "<summary>"+region+" — ") {
			t.Errorf("no details group for %s", region)
		}
	}
	if fences := strings.Count(md, "\n```"); fences%2 != 0 {
		t.Errorf("%d fence lines: unbalanced", fences)
	}
	wantEnd := "Plan: " + summaryLine(p) + "\n"
	if !strings.HasSuffix(md, wantEnd) {
		t.Errorf("comment does not end with %q", wantEnd)
	}
	if !strings.Contains(md, "are not shown") && strings.Count(md, "imagecache \"") != changed {
		t.Errorf("all diffs claimed shown but %d of %d present", strings.Count(md, "imagecache \""), changed)
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
