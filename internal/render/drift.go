package render

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/planner"
)

// mdRowsMax bounds each table of the markdown drift report, so that a report on many
// caches still fits in an issue or a chat message.
const mdRowsMax = 50

// Drift writes the report as text (sections and a summary line), JSON (the Report
// itself) or markdown (tables for an issue or a chat message).
func Drift(w io.Writer, r drift.Report, f Format, color bool) error {
	return driftRenderer.write(w, r, f, color)
}

var driftRenderer = renderer[drift.Report]{text: renderDriftText, markdown: renderDriftMarkdown}

// driftLine is the last line of every rendering of a drift report.
func driftLine(r drift.Report) string {
	s := r.Summary
	var notes []string // reported, not counted
	if s.Expiring > 0 {
		notes = append(notes, fmt.Sprintf("%d expiring", s.Expiring))
	}
	if s.UnmanagedOwned > 0 && !r.Prune {
		notes = append(notes, fmt.Sprintf("%d not declared that --prune would delete", s.UnmanagedOwned))
	}
	note := ""
	if len(notes) > 0 {
		note = " Also: " + strings.Join(notes, ", ") + "."
	}
	if r.InSync() {
		verb := "match"
		if s.Checked == 1 {
			verb = "matches"
		}
		return fmt.Sprintf("In sync: %s %s the configuration.%s", plural(s.Checked, "image cache"), verb, note)
	}
	line := fmt.Sprintf("Drift: %d drifted, %d missing, %d unhealthy", s.Drifted, s.Missing, s.Unhealthy)
	if r.Prune {
		line += fmt.Sprintf(", %d to prune", s.UnmanagedOwned)
	}
	return line + "." + note
}

// cacheRef is "region/name (id, status)", leaving out what is empty.
func cacheRef(region, name string, more ...string) string {
	ref := region + "/" + name
	if ids := nonEmpty(more...); len(ids) > 0 {
		ref += " (" + strings.Join(ids, ", ") + ")"
	}
	return ref
}

// driftDetail says what differs in a drifted cache, and why apply cannot fix it now.
func driftDetail(d drift.Drifted) string {
	detail := strings.Join(append(movedTags(d.Refresh), d.Fields...), ", ")
	switch {
	case d.Action == planner.Blocked:
		detail = strings.TrimPrefix(detail+"; blocked: "+d.Reason, "; ")
	case d.WaitsFor != "":
		detail += "; apply updates it once it is " + d.WaitsFor
	}
	return detail
}

// driftValues shows each differing field of a drifted cache below the cache's line:
// "    size: 20 → 40" (live value → declared value); a list shows the elements it loses
// ("- ") and gains ("+ "), one a line, so that long image references stay readable.
func driftValues(changes []drift.Diff) string {
	var b strings.Builder
	for _, c := range changes {
		before, okB := c.Before.([]any)
		after, okA := c.After.([]any)
		if okB && okA && c.BeforeState == "" {
			fmt.Fprintf(&b, "\n    %s:", c.Field)
			was, _ := elements(before)
			is, _ := elements(after)
			for _, e := range was {
				if !slices.Contains(is, e) {
					b.WriteString("\n      - " + e)
				}
			}
			for _, e := range is {
				if !slices.Contains(was, e) {
					b.WriteString("\n      + " + e)
				}
			}
			continue
		}
		from := formatValue(c.Before)
		if c.BeforeState != "" {
			from = beforeText(planner.FieldChange{BeforeState: c.BeforeState})
		}
		fmt.Fprintf(&b, "\n    %s: %s → %s", c.Field, from, formatValue(c.After))
	}
	return b.String()
}

// movedTags names each moved tag: "web:1 moved sha256:ab12… → sha256:cd34…".
func movedTags(refresh []planner.Refresh) []string {
	var out []string
	for _, r := range refresh {
		from := "(another digest)"
		if r.From != "" {
			from = shortDigest(r.From)
		}
		out = append(out, r.Image+" moved "+from+" → "+shortDigest(r.To))
	}
	return out
}

// missingDetail says what apply would do about a missing cache.
func missingDetail(m drift.Missing) string {
	if m.Reason != "" {
		return m.Reason
	}
	return "apply would create it"
}

// unhealthyDetail is the cache's last warning.
func unhealthyDetail(u drift.Unhealthy) string {
	if u.Message != "" {
		return u.Message
	}
	return "(no warning event)"
}

// expiryDetail is "expires in 1d12h (2026-05-02T00:00:00Z)" or "expired 5m ago (…)".
func expiryDetail(e drift.Expiring) string {
	at := e.ExpiresAt.UTC().Format(time.RFC3339)
	if left := e.ExpiresIn(); left > 0 {
		return "expires in " + formatLeft(left) + " (" + at + ")"
	}
	return "expired " + formatLeft(-e.ExpiresIn()) + " ago (" + at + ")"
}

// formatLeft is a duration to the minute, in days and hours when it is long:
// "2d3h", "5h20m", "45m", "under a minute".
func formatLeft(d time.Duration) string {
	d = d.Truncate(time.Minute)
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var b strings.Builder
	switch {
	case days > 0:
		fmt.Fprintf(&b, "%dd", days)
		if hours > 0 {
			fmt.Fprintf(&b, "%dh", hours)
		}
	case hours > 0:
		fmt.Fprintf(&b, "%dh", hours)
		if minutes > 0 {
			fmt.Fprintf(&b, "%dm", minutes)
		}
	case minutes > 0:
		fmt.Fprintf(&b, "%dm", minutes)
	default:
		b.WriteString("under a minute")
	}
	return b.String()
}

// splitUnmanaged separates the unmanaged caches that count as drift (owned, with
// --prune) from the rest.
func splitUnmanaged(r drift.Report) (owned, others []drift.Unmanaged) {
	for _, u := range r.Unmanaged {
		if r.Counts(u) {
			owned = append(owned, u)
		} else {
			others = append(others, u)
		}
	}
	return owned, others
}

// renderDriftText is the report for terminals and cron logs: one section per non-empty
// category, one line per cache, and the summary line.
func renderDriftText(r drift.Report, st styles) string {
	var b strings.Builder
	section := func(title string, style func(...string) string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s (%d):\n", style(title), len(lines))
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
		b.WriteString("\n")
	}
	var lines []string
	for _, d := range r.Drifted {
		lines = append(lines, fitLine(cacheRef(d.Region, d.Name, d.ID, d.Status), driftDetail(d), 2, "      ")+driftValues(d.Changes))
	}
	section("Drifted", st.update.Render, lines)
	lines = nil
	for _, m := range r.Missing {
		lines = append(lines, fitLine(cacheRef(m.Region, m.Name), missingDetail(m), 2, "      "))
	}
	section("Missing", st.create.Render, lines)
	lines = nil
	for _, u := range r.Unhealthy {
		lines = append(lines, fitLine(cacheRef(u.Region, u.Name, u.ID, u.Status), unhealthyDetail(u), 2, "      "))
	}
	section("Unhealthy", st.delete.Render, lines)
	lines = nil
	for _, e := range r.Expiring {
		lines = append(lines, fitLine(cacheRef(e.Region, e.Name, e.ID, e.Status), expiryDetail(e), 2, "      "))
	}
	section("Expiring", st.update.Render, lines)
	owned, others := splitUnmanaged(r)
	lines = nil
	for _, u := range owned {
		lines = append(lines, fitLine(cacheRef(u.Region, u.Name, u.ID, u.Status), u.Reason, 2, "      "))
	}
	section("Unmanaged, owned by this file (--prune deletes them)", st.delete.Render, lines)
	lines = nil
	for _, u := range others {
		ref := cacheRef(u.Region, u.Name, u.ID, u.Status)
		if line := fitLine(ref, u.Reason, 2, "      "); strings.Contains(line, "\n") {
			head, rest, _ := strings.Cut(line, "\n")
			lines = append(lines, head+"\n"+perLine(st.dim.Render, rest))
		} else {
			lines = append(lines, ref+": "+st.dim.Render(u.Reason))
		}
		if len(u.Images) > 0 {
			lines[len(lines)-1] += "\n    " + perLine(st.dim.Render, wrapped("images: "+strings.Join(u.Images, ", "), 4, "      "))
		}
	}
	section("Unmanaged, not counted as drift", st.dim.Render, lines)
	for _, l := range unusedLines(r.Unused) {
		b.WriteString(l + "\n")
	}
	writeCoverage(&b, r.Coverage, r.CoverageSummary, st)
	label, rest, _ := strings.Cut(driftLine(r), ": ")
	if len([]rune(label+": "+rest)) > textWidth { // what is not counted goes below
		rest = strings.Replace(rest, " Also: ", "\nAlso: ", 1)
	}
	b.WriteString(st.bold.Render(label+":") + " " + rest + "\n")
	if l := storageSummary(r.Storage); l != "" {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// renderDriftMarkdown is the report for an issue or a chat message: a summary table,
// one table per non-empty category, and the summary line.
func renderDriftMarkdown(r drift.Report) string {
	var b strings.Builder
	s := r.Summary
	b.WriteString("### imcsync drift\n\n")
	b.WriteString("| Drifted | Missing | Unhealthy | Expiring | Unmanaged (owned) | Unmanaged (others) | Checked |\n")
	b.WriteString("|--------:|--------:|----------:|---------:|------------------:|-------------------:|--------:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d |\n\n",
		s.Drifted, s.Missing, s.Unhealthy, s.Expiring, s.UnmanagedOwned, s.Unmanaged-s.UnmanagedOwned, s.Checked)

	table := func(title string, header []string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(&b, "#### %s (%d)\n\n", title, len(rows))
		b.WriteString("| " + strings.Join(header, " | ") + " |\n")
		b.WriteString("|" + strings.Repeat("---|", len(header)) + "\n")
		for i, row := range rows {
			if i == mdRowsMax {
				fmt.Fprintf(&b, "\n_…and %d more: run `imcsync drift` to see them all._\n", len(rows)-mdRowsMax)
				break
			}
			cells := make([]string, len(row))
			for j, c := range row {
				cells[j] = mdCell(c)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	var rows [][]string
	for _, d := range r.Drifted {
		reason := d.Reason
		if d.WaitsFor != "" {
			reason = "apply updates it once it is " + d.WaitsFor
		}
		rows = append(rows, []string{d.Region, d.Name, d.ID, d.Status, string(d.Action), strings.Join(append(movedTags(d.Refresh), d.Fields...), ", "), reason})
	}
	table("Drifted", []string{"Region", "Name", "ID", "Status", "Action", "Changed fields", "Reason"}, rows)
	rows = nil
	for _, m := range r.Missing {
		rows = append(rows, []string{m.Region, m.Name, missingDetail(m)})
	}
	table("Missing", []string{"Region", "Name", "Note"}, rows)
	rows = nil
	for _, u := range r.Unhealthy {
		rows = append(rows, []string{u.Region, u.Name, u.ID, u.Status, unhealthyDetail(u)})
	}
	table("Unhealthy", []string{"Region", "Name", "ID", "Status", "Last warning"}, rows)
	rows = nil
	for _, e := range r.Expiring {
		rows = append(rows, []string{e.Region, e.Name, e.ID, e.Status, expiryDetail(e)})
	}
	table("Expiring", []string{"Region", "Name", "ID", "Status", "Expiry"}, rows)
	rows = nil
	for _, u := range r.Unmanaged {
		counted := "no"
		switch {
		case r.Counts(u):
			counted = "yes: apply --prune deletes it"
		case u.Owned:
			counted = "no: counted with --prune"
		}
		reason := u.Reason
		if len(u.Images) > 0 {
			reason += "; images: " + strings.Join(u.Images, ", ")
		}
		rows = append(rows, []string{u.Region, u.Name, u.ID, u.Status, u.Owner, counted, reason})
	}
	table("Unmanaged", []string{"Region", "Name", "ID", "Status", "Owner", "Drift", "Reason"}, rows)
	rows = nil
	for _, u := range r.Unused {
		since := "never matched, created " + u.Since.Format("2006-01-02")
		if !u.LastMatched.IsZero() {
			since = u.LastMatched.Format("2006-01-02")
		}
		rows = append(rows, []string{u.Region, u.Name, u.ID, fmt.Sprintf("%d GiB", u.Size), since, idleFor(u.IdleSeconds)})
	}
	table("Unused (a report, not drift)", []string{"Region", "Name", "ID", "Size", "Last matched", "Idle"}, rows)

	if r.CoverageSummary != nil {
		b.WriteString("**Coverage:** " + mdCell(coverageSummaryLine(*r.CoverageSummary)) + "\n\n")
		changed, rest := coverageSections(r.Coverage, r.CoverageSummary)
		text, _ := changed.fit(CommentLimit / 4)
		b.WriteString(text)
		text, _ = rest.fit(CommentLimit / 4)
		b.WriteString(text)
	}
	checked := "_Checked at " + r.CheckedAt.UTC().Format(time.RFC3339)
	if r.Owner != "" {
		checked += " for owner " + mdCell(r.Owner)
	}
	b.WriteString(checked + "._\n\n")
	label, rest, _ := strings.Cut(driftLine(r), ": ")
	b.WriteString("**" + label + ":** " + rest + "\n")
	if l := storageSummary(r.Storage); l != "" {
		b.WriteString("\n**Storage:**" + strings.TrimPrefix(mdCell(l), "Storage:") + "\n")
	}
	return b.String()
}
