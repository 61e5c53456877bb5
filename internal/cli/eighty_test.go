package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestEightyColumns runs every command as a new user would, not on a terminal, and
// keeps a page of what it prints in testdata/golden/80cols/<command>.txt: its help, then
// its output against the emulator state beside the file. No line of a page may be
// longer than 80 characters. JSON documents (schema, -o json) and reconcile's log
// records are data, one record a line, and are left out of the pages. With -update the
// pages are rewritten; review them by eye.
func TestEightyColumns(t *testing.T) {
	src, err := filepath.Abs(filepath.Join("..", "..", "testdata", "golden", "80cols"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"imagecaches.yaml", "state.yaml", "k8s.yaml"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	env := map[string]string{"NO_COLOR": "1", "HOME": dir, "IMCSYNC_REFRESH": "off", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}
	getenv := func(k string) string { return env[k] }
	run := func(args ...string) (stdout, stderr string) {
		var o, e bytes.Buffer
		Run(args, strings.NewReader(""), &o, &e, getenv)
		return o.String(), e.String()
	}
	// Durations and generated ids differ from run to run.
	varying := regexp.MustCompile(`\b\d+(\.\d+)?(ms|s)\b`)
	for _, tt := range []struct {
		command string
		runs    [][]string // besides --help; stderr is kept unless stdoutOnly
		// stdoutOnly: stderr is apply's progress, whose lines come in any order; it is
		// checked for width only.
		stdoutOnly bool
	}{
		{command: "imcsync"},
		{command: "validate", runs: [][]string{{"validate"}}},
		{command: "plan", runs: [][]string{{"plan", "--sim", "state.yaml"}}},
		{command: "drift", runs: [][]string{{"drift", "--sim", "state.yaml"}}},
		{command: "apply", runs: [][]string{{"apply", "--sim", "state.yaml", "--auto-approve"}}, stdoutOnly: true},
		{command: "show", runs: [][]string{{"plan", "--sim", "state.yaml", "--out", "plan.json", "-o", "json"}, {"show", "plan.json"}}},
		{command: "suggest", runs: [][]string{{"suggest", "--sim", "state.yaml"}}},
		{command: "export", runs: [][]string{{"export", "--sim", "state.yaml", "--region", "cn-hangzhou"}}},
		{command: "reconcile"},
		{command: "sim", runs: [][]string{{"sim", "--state", "nosuch.yaml"}}},
		{command: "schema"},
		{command: "version"},
		{command: "completion"},
	} {
		t.Run(tt.command, func(t *testing.T) {
			help := []string{"--help"}
			if tt.command != "imcsync" {
				help = []string{tt.command, "--help"}
			}
			var page strings.Builder
			for i, args := range append([][]string{help}, tt.runs...) {
				stdout, stderr := run(args...)
				if slices.Contains(args, "json") {
					stdout = "" // the plan file only, as JSON
				}
				out := stdout
				if !tt.stdoutOnly || i == 0 {
					out += stderr
				} else {
					checkWidth(t, "stderr of imcsync "+strings.Join(args, " "), stderr)
				}
				page.WriteString("$ imcsync " + strings.Join(args, " ") + "\n" + out)
				if !strings.HasSuffix(out, "\n") && out != "" {
					page.WriteString("\n")
				}
				page.WriteString("\n")
			}
			checkWidth(t, tt.command, page.String())
			got := varying.ReplaceAllString(page.String(), "<duration>")
			golden := filepath.Join(src, tt.command+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from this run (review, then -update):\n%s", golden, got)
			}
		})
	}
}

// checkWidth fails for each line of text longer than 80 characters.
func checkWidth(t *testing.T, what, text string) {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("%s: line %d is %d characters long: %q", what, i+1, n, l)
		}
	}
}
