package liveview

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
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

// TestPlainViewPrintsEventsNotOutcomes: without a terminal (a CI log) a cache gets at
// most two lines, labelled with the count of finished caches — when it is first worked
// on and when it is done — however many events it has; a finished cache does not repeat
// its outcome, which the report prints, and a cache that needed no work gets no line.
func TestPlainViewPrintsEventsNotOutcomes(t *testing.T) {
	var b bytes.Buffer
	v := New(&b, Options{Total: 3, Parallelism: 4, SummaryEvery: time.Hour})
	v.Update(applier.Outcome{Region: "r", Name: "same", Result: applier.Unchanged})
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.InProgress, Phase: applier.Sending, Message: "sending"})
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.InProgress, Phase: applier.Retrying,
		Message: "retrying after throttling (Throttling.User): attempt 2 of 6 in 1s"})
	for _, p := range []string{"10%", "45%", "90%"} {
		v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.InProgress, Phase: applier.Settling, Status: "Updating", Progress: p})
	}
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.Updated, Message: "the outcome"})
	v.Close()
	want := "[1/3 done] r/a: sending\n" +
		"[2/3 done] r/a: updated after 0s\n"
	if b.String() != want {
		t.Errorf("plain view:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestPlainViewSumsUpWhileCachesWait: while caches are in progress the plain view prints
// a summary line every SummaryEvery, with the counts, the elapsed time and an ETA that is
// unknown ("–") until a cache has finished, then measured from the caches that did.
func TestPlainViewSumsUpWhileCachesWait(t *testing.T) {
	var b syncBuffer
	v := New(&b, Options{Total: 3, Parallelism: 1, SummaryEvery: 20 * time.Millisecond})
	for _, name := range []string{"a", "b"} {
		v.Update(applier.Outcome{Region: "r", Name: name, Result: applier.InProgress, Phase: applier.Settling, Status: "Updating"})
	}
	waitFor(t, &b, "waiting for Ready · ")
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.Updated})
	waitFor(t, &b, "1/3 done · 1 waiting for Ready · ")
	v.Close()
	var summaries []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, " · ") {
			summaries = append(summaries, l)
		}
	}
	if !regexp.MustCompile(`^0/3 done · 2 waiting for Ready · \d+s · ETA –$`).MatchString(summaries[0]) {
		t.Errorf("first summary %q: want the counts, the clock and an unknown ETA", summaries[0])
	}
	last := summaries[len(summaries)-1]
	if !regexp.MustCompile(`^1/3 done · 1 waiting for Ready · \d+s · ETA (\d+s|–)$`).MatchString(last) {
		t.Errorf("last summary %q: want the counts, the clock and the ETA", last)
	}
}

// TestETAFromObservedTimes: the ETA is the mean time of the finished caches less what the
// slowest open one has had, plus a wave per parallelism of the caches not started; unknown
// before any cache finished, and unknown rather than 0s while caches still wait.
func TestETAFromObservedTimes(t *testing.T) {
	tl := tally{total: 10, done: 2, took: []time.Duration{60 * time.Second, 120 * time.Second}}
	if _, ok := (&tally{total: 10}).eta([]time.Duration{time.Minute}, 2); ok {
		t.Error("an ETA before any cache finished")
	}
	// mean 90s; open caches 30s and 10s in: 60s left; 10-2-2 = 6 not started at 2 at once: 3 waves.
	if left, ok := tl.eta([]time.Duration{30 * time.Second, 10 * time.Second}, 2); !ok || left != 80*time.Second+3*90*time.Second {
		t.Errorf("ETA %s %v, want %s", left, ok, 80*time.Second+3*90*time.Second)
	}
	tl.done = 8
	if left, ok := tl.eta([]time.Duration{5 * time.Minute, 4 * time.Minute}, 2); ok {
		t.Errorf("ETA %s while two caches wait longer than any before: want unknown, not 0s", left)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits (up to 10s) until b holds want.
func waitFor(t *testing.T, b *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if strings.Contains(b.String(), want) {
			return
		}
	}
	t.Fatalf("no %q in:\n%s", want, b.String())
}

// TestLiveViewNarrowKeepsClockAndPhase: on a terminal 40 columns wide, a long cache name
// is shortened in its middle so that the line still shows its clock and what the cache is
// doing, and the overall line keeps its labelled counter, its clock and its ETA, leaving
// out the detailed counts.
func TestLiveViewNarrowKeepsClockAndPhase(t *testing.T) {
	tty, output := ptyOf(t, 40)
	v := New(tty, Options{Total: 2, Parallelism: 2, Live: true})
	for i := range 2 {
		v.Update(applier.Outcome{Region: "cn-hangzhou", Name: fmt.Sprintf("cache-with-a-rather-long-name-%02d", i),
			Action: "update", Result: applier.InProgress, Phase: applier.Settling, Status: cloud.Status("Updating")})
	}
	v.Update(applier.Outcome{Region: "cn-hangzhou", Name: "cache-with-a-rather-long-name-02",
		Action: "update", Result: applier.InProgress, Phase: applier.Sending, Message: "sending"})
	time.Sleep(700 * time.Millisecond)
	v.Close()
	time.Sleep(100 * time.Millisecond)
	var lines, overall int
	for _, f := range frames(output()) {
		for _, l := range f {
			switch {
			case strings.HasPrefix(l, "  "):
				lines++
				if !regexp.MustCompile(`^  cn-\S*…\S*-0[012] \d+s  (waiting|sending)`).MatchString(l) {
					t.Errorf("cache line %q: want the name shortened, its clock and its phase", l)
				}
			case strings.HasPrefix(l, "0/2 done"):
				overall++
				if !regexp.MustCompile(`^0/2 done.* \d+s · ETA –$`).MatchString(l) {
					t.Errorf("overall line %q: want the counter, the clock and the ETA", l)
				}
			}
		}
	}
	if lines == 0 || overall == 0 {
		t.Fatalf("no cache line or overall line drawn:\n%s", output())
	}
}

// TestPhaseTextOfASettlingCache: a settling cache says what it waits for: before any
// read, only that its call was sent; a cache listed Ready that does not show the change
// yet says so, not "waiting for Ready (Ready)".
func TestPhaseTextOfASettlingCache(t *testing.T) {
	for _, tc := range []struct {
		status   cloud.Status
		progress string
		want     string
	}{
		{"", "", "sent; waiting for Ready"},
		{cloud.Updating, "45%", "waiting for Ready (Updating 45%)"},
		{cloud.Ready, "100%", "Ready, change not listed yet"},
	} {
		o := applier.Outcome{Result: applier.InProgress, Phase: applier.Settling, Status: tc.status, Progress: tc.progress}
		if got := phaseText(o); got != tc.want {
			t.Errorf("status %q, progress %q: %q, want %q", tc.status, tc.progress, got, tc.want)
		}
	}
}

// TestLiveViewAt80Columns: on an 80-column terminal, with caches in every phase, each
// cache line shows its whole name, clock and phase, and the overall line keeps its
// counter, clock and ETA (the counts shortened to fit).
func TestLiveViewAt80Columns(t *testing.T) {
	tty, output := ptyOf(t, 80)
	v := New(tty, Options{Total: 200, Parallelism: 4, Live: true})
	events := []applier.Outcome{
		{Phase: applier.Sending, Message: "sending"},
		{Phase: applier.Queued, Message: "queued for the round's tag calls"},
		{Phase: applier.Settling, Status: cloud.Ready},
		{Phase: applier.Waiting, Message: "waiting: the cache is Updating"},
	}
	for i, o := range events {
		o.Region, o.Name, o.Action, o.Result = "cn-hangzhou", fmt.Sprintf("web-frontend-%02d", i), "update", applier.InProgress
		v.Update(o)
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
				if !regexp.MustCompile(`^  cn-hangzhou/web-frontend-0[0-3] \d+s  (sending|queued for the round's tag calls|Ready, change not listed yet|waiting: the cache is Updating)$`).MatchString(l) {
					t.Errorf("cache line %q: want the whole name, the clock and the phase", l)
				}
			case strings.HasPrefix(l, "0/200 done"):
				overall++
				if ansi.StringWidth(l) > 80 || !regexp.MustCompile(` \d+s · ETA –$`).MatchString(l) {
					t.Errorf("overall line %q: want the counter, the clock and the ETA within 80 columns", l)
				}
			}
		}
	}
	if lines == 0 || overall == 0 {
		t.Fatalf("no cache line or overall line drawn:\n%s", output())
	}
}

// TestPlainViewNamesTheOutcome: a cache's last line says what the report says, not
// "finished": a change a Ctrl-C left unverified is sent, not verified; one interrupted
// before anything was sent, skipped.
func TestPlainViewNamesTheOutcome(t *testing.T) {
	var b bytes.Buffer
	v := New(&b, Options{Total: 2, Parallelism: 2, SummaryEvery: time.Hour})
	for _, name := range []string{"a", "b"} {
		v.Update(applier.Outcome{Region: "r", Name: name, Result: applier.InProgress, Phase: applier.Sending, Message: "sending"})
	}
	v.Update(applier.Outcome{Region: "r", Name: "a", Result: applier.Sent})
	v.Update(applier.Outcome{Region: "r", Name: "b", Result: applier.Skipped})
	v.Close()
	want := "[0/2 done] r/a: sending\n" +
		"[0/2 done] r/b: sending\n" +
		"[1/2 done] r/a: sent, not verified after 0s\n" +
		"[2/2 done] r/b: skipped after 0s\n"
	if b.String() != want {
		t.Errorf("plain view:\n%s\nwant:\n%s", b.String(), want)
	}
}
