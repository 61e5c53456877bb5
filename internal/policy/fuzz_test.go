package policy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/imcsync/imcsync/spec"
)

// FuzzLoadPolicy feeds arbitrary policy files to Load: no panic, bounded time, and
// either a policy or an error (positioned problems, when it is spec.Errors). Its seed
// corpus (the example, and testdata/fuzz/FuzzLoadPolicy) runs in every go test.
func FuzzLoadPolicy(f *testing.F) {
	if data, err := os.ReadFile("../../examples/policy.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("apiVersion: imcsync/v1\nkind: Policy\nrules:\n  - {name: a, severity: error, expr: 'cache.size < 100', message: m}\n"))
	f.Add([]byte("apiVersion: imcsync/v1\nkind: Policy\nrules: &r [*r]\n"))
	path := filepath.Join(f.TempDir(), "policy.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		p, err := Load(path)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Load took %v on a %d-byte file", d, len(data))
		}
		var errs spec.Errors
		switch {
		case err == nil && p == nil:
			t.Fatal("no policy and no error")
		case errors.As(err, &errs) && len(errs) == 0:
			t.Fatal("an empty list of problems")
		}
	})
}
