package cli

import (
	"io"
	"os"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/term"
)

// styles are the few named styles plan output uses. They come from a renderer bound to
// one colour profile, so output without colour holds no escape codes at all.
type styles struct {
	create  lipgloss.Style // "+" markers
	update  lipgloss.Style // "~" markers
	delete  lipgloss.Style // "-" markers
	blocked lipgloss.Style // "!" markers
	dim     lipgloss.Style // notes, hidden-element counts, bookkeeping tags, annotations
	bold    lipgloss.Style // per-cache headings and the summary line's label
}

// newStyles returns the styles for coloured output (the 16 basic ANSI colours, which
// follow the terminal's theme) or for plain output (no escape codes).
func newStyles(color bool) styles {
	r := lipgloss.NewRenderer(io.Discard)
	if color {
		r.SetColorProfile(termenv.ANSI)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return styles{
		create:  r.NewStyle().Foreground(lipgloss.Color("2")),
		update:  r.NewStyle().Foreground(lipgloss.Color("3")),
		delete:  r.NewStyle().Foreground(lipgloss.Color("1")),
		blocked: r.NewStyle().Foreground(lipgloss.Color("5")).Bold(true),
		dim:     r.NewStyle().Faint(true),
		bold:    r.NewStyle().Bold(true),
	}
}

// marker styles a change marker ("+", "~", "-", "!").
func (s styles) marker(m byte) string {
	switch m {
	case '+':
		return s.create.Render("+")
	case '~':
		return s.update.Render("~")
	case '-':
		return s.delete.Render("-")
	case '!':
		return s.blocked.Render("!")
	}
	return string(m)
}

// colorModes are the values of --color.
var colorModes = []string{"auto", "always", "never"}

// colorEnabled reports whether output to w, one of the command's streams, is coloured
// (see useColor).
func (a *app) colorEnabled(w io.Writer) bool {
	return useColor(a.color, w, a.getenv)
}

// useColor decides colour for one stream. --color always and never decide alone. With
// auto: never with NO_COLOR set and not empty (https://no-color.org) or CLICOLOR=0;
// always with CLICOLOR_FORCE set and not 0 (GitHub Actions logs show colour); otherwise
// only when w itself is a terminal and TERM is not "dumb".
func useColor(mode string, w io.Writer, getenv func(string) string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	force := getenv("CLICOLOR_FORCE") != "" && getenv("CLICOLOR_FORCE") != "0"
	switch {
	case getenv("NO_COLOR") != "":
		return false
	case force:
		return true
	case getenv("CLICOLOR") == "0" || getenv("TERM") == "dumb":
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
