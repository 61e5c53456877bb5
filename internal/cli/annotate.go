package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/imcsync/imcsync/spec"
)

// inGitHubActions reports whether imcsync runs in a GitHub Actions job, where problems
// in the file are printed as workflow commands that GitHub shows as annotations on the
// file's lines.
func (a *app) inGitHubActions() bool { return a.getenv("GITHUB_ACTIONS") == "true" }

// writeAnnotations prints each problem as a GitHub Actions annotation of the level
// (error or warning), the first spec.MaxPrintedErrors of them, then how many more:
//
//	::error file=FILE,line=LINE,col=COL::PATH: MESSAGE
func writeAnnotations(w io.Writer, level string, problems spec.Errors) {
	for i, p := range problems {
		if i == spec.MaxPrintedErrors {
			fmt.Fprintf(w, "and %d more problems\n", problems[i:].Count())
			return
		}
		msg := p.Message
		if p.Path != "" {
			msg = p.Path + ": " + msg
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d::%s\n", level, escapeProperty(p.File), p.Pos.Line, p.Pos.Column, escapeData(msg))
	}
}

// escapeData escapes a workflow command's message as the Actions toolkit does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value as the Actions toolkit does.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
