package engine

import (
	"fmt"
	"strings"
)

// The errors below are the engine's refusals that a front end words in its own terms
// (the command line in its flags); their messages say the same in the engine's.

// PruneWithoutOwnerError refuses pruning a file that sets no owner: without it the
// file's caches cannot be told from others', so nothing would be deleted.
type PruneWithoutOwnerError struct {
	Path string // the file
}

func (e *PruneWithoutOwnerError) Error() string {
	return fmt.Sprintf("pruning needs `owner:` in %s: without it imcsync cannot tell this file's caches from others', so nothing would be deleted; set owner, or do not prune", e.Path)
}

// SelectionError refuses regions and targets (PlanOptions) that name nothing, so that a
// typo is not a plan of nothing reported as "No changes" forever.
type SelectionError struct {
	Problems []Unselected
}

// Unselected is one region or target that names nothing.
type Unselected struct {
	Target  bool     // a target; else a region
	Value   string   // as given
	Where   string   // where it was looked for, e.g. "in imagecaches.yaml nor a live one"
	Closest []string // the nearest names there, closest first
}

// Describe says what u names nothing of, after "region X " or "target X ".
func (u Unselected) Describe() string {
	what := "region"
	if u.Target {
		what = "image cache"
	}
	s := "names no " + what + " " + u.Where
	if len(u.Closest) > 0 {
		s += "; closest: " + strings.Join(u.Closest, ", ")
	}
	return s
}

func (e *SelectionError) Error() string {
	var problems []string
	for _, u := range e.Problems {
		what := "region"
		if u.Target {
			what = "target"
		}
		problems = append(problems, what+" "+u.Value+" "+u.Describe())
	}
	return strings.Join(problems, "; ")
}

// SavedLiveError is a failure to read saved DescribeImageCaches output (Saved).
type SavedLiveError struct {
	Path string
	Err  error
}

func (e *SavedLiveError) Error() string {
	return fmt.Sprintf("saved DescribeImageCaches output %s: %v", e.Path, e.Err)
}

func (e *SavedLiveError) Unwrap() error { return e.Err }

// PlanFileError is a file ReadPlan cannot read as a plan.
type PlanFileError struct {
	Path string
	Err  error
}

func (e *PlanFileError) Error() string {
	return fmt.Sprintf("%s is not a plan file this imcsync can read (%v); make the plan again and save it", e.Path, e.Err)
}

func (e *PlanFileError) Unwrap() error { return e.Err }
