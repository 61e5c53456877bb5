// Package bench measures imcsync end to end and prints the Performance table of
// README.md: apply through the CLI against the emulator, plan as a built binary in a
// process of its own. It holds no tests, only BenchmarkTable:
//
//	go test ./bench -run '^$' -bench Table -benchtime 1x
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
	"syscall"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/cli"
	"github.com/imcsync/imcsync/internal/ecisim"
)

// The scenario of the apply rows: L per call, P calls at once, S from an accepted update
// to Ready.
const (
	latency     = 50 * time.Millisecond
	parallelism = 20
	settle      = 200 * time.Millisecond
	region      = "cn-hangzhou"
)

// BenchmarkTable runs every scenario once and prints one markdown table.
func BenchmarkTable(b *testing.B) {
	b.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ecisim.DefaultAccessKeyID)
	b.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ecisim.DefaultAccessKeySecret)
	b.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	binary := filepath.Join(b.TempDir(), "imcsync")
	if out, err := exec.Command("go", "build", "-o", binary, "github.com/imcsync/imcsync").CombinedOutput(); err != nil {
		b.Fatalf("building imcsync: %v\n%s", err, out)
	}
	var rows []string
	for range b.N {
		rows = rows[:0]
		for _, n := range []int{200, 1000} {
			rows = append(rows, applyRow(b, n, 0))
		}
		rows = append(rows, applyRow(b, 240, 40))
		for _, n := range []int{10000, 50000} {
			rows = append(rows, planRow(b, binary, n))
		}
	}
	fmt.Printf("\n%d cores, %s, L = %s per call, P = %d, S = %s\n\n", runtime.NumCPU(), runtime.Version(), latency, parallelism, settle)
	fmt.Println("| scenario | wall | bound | ratio | calls | CPU | peak memory |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
}

// applyRow applies n changed caches with default flags but --parallelism, against an
// emulator answering after L and settling after S; quota > 0 limits UpdateImageCache to
// that many calls per second. The bound is T* without a quota, n/quota with one.
func applyRow(b *testing.B, n int, quota float64) string {
	b.Helper()
	dir := b.TempDir()
	st := &ecisim.State{}
	var y strings.Builder
	y.WriteString("apiVersion: imcsync/v1\nregion: " + region + "\ndefaults: {size: 40}\nimageCaches:\n")
	created := time.Now().Add(-time.Hour)
	for i := range n {
		name := fmt.Sprintf("cache-%05d", i)
		st.Caches = append(st.Caches, ecisim.Cache{Region: region, ID: fmt.Sprintf("imc-%020d", i), Name: name, Size: 20,
			Images: []string{"registry.example.com/app:1"}, CreationTime: created.Add(time.Duration(i) * time.Millisecond)})
		fmt.Fprintf(&y, "  - {name: %s, images: [registry.example.com/app:1]}\n", name)
	}
	file := filepath.Join(dir, "imagecaches.yaml")
	if err := os.WriteFile(file, []byte(y.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := ecisim.Config{Seed: 1, Transition: settle, Faults: &ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(latency)}}}
	if quota > 0 {
		cfg.Quota = map[string]float64{"UpdateImageCache": quota}
	}
	run, err := ecisim.Start(cfg, st)
	if err != nil {
		b.Fatal(err)
	}
	defer run.Close()

	var stderr bytes.Buffer
	start := time.Now()
	code := cli.Run([]string{"apply", "-f", file, "--endpoint", run.URL, "--auto-approve", "--parallelism", fmt.Sprint(parallelism)},
		nil, io.Discard, &stderr, os.Getenv)
	wall := time.Since(start)
	if code != 0 {
		b.Fatalf("apply of %d caches: exit %d\n%s", n, code, stderr.String())
	}

	calls := map[string]int{}
	throttled := 0
	for _, r := range run.Server.Requests() {
		calls[r.Action]++
		if strings.HasPrefix(r.Code, "Throttling") {
			throttled++
		}
	}
	if got := run.Server.State(); len(got.Caches) != n || got.Caches[n-1].Size != 40 {
		b.Fatalf("apply of %d caches did not converge", n)
	}
	callText := fmt.Sprintf("%d DescribeImageCaches, %d UpdateImageCache", calls["DescribeImageCaches"], calls["UpdateImageCache"])
	if quota > 0 {
		bound := time.Duration(float64(n) / quota * float64(time.Second))
		return fmt.Sprintf("| apply, %d changed caches, quota %g UpdateImageCache/s | %s | N/quota = %s | %.2f | %s; %d throttled (%.0f%% of the caches) | | |",
			n, quota, seconds(wall), seconds(bound), wall.Seconds()/bound.Seconds(), callText, throttled, 100*float64(throttled)/float64(n))
	}
	pages := time.Duration(math.Ceil(float64(n)/100)) * latency
	tStar := pages + time.Duration(math.Ceil(float64(n)/parallelism))*latency + settle + pages
	return fmt.Sprintf("| apply, %d changed caches | %s | T* = %s | %.2f | %s | | |", n, seconds(wall), seconds(tStar), wall.Seconds()/tStar.Seconds(), callText)
}

// planRow runs the imcsync binary to plan n caches (one in ten changed) from saved
// DescribeImageCaches output, and reports its CPU time and peak memory.
func planRow(b *testing.B, binary string, n int) string {
	b.Helper()
	dir := b.TempDir()
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
		images := []string{fmt.Sprintf("registry.example.com/team/app-%d:v1.2.%d", i%97, i%13), "registry.example.com/base/sidecar:3.1"}
		fmt.Fprintf(&y, "  - name: %s\n    images:\n      - %s\n      - %s\n", name, images[0], images[1])
		size := int32(40)
		if i%10 == 0 {
			size = 20
		}
		live = append(live, cache{ImageCacheId: fmt.Sprintf("imc-%020d", i), ImageCacheName: name, Status: "Ready", RegionId: region,
			CreationTime: "2025-01-02T03:04:05Z", ImageCacheSize: size, Images: images,
			Tags: []tag{{"team", "platform"}, {"imcsync:owner", "platform"}}})
	}
	file, liveFile := filepath.Join(dir, "imagecaches.yaml"), filepath.Join(dir, "describe.json")
	data, err := json.Marshal(map[string]any{"TotalCount": n, "ImageCaches": live})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(y.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(liveFile, data, 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(binary, "plan", "-f", file, "--live", liveFile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
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
