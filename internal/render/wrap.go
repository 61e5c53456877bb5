package render

import "strings"

// textWidth is the width the text output's own lines fit in: a terminal of 80 columns.
// Values (image references, messages of the API) are never cut, so a line holding a
// long one can be longer.
const textWidth = 80

// wrapWords cuts text into lines of at most width runes, at spaces; a word longer
// than width gets a line of its own.
func wrapWords(text string, width int) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(text) {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > width {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// wrapped is text wrapped at spaces to textWidth, starting at column start, each
// further line starting with hang.
func wrapped(text string, start int, hang string) string {
	if start+len([]rune(text)) <= textWidth {
		return text
	}
	words := strings.Fields(text)
	first := ""
	for len(words) > 0 && (first == "" || start+len([]rune(first))+1+len([]rune(words[0])) <= textWidth) {
		first = strings.TrimPrefix(first+" "+words[0], " ")
		words = words[1:]
	}
	if len(words) == 0 {
		return first
	}
	rest := wrapWords(strings.Join(words, " "), textWidth-len(hang))
	return first + "\n" + hang + strings.Join(rest, "\n"+hang)
}

// fitLine is "head: detail" when it fits in textWidth columns from column start, else
// head, then detail wrapped on lines that start with hang.
func fitLine(head, detail string, start int, hang string) string {
	if detail == "" {
		return head
	}
	if one := head + ": " + detail; start+len([]rune(one)) <= textWidth {
		return one
	}
	return head + "\n" + hang + strings.Join(wrapWords(detail, textWidth-len(hang)), "\n"+hang)
}

// perLine styles each line of text on its own, so that a style never pads a block of
// lines to one width.
func perLine(render func(...string) string, text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = render(l)
	}
	return strings.Join(lines, "\n")
}
