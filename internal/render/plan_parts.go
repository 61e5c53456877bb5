package render

import (
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/planner"
)

// markdownParts lays the whole plan out as numbered comments within o's limit. Each
// starts with its marker, its header ("part K of N") and the summary line; the first
// adds the warnings. Then, in order and continued from comment to
// comment: the table of changes (its header repeated), one diff per change, the
// unchanged and the unmanaged caches. A diff too long for a comment by itself is
// replaced with a line that says so.
func markdownParts(p *planner.Plan, o MarkdownOptions) []string {
	m := newMDPlan(p)
	limit := o.limit()
	// The header's room, with the widest part numbers a plan can have.
	headRoom := len(o.header(99999, 99999)) + len(m.summary)

	type piece struct {
		section *mdSection // nil: a piece standing alone (a diff)
		text    string
	}
	var pieces []piece
	add := func(s *mdSection) {
		for _, it := range s.items {
			pieces = append(pieces, piece{s, it})
		}
	}
	add(&m.policy)
	add(&m.table)
	for _, c := range m.changes {
		d := detailsBlock(detailsSummary(c), []string{markdownDiff(c, newStyles(false))})
		if headRoom+len(d) > limit {
			d = fmt.Sprintf("_The diff of %s/%s is too long for one comment; run `imcsync plan` to see it._\n\n", c.Region, c.Name)
		}
		pieces = append(pieces, piece{nil, d})
	}
	add(&m.coverage)
	add(&m.uncovered)
	add(&m.unchanged)
	add(&m.unmanaged)

	var bodies []string
	var cur strings.Builder
	size := headRoom + len(strings.Join(m.warnings.items, ""))
	cur.WriteString(strings.Join(m.warnings.items, ""))
	var open *mdSection
	closeSection := func() {
		if open != nil {
			cur.WriteString(open.close)
			open = nil
		}
	}
	for _, pc := range pieces {
		need := len(pc.text)
		if pc.section != open && pc.section != nil {
			need += len(pc.section.open) + len(pc.section.close)
		}
		if size+need > limit {
			closeSection()
			bodies = append(bodies, cur.String())
			cur.Reset()
			size = headRoom
		}
		if pc.section != open {
			closeSection()
			if pc.section != nil {
				cur.WriteString(pc.section.open)
				size += len(pc.section.open) + len(pc.section.close)
				open = pc.section
			}
		}
		cur.WriteString(pc.text)
		size += len(pc.text)
	}
	closeSection()
	bodies = append(bodies, cur.String())

	parts := make([]string, len(bodies))
	for i, b := range bodies {
		parts[i] = o.header(i+1, len(bodies)) + m.summary + b
	}
	return parts
}
