package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/imcsync/imcsync/applier"
)

// outcomeLine is one cache's outcome: `region/name: updated in 3.2s (2 calls): message`;
// the calls sent for it, retries included (JSON's attempts).
func outcomeLine(o applier.Outcome, st styles) string {
	var b strings.Builder
	b.WriteString(o.Region + "/" + o.Name + ": ")
	b.WriteString(resultStyle(o.Result, st).Render(string(o.Result)))
	fmt.Fprintf(&b, " in %s", o.Duration.Round(100*time.Millisecond))
	if o.Attempts > 1 {
		fmt.Fprintf(&b, " (%d calls)", o.Attempts)
	}
	if o.Message != "" {
		b.WriteString(": " + o.Message)
	}
	return b.String()
}

func resultStyle(r applier.Result, st styles) lipgloss.Style {
	switch r {
	case applier.Created, applier.Replaced:
		return st.create
	case applier.Updated:
		return st.update
	case applier.Deleted:
		return st.delete
	case applier.Failed, applier.Stale, applier.Blocked:
		return st.blocked
	default:
		return st.dim
	}
}

// renderOutcomesText is the report apply prints on stdout when it is done.
func renderOutcomesText(outcomes []applier.Outcome, st styles) string {
	var b strings.Builder
	b.WriteString("\n")
	for _, o := range outcomes {
		b.WriteString("  " + outcomeLine(o, st) + "\n")
	}
	verdict := "Apply complete"
	if !applier.Converged(outcomes) {
		verdict = "Apply incomplete"
	}
	fmt.Fprintf(&b, "\n%s %s.\n", st.bold.Render(verdict+":"), applier.Summarize(outcomes))
	return b.String()
}
