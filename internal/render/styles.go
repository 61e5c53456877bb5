package render

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
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
