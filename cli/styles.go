package cli

import (
	"io"
	"os"

	"golang.org/x/term"
)

// colorEnabled reports whether output to w should be coloured: only when w is a
// terminal, NO_COLOR is unset or empty (https://no-color.org), and TERM is not "dumb".
func colorEnabled(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
