package render

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/imcsync/imcsync/applier"
)

// progress shows apply's work as it happens on stderr. On a terminal it keeps a live
// block at the bottom (one line per cache in flight, counts, elapsed time) and prints
// each finished cache above it; piped, it prints one plain line per finished cache.
type progress struct {
	w     io.Writer
	live  bool
	st    styles
	start time.Time

	mu       sync.Mutex
	inFlight map[string]time.Time // "region/name" → when it started
	done     int
	drawn    int // lines of the live block currently on screen
}

func newProgress(w io.Writer, live, color bool) *progress {
	return &progress{w: w, live: live, st: newStyles(color), start: time.Now(), inFlight: map[string]time.Time{}}
}

// update is the applier's Progress callback.
func (p *progress) update(o applier.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := o.Region + "/" + o.Name
	p.clear()
	if o.Result == applier.InProgress {
		if _, ok := p.inFlight[key]; !ok {
			p.inFlight[key] = time.Now()
		}
	} else {
		delete(p.inFlight, key)
		p.done++
		fmt.Fprintln(p.w, outcomeLine(o, p.st))
	}
	p.draw()
}

// finish removes the live block.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *progress) clear() {
	if p.live && p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
		p.drawn = 0
	}
}

func (p *progress) draw() {
	if !p.live || len(p.inFlight) == 0 {
		return
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range p.inFlight {
			if !yield(k) {
				return
			}
		}
	})
	const shown = 10
	for i, k := range keys {
		if i == shown {
			fmt.Fprintf(p.w, "  … and %d more\n", len(keys)-shown)
			p.drawn++
			break
		}
		fmt.Fprintf(p.w, "  %s %s\n", k, p.st.dim.Render(fmt.Sprintf("working… %s", time.Since(p.inFlight[k]).Round(time.Second))))
		p.drawn++
	}
	fmt.Fprintf(p.w, "%s\n", p.st.bold.Render(fmt.Sprintf("%d in flight, %d done, %s elapsed", len(keys), p.done, time.Since(p.start).Round(time.Second))))
	p.drawn++
}

// outcomeLine is one cache's outcome: `region/name: updated in 3.2s (2 attempts): message`.
func outcomeLine(o applier.Outcome, st styles) string {
	var b strings.Builder
	b.WriteString(o.Region + "/" + o.Name + ": ")
	b.WriteString(resultStyle(o.Result, st).Render(string(o.Result)))
	fmt.Fprintf(&b, " in %s", o.Duration.Round(100*time.Millisecond))
	if o.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", o.Attempts)
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

// renderOutcomesMarkdown is the report as a pull-request or job-summary table.
func renderOutcomesMarkdown(outcomes []applier.Outcome) string {
	var b strings.Builder
	b.WriteString("\n### imcsync apply\n\n| Cache | ID | Result | Status | Duration | Attempts | Message |\n|---|---|---|---|---:|---:|---|\n")
	for _, o := range outcomes {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %s |\n", mdCell(o.Region+"/"+o.Name), mdCell(o.ID), o.Result,
			o.Status, o.Duration.Round(100*time.Millisecond), o.Attempts, mdCell(o.Message))
	}
	fmt.Fprintf(&b, "\n%s\n", applier.Summarize(outcomes))
	return b.String()
}
