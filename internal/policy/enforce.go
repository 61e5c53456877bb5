package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/planner"
)

// Failed reports whether any result is of an error-severity rule: validate, plan and
// apply then fail, and nothing is sent.
func Failed(results []planner.PolicyResult) bool {
	for _, r := range results {
		if r.Severity == planner.SeverityError {
			return true
		}
	}
	return false
}

// Count says how many results are errors and how many warnings.
func Count(results []planner.PolicyResult) (errs, warnings int) {
	for _, r := range results {
		if r.Severity == planner.SeverityError {
			errs++
		} else {
			warnings++
		}
	}
	return errs, warnings
}

// String is a result on one line: `FILE:LINE:COL: CACHE: SEVERITY: RULE: MESSAGE`, the
// cache "plan" for a rule about the whole plan.
func String(r planner.PolicyResult) string {
	cache := r.Cache
	if cache == "" {
		cache = "plan"
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s: policy rule %s: %s", r.File, r.Line, r.Column, cache, r.Severity, r.Rule, r.Message)
}

// Forbidden reports, before apply sends anything, the changes of plan that an error
// result forbids: those of a cache an error names, and every change when an error is
// about the whole plan. Nil when nothing mutating is forbidden.
func Forbidden(plan *planner.Plan) error {
	_, skipped := Skip(plan)
	if len(skipped) == 0 {
		return nil
	}
	names := make([]string, len(skipped))
	for i, c := range skipped {
		names[i] = c.Region + "/" + c.Name
	}
	return fmt.Errorf("%w: the policy forbids the changes of %s; nothing was applied", ErrForbidden, strings.Join(names, ", "))
}

// ErrForbidden heads the error of a plan the policy forbids to apply.
var ErrForbidden = errors.New("policy: error-severity rules are broken")

// Skip returns plan without the mutating changes an error result forbids (see
// Forbidden), and those changes; plan itself is not changed. A loop that applies what
// it can uses it to leave the forbidden caches alone.
func Skip(plan *planner.Plan) (*planner.Plan, []planner.Change) {
	all := false
	named := map[string]bool{}
	for _, r := range plan.Policy {
		if r.Severity != planner.SeverityError {
			continue
		}
		if r.Cache == "" {
			all = true
		}
		named[r.Cache] = true
	}
	if len(named) == 0 {
		return plan, nil
	}
	kept := *plan
	kept.Changes = nil
	var skipped []planner.Change
	for _, c := range plan.Changes {
		if c.Action.Mutates() && (all || named[cacheKey(c.Region, c.Name)]) {
			skipped = append(skipped, c)
			continue
		}
		kept.Changes = append(kept.Changes, c)
	}
	kept.Summary = planner.Summarize(kept.Changes)
	return &kept, skipped
}
