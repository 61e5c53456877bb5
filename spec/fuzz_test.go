package spec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fuzzTimeLimit bounds the time Parse may take on one input, however hostile: every
// bound of limits.go keeps it far below.
const fuzzTimeLimit = 2 * time.Second

// FuzzParse checks that Parse never panics, takes bounded time and returns either a file
// or a non-empty, sorted list of positioned errors. Its seed corpus (the examples, the
// golden cases and the hostile files, alias amplification included) runs in every go test.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	hostile, _ := filepath.Glob("testdata/hostile/*.yaml")
	seeds = append(seeds, hostile...)
	seeds = append(seeds, "../examples/imagecaches.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(head + "  - &a {name: a1, images: [a:1]}\n  - *a\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte(head + "  - {name: ab, images: [a:1], size: 0x10, tags: {\"k\\u0000\": \"\\u200b\"}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		file, err := Parse("fuzz.yaml", data)
		if d := time.Since(start); d > fuzzTimeLimit {
			t.Errorf("Parse took %v on a %d-byte input", d, len(data))
		}
		if err == nil {
			if file == nil {
				t.Fatal("no file and no error")
			}
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("err = %v, want non-empty Errors", err)
		}
		for i, e := range errs {
			if e.Pos.Line < 1 || e.Pos.Column < 1 || e.Message == "" {
				t.Errorf("error without position or message: %+v", e)
			}
			if i > 0 && (errs[i-1].Pos.Line > e.Pos.Line || errs[i-1].Pos.Line == e.Pos.Line && errs[i-1].Pos.Column > e.Pos.Column) {
				t.Errorf("errors out of order: %v before %v", errs[i-1], e)
			}
		}
	})
}
