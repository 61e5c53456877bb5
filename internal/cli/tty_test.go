package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// ttyRun is imcsync (this test binary, see TestMain) run with a pseudo-terminal on the
// streams that want one; what the terminal shows is read as it comes.
type ttyRun struct {
	cmd    *exec.Cmd
	master *os.File
	stdout bytes.Buffer // stdout, when not on the terminal
	mu     sync.Mutex
	screen bytes.Buffer
	exited chan error
}

// startTTY starts imcsync in dir with args, stdin and stderr on a terminal of cols
// columns, and stdout there too unless pipeStdout; env is added to a clean environment.
// The test is skipped where the platform has no ptys.
func startTTY(t *testing.T, dir string, cols int, pipeStdout bool, env []string, args ...string) *ttyRun {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	if err := pty.Setsize(tty, &pty.Winsize{Rows: 50, Cols: uint16(cols)}); err != nil {
		t.Fatal(err)
	}
	r := &ttyRun{master: master, exited: make(chan error, 1)}
	r.cmd = exec.Command("imcsync", args...)
	r.cmd.Dir = dir
	r.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TERM=xterm", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"}, env...)
	if testing.CoverMode() != "" {
		// A binary built with -cover warns on stderr, the terminal under test, when it
		// has nowhere to write its coverage.
		r.cmd.Env = append(r.cmd.Env, "GOCOVERDIR="+t.TempDir())
	}
	r.cmd.Stdin, r.cmd.Stdout, r.cmd.Stderr = tty, tty, tty
	if pipeStdout {
		r.cmd.Stdout = &r.stdout
	}
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true} // Ctrl-C reaches it
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := master.Read(b)
			r.mu.Lock()
			r.screen.Write(b[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { r.exited <- r.cmd.Wait() }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.exited
		master.Close()
	})
	return r
}

func (r *ttyRun) shown() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.screen.String()
}

// wait waits for imcsync to exit within d and returns its exit code.
func (r *ttyRun) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-r.exited:
		r.exited <- nil // for Cleanup
		time.Sleep(50 * time.Millisecond)
		return r.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		t.Fatalf("imcsync still running after %s; the terminal shows:\n%s", d, r.shown())
	}
	return -1
}

// emulate starts an emulator holding caches and returns the environment pointing
// imcsync at it.
func emulate(t *testing.T, transition time.Duration, caches ...ecisim.Cache) (*ecisim.Running, []string) {
	t.Helper()
	run := ecisimtest.NewServer(t, ecisim.Config{Transition: transition, Seed: 1}, &ecisim.State{Caches: caches})
	return run, []string{"IMCSYNC_ENDPOINT=" + run.URL, "ALIBABA_CLOUD_ACCESS_KEY_ID=" + ecisim.DefaultAccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + ecisim.DefaultAccessKeySecret}
}

// resized writes an imagecaches.yaml that resizes n Ready caches cache-00… of size 20 to
// 40, and returns its directory and the caches as they are live.
func resized(t *testing.T, n int) (string, []ecisim.Cache) {
	dir := t.TempDir()
	var caches []ecisim.Cache
	yaml := "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n"
	for i := range n {
		name := fmt.Sprintf("cache-%02d", i)
		caches = append(caches, ecisim.Cache{Region: "cn-hangzhou", ID: "imc-" + name, Name: name, Size: 20,
			Images: []string{"nginx:1.27"}, Status: ecisim.StatusReady})
		yaml += fmt.Sprintf("  - name: %s\n    images: [nginx:1.27]\n    size: 40\n", name)
	}
	if err := os.WriteFile(filepath.Join(dir, "imagecaches.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, caches
}

func updates(run *ecisim.Running) int {
	n := 0
	for _, r := range run.Server.Requests() {
		if r.Action == "UpdateImageCache" {
			n++
		}
	}
	return n
}

// TestApplyLiveViewOnATerminal: apply with --parallelism 4 on 14 caches, stderr on a
// terminal, draws a live view that never shows more than 4 caches, says what they do,
// counts them all, and leaves each cache's outcome to the report on stdout, printed once.
// Colour follows each stream: stderr, a terminal, has it; stdout, a pipe, has none.
func TestApplyLiveViewOnATerminal(t *testing.T) {
	dir, caches := resized(t, 14)
	run, env := emulate(t, 1500*time.Millisecond, caches...)
	r := startTTY(t, dir, 100, true, env, "apply", "--auto-approve", "--parallelism", "4", "--poll-interval", "100ms")
	if code := r.wait(t, time.Minute); code != 0 {
		t.Fatalf("exit %d; stdout:\n%s\nterminal:\n%s", code, r.stdout.String(), r.shown())
	}
	if n := updates(run); n != 14 {
		t.Errorf("%d UpdateImageCache calls, want 14", n)
	}
	screen := r.shown()
	frames := regexp.MustCompile(`\x1b\[\d+A\x1b\[J`).Split(strings.ReplaceAll(screen, "\r", ""), -1)
	for i, f := range frames {
		frames[i] = ansi.Strip(f)
	}
	if len(frames) < 5 {
		t.Fatalf("%d frames drawn, want a live view; terminal:\n%q", len(frames), screen)
	}
	cacheLine := regexp.MustCompile(`(?m)^  cn-hangzhou/cache-\d\d (.*)$`)
	var phases, overall []string
	for i, f := range frames {
		lines := cacheLine.FindAllStringSubmatch(f, -1)
		if len(lines) > 4 {
			t.Errorf("frame %d shows %d caches in flight, want at most --parallelism 4:\n%s", i, len(lines), f)
		}
		for _, l := range lines {
			phases = append(phases, l[1])
		}
		overall = append(overall, regexp.MustCompile(`(?m)^\d+/14 done.*ETA.*$`).FindAllString(f, -1)...)
	}
	if !slices.ContainsFunc(phases, func(p string) bool { return strings.Contains(p, "s  waiting for Ready (Updating") }) {
		t.Errorf("no cache line says it waits for Ready; phases shown: %q", phases)
	}
	waiting := regexp.MustCompile(`(\d+) waiting for Ready`)
	if !slices.ContainsFunc(overall, func(l string) bool {
		m := waiting.FindStringSubmatch(l)
		if m == nil {
			return false
		}
		n, _ := strconv.Atoi(m[1])
		return n > 4
	}) {
		t.Errorf("the overall line never counts more caches waiting than the 4 lines show; overall lines: %q", overall)
	}
	if last := frames[len(frames)-1]; last != "" {
		t.Errorf("the live view stays on the terminal when apply is done: %q", last)
	}
	if !regexp.MustCompile(`\x1b\[[0-9;]*m`).MatchString(screen) {
		t.Error("no colour on stderr, a terminal, although stdout is not one")
	}
	if strings.Contains(r.stdout.String(), "\x1b[") {
		t.Errorf("escape codes on stdout, which is no terminal:\n%q", r.stdout.String())
	}
	if strings.Contains(screen, ": updated") {
		t.Errorf("outcomes printed on the terminal as well as in the report:\n%s", screen)
	}
	if n := strings.Count(r.stdout.String(), "cn-hangzhou/cache-03: updated"); n != 1 {
		t.Errorf("the report shows cache-03's outcome %d times, want once:\n%s", n, r.stdout.String())
	}
}

// TestCtrlCAtThePromptExitsAtOnce: Ctrl-C while apply waits for "yes" ends it at once,
// exit 1, nothing sent.
func TestCtrlCAtThePromptExitsAtOnce(t *testing.T) {
	dir, caches := resized(t, 1)
	run, env := emulate(t, 50*time.Millisecond, caches...)
	r := startTTY(t, dir, 100, false, env, "apply")
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(r.shown(), "Only 'yes' will be accepted: ") {
		if time.Now().After(deadline) {
			t.Fatalf("no confirmation prompt; terminal:\n%s", r.shown())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := r.master.Write([]byte{3}); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	if code := r.wait(t, 3*time.Second); code != 1 {
		t.Errorf("exit %d after Ctrl-C at the prompt, want 1", code)
	}
	if !strings.Contains(r.shown(), "interrupted at the confirmation prompt: nothing was applied") {
		t.Errorf("terminal does not say nothing was applied:\n%s", r.shown())
	}
	if n := updates(run); n != 0 {
		t.Errorf("%d UpdateImageCache calls after Ctrl-C at the prompt, want none", n)
	}
}
