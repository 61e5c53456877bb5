package export

import (
	"strings"
	"testing"
)

func TestExportComment(t *testing.T) {
	long := strings.Repeat("word ", 30) + "apply --prune imcsync:owner=platform-prod-with-a-long-name"
	got := comment("first", "", long)
	lines := strings.Split(got, "\n")
	if lines[0] != "# first" || lines[1] != "#" {
		t.Errorf("first lines %q", lines[:2])
	}
	for _, l := range lines {
		if len(l) > commentWidth {
			t.Errorf("line longer than %d: %q", commentWidth, l)
		}
		if !strings.HasPrefix(l, "#") {
			t.Errorf("line is not a comment: %q", l)
		}
	}
	if !strings.Contains(got, "imcsync:owner=platform-prod-with-a-long-name") || !strings.Contains(got, "apply --prune") {
		t.Errorf("words were split:\n%s", got)
	}
}
