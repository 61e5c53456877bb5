package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/imcsync/imcsync/planner"
)

// Plan writes p as text (a Terraform-like plan for terminals), JSON (the Plan
// value itself, "changes" always a list) or markdown (a pull-request comment).
func Plan(w io.Writer, p *planner.Plan, f Format, color bool) error {
	return planRenderer.write(w, normalized(p), f, color)
}

// normalized is p with "changes" a list, never null, in JSON.
func normalized(p *planner.Plan) *planner.Plan {
	q := *p
	if q.Changes == nil {
		q.Changes = []planner.Change{}
	}
	return &q
}

var planRenderer = renderer[*planner.Plan]{text: renderText, markdown: renderMarkdown}

// summaryLine counts a plan's changes in one line: the last line of the text plan, the
// first of the markdown one. Updates that wait for Ready are counted as updates and said
// so; bookkeeping alone is not a change: those caches count as unchanged
// (bookkeepingLine says what apply writes to them).
func summaryLine(p *planner.Plan) string {
	s := p.Summary
	waits := 0
	for _, c := range p.Changes {
		if c.Waits() {
			waits++
		}
	}
	update := fmt.Sprintf("%d to update", s.Update)
	if waits > 0 {
		update += fmt.Sprintf(" (%d after the cache is Ready)", waits)
	}
	replace := ""
	if s.Replace > 0 {
		replace = fmt.Sprintf(", %d to replace", s.Replace)
		if n := refreshes(p.Changes); n > 0 {
			replace += fmt.Sprintf(" (%d rebuilt for moved image tags)", n)
		}
	}
	return fmt.Sprintf("%d to create, %s, %d to delete%s, %d blocked, %d unchanged.",
		s.Create, update, s.Delete, replace, s.Blocked, s.Noop+s.Bookkeeping)
}

// refreshes counts the changes that rebuild a cache because image tags moved.
func refreshes(changes []planner.Change) int {
	n := 0
	for _, c := range changes {
		if c.Refreshes() {
			n++
		}
	}
	return n
}

// noChangesLine is the first line of a plan without changes.
func noChangesLine(s planner.Summary) string {
	return fmt.Sprintf("No changes. Image caches match the configuration (%d unchanged).", s.Noop+s.Bookkeeping)
}

// heading describes a change in one line: "cn-hangzhou/web (imc-1, Ready) will be created".
func heading(c *planner.Change) string {
	what, ids, reason := headingParts(c)
	h := c.Region + "/" + c.Name
	if ids != "" {
		h += " " + ids
	}
	h += " " + what
	if reason != "" {
		h += ": " + reason
	}
	return h
}

// headingParts are the parts of a change's heading after its name: what happens to
// the cache ("will be created"), its id and status ("(imc-1, Ready)", "" when it has
// none) and the reason, if any.
func headingParts(c *planner.Change) (what, ids, reason string) {
	if l := nonEmpty(c.ID, c.Status); len(l) > 0 {
		ids = "(" + strings.Join(l, ", ") + ")"
	}
	switch c.Action {
	case planner.Create:
		what = "will be created"
	case planner.Update:
		what = "will be updated in place"
		if c.Waits() {
			what += " after the cache is " + c.WaitsFor
		}
	case planner.Delete:
		what = "will be deleted"
	case planner.Replace:
		what = "will be replaced"
		if c.Refreshes() {
			what = "will be rebuilt"
		}
	case planner.Blocked:
		what = "is blocked"
	default:
		what = "is unchanged"
	}
	return what, ids, c.Reason
}

func nonEmpty(ss ...string) []string {
	return slices.DeleteFunc(ss, func(s string) bool { return s == "" })
}

// actionMarker is the one-character marker of an action: + ~ - and ! for blocked; a
// replace shows as the create it ends with.
func actionMarker(a planner.Action) byte {
	switch a {
	case planner.Create, planner.Replace:
		return '+'
	case planner.Update:
		return '~'
	case planner.Delete:
		return '-'
	case planner.Blocked:
		return '!'
	}
	return ' '
}

// beforeText is the placeholder shown for a field change's old value that cannot be
// shown (FieldChange.BeforeState), "" when Before is the value.
func beforeText(fc planner.FieldChange) string {
	switch fc.BeforeState {
	case "":
		return ""
	case planner.BeforeUnknown:
		return "(unknown)"
	case planner.BeforeRecorded:
		return "(recorded value)"
	}
	return "(" + fc.BeforeState + ")"
}

// formatValue shows a plain value (spec.Plain) on one line: strings quoted, numbers and
// bools bare, a missing value as "(none)", anything else as compact JSON.
func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "(none)"
	case string:
		return strconv.Quote(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	}
	return compactJSON(v)
}

// formatElement shows one list element: a simple string bare (as image references read
// best), anything else as formatValue does.
func formatElement(v any) string {
	if s, ok := v.(string); ok && s != "" && !strings.ContainsAny(s, " \"") && strconv.Quote(s) == `"`+s+`"` {
		return s
	}
	return formatValue(v)
}

// compactJSON is v as one line of JSON with readable (not HTML-escaped) strings.
// v is a plain value, so encoding cannot fail.
func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}
