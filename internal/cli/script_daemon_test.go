package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands for long-running programs (imcsync reconcile): start one in the
// background and stop it with a signal. Its HTTP endpoints are read with the commands
// of script_http_test.go.

const (
	startTimeout = 10 * time.Second // for the first line of a started program
	stopTimeout  = 5 * time.Second  // for a signalled program to exit
)

// daemonEnv names the variables a started program gets from the script, besides those
// the script had at setup: ecisim sets these.
var daemonEnv = []string{"IMCSYNC_ENDPOINT", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"}

// setupEnvKey is the testscript.Env value holding the script's environment at setup.
const setupEnvKey = "setup-env"

// daemon is a program started by `serve`.
type daemon struct {
	cmd    *exec.Cmd
	stdout lockedBuffer
	stderr lockedBuffer
	done   chan struct{} // closed when it has exited; err is then set
	err    error
}

// lockedBuffer collects a started program's output while the script reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// daemons holds each script's started programs by name.
var daemons sync.Map // *testscript.TestScript → *sync.Map (name → *daemon)

func scriptDaemons(ts *testscript.TestScript) *sync.Map {
	m, _ := daemons.LoadOrStore(ts, &sync.Map{})
	return m.(*sync.Map)
}

var listeningRe = regexp.MustCompile(`^listening on (http://\S+)$`)

// cmdServe starts a program in the background, in the script's directory and
// environment, waits for its first line on stdout, `listening on http://ADDR`, and sets
// $NAME to http://ADDR:
//
//	serve NAME PROGRAM [ARGS...]
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: serve NAME PROGRAM [ARGS...]")
	}
	name := args[0]
	d, first := startDaemon(ts, "serve", args)
	select {
	case line := <-first:
		m := listeningRe.FindStringSubmatch(line)
		if m == nil {
			<-d.done
			ts.Fatalf("serve %s: first line %q, want `listening on http://ADDR`; stderr:\n%s", name, line, d.stderr.String())
		}
		ts.Setenv(name, m[1])
	case <-time.After(startTimeout):
		ts.Fatalf("serve %s: no first line within %s; stderr:\n%s", name, startTimeout, d.stderr.String())
	}
}

// cmdStart starts a program in the background, like serve, without waiting for
// anything: stop it with terminate (a signal), which also shows its output.
//
//	start NAME PROGRAM [ARGS...]
func cmdStart(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: start NAME PROGRAM [ARGS...]")
	}
	startDaemon(ts, "start", args)
}

// startDaemon starts args[1:] as the program named args[0]; the channel receives its
// first line on stdout.
func startDaemon(ts *testscript.TestScript, cmd string, args []string) (*daemon, <-chan string) {
	name := args[0]
	path, err := exec.LookPath(args[1])
	ts.Check(err)
	d := &daemon{cmd: exec.Command(path, args[2:]...), done: make(chan struct{})}
	d.cmd.Dir = ts.MkAbs(".")
	d.cmd.Env = scriptEnv(ts)
	d.cmd.Stderr = &d.stderr
	out, err := d.cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(d.cmd.Start())
	if _, dup := scriptDaemons(ts).LoadOrStore(name, d); dup {
		ts.Fatalf("%s: %s is already started", cmd, name)
	}
	first := make(chan string, 1)
	copied := make(chan struct{})
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		d.stdout.Write([]byte(line))
		first <- strings.TrimSuffix(line, "\n")
		io.Copy(&d.stdout, r)
		close(copied)
	}()
	go func() {
		<-copied
		d.err = d.cmd.Wait()
		close(d.done)
	}()
	ts.Defer(func() {
		select {
		case <-d.done:
		default:
			d.cmd.Process.Kill()
			<-d.done
		}
	})
	return d, first
}

// scriptEnv is the environment a started program gets: the script's at setup, with the
// current values of those variables and of daemonEnv.
func scriptEnv(ts *testscript.TestScript) []string {
	setup, _ := ts.Value(setupEnvKey).([]string)
	var names []string
	for _, kv := range setup {
		if k, _, ok := strings.Cut(kv, "="); ok {
			names = append(names, k)
		}
	}
	var env []string
	for _, k := range slices.Compact(slices.Sorted(slices.Values(append(names, daemonEnv...)))) {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// cmdTerminate sends a signal (default TERM) to a started program, waits for it to exit
// (at most 5 s) and makes its whole stdout and stderr the command's. It fails when the
// program exits with an error (with !, when it exits 0):
//
//	terminate [-TERM|-INT] NAME
func cmdTerminate(ts *testscript.TestScript, neg bool, args []string) {
	sig := syscall.SIGTERM
	if len(args) == 2 {
		switch args[0] {
		case "-TERM":
		case "-INT":
			sig = syscall.SIGINT
		default:
			ts.Fatalf("terminate: unknown signal %s", args[0])
		}
		args = args[1:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: terminate [-TERM|-INT] NAME")
	}
	v, ok := scriptDaemons(ts).Load(args[0])
	if !ok {
		ts.Fatalf("terminate: %s was not started", args[0])
	}
	d := v.(*daemon)
	ts.Check(d.cmd.Process.Signal(sig))
	select {
	case <-d.done:
	case <-time.After(stopTimeout):
		ts.Fatalf("terminate %s: still running %s after %s", args[0], stopTimeout, sig)
	}
	fmt.Fprint(ts.Stdout(), d.stdout.String())
	fmt.Fprint(ts.Stderr(), d.stderr.String())
	switch {
	case d.err != nil && !neg:
		ts.Fatalf("terminate %s: %v", args[0], d.err)
	case d.err == nil && neg:
		ts.Fatalf("terminate %s: exited 0, want a failure", args[0])
	}
}
