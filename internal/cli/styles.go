package cli

import (
	"io"
	"os"

	"golang.org/x/term"

	"github.com/imcsync/imcsync/internal/render"
)

// colorModes are the values of --color.
var colorModes = []string{"auto", "always", "never"}

// colorEnabled reports whether output to w, one of the command's streams, is coloured
// (see useColor).
func (a *app) colorEnabled(w io.Writer) bool {
	return useColor(a.color, w, a.getenv)
}

// streams are the views' streams: stdout and stderr, each coloured as --color says.
func (a *app) streams() render.Streams {
	return render.Streams{Out: a.stdout, Err: a.stderr, OutColor: a.colorEnabled(a.stdout), ErrColor: a.colorEnabled(a.stderr)}
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
