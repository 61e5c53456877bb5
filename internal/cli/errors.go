package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/internal/engine"
)

// inFlagTerms words the engine's typed refusals in the flags that caused them; any other
// error is left as it is.
func inFlagTerms(err error) error {
	var (
		prune *engine.PruneWithoutOwnerError
		sel   *engine.SelectionError
		live  *engine.SavedLiveError
		plan  *engine.PlanFileError
	)
	switch {
	case errors.As(err, &prune):
		return fmt.Errorf("--prune needs `owner:` in %s: without it imcsync cannot tell this file's caches from others', so nothing would be deleted; set owner, or leave out --prune", prune.Path)
	case errors.As(err, &sel):
		var problems []string
		for _, u := range sel.Problems {
			flag := "--region"
			if u.Target {
				flag = "--target"
			}
			problems = append(problems, flag+" "+u.Value+" "+u.Describe())
		}
		return errors.New(strings.Join(problems, "; "))
	case errors.As(err, &live):
		return fmt.Errorf("--live %s: %w", live.Path, live.Err)
	case errors.As(err, &plan):
		return fmt.Errorf("%s is not a plan file this imcsync can read (%w); plan again with `imcsync plan --out`", plan.Path, plan.Err)
	}
	return err
}
