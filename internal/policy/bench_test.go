//go:build unix

package policy

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// BenchmarkCheckPlan10000 measures what the five example rules (examples/policy.yaml)
// add to a plan of 10,000 caches: one CheckPlan over a plan that creates them all. Next
// to the wall time per check (ns/op) it reports the CPU time (cpu-ms/op, user and
// system, all threads), which a machine shared with other work inflates less.
//
//	go test ./internal/policy -run '^$' -bench CheckPlan10000 -benchtime 20x -count 5
func BenchmarkCheckPlan10000(b *testing.B) {
	p, err := Load("../../examples/policy.yaml")
	if err != nil {
		b.Fatal(err)
	}
	f := manyCaches(b, 10000)
	plan := planner.Build(f, nil, planner.Options{})
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := p.CheckPlan(f, plan)
		if err != nil || len(res) != 0 {
			b.Fatalf("%d results, %v", len(res), err)
		}
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// manyCaches is a valid file of n caches that every example rule allows.
func manyCaches(tb testing.TB, n int) *spec.File {
	tb.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: imcsync/v1\nregion: cn-hangzhou\ndefaults:\n  size: 40\n  tags: {team: web}\nimageCaches:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: cache-%05d\n    images:\n      - registry-vpc.cn-hangzhou.aliyuncs.com/app/web-%d:v1.%d\n      - registry.example.com/platform/sidecar:2.%d\n", i, i, i, i%7)
	}
	f, err := spec.Parse("imagecaches.yaml", []byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}
