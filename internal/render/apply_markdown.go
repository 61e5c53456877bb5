package render

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

// ApplyMarkdown writes an apply report as one pull-request comment within o's limit, as
// a markdown plan is: the marker "<!-- imcsync:apply:FILE -->", the heading, the verdict
// and the plan's summary line (not the plan: `imcsync show PLANFILE` prints it), then a
// table of the caches apply worked on, problems first, and the unchanged caches
// collapsed. What does not fit is counted ("and N more") and pointed to (o.FullPlan,
// else the run's log). plan may be nil.
func ApplyMarkdown(w io.Writer, r engine.Report, plan *planner.Plan, o MarkdownOptions) error {
	a := newMDApply(r, plan)
	head := o.headerOf("apply", 0, 0) + a.head
	const noteRoom = 600
	room := o.limit() - len(head) - noteRoom
	unchanged, cutUnchanged := a.unchanged.fit(room / 5)
	table, cut := a.table.fit(room - len(unchanged))
	var b strings.Builder
	b.WriteString(head + table + unchanged)
	if cut+cutUnchanged > 0 {
		// Problems come first: those left out converged unless even the problems did not fit.
		shown := len(a.table.items) - cut
		b.WriteString(applyCutNote(o, cut, max(a.problems-shown, 0), cutUnchanged))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ApplyMarkdownParts is the whole apply report as numbered comments, each within o's
// limit and starting with its own marker and heading ("part K of N"); nothing is cut.
func ApplyMarkdownParts(r engine.Report, plan *planner.Plan, o MarkdownOptions) []string {
	a := newMDApply(r, plan)
	limit := o.limit()
	headRoom := len(o.headerOf("apply", 99999, 99999)) + len(a.head)
	var bodies []string
	var cur strings.Builder
	size := headRoom
	var open *mdSection
	closeSection := func() {
		if open != nil {
			cur.WriteString(open.close)
			open = nil
		}
	}
	for _, s := range []*mdSection{&a.table, &a.unchanged} {
		for _, it := range s.items {
			need := len(it)
			if open != s {
				need += len(s.open) + len(s.close)
			}
			if size+need > limit && size > headRoom {
				closeSection()
				bodies = append(bodies, cur.String())
				cur.Reset()
				size = headRoom
			}
			if open != s {
				closeSection()
				cur.WriteString(s.open)
				size += len(s.open) + len(s.close)
				open = s
			}
			cur.WriteString(it)
			size += len(it)
		}
	}
	closeSection()
	bodies = append(bodies, cur.String())
	parts := make([]string, len(bodies))
	for i, body := range bodies {
		parts[i] = o.headerOf("apply", i+1, len(bodies)) + a.head + body
	}
	return parts
}

// mdApply is an apply report cut into the pieces of its markdown.
type mdApply struct {
	head      string // the verdict and the plan's summary line
	problems  int    // outcomes that did not converge: the table's first rows
	table     mdSection
	unchanged mdSection
}

func newMDApply(r engine.Report, plan *planner.Plan) *mdApply {
	a := &mdApply{}
	verdict := "Apply complete"
	if !r.OK() {
		verdict = "Apply incomplete"
	}
	a.head = fmt.Sprintf("**%s:** %s.\n\n", verdict, r.Summary)
	if plan != nil {
		a.head += "The plan: " + summaryLine(plan) + "\n\n"
	}
	var worked, unchanged []applier.Outcome
	for _, o := range r.Outcomes {
		if o.Result == applier.Unchanged {
			unchanged = append(unchanged, o)
		} else {
			worked = append(worked, o)
		}
	}
	// Problems first: they are what a reader of the comment must act on.
	slices.SortStableFunc(worked, func(x, y applier.Outcome) int { return problemRank(x.Result) - problemRank(y.Result) })
	for _, o := range worked {
		if problemRank(o.Result) == 0 {
			a.problems++
		}
	}
	if len(worked) > 0 {
		a.table.open = "| Cache | ID | Result | Status | Duration | Calls | Message |\n|---|---|---|---|---:|---:|---|\n"
		a.table.close = "\n"
		a.table.more = func(n int) string { return fmt.Sprintf("| _and %s_ | | | | | | |\n", plural(n, "more cache")) }
		for _, o := range worked {
			a.table.items = append(a.table.items, fmt.Sprintf("| %s | %s | %s | %s | %s | %d | %s |\n",
				mdCell(o.Region+"/"+o.Name), mdCell(o.ID), o.Result, o.Status, o.Duration.Round(100*time.Millisecond), o.Attempts, mdCell(o.Message)))
		}
	}
	if len(unchanged) > 0 {
		a.unchanged.open = fmt.Sprintf("<details><summary>%d unchanged</summary>\n\n", len(unchanged))
		a.unchanged.close = "\n</details>\n\n"
		a.unchanged.more = func(n int) string { return fmt.Sprintf("- _and %d more_\n", n) }
		for _, o := range unchanged {
			a.unchanged.items = append(a.unchanged.items, "- "+mdCell(o.Region+"/"+o.Name)+"\n")
		}
	}
	return a
}

// problemRank orders outcomes for the report: those that need someone first.
func problemRank(r applier.Result) int {
	switch r {
	case applier.Failed, applier.Blocked, applier.Stale, applier.Skipped:
		return 0
	}
	return 1
}

// applyCutNote says that the comment does not list every cache, what those left out
// are, and where the whole report is.
func applyCutNote(o MarkdownOptions, cut, problemsCut, unchangedCut int) string {
	var left []string
	if cut > 0 {
		what := "all converged: problems are listed first"
		if problemsCut > 0 {
			what = fmt.Sprintf("%d of them did not converge", problemsCut)
		}
		left = append(left, fmt.Sprintf("%s worked on (%s)", plural(cut, "more cache"), what))
	}
	if unchangedCut > 0 {
		left = append(left, fmt.Sprintf("%d more unchanged", unchangedCut))
	}
	where := "`imcsync apply -o markdown --split DIR` writes every outcome as numbered comments"
	if o.FullPlan != "" {
		where = "the whole report: " + strings.Join(strings.Fields(o.FullPlan), " ")
	}
	return fmt.Sprintf("_This comment is shortened to fit one GitHub comment: %s are not listed; %s._\n", strings.Join(left, " and "), where)
}
