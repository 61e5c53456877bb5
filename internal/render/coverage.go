package render

import (
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/internal/coverage"
)

// coverageFoldAbove: a markdown coverage list longer than this is folded in <details>.
const coverageFoldAbove = 10

// coverageShown is the entries people are shown: those whose result changes first, then
// those not full, each in the order read.
func coverageShown(es []coverage.Entry) []*coverage.Entry {
	var changed, other []*coverage.Entry
	for i := range es {
		switch e := &es[i]; {
		case e.Changed():
			changed = append(changed, e)
		case e.Shown():
			other = append(other, e)
		}
	}
	return append(changed, other...)
}

// coverageName is how people read a workload's name: namespace/name, or name.
func coverageName(e *coverage.Entry) string {
	if e.Namespace == "" {
		return e.Name
	}
	return e.Namespace + "/" + e.Name
}

// CoverageText says what a workload gets, as the plan shows it (GitHub annotations use
// it too).
func CoverageText(e *coverage.Entry) string { return coverageText(e) }

// coverageText says what a workload gets: "full → none (ob-core drops its image …)",
// "partial, 1 of 2 images (missing …)", with its notes.
func coverageText(e *coverage.Entry) string {
	var b strings.Builder
	if e.Changed() {
		b.WriteString(string(e.Before) + " → ")
	}
	b.WriteString(string(e.After))
	var detail []string
	if e.Why != "" {
		detail = append(detail, e.Why)
	}
	switch e.After {
	case coverage.Full:
		if e.Changed() && e.Before == coverage.Full {
			detail = append(detail, "now from "+e.Cache)
		}
	case coverage.Partial:
		if e.Why != "" {
			break
		}
		detail = append(detail, fmt.Sprintf("%s holds %d of %d images, missing %s", e.Cache, len(e.Images)-len(e.Missing), len(e.Images), shortImages(e.Missing)))
	case coverage.None:
		if e.Cache != "" {
			detail = append(detail, "the named cache "+e.Cache+" holds none of its images")
		} else if e.Why == "" {
			detail = append(detail, "no cache holds "+shortImages(e.Images))
		}
	case coverage.Off:
		detail = append(detail, "k8s.aliyun.com/eci-auto-imc is \"false\" and no cache is named")
	}
	if len(detail) > 0 {
		b.WriteString(" (" + strings.Join(detail, "; ") + ")")
	}
	for _, n := range e.Notes {
		b.WriteString(" [" + string(n) + "]")
	}
	return b.String()
}

// shortImages lists images for people, docker.io/library/ dropped, at most three.
func shortImages(ims []string) string {
	var out []string
	for i, im := range ims {
		if i == 3 {
			out = append(out, fmt.Sprintf("and %d more", len(ims)-3))
			break
		}
		im = strings.TrimPrefix(strings.TrimPrefix(im, "docker.io/library/"), "docker.io/")
		if at := strings.Index(im, "@sha256:"); at >= 0 && len(im) > at+8+12 {
			im = im[:at+8+12] + "…"
		}
		out = append(out, im)
	}
	return strings.Join(out, ", ")
}

// coverageLines is the text block: the summary line, then each workload shown, with
// its FILE:LINE, on the line below when the two do not fit in textWidth columns. Empty
// when no workload source was read.
func coverageLines(es []coverage.Entry, s *coverage.Summary, st styles) []string {
	if s == nil {
		return nil
	}
	lines := []string{st.bold.Render("Coverage:") + " " + wrapped(coverageSummaryLine(*s), len("Coverage: "), "  ")}
	for _, e := range coverageShown(es) {
		what := coverageName(e) + ": " + coverageText(e)
		if len([]rune("  "+what+"  "+e.Source)) <= textWidth {
			lines = append(lines, "  "+what+"  "+st.dim.Render(e.Source))
			continue
		}
		lines = append(lines, "  "+wrapped(what, 2, "      ")+"\n      "+st.dim.Render(e.Source))
	}
	return lines
}

// coverageSummaryLine is the summary with how many results the change moves.
func coverageSummaryLine(s coverage.Summary) string {
	l := s.Line()
	if s.Changed > 0 {
		l += fmt.Sprintf(" (%d changed by this plan)", s.Changed)
	}
	return l
}

// writeCoverage writes the text block and a blank line.
func writeCoverage(b *strings.Builder, es []coverage.Entry, s *coverage.Summary, st styles) {
	lines := coverageLines(es, s, st)
	if len(lines) == 0 {
		return
	}
	b.WriteString(strings.Join(lines, "\n") + "\n\n")
}

// coverageSections are the markdown lists of the workloads shown: those whose result
// the plan changes, always in view, then the others not full, folded in <details> when
// long; each item names its FILE:LINE.
func coverageSections(es []coverage.Entry, s *coverage.Summary) (changed, rest mdSection) {
	if s == nil {
		return
	}
	more := func(n int) string { return fmt.Sprintf("- _and %s_\n", plural(n, "more workload")) }
	changed.more, rest.more = more, more
	changed.close, rest.close = "\n", "\n"
	for _, e := range coverageShown(es) {
		item := "- **" + mdCell(coverageName(e)) + "**: " + mdCell(coverageText(e)) + " — " + mdCode(e.Source) + "\n"
		if e.Changed() {
			changed.items = append(changed.items, item)
		} else {
			rest.items = append(rest.items, item)
		}
	}
	if len(rest.items) > coverageFoldAbove || len(changed.items) > 0 {
		rest.open = fmt.Sprintf("<details><summary>Coverage: %s not fully covered</summary>\n\n", plural(len(rest.items), "other workload"))
		rest.close = "\n</details>\n\n"
	}
	return changed, rest
}
