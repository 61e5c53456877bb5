package liveview

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
)

// styles colour the view; without colour they add no escape codes.
type styles struct {
	phase map[applier.Phase]lipgloss.Style
	dim   lipgloss.Style
	bold  lipgloss.Style
}

func newStyles(color bool) styles {
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	if color {
		r.SetColorProfile(termenv.ANSI)
	}
	return styles{
		phase: map[applier.Phase]lipgloss.Style{
			applier.Sending:  r.NewStyle().Foreground(lipgloss.Color("6")),
			applier.Retrying: r.NewStyle().Foreground(lipgloss.Color("3")),
			applier.Settling: r.NewStyle().Foreground(lipgloss.Color("4")),
			applier.Queued:   r.NewStyle().Foreground(lipgloss.Color("4")),
			applier.Waiting:  r.NewStyle().Foreground(lipgloss.Color("5")),
		},
		dim:  r.NewStyle().Faint(true),
		bold: r.NewStyle().Bold(true),
	}
}

// phaseText says what is being done for a cache in progress, e.g. "waiting for Ready
// (Updating 45%)" or "retrying after throttling (Throttling.User): attempt 2 of 6 in 1s".
func phaseText(o applier.Outcome) string {
	if o.Phase != applier.Settling {
		return o.Message
	}
	switch o.Status {
	case "": // not read since the call was accepted
		return "sent; waiting for Ready"
	case cloud.Ready: // settle is done as soon as a Ready cache shows what was sent
		return "Ready, change not listed yet"
	}
	var state []string
	if o.Status != "" {
		state = append(state, string(o.Status))
	}
	if strings.HasSuffix(o.Progress, "%") {
		state = append(state, o.Progress)
	}
	return "waiting for Ready (" + strings.Join(state, " ") + ")"
}

// cacheLine is one cache's line of the live view: "  cn-hangzhou/web 12s  sending". On
// a terminal width columns wide (0: unknown), a long key is shortened in its middle so
// that the clock and the phase stay in view.
func cacheLine(c *cache, now time.Time, st styles, width int) string {
	style, ok := st.phase[c.out.Phase]
	if !ok {
		style = st.dim
	}
	elapsed, phase := clock(now.Sub(c.start)), phaseText(c.out)
	key := c.key
	if width > 0 {
		key = shorten(key, width-len("  ")-len(" "+elapsed+"  ")-min(len(phase), 20))
	}
	return fmt.Sprintf("  %s %s  %s", key, st.dim.Render(elapsed), style.Render(phase))
}

// minKey is the fewest characters a shortened cache key keeps.
const minKey = 14

// shorten cuts s to n characters (at least minKey) by putting "…" in its middle.
func shorten(s string, n int) string {
	r := []rune(s)
	n = max(n, minKey)
	if len(r) <= n {
		return s
	}
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}

// countsFor is the longest of the overall line's texts that fits width columns: every
// count ("3/14 done · 4 sending · 6 waiting for Ready"), else "3/14 done · 4 sending ·
// 6 waiting", else "3/14 done", else "3/14".
func countsFor(t tally, width int) string {
	short := fmt.Sprintf("%d/%d done", t.done, t.total)
	if t.sending > 0 {
		short += fmt.Sprintf(" · %d sending", t.sending)
	}
	if n := t.queued + t.settling + t.waiting; n > 0 {
		short += fmt.Sprintf(" · %d waiting", n)
	}
	for _, s := range []string{counts(t), short, fmt.Sprintf("%d/%d done", t.done, t.total)} {
		if len(s) <= width {
			return s
		}
	}
	return fmt.Sprintf("%d/%d", t.done, t.total)
}

// elapsedAndETA is "41s · ETA 2m44s", or "ETA –" while the ETA is unknown (tally.eta).
func elapsedAndETA(elapsed time.Duration, t tally, open []time.Duration, parallelism int) string {
	eta := "ETA –"
	if left, ok := t.eta(open, parallelism); ok {
		eta = "ETA " + clock(left)
	}
	return clock(elapsed) + " · " + eta
}

// counts is the overall line's text: "3/14 done · 4 sending · 6 waiting for Ready".
func counts(t tally) string {
	parts := []string{fmt.Sprintf("%d/%d done", t.done, t.total)}
	if t.sending > 0 {
		parts = append(parts, fmt.Sprintf("%d sending", t.sending))
	}
	if t.queued > 0 {
		parts = append(parts, fmt.Sprintf("%d queued for tag calls", t.queued))
	}
	if t.settling > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting for Ready", t.settling))
	}
	if t.waiting > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting for busy caches", t.waiting))
	}
	return strings.Join(parts, " · ")
}

// clock writes a duration as a ticking clock: "7s", "1m05s", "1h02m".
func clock(d time.Duration) string {
	d = d.Truncate(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
