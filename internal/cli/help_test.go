package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestEveryCommandHasWorkingExamples: each command's help has an Examples section, and
// every imcsync command line in it names that command with flags it has.
func TestEveryCommandHasWorkingExamples(t *testing.T) {
	a := &app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}
	root := a.rootCommand()
	for _, cmd := range root.Commands() {
		if cmd.Example == "" {
			t.Errorf("%s has no examples", cmd.Name())
			continue
		}
		for _, line := range strings.Split(cmd.Example, "\n") {
			for _, run := range strings.Split(line, "&&") {
				args := strings.Fields(strings.TrimSpace(run))
				if len(args) == 0 || args[0] != "imcsync" {
					continue
				}
				if i := strings.Index(run, ">"); i >= 0 {
					args = strings.Fields(run[:i])
				}
				fresh := (&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}).rootCommand()
				c, rest, err := fresh.Find(args[1:])
				if err != nil {
					t.Errorf("%s example %q: %v", cmd.Name(), run, err)
					continue
				}
				if err := c.ParseFlags(rest); err != nil {
					t.Errorf("%s example %q: %v", cmd.Name(), run, err)
				}
			}
		}
	}
}
