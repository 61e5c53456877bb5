// Package bench measures imcsync end to end and prints the performance table of
// docs/performance.md: apply through the CLI against the emulator, plan as a built binary
// in a process of its own. It holds no tests, only BenchmarkTable, one sub-benchmark per
// row:
//
//	go test ./internal/bench -run '^$' -bench Table -benchtime 1x
//	go test ./internal/bench -run '^$' -bench 'Table/noise-5%' -benchtime 1x
package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/cli"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// The scenario of the apply rows: L per call, P calls at once, S per lifecycle phase
// (from an accepted update to Ready; a create goes through two, Preparing and Creating).
const (
	latency     = 50 * time.Millisecond
	parallelism = 20
	settle      = 200 * time.Millisecond
	region      = "cn-hangzhou"
	pageSize    = 100
)

// scenario is one apply row.
type scenario struct {
	name    string
	caches  int
	regions int                     // the caches are spread over this many regions (0: 1)
	create  bool                    // the caches are missing and created; else updated
	quota   map[string]ecisim.Quota // the account's flow control
	noise   float64                 // the share of every action's calls throttled at random
	// bound is the least time any client can take, and how it is computed.
	bound func(s scenario) (time.Duration, string)
}

// scenarios are the apply rows, in the table's order.
var scenarios = []scenario{
	{name: "updates-200", caches: 200, bound: tStar},
	{name: "updates-1000", caches: 1000, bound: tStar},
	{name: "quota-40", caches: 240, quota: map[string]ecisim.Quota{"UpdateImageCache": ecisim.QPS(40)}, bound: quotaBound},
	{name: "quota-200", caches: 600, quota: map[string]ecisim.Quota{"UpdateImageCache": ecisim.QPS(200)}, bound: quotaBound},
	{name: "noise-1%", caches: 600, quota: map[string]ecisim.Quota{"UpdateImageCache": ecisim.QPS(200)}, noise: 0.01, bound: quotaBound},
	{name: "noise-5%", caches: 600, quota: map[string]ecisim.Quota{"UpdateImageCache": ecisim.QPS(200)}, noise: 0.05, bound: quotaBound},
	{name: "noise-10%", caches: 600, quota: map[string]ecisim.Quota{"UpdateImageCache": ecisim.QPS(200)}, noise: 0.10, bound: quotaBound},
	{name: "create-window", caches: 260, create: true, quota: map[string]ecisim.Quota{"CreateImageCache": {Calls: 200, Per: time.Minute}}, bound: windowBound},
	{name: "regions-4x2500", caches: 10000, regions: 4, bound: tStar},
}

// BenchmarkTable runs every scenario once (or those -bench selects) and prints one
// markdown table.
func BenchmarkTable(b *testing.B) {
	b.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ecisim.DefaultAccessKeyID)
	b.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ecisim.DefaultAccessKeySecret)
	b.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	var rows []string
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			for range b.N {
				rows = append(rows, applyRow(b, sc))
			}
		})
	}
	binary, built := filepath.Join(b.TempDir(), "imcsync"), false
	for _, n := range []int{10000, 50000} {
		b.Run(fmt.Sprintf("plan-%d", n), func(b *testing.B) {
			if !built {
				if out, err := exec.Command("go", "build", "-o", binary, "github.com/imcsync/imcsync").CombinedOutput(); err != nil {
					b.Fatalf("building imcsync: %v\n%s", err, out)
				}
				built = true
			}
			for range b.N {
				rows = append(rows, planRow(b, binary, n))
			}
		})
	}
	if len(rows) == 0 {
		return
	}
	fmt.Printf("\n%d cores, %s, L = %s per call, P = %d, S = %s\n\n", runtime.NumCPU(), runtime.Version(), latency, parallelism, settle)
	fmt.Println("| scenario | wall | bound | ratio | calls | CPU | peak memory |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
}

// pages is the number of listing pages of n caches in one region.
func pages(n int) int { return max(1, int(math.Ceil(float64(n)/pageSize))) }

// tStar is the least time of an apply without a quota: the plan's listing, the calls (P
// at once), settling, and the listing that sees the caches settled; regions are listed
// at once.
func tStar(s scenario) (time.Duration, string) {
	perRegion := s.caches / max(s.regions, 1)
	list := time.Duration(pages(perRegion)) * latency
	calls := time.Duration(math.Ceil(float64(s.caches)/parallelism)) * latency
	return list + calls + phases(s)*settle + list, "T*"
}

// quotaBound is the time the quota alone allows for the calls: N/quota.
func quotaBound(s scenario) (time.Duration, string) {
	q := s.quota["UpdateImageCache"]
	return time.Duration(float64(s.caches) / q.Calls * float64(time.Second)), "N/quota"
}

// windowBound is the least time under a window quota: the calls beyond the first
// window's are sent when the second opens, then settle and are listed.
func windowBound(s scenario) (time.Duration, string) {
	q := s.quota["CreateImageCache"]
	rest := s.caches - int(q.Calls)
	calls := time.Duration(math.Ceil(float64(rest)/parallelism)) * latency
	return q.Per + calls + phases(s)*settle + time.Duration(pages(s.caches))*latency, "window + T*(rest)"
}

// phases is how many lifecycle phases of S a changed cache goes through.
func phases(s scenario) time.Duration {
	if s.create {
		return 2
	}
	return 1
}

// applyRow applies the scenario's caches with default flags but --parallelism, against
// an emulator answering after L and moving each lifecycle phase on after S.
func applyRow(b *testing.B, sc scenario) string {
	b.Helper()
	dir := b.TempDir()
	st := &ecisim.State{}
	var y strings.Builder
	y.WriteString("apiVersion: imcsync/v1\nregion: " + region + "\ndefaults: {size: 40, securityGroupId: sg-1, vSwitchId: vsw-1}\nimageCaches:\n")
	created := time.Now().Add(-time.Hour)
	regions := max(sc.regions, 1)
	for i := range sc.caches {
		name := fmt.Sprintf("cache-%05d", i)
		r := region
		if regions > 1 {
			r = fmt.Sprintf("cn-region-%d", i%regions)
		}
		if !sc.create {
			st.Caches = append(st.Caches, ecisim.Cache{Region: r, ID: fmt.Sprintf("imc-%020d", i), Name: name, Size: 20,
				Images: []string{"registry.example.com/app:1"}, CreationTime: created.Add(time.Duration(i) * time.Millisecond)})
		}
		fmt.Fprintf(&y, "  - {name: %s, region: %s, images: [registry.example.com/app:1]}\n", name, r)
	}
	file := filepath.Join(dir, "imagecaches.yaml")
	if err := os.WriteFile(file, []byte(y.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	counts := &requestCounts{calls: map[string]int{}}
	cfg := ecisim.Config{Seed: 1, Transition: settle, Quota: sc.quota, Log: counts,
		Faults: &ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(latency), ThrottleRate: sc.noise}}}
	run := ecisimtest.NewServer(b, cfg, st)

	var stderr bytes.Buffer
	cpu := cpuTime()
	start := time.Now()
	code := cli.Run([]string{"apply", "-f", file, "--endpoint", run.URL, "--auto-approve", "--parallelism", fmt.Sprint(parallelism)},
		nil, io.Discard, &stderr, os.Getenv)
	wall := time.Since(start)
	cpu = cpuTime() - cpu
	if code != 0 {
		b.Fatalf("%s: exit %d\n%s", sc.name, code, stderr.String())
	}
	calls, throttled, total := counts.calls, counts.throttled, counts.total
	got := run.Server.State()
	if len(got.Caches) != sc.caches {
		b.Fatalf("%s: %d caches, want %d", sc.name, len(got.Caches), sc.caches)
	}
	for _, c := range got.Caches {
		if c.Size != 40 || c.Status != ecisim.StatusReady {
			b.Fatalf("%s: %s/%s is %s with size %d: the apply did not converge", sc.name, c.Region, c.Name, c.Status, c.Size)
		}
	}
	mutation := "UpdateImageCache"
	if sc.create {
		mutation = "CreateImageCache"
	}
	bound, how := sc.bound(sc)
	what := fmt.Sprintf("apply, %d changed caches", sc.caches)
	switch {
	case sc.create:
		what = fmt.Sprintf("apply, %d caches to create", sc.caches)
	case regions > 1:
		what += fmt.Sprintf(" over %d regions", regions)
	}
	for action, q := range sc.quota {
		what += fmt.Sprintf(", quota %s %s", q, action)
		if q.Per == 0 {
			what += "/s"
		}
	}
	if sc.noise > 0 {
		what += fmt.Sprintf(", %g%% of all calls throttled at random", 100*sc.noise)
	}
	callText := fmt.Sprintf("%d DescribeImageCaches, %d %s", calls["DescribeImageCaches"], calls[mutation], mutation)
	if throttled > 0 {
		callText += fmt.Sprintf("; %d throttled (%.0f%% of the calls)", throttled, 100*float64(throttled)/float64(total))
	}
	return fmt.Sprintf("| %s | %s | %s = %s | %.2f | %s | %s | |", what, seconds(wall), how, seconds(bound), wall.Seconds()/bound.Seconds(), callText, seconds(cpu))
}

// requestCounts counts the emulator's requests from its request log (one JSON line per
// request), by action, and the throttled ones.
type requestCounts struct {
	mu               sync.Mutex
	calls            map[string]int
	throttled, total int
}

func (c *requestCounts) Write(line []byte) (int, error) {
	var r struct{ Action, Code string }
	if err := json.Unmarshal(line, &r); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[r.Action]++
	c.total++
	if strings.HasPrefix(r.Code, "Throttling") {
		c.throttled++
	}
	return len(line), nil
}

// cpuTime is the CPU time this process (imcsync and the emulator) has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writePlanScenario writes, in dir, an imagecaches.yaml of n caches (cache-00000 …) with
// the given images and the saved DescribeImageCaches output of the same caches live, all
// Ready and owned, with the given live size (the file says 40 GiB).
func writePlanScenario(b *testing.B, dir string, n int, images func(int) []string, liveSize func(int) int32) (file, liveFile string) {
	b.Helper()
	var y strings.Builder
	y.WriteString("apiVersion: imcsync/v1\nowner: platform\nregion: " + region + "\n" +
		"defaults:\n  size: 40\n  tags: {team: platform}\nimageCaches:\n")
	type tag struct{ Key, Value string }
	type cache struct {
		ImageCacheId, ImageCacheName, Status, RegionId, CreationTime string
		ImageCacheSize                                               int32
		Images                                                       []string
		Tags                                                         []tag
	}
	var live []cache
	for i := range n {
		name := fmt.Sprintf("cache-%05d", i)
		im := images(i)
		fmt.Fprintf(&y, "  - name: %s\n    images:\n      - %s\n      - %s\n", name, im[0], im[1])
		live = append(live, cache{ImageCacheId: fmt.Sprintf("imc-%020d", i), ImageCacheName: name, Status: "Ready", RegionId: region,
			CreationTime: "2025-01-02T03:04:05Z", ImageCacheSize: liveSize(i), Images: im,
			Tags: []tag{{"team", "platform"}, {"imcsync:owner", "platform"}}})
	}
	file, liveFile = filepath.Join(dir, "imagecaches.yaml"), filepath.Join(dir, "describe.json")
	data, err := json.Marshal(map[string]any{"TotalCount": n, "ImageCaches": live})
	if err != nil {
		b.Fatal(err)
	}
	for name, content := range map[string][]byte{file: []byte(y.String()), liveFile: data} {
		if err := os.WriteFile(name, content, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return file, liveFile
}

// planRow runs the imcsync binary to plan n caches (one in ten changed) from saved
// DescribeImageCaches output, and reports its CPU time and peak memory.
func planRow(b *testing.B, binary string, n int) string {
	b.Helper()
	file, liveFile := writePlanScenario(b, b.TempDir(), n,
		func(i int) []string {
			return []string{fmt.Sprintf("registry.example.com/team/app-%d:v1.2.%d", i%97, i%13), "registry.example.com/base/sidecar:3.1"}
		},
		func(i int) int32 {
			if i%10 == 0 {
				return 20
			}
			return 40
		})
	cmd := exec.Command(binary, "plan", "-f", file, "--live", liveFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2 {
		b.Fatalf("plan of %d caches: %v\n%s", n, err, stderr.String())
	}
	if want := fmt.Sprintf("%d to update", n/10); !strings.Contains(stdout.String(), want) {
		b.Fatalf("plan of %d caches does not say %q: %s", n, want, stdout.String()[max(0, stdout.Len()-300):])
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	return fmt.Sprintf("| plan, %d caches (%d changed) from saved output (`--live`) | %s | | | none | %s | %.0f MB |",
		n, n/10, seconds(wall), seconds(cpu), float64(rss)*1024/1e6)
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
