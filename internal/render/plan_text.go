package render

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/imcsync/imcsync/planner"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// Layout of a cache's block.
const (
	maxUnchangedRun = 6  // longer runs of unchanged list elements are collapsed
	alignMaxKey     = 20 // field names up to this long line up their values
)

// line is one line of a cache's block, before styling. Text and markdown share it.
type line struct {
	indent int    // spaces before the marker column
	marker byte   // '+', '-', '~', '!', or 0 for a line without a marker column
	key    string // field name; the line reads "key: text" when set
	pad    int    // extra spaces after "key:" so values line up within a block
	text   string
	note   string // trailing annotation, e.g. "(write-only)"
	dim    bool   // the whole line is secondary: comments, hidden counts, bookkeeping
	bold   bool
}

// render writes l in styles st (markers coloured, secondary parts dimmed).
func (l line) render(st styles) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", l.indent))
	if l.marker != 0 {
		b.WriteString(st.marker(l.marker) + " ")
	}
	body := l.text
	if l.key != "" {
		body = l.key + ":"
		if l.text != "" {
			body += strings.Repeat(" ", 1+l.pad) + l.text
		}
	}
	switch {
	case l.dim:
		body = st.dim.Render(body)
	case l.bold:
		body = st.bold.Render(body)
	}
	b.WriteString(body)
	if l.note != "" {
		b.WriteString("  " + st.dim.Render(l.note))
	}
	return b.String()
}

// renderText is the Terraform-like plan for terminals.
func renderText(p *planner.Plan, st styles) string {
	var b strings.Builder
	if !p.HasChanges() {
		b.WriteString(noChangesLine(p.Summary) + "\n")
		if bk := bookkeepingLine(p); bk != "" {
			b.WriteString(perLine(st.dim.Render, wrapped(bk, 0, "")) + "\n")
		}
		writeUnmanaged(&b, p.Unmanaged, st)
		writeReport(&b, p)
		writeCoverage(&b, p.Coverage, p.CoverageSummary, st)
		writeWarnings(&b, p.Warnings, st)
		writePolicy(&b, p.Policy, st)
		return b.String()
	}
	b.WriteString("imcsync will perform the following actions:\n\n")
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Action == planner.Noop || c.BookkeepingOnly() {
			continue
		}
		for _, l := range changeLines(c, 2) {
			b.WriteString(l.render(st) + "\n")
		}
		b.WriteString("\n")
	}
	writeUnmanaged(&b, p.Unmanaged, st)
	writeReport(&b, p)
	writeCoverage(&b, p.Coverage, p.CoverageSummary, st)
	writeWarnings(&b, p.Warnings, st)
	if bk := bookkeepingLine(p); bk != "" {
		b.WriteString(perLine(st.dim.Render, wrapped(bk, 0, "")) + "\n")
	}
	writePolicy(&b, p.Policy, st)
	b.WriteString(st.bold.Render("Plan:") + " " + wrapped(summaryLine(p), len("Plan: "), "      ") + "\n")
	if l := storageLine(p); l != "" {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// writeReport lists the caches unused or expiring soon.
func writeReport(b *strings.Builder, p *planner.Plan) {
	for _, l := range reportLines(p) {
		b.WriteString(l + "\n")
	}
}

// writeWarnings lists the plan's warnings, one paragraph each.
func writeWarnings(b *strings.Builder, warnings []string, st styles) {
	for _, w := range warnings {
		fmt.Fprintf(b, "%s %s\n\n", st.blocked.Render("Warning:"), wrapped(w, len("Warning: "), "  "))
	}
}

// writeUnmanaged lists the live caches the file does not declare, which are never touched.
func writeUnmanaged(b *strings.Builder, caches []planner.Unmanaged, st styles) {
	if len(caches) == 0 {
		return
	}
	fmt.Fprintf(b, "%s not in the file (left alone):\n", plural(len(caches), "live image cache"))
	for _, u := range caches {
		rest := "(" + u.ID + ", " + u.Status + "): " + u.Reason
		if one := "  " + u.Region + "/" + u.Name + " " + rest; len([]rune(one)) > textWidth {
			rest = "(" + u.ID + ", " + u.Status + ")\n      " + wrapped(u.Reason, 6, "      ")
		}
		fmt.Fprintf(b, "  %s %s\n", u.Region+"/"+u.Name, perLine(st.dim.Render, rest))
		if len(u.Images) > 0 {
			fmt.Fprintf(b, "    %s\n", perLine(st.dim.Render, wrapped("images: "+strings.Join(u.Images, ", "), 4, "      ")))
		}
	}
	b.WriteString("\n")
}

// headingLines is a change's heading comment: one line when it fits in textWidth
// columns, else "# REGION/NAME will be …" first, then its id, status and reason on
// "#   " lines below, wrapped at spaces.
func headingLines(c *planner.Change, base int) []line {
	if h := heading(c); base+2+len([]rune(h)) <= textWidth {
		return []line{{indent: base, text: "# " + h, bold: true}}
	}
	what, ids, reason := headingParts(c)
	lines := []line{{indent: base, text: "# " + c.Region + "/" + c.Name + " " + what, bold: true}}
	detail := ids
	if reason != "" {
		detail = strings.TrimSpace(detail + " " + reason)
	}
	room := textWidth - base - len("#   ")
	for _, part := range wrapWords(detail, room) {
		lines = append(lines, line{indent: base, text: "#   " + part, bold: true})
	}
	return lines
}

// changeLines is the block of one change with its markers at column base: a heading
// comment, then `<marker> imagecache "region/name" {`, the field lines, the notes and
// the closing brace. A delete with nothing to add is one line.
func changeLines(c *planner.Change, base int) []line {
	m := actionMarker(c.Action)
	title := `imagecache "` + c.Region + "/" + c.Name + `"`
	lines := headingLines(c, base)
	if c.Action == planner.Delete && len(c.Fields) == 0 && len(c.Bookkeeping) == 0 {
		l := line{indent: base, marker: m, text: title}
		if n := storageNote(c); n != "" {
			l.note = "(" + n + ")"
		}
		return append(lines, l)
	}
	lines = append(lines, line{indent: base, marker: m, text: title + " {"})
	var body []line
	if len(c.Refresh) > 0 {
		body = append(body, refreshLines(c, base+4)...)
	} else {
		for _, fc := range c.Fields {
			body = append(body, fieldLines(fc, base+4)...)
		}
	}
	alignKeys(body)
	body = addStorageNote(c, body, base+4)
	lines = append(lines, body...)
	return append(lines, line{indent: base + 2, text: "}"})
}

// refreshLines shows why a cache is rebuilt: one "~ web:1 moved sha256:ab12… →
// sha256:cd34…" line per moved tag. The new cache gets every declared field; they are
// summed up in one quiet line rather than listed as changes.
func refreshLines(c *planner.Change, indent int) []line {
	var lines []line
	for _, r := range c.Refresh {
		from := "(another digest)"
		if r.From != "" {
			from = shortDigest(r.From)
		}
		lines = append(lines, line{indent: indent, marker: '~', text: r.Image + " moved " + from + " → " + shortDigest(r.To)})
	}
	if c.Action == planner.Replace {
		var keys []string
		for _, fc := range c.Fields {
			if fc.Send {
				keys = append(keys, fc.Field)
			}
		}
		lines = append(lines, line{indent: indent, dim: true, text: "# the new cache is created with " + strings.Join(keys, ", ")})
	}
	return lines
}

// shortDigest shows a digest as its algorithm and first 12 hex digits, then "…".
func shortDigest(d string) string {
	algo, hex, ok := strings.Cut(d, ":")
	if !ok || len(hex) <= 12 {
		return d + "…"
	}
	return algo + ":" + hex[:12] + "…"
}

// alignKeys pads the keys of one block's "key: value" lines so their values line up;
// keys longer than alignMaxKey keep a single space.
func alignKeys(lines []line) {
	width := 0
	for _, l := range lines {
		if l.key != "" && l.text != "" && len(l.key) <= alignMaxKey {
			width = max(width, len(l.key))
		}
	}
	for i, l := range lines {
		if l.key != "" && len(l.key) <= alignMaxKey {
			lines[i].pad = width - len(l.key)
		}
	}
}

// fieldLines renders one field change with its marker at column indent: a scalar on
// one line, a list as a line diff of its elements (objects as indented YAML), a map
// (tags) one line per key.
func fieldLines(fc planner.FieldChange, indent int) []line {
	before, after := fc.Before, fc.After
	var notes []string
	if fc.WriteOnly {
		notes = append(notes, "(write-only)")
	}
	if !fc.Send && fc.After != nil { // a value that goes away (a delete) is not sent either
		notes = append(notes, "(not sent)")
	}
	note := strings.Join(notes, " ")
	marker := fieldMarker(fc)
	switch {
	case collection[[]any](before, after):
		return listLines(fc, marker, indent, note)
	case collection[map[string]any](before, after):
		return mapLines(fc, indent, note)
	}
	l := line{indent: indent, marker: marker, key: fc.Field, note: note}
	switch {
	case marker == '+':
		l.text = formatValue(after)
	case beforeText(fc) != "":
		l.text = beforeText(fc) + " → " + formatValue(after)
	default:
		l.text = formatValue(before) + " → " + formatValue(after)
	}
	return []line{l}
}

// collection reports whether before and after are collections of type T, or one of
// them is missing.
func collection[T any](before, after any) bool {
	_, b := before.(T)
	_, a := after.(T)
	return (a || b) && (b || before == nil) && (a || after == nil)
}

// fieldMarker is + for a value that appears, - for one that goes, ~ for one that
// changes (an old value that cannot be shown is a change).
func fieldMarker(fc planner.FieldChange) byte {
	return valueMarker(fc.Before, fc.After, fc.BeforeState != "")
}

func valueMarker(before, after any, hidden bool) byte {
	switch {
	case before == nil && !hidden:
		return '+'
	case after == nil:
		return '-'
	}
	return '~'
}

// listLines is a header line for the field, then the line diff of the elements. Lists
// of plain strings (images, domains) are sets and are sorted first; lists of objects
// (credentials, ACR instances) keep their order and show as indented YAML.
func listLines(fc planner.FieldChange, marker byte, indent int, note string) []line {
	bl, unit := elements(fc.Before)
	al, aunit := elements(fc.After)
	header := beforeText(fc)
	if header != "" {
		list, _ := fc.After.([]any)
		header += " → " + belowText(len(list), "entry", "entries")
	}
	lines := []line{{indent: indent, marker: marker, key: fc.Field, text: header, note: note}}
	if len(bl) == 0 {
		unit = aunit
	}
	for _, d := range collapse(diffLines(bl, al), unit) {
		switch d.op {
		case diffmatchpatch.DiffInsert:
			lines = append(lines, line{indent: indent + 4, marker: '+', text: d.text})
		case diffmatchpatch.DiffDelete:
			lines = append(lines, line{indent: indent + 4, marker: '-', text: d.text})
		default:
			lines = append(lines, line{indent: indent + 6, text: d.text, dim: d.hidden})
		}
	}
	return lines
}

// elements formats a list value as lines: a list of strings one (bare) element a line,
// sorted; anything else as YAML. unit names what a line is, for hidden-line counts.
func elements(v any) (lines []string, unit string) {
	list, _ := v.([]any)
	strs := true
	for _, e := range list {
		_, isStr := e.(string)
		strs = strs && isStr
	}
	if !strs {
		return yamlLines(list), "unchanged line"
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = formatElement(e)
	}
	slices.Sort(out)
	return out, "unchanged element"
}

// diffLine is one element of a list diff.
type diffLine struct {
	op     diffmatchpatch.Operation
	text   string
	hidden bool // a "# (N unchanged elements hidden)" line
}

// diffLines is the line diff of two lists of one-line elements.
func diffLines(before, after []string) []diffLine {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // always the minimal diff: output must not depend on speed
	a, b, table := dmp.DiffLinesToChars(joinLines(before), joinLines(after))
	var out []diffLine
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), table) {
		for _, t := range strings.SplitAfter(d.Text, "\n") {
			if t != "" {
				out = append(out, diffLine{op: d.Type, text: strings.TrimSuffix(t, "\n")})
			}
		}
	}
	return out
}

func joinLines(ss []string) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s + "\n")
	}
	return b.String()
}

// collapse replaces the middle of each run of more than maxUnchangedRun unchanged
// lines with one "# (N unchanged elements hidden)" line (unit names what a line is),
// keeping one line of context next to each change.
func collapse(lines []diffLine, unit string) []diffLine {
	var out []diffLine
	for i := 0; i < len(lines); {
		if lines[i].op != diffmatchpatch.DiffEqual {
			out = append(out, lines[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].op == diffmatchpatch.DiffEqual {
			j++
		}
		run := lines[i:j]
		if len(run) <= maxUnchangedRun {
			out = append(out, run...)
			i = j
			continue
		}
		head, tail := 0, 0
		if i > 0 {
			head = 1
		}
		if j < len(lines) {
			tail = 1
		}
		out = append(out, run[:head]...)
		out = append(out, diffLine{op: diffmatchpatch.DiffEqual, hidden: true,
			text: "# (" + plural(len(run)-head-tail, unit) + " hidden)"})
		out = append(out, run[len(run)-tail:]...)
		i = j
	}
	return out
}

// mapLines is one line per added, removed or changed key ("+ tags.env: "prod""), and a
// count of the unchanged keys. When the tag calls carry the change, the keys are marked
// as no rebuild.
func mapLines(fc planner.FieldChange, indent int, note string) []line {
	field := fc.Field
	var lines []line
	bm, _ := fc.Before.(map[string]any)
	am, _ := fc.After.(map[string]any)
	if h := beforeText(fc); h != "" {
		lines = append(lines, line{indent: indent, marker: '~', key: field, text: h + " → " + belowText(len(am), "value", "values"), note: note})
	}
	keys := slices.Sorted(maps.Keys(bm))
	for k := range am {
		if _, ok := bm[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	unchanged := 0
	for _, k := range keys {
		b, a := bm[k], am[k]
		if compactJSON(b) == compactJSON(a) {
			unchanged++
			continue
		}
		l := line{indent: indent, marker: valueMarker(b, a, false), key: mapKey(field, k), note: note}
		if l.marker == '+' {
			l.text = formatValue(a)
		} else {
			l.text = formatValue(b) + " → " + formatValue(a)
		}
		lines = append(lines, l)
	}
	// One remark for the whole map: the tag calls rebuild nothing; unchanged keys hidden.
	var remarks []string
	if fc.ViaTagAPI() {
		remarks = append(remarks, "no rebuild: tags change through the tag calls")
	}
	if unchanged > 0 {
		remarks = append(remarks, plural(unchanged, "unchanged "+strings.TrimSuffix(field, "s"))+" hidden")
	}
	if len(remarks) > 0 {
		lines = append(lines, line{indent: indent + 2, dim: true, text: "# (" + strings.Join(remarks, "; ") + ")"})
	}
	return lines
}

// belowText stands for a new value shown on the lines below its header, whose old value
// cannot be shown: "the 2 entries below", "nothing" for an empty one.
func belowText(n int, one, many string) string {
	switch n {
	case 0:
		return "nothing"
	case 1:
		return "the " + one + " below"
	}
	return "the " + strconv.Itoa(n) + " " + many + " below"
}

// mapKey names a map entry: tags.team, or tags["a key"] when the key needs quoting.
func mapKey(field, k string) string {
	if k != "" && !strings.ContainsAny(k, " .[]\"") && strconv.Quote(k) == `"`+k+`"` {
		return field + "." + k
	}
	return field + "[" + strconv.Quote(k) + "]"
}

// plural is "1 thing" or "N things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
