package version

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/imcsync/imcsync", Version: "v0.0.0-20260102030405-0123456789ab+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"},
			{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		set  Info
		want Info
	}{
		{"no build information", nil, Info{},
			Info{Version: "(devel)", Commit: Unknown, Date: Unknown, GoVersion: runtime.Version(), Platform: platform}},
		{"go install of a release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}}, Info{},
			Info{Version: "v1.2.3", Commit: Unknown, Date: Unknown, GoVersion: "go1.26.8", Platform: platform}},
		{"build in a checkout", vcs, Info{},
			Info{Version: "v0.0.0-20260102030405-0123456789ab+dirty", Commit: "0123456789abcdef", Modified: true,
				Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26.8", Platform: platform}},
		{"ldflags win", vcs, Info{Version: "v1.4.0", Commit: "fedcba", Date: "2026-02-03T00:00:00Z"},
			Info{Version: "v1.4.0", Commit: "fedcba", Date: "2026-02-03T00:00:00Z", GoVersion: "go1.26.8", Platform: platform}},
		{"ldflags version only", vcs, Info{Version: "v1.4.0"},
			Info{Version: "v1.4.0", Commit: "0123456789abcdef", Modified: true, Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26.8", Platform: platform}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, resolve(tt.bi, tt.set)); diff != "" {
				t.Errorf("resolve (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLdflags builds the imcsync command as the release does and checks that
// `imcsync version -o json` shows the injected values.
func TestLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	bin := filepath.Join(t.TempDir(), "imcsync")
	const pkg = "github.com/imcsync/imcsync/internal/version"
	build := exec.Command(gobin, "build", "-o", bin, "-ldflags",
		"-X "+pkg+".Version=v9.8.7 -X "+pkg+".Commit=abcdef0123 -X "+pkg+".Date=2026-03-04T05:06:07Z", "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version", "-o", "json").Output()
	if err != nil {
		t.Fatalf("imcsync version -o json: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	for k, want := range map[string]string{"format_version": "1", "version": "v9.8.7", "commit": "abcdef0123", "date": "2026-03-04T05:06:07Z"} {
		if got[k] != want {
			t.Errorf("%s = %v, want %q (output %s)", k, got[k], want, out)
		}
	}
	if v, _ := got["go_version"].(string); !strings.HasPrefix(v, "go") {
		t.Errorf("go_version = %v, want the Go toolchain's version", got["go_version"])
	}
}
