package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/internal/render"
)

// driftTestTime is the time drift reports are made for in these tests. The emulator
// keeps the wall clock, so the test states put their caches near 2099.
var driftTestTime = time.Date(2099, 1, 1, 12, 0, 0, 0, time.UTC)

// fixDriftClock makes drift reports use driftTestTime until the test ends.
func fixDriftClock(t *testing.T) {
	t.Helper()
	saved := driftClock
	driftClock = func() time.Time { return driftTestTime }
	t.Cleanup(func() { driftClock = saved })
}

// runCLI runs imcsync in-process with no environment but NO_COLOR and returns the exit
// code and the two streams.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"NO_COLOR": "1", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}
	code = Run(args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	return code, out.String(), errOut.String()
}

// driftArgs are the arguments that run drift on a testdata/drift case: against its
// saved describe.json when it has one, else against an emulator seeded from state.yaml.
func driftArgs(dir string) []string {
	args := []string{"drift", "-f", filepath.Join(dir, "imagecaches.yaml")}
	if _, err := os.Stat(filepath.Join(dir, "describe.json")); err == nil {
		return append(args, "--live", filepath.Join(dir, "describe.json"))
	}
	return append(args, "--sim", filepath.Join(dir, "state.yaml"))
}

// TestDriftGolden runs drift on each testdata/drift/<case> in every format and compares
// with drift.txt, drift.md (byte for byte) and drift.json (as decoded JSON).
// go test ./internal/cli/ -run DriftGolden -update rewrites them.
func TestDriftGolden(t *testing.T) {
	fixDriftClock(t)
	for _, tc := range []struct {
		name  string // the case's directory, where the golden files are
		input string // the directory of the inputs, when not the case's own
		code  int
		args  []string
	}{
		{name: "mixed", code: exitChanges},
		{name: "in-sync", code: exitOK},
		{name: "live", code: exitChanges},
		{name: "targets", input: "mixed", code: exitChanges,
			args: []string{"--target", "web-frontend", "--target", "cn-hangzhou/nightly", "--expiring-within", "1h"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "drift", tc.name)
			if tc.input != "" {
				dir = filepath.Join("testdata", "drift", tc.input)
			}
			for _, g := range []struct{ format, file string }{
				{"text", "drift.txt"},
				{"markdown", "drift.md"},
				{"json", "drift.json"},
			} {
				args := append(append(driftArgs(dir), "-o", g.format), tc.args...)
				code, got, stderr := runCLI(t, args...)
				if code != tc.code || stderr != "" {
					t.Fatalf("imcsync %s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, tc.code, stderr)
				}
				checkGolden(t, filepath.Join("testdata", "drift", tc.name, g.file), got, g.format == "json")
			}
		})
	}
}

// TestDriftExitFollowsReport checks that the exit code and the JSON's in_sync agree,
// and that each category alone makes drift.
func TestDriftExitFollowsReport(t *testing.T) {
	fixDriftClock(t)
	mixed := filepath.Join("testdata", "drift", "mixed")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		counts drift.Summary
	}{
		{"drifted only", []string{"--target", "web-frontend"}, exitChanges,
			drift.Summary{Checked: 1, Drifted: 1}},
		{"missing only", []string{"--target", "api-backend"}, exitChanges,
			drift.Summary{Checked: 1, Missing: 1}},
		{"unhealthy only", []string{"--target", "reports"}, exitChanges,
			drift.Summary{Checked: 1, Unhealthy: 1}},
		{"expiring only: reported, not drift", []string{"--target", "nightly"}, exitOK,
			drift.Summary{Checked: 1, Expiring: 1}},
		{"expiring outside a short window", []string{"--target", "nightly", "--expiring-within", "11h"}, exitOK,
			drift.Summary{Checked: 1}},
		{"owned unmanaged only, without --prune", []string{"--target", "legacy-etl"}, exitOK,
			drift.Summary{Unmanaged: 1, UnmanagedOwned: 1}},
		{"owned unmanaged only, with --prune", []string{"--target", "legacy-etl", "--prune"}, exitChanges,
			drift.Summary{Unmanaged: 1, UnmanagedOwned: 1}},
		{"others' unmanaged only", []string{"--target", "ml-cache", "--target", "data-pipeline"}, exitOK,
			drift.Summary{Checked: 1, Unmanaged: 1}},
		{"one region", []string{"--region", "cn-shanghai"}, exitOK,
			drift.Summary{Checked: 1, Unmanaged: 2, UnmanagedOwned: 1}},
		{"one region, with --prune", []string{"--region", "cn-shanghai", "--prune"}, exitChanges,
			drift.Summary{Checked: 1, Unmanaged: 2, UnmanagedOwned: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append(driftArgs(mixed), "-o", "json"), tc.args...)
			code, out, stderr := runCLI(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			var got struct {
				Summary drift.Summary `json:"summary"`
				InSync  bool          `json:"in_sync"`
			}
			decodeInto(t, out, &got)
			if diff := cmp.Diff(tc.counts, got.Summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			if got.InSync != (code == exitOK) {
				t.Errorf("in_sync %v with exit %d", got.InSync, code)
			}
		})
	}
}

// TestPlanAndDriftAgree: with the same file and flags, drift exits 2 exactly when plan
// does, or when a declared cache is unhealthy; and both say of an owned, undeclared cache
// that --prune would delete it.
func TestPlanAndDriftAgree(t *testing.T) {
	fixDriftClock(t)
	mixed := filepath.Join("testdata", "drift", "mixed")
	file, state := filepath.Join(mixed, "imagecaches.yaml"), filepath.Join(mixed, "state.yaml")
	for _, flags := range [][]string{
		nil, {"--prune"},
		{"--target", "web-frontend"}, {"--target", "api-backend"}, {"--target", "reports"}, {"--target", "nightly"},
		{"--target", "legacy-etl", "--prune"}, // an undeclared --target needs --prune in plan
		{"--region", "cn-shanghai"}, {"--region", "cn-shanghai", "--prune"},
	} {
		t.Run(strings.Join(flags, " "), func(t *testing.T) {
			common := append([]string{"-f", file, "--sim", state}, flags...)
			planCode, planOut, stderr := runCLI(t, append([]string{"plan"}, common...)...)
			if planCode == exitFailure {
				t.Fatalf("plan: exit 1: %s", stderr)
			}
			driftCode, out, stderr := runCLI(t, append(append([]string{"drift"}, common...), "-o", "json")...)
			if driftCode == exitFailure {
				t.Fatalf("drift: exit 1: %s", stderr)
			}
			var report drift.Report
			decodeInto(t, out, &report)
			want := exitOK
			if planCode == exitChanges || len(report.Unhealthy) > 0 {
				want = exitChanges
			}
			if driftCode != want {
				t.Errorf("plan exits %d, %d unhealthy, so drift should exit %d; it exits %d", planCode, len(report.Unhealthy), want, driftCode)
			}
			_, driftText, _ := runCLI(t, append([]string{"drift"}, common...)...)
			for _, u := range report.Unmanaged {
				if !u.Owned || slices.Contains(flags, "--prune") {
					continue
				}
				for name, text := range map[string]string{"plan": planOut, "drift": driftText} {
					if !strings.Contains(text, u.Region+"/"+u.Name) || !strings.Contains(text, "not declared; --prune would delete it") {
						t.Errorf("%s does not say of %s/%s that --prune would delete it:\n%s", name, u.Region, u.Name, text)
					}
				}
			}
		})
	}
}

func TestDriftErrors(t *testing.T) {
	mixed := filepath.Join("testdata", "drift", "mixed")
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no file", []string{"drift", "-f", filepath.Join(t.TempDir(), "none.yaml"), "--sim", filepath.Join(mixed, "state.yaml")},
			"none.yaml: file not found"},
		{"invalid file", []string{"drift", "-f", filepath.Join(mixed, "state.yaml"), "--sim", filepath.Join(mixed, "state.yaml")},
			"state.yaml:"},
		{"no state", append(driftArgs(mixed)[:3], "--sim", filepath.Join(t.TempDir(), "none.yaml")),
			"--sim:"},
		{"broken live file", append(driftArgs(mixed)[:3], "--live", filepath.Join(mixed, "imagecaches.yaml")),
			"--live"},
		{"negative window", append(driftArgs(mixed), "--expiring-within", "-1h"),
			"--expiring-within -1h0m0s: want a duration of 0 or more"},
		{"argument", append(driftArgs(mixed), "extra"),
			`unknown command "extra"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tc.args...)
			if code != exitFailure {
				t.Errorf("exit %d, want %d", code, exitFailure)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if out != "" {
				t.Errorf("stdout not empty:\n%s", out)
			}
		})
	}
}

// TestDriftColor checks that colour adds escape codes to the text report and nothing else.
func TestDriftColor(t *testing.T) {
	fixDriftClock(t)
	_, out, _ := runCLI(t, append(driftArgs(filepath.Join("testdata", "drift", "mixed")), "-o", "json")...)
	var r drift.Report
	decodeInto(t, out, &r)
	var plain, colored bytes.Buffer
	if err := render.Drift(&plain, r, render.Text, false); err != nil {
		t.Fatal(err)
	}
	if err := render.Drift(&colored, r, render.Text, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") || !strings.Contains(colored.String(), "\x1b[") {
		t.Fatalf("escape codes: plain %q, coloured %q", plain.String(), colored.String())
	}
	if got := ansi.Strip(colored.String()); got != plain.String() {
		t.Errorf("coloured report differs from plain beyond escape codes:\n%s", cmp.Diff(plain.String(), got))
	}
}

// decodeInto decodes JSON output into v.
func decodeInto(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v in:\n%s", err, out)
	}
}
