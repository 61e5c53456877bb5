package workloads

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary manifest streams to Parse: no panic, bounded time, and every
// error and workload placed at a line of the input. Its seed corpus (Online Boutique's
// manifests, the examples, and testdata/fuzz/FuzzParse) runs in every go test.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/coverage/online-boutique/*.yaml")
	examples, _ := filepath.Glob("../../examples/k8s/*.yaml")
	for _, s := range append(seeds, examples...) {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("kind: List\nitems:\n  - kind: Pod\n    spec: {containers: [{image: nginx}]}\n"))
	f.Add([]byte("kind: CronJob\nspec: {jobTemplate: {spec: {template: {spec: {containers: [{image: &a x}], initContainers: [{image: *a}]}}}}}\n"))
	f.Add([]byte("kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"))
	f.Add([]byte("a: &x [*x, *x]\n---\n- [[[[]]]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		ws, errs := Parse("fuzz.yaml", data)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Parse took %v on a %d-byte input", d, len(data))
		}
		lines := lineOf(data, len(data))
		for _, e := range errs {
			if e.Line < 1 || e.Line > lines || e.Message == "" {
				t.Errorf("error outside the input's %d lines or without a message: %+v", lines, e)
			}
		}
		for _, w := range ws {
			if w.Line < 1 || w.Line > lines {
				t.Errorf("workload outside the input's %d lines: %+v", lines, w)
			}
		}
	})
}
