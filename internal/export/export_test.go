package export

import (
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
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

// TestDuplicateNoteFollowsThePruneRule: the warning that --prune deletes a cache left
// out of the file names only caches --prune would delete: an imcsync:prune tag of any
// value but "true" protects (the ownership package's rule), not only "false".
func TestDuplicateNoteFollowsThePruneRule(t *testing.T) {
	for value, careful := range map[string]bool{"no": false, "False": false, "false": false, "true": true} {
		caches := []cloud.Cache{
			{Region: "cn-hangzhou", ID: "imc-1", Name: "web", Status: cloud.Ready, Images: []string{"a:1"},
				Tags: map[string]string{spec.OwnerTag: "team"}, CreationTime: time.Unix(1, 0)},
			{Region: "cn-hangzhou", ID: "imc-2", Name: "web", Status: cloud.Ready, Images: []string{"a:1"},
				Tags: map[string]string{spec.OwnerTag: "team", spec.PruneTag: value}, CreationTime: time.Unix(2, 0)},
		}
		out, err := YAML(caches, []string{"cn-hangzhou"})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(out), "Careful"); got != careful {
			t.Errorf("imcsync:prune=%s: warning shown %v, want %v:\n%s", value, got, careful, out)
		}
	}
}
