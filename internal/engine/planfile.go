package engine

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/imcsync/imcsync/planner"
)

// ReadPlan reads a saved plan (the plan JSON) and checks all of it before anything is
// sent (planner.Plan.Check): any problem refuses the whole file, so a plan is never
// half-applied. A file that is no plan at all is a PlanFileError.
func ReadPlan(path string) (*planner.Plan, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var plan planner.Plan
	if err := dec.Decode(&plan); err != nil {
		return nil, &PlanFileError{Path: path, Err: err}
	}
	if plan.FormatVersion != planner.FormatVersion {
		return nil, fmt.Errorf("%s: plan format_version %.80q, this imcsync reads %q; plan again", path, plan.FormatVersion, planner.FormatVersion)
	}
	if err := plan.Check(); err != nil {
		return nil, fmt.Errorf("%s: the plan file is refused, nothing was applied:\n%w", path, err)
	}
	return &plan, nil
}

// CheckSavedFor refuses, before anything is sent, a saved plan that apply may not trust
// as written: one whose digest does not match its decisions (edited after it was made),
// or one made against another endpoint or account than target.
func CheckSavedFor(path string, plan *planner.Plan, target planner.Target) error {
	if err := plan.CheckSeal(); err != nil {
		return fmt.Errorf("%s: %w; nothing was applied", path, err)
	}
	if why := plan.Target.Differs(target); why != "" {
		return fmt.Errorf("%s: %s; plan again against this one, nothing was applied", path, why)
	}
	return nil
}
