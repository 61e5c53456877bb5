package soak

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

var (
	soak   = flag.Bool("soak", false, "run the soak test (takes minutes)")
	caches = flag.Int("soak.caches", 5000, "declared caches in the soak test, over two regions")
)

const owner = "soak"

var regions = []string{"cn-hangzhou", "cn-beijing"}

// declared is one cache of the soak file.
type declared struct {
	region, name, image string
	size                int32
}

// world is the soak's file and its emulator's starting state: per hundred caches, 5
// missing (created), 40 drifted (updated; 3 of them UpdateFailed), 3 busy with an
// update that is equal to the file and 52 equal; plus 200 caches the file does not
// declare (half owned by another team), which must never be written.
func world(n int, now time.Time) ([]declared, *ecisim.State, map[string]bool) {
	var decl []declared
	st := &ecisim.State{}
	undeclared := map[string]bool{}
	for i := range n {
		d := declared{region: regions[i%2], name: fmt.Sprintf("c%05d", i), image: fmt.Sprintf("registry.example.com/app%d:1", i%37), size: 40}
		decl = append(decl, d)
		live := ecisim.Cache{Region: d.region, ID: fmt.Sprintf("imc-c%05d", i), Name: d.name, Images: []string{d.image}, Size: d.size,
			Tags: map[string]string{"imcsync:owner": owner}}
		switch k := i % 100; {
		case k < 5:
			continue // missing
		case k < 25:
			live.Size = 20
		case k < 42:
			live.Images = []string{strings.TrimSuffix(d.image, ":1") + ":0"}
		case k < 45:
			live.Size, live.Status = 20, ecisim.StatusUpdateFailed
		case k < 48:
			live.Status, live.StatusSince = ecisim.StatusUpdating, now.Add(20*time.Second) // busy for the first 20 s
		}
		st.Caches = append(st.Caches, live)
	}
	for i := range 200 {
		c := ecisim.Cache{Region: regions[i%2], ID: fmt.Sprintf("imc-u%03d", i), Name: fmt.Sprintf("u%03d", i), Images: []string{"other:1"}, Size: 20}
		if i%2 == 0 {
			c.Tags = map[string]string{"imcsync:owner": "other-team"}
		}
		st.Caches = append(st.Caches, c)
		undeclared[c.ID] = true
	}
	return decl, st, undeclared
}

func writeFile(t *testing.T, path string, decl []declared) {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: imcsync/v1\nowner: %s\nregion: %s\ndefaults: {securityGroupId: sg-soak, vSwitchId: vsw-soak}\nimageCaches:\n", owner, regions[0])
	for _, d := range decl {
		fmt.Fprintf(&b, "  - {name: %s, region: %s, images: [%q], size: %d}\n", d.name, d.region, d.image, d.size)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSoak applies a large file while the emulator throttles, fails and loses answers:
// two runs at once, one of them killed (SIGKILL) mid-run, then runs until one exits 0.
// It checks, from the emulator's request log and state, that no cache was created
// twice, that no ClientToken carried two different requests, that no undeclared cache
// was written, and that no run exited 0 while a declared cache was not Ready and equal.
func TestSoak(t *testing.T) {
	if !*soak {
		t.Skip("the soak test runs with -soak")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "imcsync")
	build := exec.Command("go", "build", "-o", bin, "github.com/imcsync/imcsync")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	decl, st, undeclared := world(*caches, time.Now())
	file := filepath.Join(dir, "imagecaches.yaml")
	writeFile(t, file, decl)
	logPath := filepath.Join(dir, "requests.jsonl")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	log := &countingLog{w: logFile, accepted: map[string]int{}}
	faults := ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(2 * time.Millisecond), ThrottleRate: 0.03, FailRate: 0.02, LostRate: 0.02}}
	sim := ecisimtest.NewServer(t, ecisim.Config{Transition: 500 * time.Millisecond, Seed: 18, Log: log, Faults: &faults}, st)
	run := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "IMCSYNC_ENDPOINT="+sim.URL, "NO_COLOR=1",
			"ALIBABA_CLOUD_ACCESS_KEY_ID="+ecisim.DefaultAccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+ecisim.DefaultAccessKeySecret)
		out, err := os.Create(filepath.Join(dir, name+".out"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		return cmd
	}
	apply := []string{"apply", "-f", file, "--auto-approve", "--poll-interval", "300ms", "--timeout", "10m"}

	// Two runs at once; the second is killed once 800 updates were accepted.
	began := time.Now()
	a, b := run("run1-a", apply...), run("run1-b", apply...)
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	var exitA error
	var wg sync.WaitGroup
	wg.Go(func() { exitA = a.Wait() })
	for log.count("UpdateImageCache") < min(800, len(decl)/6) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := b.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = b.Wait()
	killedAt := time.Since(began)
	wg.Wait()
	t.Logf("run 1, the run not killed, ends:\n%s", tail(filepath.Join(dir, "run1-a.out"), 8))
	t.Logf("run 1: two runs at once; one killed (SIGKILL) after %s; the other exited %v after %s", killedAt.Round(time.Millisecond), exitCode(exitA), time.Since(began).Round(time.Millisecond))
	if exitA == nil {
		checkConverged(t, "run 1", sim, decl)
	}

	// Runs until one exits 0, each checked when it exits 0; a run after one that exited
	// 0 sends nothing.
	converged := exitA == nil
	for i := 2; ; i++ {
		start, writesBefore := time.Now(), log.writes()
		err := run(fmt.Sprintf("run%d", i), apply...).Run()
		if sent := log.writes() - writesBefore; converged && sent > 0 {
			t.Errorf("run %d sent %d write requests after a run that exited 0", i, sent)
		}
		converged = err == nil
		t.Logf("run %d: exited %v after %s", i, exitCode(err), time.Since(start).Round(time.Millisecond))
		if err != nil {
			t.Logf("run %d: %s", i, grepLines(filepath.Join(dir, fmt.Sprintf("run%d.out", i)), "blocked|failed|Apply", 10))
		}
		if err == nil {
			checkConverged(t, fmt.Sprintf("run %d", i), sim, decl)
			break
		}
		if i == 6 {
			t.Fatalf("no run exited 0 after %d runs; see %s", i, dir)
		}
	}
	if err := run("plan", "plan", "-f", file).Run(); err != nil {
		t.Errorf("plan after convergence: exit %v, want 0 (no changes)", exitCode(err))
	}

	requests := readLog(t, logPath)
	checkLog(t, requests, undeclared)
	checkOnePerName(t, sim, decl, len(undeclared))
	counts := map[string]int{}
	for _, r := range requests {
		counts[r.Action+" "+cmpOr(r.Code, "OK")]++
	}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		t.Logf("requests: %-45s %6d", k, counts[k])
	}
	t.Logf("total %d requests in %s", len(requests), time.Since(began).Round(time.Millisecond))
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// grepLines returns at most n lines of the file at path that match pattern.
func grepLines(path, pattern string, n int) string {
	data, _ := os.ReadFile(path)
	re := regexp.MustCompile(pattern)
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if re.MatchString(l) && len(out) < n {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func exitCode(err error) string {
	if err == nil {
		return "0"
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.String()
	}
	return err.Error()
}

// countingLog writes the emulator's request log and counts, per action, the calls that
// took effect (answered 200, or answer lost), and the write requests.
type countingLog struct {
	w        io.Writer
	mu       sync.Mutex
	accepted map[string]int
	sent     int
}

func (l *countingLog) Write(p []byte) (int, error) {
	var r ecisim.LoggedRequest
	if json.Unmarshal(p, &r) == nil {
		l.mu.Lock()
		if r.Status == 200 || r.Code == "AnswerLost" {
			l.accepted[r.Action]++
		}
		if !strings.HasPrefix(r.Action, "Describe") && !strings.HasPrefix(r.Action, "List") {
			l.sent++
		}
		l.mu.Unlock()
	}
	return l.w.Write(p)
}

// writes returns how many write requests (anything but Describe and List) were served.
func (l *countingLog) writes() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent
}

func (l *countingLog) count(action string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accepted[action]
}

// checkConverged fails when a declared cache is not Ready with the declared values.
func checkConverged(t *testing.T, run string, sim *ecisim.Running, decl []declared) {
	t.Helper()
	live := map[string]ecisim.Cache{}
	for _, c := range sim.Server.State().Caches {
		live[c.Region+"/"+c.Name] = c
	}
	bad := 0
	for _, d := range decl {
		c, ok := live[d.region+"/"+d.name]
		if !ok || c.Status != ecisim.StatusReady || c.Size != d.size || !slices.Equal(c.Images, []string{d.image}) {
			if bad++; bad <= 5 {
				t.Errorf("%s exited 0 but %s/%s is %+v", run, d.region, d.name, c)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s exited 0 with %d declared caches not Ready and equal", run, bad)
	}
}

// checkOnePerName fails when a declared name has more than one cache, or caches were
// made that nobody declared.
func checkOnePerName(t *testing.T, sim *ecisim.Running, decl []declared, undeclared int) {
	t.Helper()
	byName := map[string][]string{}
	all := sim.Server.State().Caches
	for _, c := range all {
		byName[c.Region+"/"+c.Name] = append(byName[c.Region+"/"+c.Name], c.ID)
	}
	for _, d := range decl {
		if ids := byName[d.region+"/"+d.name]; len(ids) != 1 {
			t.Errorf("%s/%s: %d caches %v, want 1", d.region, d.name, len(ids), ids)
		}
	}
	if len(all) != len(decl)+undeclared {
		t.Errorf("%d caches in the end, want %d declared + %d undeclared", len(all), len(decl), undeclared)
	}
}

func readLog(t *testing.T, path string) []ecisim.LoggedRequest {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []ecisim.LoggedRequest
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r ecisim.LoggedRequest
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// checkLog checks the request log: one request per ClientToken and action (retries
// send it whole again), no IdempotentParameterMismatch, and no write to an undeclared
// cache.
func checkLog(t *testing.T, requests []ecisim.LoggedRequest, undeclared map[string]bool) {
	t.Helper()
	byToken := map[string]string{}
	writes := 0
	for _, r := range requests {
		if strings.HasPrefix(r.Action, "Describe") || strings.HasPrefix(r.Action, "List") {
			continue
		}
		writes++
		if r.Code == "IdempotentParameterMismatch" {
			t.Errorf("%s answered IdempotentParameterMismatch: %v", r.Action, r.Params)
		}
		for k, v := range r.Params {
			if (k == "ImageCacheId" || strings.HasPrefix(k, "ResourceId.")) && undeclared[v] {
				t.Errorf("%s wrote to the undeclared cache %s (%s)", r.Action, v, cmpOr(r.Code, "OK"))
			}
		}
		token := r.Params["ClientToken"]
		if token == "" {
			continue
		}
		params := maps.Clone(r.Params)
		delete(params, "ClientToken")
		body, _ := json.Marshal(params) // sorted keys
		key := r.Action + " " + token
		if prev, ok := byToken[key]; ok && prev != string(body) {
			t.Errorf("%s: two different requests under one ClientToken %s:\n%s\n%s", r.Action, token, prev, body)
		}
		byToken[key] = string(body)
	}
	t.Logf("%d write requests, %d distinct (action, ClientToken)", writes, len(byToken))
}
