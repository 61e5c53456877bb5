package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands for long-running programs (imcsync reconcile): start one in the
// background, read its HTTP endpoints while it runs, stop it with a signal.

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
		ts.Fatalf("serve: %s is already started", name)
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

// cmdHTTPGet prints the status code and body of GET URL; it fails unless the status is
// 2xx (with !, unless it is not):
//
//	http-get URL
func cmdHTTPGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: http-get URL")
	}
	code, body, err := httpGet(args[0])
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "%d\n%s", code, body)
	if ok := code/100 == 2; ok == neg {
		ts.Fatalf("http-get %s: status %d", args[0], code)
	}
}

func httpGet(url string) (int, string, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// cmdMetrics reads URL/metrics, parses it as the Prometheus text format (failing if it
// is not) and prints one sample per line, sorted: `name{label="value",...} value`
// (histograms as their _count and _sum). With -within D and patterns it reads again
// until every pattern (a regular expression, matched against each line) matches a line,
// and fails after D:
//
//	metrics [-within D] URL [PATTERN...]
func cmdMetrics(ts *testscript.TestScript, neg bool, args []string) {
	var within time.Duration
	if len(args) >= 2 && args[0] == "-within" {
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		within, args = d, args[2:]
	}
	if neg || len(args) < 1 {
		ts.Fatalf("usage: metrics [-within D] URL [PATTERN...]")
	}
	var patterns []*regexp.Regexp
	for _, p := range args[1:] {
		re, err := regexp.Compile("(?m)^" + p + "$")
		ts.Check(err)
		patterns = append(patterns, re)
	}
	deadline := time.Now().Add(within)
	for {
		text, err := scrape(args[0] + "/metrics")
		ts.Check(err)
		missing := slices.IndexFunc(patterns, func(re *regexp.Regexp) bool { return !re.MatchString(text) })
		if missing < 0 {
			fmt.Fprint(ts.Stdout(), text)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("metrics: no line matches %q within %s; last read:\n%s", args[1+missing], within, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scrape reads a /metrics page and writes its samples one per line, sorted.
func scrape(url string) (string, error) {
	code, body, err := httpGet(url)
	if err != nil {
		return "", err
	}
	if code != http.StatusOK {
		return "", fmt.Errorf("GET %s: status %d", url, code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("GET %s: not Prometheus text: %w", url, err)
	}
	var lines []string
	for name, mf := range fams {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			sel := name
			if len(labels) > 0 {
				sel += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.Gauge != nil:
				lines = append(lines, fmt.Sprintf("%s %g", sel, m.Gauge.GetValue()))
			case m.Counter != nil:
				lines = append(lines, fmt.Sprintf("%s %g", sel, m.Counter.GetValue()))
			case m.Histogram != nil:
				count, sum := strings.Replace(sel, name, name+"_count", 1), strings.Replace(sel, name, name+"_sum", 1)
				lines = append(lines, fmt.Sprintf("%s %d", count, m.Histogram.GetSampleCount()), fmt.Sprintf("%s %g", sum, m.Histogram.GetSampleSum()))
			case m.Untyped != nil:
				lines = append(lines, fmt.Sprintf("%s %g", sel, m.Untyped.GetValue()))
			case m.Summary != nil:
				lines = append(lines, fmt.Sprintf("%s %d", strings.Replace(sel, name, name+"_count", 1), m.Summary.GetSampleCount()))
			default:
				return "", errors.New("unknown metric type of " + name)
			}
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n", nil
}
