package render

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/planner"
)

// CommentLimit is GitHub's limit on the length of a comment, in characters. Markdown
// plans are measured in bytes, which are never fewer.
const CommentLimit = 65536

// MinMarkdownChars is the smallest limit a markdown plan can be made to fit.
const MinMarkdownChars = 4096

// detailsPerCacheMax: more changes than this, and the one-comment plan groups its diffs
// in one <details> per region.
const detailsPerCacheMax = 50

// MarkdownOptions shape a markdown plan: a pull-request comment.
type MarkdownOptions struct {
	// File is the planned file, named in the header and in the hidden marker
	// "<!-- imcsync:plan:FILE -->" by which a CI step finds the comment to update.
	File string
	// Commit is the commit planned, named in the header; "" leaves it out.
	Commit string
	// FullPlan says where the whole plan can be read (an artifact, a URL), named when
	// the comment had to be cut; "" names `imcsync plan`.
	FullPlan string
	// MaxChars is the limit of one comment; 0 means CommentLimit.
	MaxChars int
}

func (o MarkdownOptions) limit() int {
	if o.MaxChars <= 0 {
		return CommentLimit
	}
	return max(o.MaxChars, MinMarkdownChars)
}

// commentMarker is the hidden first line of a markdown report of kind ("plan", "apply")
// on file (part 0: the one-comment report; part k > 0: the k-th part of a split one).
func commentMarker(kind, file string, part int) string {
	m := "<!-- imcsync:" + kind + ":" + strings.ReplaceAll(file, "-->", "-- >")
	if part > 0 {
		m += fmt.Sprintf(" part %d", part)
	}
	return m + " -->"
}

// PlanMarkdown writes the plan as one pull-request comment that always fits o's limit:
// the summary line first, then the table of changes, the diffs, the
// unchanged and unmanaged caches; whatever does not fit is cut, counted ("and N more")
// and pointed to (o.FullPlan).
func PlanMarkdown(w io.Writer, p *planner.Plan, o MarkdownOptions) error {
	_, err := io.WriteString(w, markdownComment(normalized(p), o))
	return err
}

// PlanMarkdownParts is the whole plan as numbered comments, each within o's limit and
// each starting with its own marker (commentMarker(file, k)) and header; nothing is cut.
func PlanMarkdownParts(p *planner.Plan, o MarkdownOptions) []string {
	return markdownParts(normalized(p), o)
}

// renderMarkdown is the one-comment plan with default options (render.Plan).
func renderMarkdown(p *planner.Plan) string { return markdownComment(p, MarkdownOptions{}) }

// mdPlan is a plan cut into the pieces both markdown layouts are made of.
type mdPlan struct {
	p         *planner.Plan
	changes   []*planner.Change // not noop
	noops     []*planner.Change
	summary   string // "**Plan:** …" paragraph
	policy    mdSection
	warnings  mdSection
	table     mdSection
	unchanged mdSection
	unmanaged mdSection
	coverage  mdSection // workloads whose coverage the plan changes
	uncovered mdSection // the others not fully covered
}

// mdSection is a run of items (table rows, list items) written between open and close
// in every comment it spans.
type mdSection struct {
	open, close string
	items       []string
	// more is the item that stands for n items left out.
	more func(n int) string
}

func newMDPlan(p *planner.Plan) *mdPlan {
	m := &mdPlan{p: p}
	for i := range p.Changes {
		// Bookkeeping alone is not a change: such a cache is listed as unchanged.
		if c := &p.Changes[i]; c.Action == planner.Noop || c.BookkeepingOnly() {
			m.noops = append(m.noops, c)
		} else {
			m.changes = append(m.changes, c)
		}
	}
	if p.HasChanges() {
		m.summary = "**Plan:** " + summaryLine(p) + "\n\n"
		if l := storageLine(p); l != "" {
			m.summary += "**Storage:**" + strings.TrimPrefix(mdCell(l), "Storage:") + "\n\n"
		}
	} else {
		m.summary = noChangesLine(p.Summary) + "\n\n"
	}
	if bk := bookkeepingLine(p); bk != "" {
		m.summary += "_" + mdCell(bk) + "_\n\n"
	}
	if lines := reportLines(p); len(lines) > 0 {
		m.summary += mdReport(lines)
	}
	if p.CoverageSummary != nil {
		m.summary += "**Coverage:** " + mdCell(coverageSummaryLine(*p.CoverageSummary)) + "\n\n"
	}
	m.coverage, m.uncovered = coverageSections(p.Coverage, p.CoverageSummary)

	m.policy = policySection(p.Policy)
	m.warnings.more = func(n int) string { return fmt.Sprintf("> _and %s_\n\n", plural(n, "more warning")) }
	for _, w := range p.Warnings {
		m.warnings.items = append(m.warnings.items, "> **Warning:** "+mdCell(w)+"\n\n")
	}

	if len(m.changes) > 0 {
		// The Reason column only when a change has one.
		reasons := slices.ContainsFunc(m.changes, func(c *planner.Change) bool { return reasonCell(c) != "" })
		m.table.open = "| Action | Region | Name | ID | Status | Changed fields |\n" +
			"|--------|--------|------|----|--------|----------------|\n"
		m.table.more = func(n int) string { return fmt.Sprintf("| | | _and %s_ | | | |\n", plural(n, "more change")) }
		if reasons {
			m.table.open = "| Action | Region | Name | ID | Status | Changed fields | Reason |\n" +
				"|--------|--------|------|----|--------|----------------|--------|\n"
			m.table.more = func(n int) string { return fmt.Sprintf("| | | _and %s_ | | | | |\n", plural(n, "more change")) }
		}
		m.table.close = "\n"
		for _, c := range m.changes {
			row := fmt.Sprintf("| `%c %s` | %s | %s | %s | %s | %s |", actionMarker(c.Action), c.Action,
				mdCell(c.Region), mdCell(c.Name), mdCell(c.ID), mdCell(c.Status), mdCell(fieldNames(c)))
			if reasons {
				row += " " + mdCell(reasonCell(c)) + " |"
			}
			m.table.items = append(m.table.items, row+"\n")
		}
	}
	if len(m.noops) > 0 {
		m.unchanged.open = fmt.Sprintf("<details><summary>%d unchanged</summary>\n\n", len(m.noops))
		m.unchanged.close = "\n</details>\n\n"
		m.unchanged.more = func(n int) string { return fmt.Sprintf("- _and %d more_\n", n) }
		for _, c := range m.noops {
			m.unchanged.items = append(m.unchanged.items, "- "+mdCell(c.Region+"/"+c.Name)+"\n")
		}
	}
	if len(p.Unmanaged) > 0 {
		m.unmanaged.open = fmt.Sprintf("<details><summary>%s not in the file (left alone)</summary>\n\n", plural(len(p.Unmanaged), "live image cache"))
		m.unmanaged.close = "\n</details>\n\n"
		m.unmanaged.more = func(n int) string { return fmt.Sprintf("- _and %d more_\n", n) }
		for _, u := range p.Unmanaged {
			item := "- " + mdCell(u.Region+"/"+u.Name) + " (" + mdCell(u.ID) + "): " + mdCell(u.Reason)
			if len(u.Images) > 0 {
				item += "; images: " + mdCell(strings.Join(u.Images, ", "))
			}
			m.unmanaged.items = append(m.unmanaged.items, item+"\n")
		}
	}
	return m
}

// mdReport puts the report lines (reportLines: unused and expiring caches) in a
// collapsed block per list.
func mdReport(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		switch {
		case l == "":
			b.WriteString("\n</details>\n\n")
		case strings.HasPrefix(l, "  "):
			b.WriteString("- " + mdCell(strings.TrimSpace(l)) + "\n")
		default:
			b.WriteString("<details><summary>" + mdCell(strings.TrimSuffix(l, ":")) + "</summary>\n\n")
		}
	}
	return b.String()
}

// header is the marker (when the file is known) and the heading of a comment:
// "### imcsync plan: `FILE` at SHA".
func (o MarkdownOptions) header(part, parts int) string { return o.headerOf("plan", part, parts) }

// headerOf is header for a report of kind ("plan", "apply").
func (o MarkdownOptions) headerOf(kind string, part, parts int) string {
	var b strings.Builder
	if o.File != "" {
		b.WriteString(commentMarker(kind, o.File, part) + "\n")
	}
	b.WriteString("### imcsync " + kind)
	if o.File != "" {
		b.WriteString(": " + mdCode(o.File))
	}
	if c := strings.TrimSpace(o.Commit); c != "" {
		b.WriteString(" at " + mdCell(c[:min(len(c), 40)]))
	}
	if parts > 0 {
		fmt.Fprintf(&b, " (part %d of %d)", part, parts)
	}
	b.WriteString("\n\n")
	return b.String()
}

// markdownComment is the plan as one comment within o's limit.
func markdownComment(p *planner.Plan, o MarkdownOptions) string {
	m := newMDPlan(p)
	head := o.header(0, 0) + m.summary
	const noteRoom = 600 // the remark about what was cut
	room := o.limit() - len(head) - noteRoom
	cut := 0
	fitted := func(s mdSection, share int) string {
		text, n := s.fit(share)
		cut += n
		room -= len(text)
		return text
	}
	// The table first, then the lists, each within its share; the diffs get the rest.
	policy := fitted(m.policy, room/10)
	warnings := fitted(m.warnings, room/20)
	table := fitted(m.table, room*3/5)
	cover := fitted(m.coverage, room/5)
	uncovered := fitted(m.uncovered, room/8)
	unchanged := fitted(m.unchanged, room/4)
	unmanaged := fitted(m.unmanaged, room/3)

	var out strings.Builder
	out.WriteString(head)
	out.WriteString(policy)
	out.WriteString(warnings)
	out.WriteString(table)
	omitted := writeDetails(&out, m.changes, room, newStyles(false))
	out.WriteString(cover)
	out.WriteString(uncovered)
	out.WriteString(unchanged)
	out.WriteString(unmanaged)
	if cut > 0 || omitted > 0 {
		out.WriteString(cutNote(o, omitted))
	}
	return out.String()
}

// cutNote says that the comment does not show everything, and where to read the rest.
func cutNote(o MarkdownOptions, omitted int) string {
	var b strings.Builder
	b.WriteString("_This comment is shortened to fit one GitHub comment")
	if omitted > 0 {
		fmt.Fprintf(&b, "; the diffs of %s are not shown", plural(omitted, "change"))
	}
	b.WriteString(". ")
	if o.FullPlan != "" {
		b.WriteString("The full plan: " + strings.Join(strings.Fields(o.FullPlan), " ") + "_\n")
	} else {
		b.WriteString("Run `imcsync plan` to see all of it, or `imcsync plan -o markdown --split DIR` for every part._\n")
	}
	return b.String()
}

// fit is the section within budget bytes: open, as many items as fit, the item that
// stands for the rest, close. It reports how many items it left out; a section without
// items is "".
func (s mdSection) fit(budget int) (string, int) {
	if len(s.items) == 0 {
		return "", 0
	}
	size := len(s.open) + len(s.close)
	for _, it := range s.items {
		size += len(it)
	}
	if size <= budget {
		return s.open + strings.Join(s.items, "") + s.close, 0
	}
	var b strings.Builder
	b.WriteString(s.open)
	used := len(s.open) + len(s.close) + len(s.more(len(s.items)))
	n := 0
	for _, it := range s.items {
		if used+len(it) > budget {
			break
		}
		used += len(it)
		b.WriteString(it)
		n++
	}
	b.WriteString(s.more(len(s.items) - n))
	b.WriteString(s.close)
	return b.String(), len(s.items) - n
}

// writeDetails writes the collapsed diffs, one <details> per change, or per region when
// there are more than detailsPerCacheMax changes, within budget bytes shared fairly
// among the groups. It returns how many diffs did not fit and were left out.
func writeDetails(out *strings.Builder, changes []*planner.Change, budget int, plain styles) int {
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
			groups = append(groups, group{summary: detailsSummary(c), changes: []*planner.Change{c}})
		}
	}

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
	return omitted
}

// detailsSummary is the summary line of one change's diff: "cn-hangzhou/web — update (2 fields)".
func detailsSummary(c *planner.Change) string {
	summary := c.Region + "/" + c.Name + " — " + string(c.Action)
	if len(c.Fields) > 0 {
		summary += " (" + plural(len(c.Fields), "field") + ")"
	}
	return summary
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
// Bookkeeping lines have no marker, so they are not highlighted.
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

// fieldNames lists the fields a change sends ("size, images, tags"); "—" when it sends
// none.
func fieldNames(c *planner.Change) string {
	var names []string
	for _, r := range c.Refresh {
		names = append(names, "moved tag "+r.Image)
	}
	for _, f := range c.Fields {
		if len(c.Refresh) > 0 {
			break // a rebuild sends every field; the moved tags are the change
		}
		if f.Send || c.Action == planner.Blocked {
			names = append(names, f.Field)
		}
	}
	out := strings.Join(names, ", ")
	if out == "" {
		out = "—"
	}
	return out
}

// reasonCell is the table's reason: why a change is blocked or a delete proposed, or
// that an update waits for Ready.
func reasonCell(c *planner.Change) string {
	if c.Waits() {
		return fmt.Sprintf("after the cache is %s (now %s)", c.WaitsFor, c.Status)
	}
	return c.Reason
}

// mdCode is s as inline code, or escaped text when it holds a backtick.
func mdCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if strings.Contains(s, "`") || s == "" {
		return mdCell(s)
	}
	return "`" + s + "`"
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
