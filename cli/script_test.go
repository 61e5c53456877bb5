package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary run as the imcsync command inside test scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"imcsync": func() { os.Exit(Main()) },
	})
}

// TestScript runs the CLI scenarios in testdata/script/*.txtar as a user would. With
// -update, cmp failures against files in the archive rewrite the archive instead.
func TestScript(t *testing.T) {
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join(repo, "testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Cmds:                scriptCmds(),
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("NO_COLOR", "1")
			env.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
			// EXAMPLES lets scripts read the repository's examples/ in place.
			env.Setenv("EXAMPLES", filepath.Join(repo, "examples"))
			return os.MkdirAll(home, 0o755)
		},
	})
}

// scriptCmds are the custom commands test scripts may use besides imcsync; add a
// command here to make it available to every script.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){}
}
