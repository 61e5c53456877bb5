package liveview

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
)

// ptyOf opens a pseudo-terminal of the given width and returns its terminal end and a
// function that returns everything written to it so far; the test is skipped where the
// platform has no ptys.
func ptyOf(t *testing.T, cols int) (*os.File, func() string) {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { master.Close(); tty.Close() })
	if err := pty.Setsize(tty, &pty.Winsize{Rows: 40, Cols: uint16(cols)}); err != nil {
		t.Fatal(err)
	}
	var mu = make(chan struct{}, 1)
	var buf bytes.Buffer
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := master.Read(b)
			mu <- struct{}{}
			buf.Write(b[:n])
			<-mu
			if err != nil {
				return
			}
		}
	}()
	return tty, func() string {
		mu <- struct{}{}
		defer func() { <-mu }()
		return buf.String()
	}
}

// frames splits what the live view wrote into the frames it drew: mpb moves the cursor
// up over the last frame and erases it before drawing the next.
func frames(out string) [][]string {
	var fs [][]string
	for _, f := range regexp.MustCompile(`\x1b\[\d+A\x1b\[J`).Split(out, -1) {
		f = strings.ReplaceAll(f, "\r", "")
		f = strings.TrimSuffix(f, "\n")
		if f == "" {
			fs = append(fs, nil)
			continue
		}
		fs = append(fs, strings.Split(f, "\n"))
	}
	return fs
}

// simulate feeds the view what the applier reports for n caches updated with at most
// par calls at once: each is sent, then waits for Ready with the API's progress.
func simulate(v View, n, par int, step time.Duration) {
	key := func(i int) applier.Outcome {
		return applier.Outcome{Region: "cn-hangzhou", Name: fmt.Sprintf("cache-%02d", i), Action: "update"}
	}
	for i := 0; i < n; i += par {
		for j := i; j < min(i+par, n); j++ {
			o := key(j)
			o.Result, o.Phase, o.Message = applier.InProgress, applier.Sending, "sending"
			v.Update(o)
		}
		time.Sleep(step)
		for j := i; j < min(i+par, n); j++ {
			o := key(j)
			o.Result, o.Phase, o.Status, o.Progress = applier.InProgress, applier.Settling, cloud.Status("Updating"), "45%"
			v.Update(o)
		}
	}
	time.Sleep(step)
	for i := range n {
		o := key(i)
		o.Result, o.Status = applier.Updated, cloud.Status("Ready")
		v.Update(o)
		time.Sleep(step / 4)
	}
}

// TestLiveViewShowsAtMostParallelismCaches: with 14 caches, 4 calls at once and all 14
// waiting for Ready together, no frame shows more than 4 cache lines; the lines say
// what each cache is doing, the overall line counts, and the view is gone at the end.
func TestLiveViewShowsAtMostParallelismCaches(t *testing.T) {
	tty, output := ptyOf(t, 120)
	v := New(tty, Options{Total: 14, Parallelism: 4, Live: true})
	simulate(v, 14, 4, 300*time.Millisecond)
	v.Close()
	time.Sleep(100 * time.Millisecond)
	fs := frames(output())
	if len(fs) < 5 {
		t.Fatalf("%d frames drawn, want a redraw every %s", len(fs), refresh)
	}
	var sending, waiting, overall bool
	for i, f := range fs {
		caches := 0
		for _, l := range f {
			if strings.HasPrefix(l, "  cn-hangzhou/cache-") {
				caches++
			}
			sending = sending || regexp.MustCompile(`^  cn-hangzhou/cache-\d\d \d+s  sending$`).MatchString(l)
			waiting = waiting || strings.HasSuffix(l, "  waiting for Ready (Updating 45%)")
			overall = overall || regexp.MustCompile(`^\d+/14 done · 4 sending · \d+ waiting for Ready \[.*\] \d+s · ETA`).MatchString(l)
		}
		if caches > 4 {
			t.Errorf("frame %d shows %d caches in flight, want at most --parallelism 4:\n%s", i, caches, strings.Join(f, "\n"))
		}
	}
	if !sending || !waiting || !overall {
		t.Errorf("sending line %v, waiting line %v, overall line %v; want all in some frame; output:\n%q", sending, waiting, overall, output())
	}
	if last := fs[len(fs)-1]; len(last) != 0 {
		t.Errorf("the view stays on screen after Close: %q", last)
	}
}

// TestLiveViewFitsNarrowTerminals: on a terminal 30 columns wide no line of the view is
// wider than the terminal, so none wraps and every redraw erases what the last drew.
func TestLiveViewFitsNarrowTerminals(t *testing.T) {
	tty, output := ptyOf(t, 30)
	v := New(tty, Options{Total: 6, Parallelism: 3, Live: true, Color: true})
	simulate(v, 6, 3, 250*time.Millisecond)
	v.Close()
	time.Sleep(100 * time.Millisecond)
	for i, f := range frames(output()) {
		for _, l := range f {
			if w := ansi.StringWidth(l); w > 30 {
				t.Errorf("frame %d: line %q is %d columns wide on a 30-column terminal", i, l, w)
			}
		}
	}
}

// TestPlainViewPrintsEventsNotOutcomes: without a terminal each event is one line, and a
// finished cache says "finished" without repeating its outcome, which the report prints.
func TestPlainViewPrintsEventsNotOutcomes(t *testing.T) {
	var b bytes.Buffer
	v := New(&b, Options{Total: 3, Parallelism: 4})
	v.Update(applier.Outcome{Region: "r", Name: "same", Result: applier.Unchanged})
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.InProgress, Phase: applier.Sending, Message: "sending"})
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.InProgress, Phase: applier.Retrying,
		Message: "retrying after throttling (Throttling.User): attempt 2 of 6 in 1s"})
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.InProgress, Phase: applier.Settling, Status: "Updating", Progress: "45%"})
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.Updated, Message: "the outcome"})
	v.Close()
	want := "[1/3] r/a: sending\n" +
		"[1/3] r/a: retrying after throttling (Throttling.User): attempt 2 of 6 in 1s\n" +
		"[1/3] r/a: waiting for Ready (Updating 45%)\n" +
		"[2/3] r/a: finished\n"
	if b.String() != want {
		t.Errorf("plain view:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestLiveViewNarrowKeepsClockAndPhase: on a terminal 40 columns wide, a long cache name
// is shortened in its middle so that the line still shows its clock and what the cache is
// doing, and the overall line keeps its counts and its clock apart when the bar is left out.
func TestLiveViewNarrowKeepsClockAndPhase(t *testing.T) {
	tty, output := ptyOf(t, 40)
	v := New(tty, Options{Total: 2, Parallelism: 2, Live: true})
	for i := range 2 {
		v.Update(applier.Outcome{Region: "cn-hangzhou", Name: fmt.Sprintf("cache-with-a-rather-long-name-%02d", i),
			Action: "update", Result: applier.InProgress, Phase: applier.Settling, Status: cloud.Status("Updating")})
	}
	time.Sleep(700 * time.Millisecond)
	v.Close()
	time.Sleep(100 * time.Millisecond)
	var lines, overall int
	for _, f := range frames(output()) {
		for _, l := range f {
			switch {
			case strings.HasPrefix(l, "  "):
				lines++
				if !regexp.MustCompile(`^  cn-\S*…\S*-0[01] \d+s  waiting`).MatchString(l) {
					t.Errorf("cache line %q: want the name shortened, its clock and its phase", l)
				}
			case strings.HasPrefix(l, "0/2 done"):
				overall++
				if !regexp.MustCompile(`Ready +\d+s`).MatchString(l) {
					t.Errorf("overall line %q: want the counts, then the clock apart from them", l)
				}
			}
		}
	}
	if lines == 0 || overall == 0 {
		t.Fatalf("no cache line or overall line drawn:\n%s", output())
	}
}

// TestPhaseTextOfASettlingCache: a settling cache says what it waits for, and a cache
// listed Ready that does not show the change yet says so, not "waiting for Ready (Ready)".
func TestPhaseTextOfASettlingCache(t *testing.T) {
	for _, tc := range []struct {
		status   cloud.Status
		progress string
		want     string
	}{
		{"", "", "waiting for Ready"},
		{cloud.Updating, "45%", "waiting for Ready (Updating 45%)"},
		{cloud.Ready, "100%", "Ready, not yet showing the change: waiting for the API to list it"},
	} {
		o := applier.Outcome{Result: applier.InProgress, Phase: applier.Settling, Status: tc.status, Progress: tc.progress}
		if got := phaseText(o); got != tc.want {
			t.Errorf("status %q, progress %q: %q, want %q", tc.status, tc.progress, got, tc.want)
		}
	}
}
