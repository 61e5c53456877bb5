package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/imcsync/imcsync/internal/engine"
)

// TestInFlagTerms: each of the engine's typed refusals is worded with the flag behind
// it, also when wrapped; other errors are left alone.
func TestInFlagTerms(t *testing.T) {
	other := errors.New("something else")
	for _, c := range []struct {
		err  error
		want string
	}{
		{&engine.PruneWithoutOwnerError{Path: "a.yaml"}, "--prune needs `owner:` in a.yaml: without it imcsync cannot tell this file's caches from others', so nothing would be deleted; set owner, or leave out --prune"},
		{&engine.SelectionError{Problems: []engine.Unselected{
			{Value: "cn-hangzou", Where: "of a.yaml", Closest: []string{"cn-hangzhou"}},
			{Target: true, Value: "webb", Where: "in a.yaml nor a live one"}}},
			"--region cn-hangzou names no region of a.yaml; closest: cn-hangzhou; --target webb names no image cache in a.yaml nor a live one"},
		{fmt.Errorf("listing: %w", &engine.SavedLiveError{Path: "d.json", Err: fs.ErrNotExist}), "--live d.json: file does not exist"},
		{&engine.PlanFileError{Path: "p.json", Err: errors.New("unexpected EOF")}, "p.json is not a plan file this imcsync can read (unexpected EOF); plan again with `imcsync plan --out`"},
		{other, "something else"},
	} {
		if got := inFlagTerms(c.err).Error(); got != c.want {
			t.Errorf("inFlagTerms(%v)\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}
