package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/creack/pty"
)

// TestUseColorFollowsEachStream: with --color auto, a terminal is coloured and a file is
// not, whatever the other stream is; the environment and the flag decide as documented.
func TestUseColorFollowsEachStream(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, tc := range []struct {
		name string
		mode string
		w    *os.File
		env  map[string]string
		want bool
	}{
		{"terminal", "auto", tty, nil, true},
		{"file", "auto", file, nil, false},
		{"terminal, NO_COLOR", "auto", tty, map[string]string{"NO_COLOR": "1"}, false},
		{"terminal, TERM=dumb", "auto", tty, map[string]string{"TERM": "dumb"}, false},
		{"terminal, CLICOLOR=0", "auto", tty, map[string]string{"CLICOLOR": "0"}, false},
		{"file, CLICOLOR_FORCE", "auto", file, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"file, CLICOLOR_FORCE=0", "auto", file, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{"file, CLICOLOR_FORCE and NO_COLOR", "auto", file, map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false},
		{"file, always", "always", file, nil, true},
		{"terminal, never", "never", tty, nil, false},
	} {
		a := &app{color: tc.mode, getenv: func(k string) string { return tc.env[k] }}
		if got := a.colorEnabled(tc.w); got != tc.want {
			t.Errorf("%s: colour %v, want %v", tc.name, got, tc.want)
		}
	}
}
