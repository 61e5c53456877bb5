package render

import (
	"fmt"
	"html"
	"strings"

	"github.com/imcsync/imcsync/planner"
)

// Markdown limits. GitHub refuses comments over 65,536 characters, so the diffs (not the
// tables) stop at a budget, and many changes are grouped per region.
const (
	markdownBudget     = 60000 // bytes of the whole comment, leaving room for a CI's own text
	detailsPerCacheMax = 50    // more changes than this: one <details> per region
)

// renderMarkdown is the plan as a pull-request comment: a summary table, a table of
// every change, collapsed diffs (the text format's lines, uncoloured, with the marker
// moved to the first column for GitHub's diff highlighting), and the summary line.
func renderMarkdown(p *planner.Plan) string {
	var head, tail strings.Builder
	head.WriteString("### imcsync plan\n\n")
	s := p.Summary
	if s.Replace > 0 {
		head.WriteString("| Create | Update | Delete | Replace | Blocked | Unchanged |\n")
		head.WriteString("|-------:|-------:|-------:|--------:|--------:|----------:|\n")
		fmt.Fprintf(&head, "| %d | %d | %d | %d | %d | %d |\n\n", s.Create, s.Update, s.Delete, s.Replace, s.Blocked, s.Noop)
	} else {
		head.WriteString("| Create | Update | Delete | Blocked | Unchanged |\n")
		head.WriteString("|-------:|-------:|-------:|--------:|----------:|\n")
		fmt.Fprintf(&head, "| %d | %d | %d | %d | %d |\n\n", s.Create, s.Update, s.Delete, s.Blocked, s.Noop)
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(&head, "> **Warning:** %s\n\n", mdCell(w))
	}

	var changes, noops []*planner.Change
	for i := range p.Changes {
		if c := &p.Changes[i]; c.Action == planner.Noop {
			noops = append(noops, c)
		} else {
			changes = append(changes, c)
		}
	}
	if len(changes) > 0 {
		head.WriteString("| Action | Region | Name | ID | Status | Changed fields | Reason |\n")
		head.WriteString("|--------|--------|------|----|--------|----------------|--------|\n")
		for _, c := range changes {
			fmt.Fprintf(&head, "| `%c %s` | %s | %s | %s | %s | %s | %s |\n", actionMarker(c.Action), c.Action,
				mdCell(c.Region), mdCell(c.Name), mdCell(c.ID), mdCell(c.Status), mdCell(fieldNames(c)), mdCell(c.Reason))
		}
		head.WriteString("\n")
	}

	if len(noops) > 0 {
		fmt.Fprintf(&tail, "<details><summary>%d unchanged</summary>\n\n", len(noops))
		for _, c := range noops {
			tail.WriteString("- " + mdCell(c.Region+"/"+c.Name) + "\n")
		}
		tail.WriteString("\n</details>\n\n")
	}
	if len(p.Unmanaged) > 0 {
		fmt.Fprintf(&tail, "<details><summary>%s not in the file (left alone)</summary>\n\n", plural(len(p.Unmanaged), "live image cache"))
		for _, u := range p.Unmanaged {
			tail.WriteString("- " + mdCell(u.Region+"/"+u.Name) + " (" + mdCell(u.ID) + "): " + mdCell(u.Reason) + "\n")
		}
		tail.WriteString("\n</details>\n\n")
	}
	if p.HasChanges() {
		tail.WriteString("Plan: " + summaryLine(s) + "\n")
	} else {
		tail.WriteString(noChangesLine(s) + "\n")
	}

	var out strings.Builder
	out.WriteString(head.String())
	writeDetails(&out, changes, markdownBudget-head.Len()-tail.Len(), newStyles(false))
	out.WriteString(tail.String())
	return out.String()
}

// writeDetails writes the collapsed diffs, one <details> per change, or per region when
// there are more than detailsPerCacheMax changes, within budget bytes shared fairly
// among the groups. Diffs that do not fit are left out and counted; the table above
// still lists every change.
func writeDetails(out *strings.Builder, changes []*planner.Change, budget int, plain styles) {
	type group struct {
		summary string
		changes []*planner.Change
	}
	var groups []group
	if len(changes) > detailsPerCacheMax {
		for _, c := range changes {
			if n := len(groups); n > 0 && groups[n-1].changes[0].Region == c.Region {
				groups[n-1].changes = append(groups[n-1].changes, c)
			} else {
				groups = append(groups, group{summary: c.Region, changes: []*planner.Change{c}})
			}
		}
		for i, g := range groups {
			groups[i].summary += " — " + plural(len(g.changes), "change")
		}
	} else {
		for _, c := range changes {
			summary := c.Region + "/" + c.Name + " — " + string(c.Action)
			if len(c.Fields) > 0 {
				summary += " (" + plural(len(c.Fields), "field") + ")"
			}
			groups = append(groups, group{summary: summary, changes: []*planner.Change{c}})
		}
	}

	const slack = 200 // room for the remark about left-out diffs and the groups' notes
	budget -= slack
	omitted := 0
	for i, g := range groups {
		// Each group gets an equal share of what is left; what it does not use passes on.
		share := budget / (len(groups) - i)
		size := len(detailsBlock(g.summary+" (N of N shown)", nil)) + len("````") // and a longer fence
		var blocks []string
		for _, c := range g.changes {
			d := markdownDiff(c, plain)
			if size+len(d)+1 > share {
				break
			}
			size += len(d) + 1
			blocks = append(blocks, d)
		}
		omitted += len(g.changes) - len(blocks)
		if len(blocks) == 0 {
			continue
		}
		summary := g.summary
		if len(blocks) < len(g.changes) {
			summary += fmt.Sprintf(" (%d of %d shown)", len(blocks), len(g.changes))
		}
		d := detailsBlock(summary, blocks)
		out.WriteString(d)
		budget -= len(d)
	}
	if omitted > 0 {
		fmt.Fprintf(out, "_The diffs of %s are not shown: the comment would be too long. Run `imcsync plan` to see them._\n\n",
			plural(omitted, "change"))
	}
}

// detailsBlock is a collapsed section holding the given diffs in one fenced block.
func detailsBlock(summary string, diffs []string) string {
	body := strings.Join(diffs, "\n")
	fence := "```"
	for strings.Contains(body, fence) {
		fence += "`"
	}
	return "<details><summary>" + html.EscapeString(summary) + "</summary>\n\n" +
		fence + "diff\n" + body + fence + "\n\n</details>\n\n"
}

// markdownDiff is a change's block as the text format shows it, with each marker moved
// to the first column, where GitHub's diff highlighting looks for it ("~" becomes "!").
func markdownDiff(c *planner.Change, plain styles) string {
	var b strings.Builder
	for _, l := range changeLines(c, 0) {
		m := l.marker
		l.marker = 0
		if m != 0 {
			l.indent += 2 // the marker and its space, now blank
		}
		s := l.render(plain)
		if m == '~' {
			m = '!'
		}
		if m != 0 {
			s = string(m) + s[1:]
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

// fieldNames lists a change's fields: "size, images, tags".
func fieldNames(c *planner.Change) string {
	names := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		names[i] = f.Field
	}
	return strings.Join(names, ", ")
}

// mdCell escapes text for a markdown table cell or list item: markdown punctuation is
// backslash-escaped and line breaks become spaces.
func mdCell(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '~', '&':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
