package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// BenchmarkCheckPlan10000 measures what the five example rules (examples/policy.yaml)
// add to a plan of 10,000 caches: one CheckPlan over a plan that creates them all.
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
	b.ResetTimer()
	for b.Loop() {
		res, err := p.CheckPlan(f, plan)
		if err != nil || len(res) != 0 {
			b.Fatalf("%d results, %v", len(res), err)
		}
	}
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
