package render

import (
	"bytes"
	"fmt"
	"io"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

// A command's view is what it prints, in the one format -o chose: the command asks for
// its view once, with that format and what shapes it (streams, colour, the markdown
// comment's options), then calls its methods and never looks at the format again, as
// terraform's command views do.

// Streams are where a view writes: the command's output on Out; what a person reads
// beside it (the plan shown before a prompt, findings placed in the file) on Err. Colour
// applies to text only.
type Streams struct {
	Out, Err           io.Writer
	OutColor, ErrColor bool
}

// Comment shapes the markdown outputs: one pull-request comment within Options' limit
// or, when Split is not nil, the whole output as numbered comments, each within the
// limit, handed to Split with the output's kind ("plan", "apply").
type Comment struct {
	Options MarkdownOptions
	Split   func(kind string, parts []string) error
}

// PlanView prints plans: plan's and show's.
type PlanView struct {
	f       Format
	s       Streams
	comment Comment
	verbose bool
}

// NewPlanView is the plan view in format f.
func NewPlanView(f Format, s Streams, comment Comment) *PlanView {
	return &PlanView{f: f, s: s, comment: comment}
}

// Verbose makes the text view also print the details its one-line summaries leave out
// (each registry's error), as -v asks; JSON has them always.
func (v *PlanView) Verbose(on bool) *PlanView {
	v.verbose = on
	return v
}

// Plan prints p: text, JSON, or markdown as one comment or its parts.
func (v *PlanView) Plan(p *planner.Plan) error {
	if v.f != Markdown {
		if v.f != Text || !v.verbose || len(p.RegistryErrors) == 0 {
			return Plan(v.s.Out, p, v.f, v.s.OutColor)
		}
		var b bytes.Buffer
		if err := Plan(&b, p, v.f, v.s.OutColor); err != nil {
			return err
		}
		_, err := v.s.Out.Write(append(bytes.TrimRight(b.Bytes(), "\n"), '\n'))
		writeRegistryErrors(v.s.Out, p.RegistryErrors)
		return err
	}
	if v.comment.Split != nil {
		return v.comment.Split("plan", PlanMarkdownParts(p, v.comment.Options))
	}
	return PlanMarkdown(v.s.Out, p, v.comment.Options)
}

// writeRegistryErrors lists each registry that could not be reached and why, below the
// plan: what the one-line warning summarises.
func writeRegistryErrors(w io.Writer, errs []planner.RegistryError) {
	fmt.Fprintln(w, "\nRegistries that could not be reached:")
	for _, e := range errs {
		fmt.Fprintf(w, "  %s (%d image(s) not checked)\n      %s\n", e.Registry, e.Images, wrapped(e.Error, 6, "      "))
	}
}

// Saved tells, in text, where the plan was saved and how to apply it; the other
// formats are read by programs, which know where they asked it saved.
func (v *PlanView) Saved(path string) {
	if v.f == Text {
		fmt.Fprintf(v.s.Out, "\nSaved the plan to %s. To apply exactly this plan, run:\n    imcsync apply %s\n", path, path)
	}
}

// ApplyView prints what apply shows and reports: the plan before it is applied (text
// only: markdown and JSON report the outcomes only), and the report.
type ApplyView struct {
	f       Format
	s       Streams
	comment Comment
}

// NewApplyView is the apply view in format f.
func NewApplyView(f Format, s Streams, comment Comment) *ApplyView {
	return &ApplyView{f: f, s: s, comment: comment}
}

// Plan shows the plan about to be applied, in text; the other formats show none.
func (v *ApplyView) Plan(p *planner.Plan) error {
	if v.f != Text {
		return nil
	}
	return Plan(v.s.Out, p, Text, v.s.OutColor)
}

// Asking shows the plan where confirmation is asked when the output holds none that a
// person reads: a markdown report has no plan, so it goes to Err as text.
func (v *ApplyView) Asking(p *planner.Plan) error {
	if v.f != Markdown {
		return nil
	}
	return Plan(v.s.Err, p, Text, v.s.ErrColor)
}

// NothingToDo reports a plan with nothing to apply: the text plan said so already;
// the other formats report no outcomes.
func (v *ApplyView) NothingToDo(p *planner.Plan) error {
	if v.f == Text {
		return nil
	}
	return v.Report(engine.NewReport(nil), p)
}

// Report prints the report of applying plan: markdown as a comment that fits (or its
// parts), text and JSON as Apply writes them.
func (v *ApplyView) Report(r engine.Report, plan *planner.Plan) error {
	if v.f != Markdown {
		return Apply(v.s.Out, r, v.f, v.s.OutColor)
	}
	if v.comment.Split != nil {
		return v.comment.Split("apply", ApplyMarkdownParts(r, plan, v.comment.Options))
	}
	return ApplyMarkdown(v.s.Out, r, plan, v.comment.Options)
}

// Refused shows a plan that breaks error-severity policy rules, so nothing is applied:
// the plan with what the rules found or, in JSON, a report of nothing applied with the
// rules' results.
func (v *ApplyView) Refused(p *planner.Plan) error {
	if v.f != JSON {
		return Plan(v.s.Out, p, v.f, v.s.OutColor)
	}
	report := engine.NewReport(nil)
	report.Policy, report.Converged = p.Policy, false
	return Apply(v.s.Out, report, JSON, false)
}

// ValidateView prints validate's verdict on a file.
type ValidateView struct {
	f Format
	s Streams
}

// NewValidateView is the validate view in format f.
func NewValidateView(f Format, s Streams) *ValidateView {
	return &ValidateView{f: f, s: s}
}

// Findings writes, in text, the lines that place the file's problems and what the
// policy found (FILE:LINE:COL: …) on Err; JSON holds them in the verdict instead.
func (v *ValidateView) Findings(lines ...string) {
	if v.f == JSON {
		return
	}
	for _, l := range lines {
		fmt.Fprintln(v.s.Err, l)
	}
}

// Verdict prints the verdict on Out, as Validate writes it.
func (v *ValidateView) Verdict(val Validation) error {
	return Validate(v.s.Out, val, v.f)
}
