package cli

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update rewrites golden files and test scripts instead of comparing against them:
// go test ./internal/cli/ -update
var update = flag.Bool("update", false, "rewrite golden files")

// checkGolden compares got with the golden file at path — JSON after decoding, text byte
// for byte — or, with -update, rewrites the file.
func checkGolden(t *testing.T, path, got string, isJSON bool) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if isJSON {
		if diff := cmp.Diff(decodeJSON(t, want), decodeJSON(t, []byte(got))); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
		}
		return
	}
	if got != string(want) {
		t.Errorf("%s mismatch (-want +got):\n%s", path, cmp.Diff(string(want), got))
	}
}
