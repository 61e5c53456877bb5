package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/internal/render"
)

// maxCoverageAnnotations bounds the coverage annotations of one run (GitHub shows a
// few per step in the summary; every one on the file's lines).
const maxCoverageAnnotations = 50

// annotateCoverage writes, in GitHub Actions, each workload people are shown as an
// annotation on its manifest line: a warning when it is not fully covered, a notice
// when it is (its result changed, or a note).
func (a *app) annotateCoverage(es []coverage.Entry) {
	if a.inGitHubActions() {
		writeCoverageAnnotations(a.stderr, es)
	}
}

// writeCoverageAnnotations writes `::warning file=F,line=L,title=imcsync coverage::NAME: TEXT`.
func writeCoverageAnnotations(w io.Writer, es []coverage.Entry) {
	n := 0
	for i := range es {
		e := &es[i]
		if !e.Shown() {
			continue
		}
		if n == maxCoverageAnnotations {
			fmt.Fprintf(w, "::notice title=imcsync coverage::%d more workloads are not annotated; the plan lists them\n", countShown(es)-n)
			return
		}
		n++
		level := "notice"
		if e.After != coverage.Full {
			level = "warning"
		}
		file, line := e.Source, 0
		if i := strings.LastIndexByte(file, ':'); i >= 0 {
			if l, err := strconv.Atoi(file[i+1:]); err == nil {
				file, line = file[:i], l
			}
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,title=imcsync coverage::%s\n", level, escapeProperty(file), line,
			escapeData(e.Workload+": "+render.CoverageText(e)))
	}
}

func countShown(es []coverage.Entry) int {
	n := 0
	for i := range es {
		if es[i].Shown() {
			n++
		}
	}
	return n
}
