package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"gopkg.in/yaml.v3"
)

// TestAction runs the GitHub Action's shell steps (internal/action/action.sh, used by action.yml)
// as the runner would, with a fake GITHUB_* environment: the scenarios are in
// testdata/action/*.txtar. imcsync on PATH is this test binary; scripts may start an
// emulator (ecisim), serve a fake release (release-server), check signatures with a fake
// cosign (fake-cosign) and take a command off PATH (hide-command).
func TestAction(t *testing.T) {
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"bash", "curl", "jq", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the action needs %s", tool)
		}
	}
	// Read the script so that go test's cache knows the results depend on it.
	script := filepath.Join(repo, "internal", "action", "action.sh")
	if _, err := os.ReadFile(script); err != nil {
		t.Fatal(err)
	}
	goEnv := goEnvironment(t)
	cmds := scriptCmds()
	cmds["release-server"] = cmdReleaseServer
	cmds["workflow-step"] = cmdWorkflowStep
	cmds["hide-command"] = cmdHideCommand
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join(repo, "testdata", "action"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Cmds:                cmds,
		Setup: func(env *testscript.Env) error {
			work := env.WorkDir
			for k, v := range map[string]string{
				"HOME":                work + "/home",
				"NO_COLOR":            "1",
				"REPO":                repo,
				"ACTION":              script,
				"GITHUB_ACTIONS":      "true",
				"GITHUB_ACTION_PATH":  repo,
				"GITHUB_OUTPUT":       work + "/github-output",
				"GITHUB_PATH":         work + "/github-path",
				"GITHUB_STEP_SUMMARY": work + "/summary.md",
				"RUNNER_TEMP":         work + "/runner-temp",
				"RUNNER_OS":           "Linux",
				"RUNNER_ARCH":         "X64",
				// No release server unless a script starts one: nothing may reach github.com.
				"IMCSYNC_RELEASES_URL":                "http://127.0.0.1:1/download",
				"IMCSYNC_API_URL":                     "http://127.0.0.1:1/api",
				"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
			} {
				env.Setenv(k, v)
			}
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			return os.MkdirAll(work+"/home", 0o755)
		},
	})
}

// goEnvironment returns the go command's caches and settings, so that a script that
// builds imcsync reuses this machine's build and module caches.
func goEnvironment(t *testing.T) map[string]string {
	keys := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOFLAGS", "GOTOOLCHAIN", "GONOSUMDB", "GOPRIVATE"}
	out, err := exec.Command("go", append([]string{"env"}, keys...)...).Output()
	if err != nil {
		t.Logf("go env: %v (scripts that build imcsync will skip)", err)
		return nil
	}
	env := map[string]string{}
	for i, v := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(keys) && v != "" {
			env[keys[i]] = v
		}
	}
	return env
}

// cmdWorkflowStep writes the shell script of a workflow's step to a file, so that a
// script can run it with a fake GitHub environment:
//
//	workflow-step WORKFLOW STEP-NAME OUT
//
// WORKFLOW is a path under the repository (e.g. .github/workflows/imcsync-apply.yml).
func cmdWorkflowStep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: workflow-step WORKFLOW STEP-NAME OUT")
	}
	b, err := os.ReadFile(filepath.Join(ts.Getenv("REPO"), args[0]))
	ts.Check(err)
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	ts.Check(yaml.Unmarshal(b, &wf))
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if st.Name == args[1] {
				ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte("set -eo pipefail\n"+st.Run), 0o644))
				return
			}
		}
	}
	ts.Fatalf("%s has no step named %q", args[0], args[1])
}

// cmdReleaseServer serves the script's directory DIR over HTTP for the rest of the script,
// as GitHub serves releases and its API, and points the action there:
//
//	release-server DIR
//
// DIR/download/TAG/FILE is a release asset, DIR/api/repos/OWNER/REPO/releases the API's
// list of releases. It sets IMCSYNC_RELEASES_URL and IMCSYNC_API_URL.
func cmdReleaseServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: release-server DIR")
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(ts.MkAbs(args[0]))))
	ts.Defer(srv.Close)
	ts.Setenv("IMCSYNC_RELEASES_URL", srv.URL+"/download")
	ts.Setenv("IMCSYNC_API_URL", srv.URL+"/api")
}
