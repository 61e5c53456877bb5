package render

import (
	"io"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/engine"
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
	text:     func(r engine.Report, st styles) string { return renderOutcomesText(r.Outcomes, st) },
	markdown: func(r engine.Report) string { return renderOutcomesMarkdown(r.Outcomes) },
}

// Progress shows apply's work as it happens (see progress): Update is the applier's
// Progress callback, Finish removes the live block.
type Progress struct{ p *progress }

// NewProgress writes to w, with a live block when live (w is a terminal) and colour
// when color.
func NewProgress(w io.Writer, live, color bool) Progress {
	return Progress{newProgress(w, live, color)}
}

// Update is applier.Options.Progress.
func (p Progress) Update(o applier.Outcome) { p.p.update(o) }

// Finish removes the live block.
func (p Progress) Finish() { p.p.finish() }
