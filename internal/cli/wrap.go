package cli

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// defaultWidth is the width help is wrapped to when stdout is not a terminal.
const defaultWidth = 80

// wrapHelp makes every command's help fit the terminal's width (defaultWidth when
// stdout is not a terminal): long lines are wrapped at spaces, each continuation
// indented under the text it continues (a flag's description under the description).
// Example command lines are left whole, so that they can be copied.
func (a *app) wrapHelp(root *cobra.Command) {
	help := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		var buf bytes.Buffer
		out, long := cmd.OutOrStdout(), cmd.Long
		cmd.SetOut(&buf)
		cmd.Long = reflow(long)
		help(cmd, args)
		cmd.SetOut(out)
		cmd.Long = long
		_, _ = out.Write([]byte(wrapText(buf.String(), a.width())))
	})
}

// width is the terminal's width when stdout is one, else defaultWidth.
func (a *app) width() int {
	if f, ok := a.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w >= 40 {
			return w
		}
	}
	return defaultWidth
}

// flagLine matches the start of a flag's or a command's help line, up to its
// description.
var flagLine = regexp.MustCompile(`^(\s+(?:-\w, )?(?:--)?[\w.-]+(?: \S+)?\s{2,})\S`)

// wrapText wraps each line of text longer than width.
func wrapText(text string, width int) string {
	var b strings.Builder
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if utf8.RuneCountInString(line) <= width {
			b.WriteString(line)
			continue
		}
		if indent > 0 && strings.HasPrefix(trimmed, "imcsync ") { // an example command
			b.WriteString(wrapCommand(line, strings.Repeat(" ", indent+4), width))
			continue
		}
		hang := strings.Repeat(" ", indent)
		if m := flagLine.FindStringSubmatch(line); m != nil {
			hang = strings.Repeat(" ", len(m[1]))
		} else if strings.HasPrefix(trimmed, "# ") {
			hang += "# "
		}
		b.WriteString(wrapLine(line, hang, width))
	}
	return b.String()
}

// wrapLine breaks one line at spaces before width, continuing each part after hang.
func wrapLine(line, hang string, width int) string {
	var b strings.Builder
	cur := line
	for utf8.RuneCountInString(cur) > width {
		cut := -1
		n := 0
		for i, r := range cur {
			if n >= width {
				break
			}
			if r == ' ' && strings.TrimSpace(cur[:i]) != "" && i > len(hang) {
				cut = i
			}
			n++
		}
		if cut < 0 {
			break // one word longer than the line: leave it whole
		}
		b.WriteString(strings.TrimRight(cur[:cut], " ") + "\n")
		cur = hang + strings.TrimLeft(cur[cut:], " ")
	}
	b.WriteString(cur)
	return b.String()
}

// wrapCommand breaks a shell command line before width, at a space (before a flag
// rather than between a flag and its value), each part but the last ending in " \\"
// so that the command still runs when pasted.
func wrapCommand(line, hang string, width int) string {
	trimmed := strings.TrimLeft(line, " ")
	indent := line[:len(line)-len(trimmed)]
	var out []string
	words := []string{}
	for _, w := range strings.Split(trimmed, " ") {
		lead := indent
		if len(out) > 0 {
			lead = hang
		}
		if len(words) > 0 && utf8.RuneCountInString(lead+strings.Join(append(words, w), " "))+2 > width {
			carry := []string{}
			if last := words[len(words)-1]; len(words) > 1 && strings.HasPrefix(last, "-") && !strings.HasPrefix(w, "-") {
				words, carry = words[:len(words)-1], []string{last}
			}
			out = append(out, lead+strings.Join(words, " ")+" \\")
			words = carry
		}
		words = append(words, w)
	}
	lead := indent
	if len(out) > 0 {
		lead = hang
	}
	return strings.Join(append(out, lead+strings.Join(words, " ")), "\n")
}

// reflow joins the lines of each paragraph of text (lines apart from blank ones, none
// indented or a list item) into one line, for wrapText to wrap to the width; other
// paragraphs are left as they are.
func reflow(text string) string {
	paras := strings.Split(text, "\n\n")
	for i, p := range paras {
		lines := strings.Split(p, "\n")
		plain := true
		for _, l := range lines {
			plain = plain && l != "" && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "-")
		}
		if plain {
			paras[i] = strings.Join(lines, " ")
		}
	}
	return strings.Join(paras, "\n\n")
}
