package render

import (
	"io"
	"strings"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/engine"
)

// Apply writes an apply report as text (a line per cache and the verdict), JSON (the
// Report itself) or markdown (a table for a pull request or a job summary).
func Apply(w io.Writer, r engine.Report, f Format, color bool) error {
	if r.Outcomes == nil {
		r.Outcomes = []applier.Outcome{}
	}
	return applyRenderer.write(w, r, f, color)
}

var applyRenderer = renderer[engine.Report]{
	text: func(r engine.Report, st styles) string { return renderOutcomesText(r.Outcomes, st) },
	markdown: func(r engine.Report) string {
		var b strings.Builder
		_ = ApplyMarkdown(&b, r, nil, MarkdownOptions{}) // a strings.Builder never fails
		return b.String()
	},
}
