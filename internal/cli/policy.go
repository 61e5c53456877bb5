package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/policy"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// registerPolicy adds --policy to cmd. validate has no plan: it checks the policy file
// itself and the rules that read only cache.
func registerPolicy(cmd *cobra.Command, files *[]string) {
	usage := "check every cache and the plan against the rules of this policy `FILE` (repeatable; see docs/policy.md)"
	if cmd.Name() == "validate" {
		usage = "also check this policy `FILE` (repeatable; see docs/policy.md): its keys, severities and expressions, every problem at once as FILE:LINE:COL, then every cache against its rules that read only cache (rules that read change or plan run in plan and apply)"
	}
	cmd.Flags().StringArrayVar(files, "policy", nil, usage)
}

// loadPolicy loads the --policy files, before anything else is read or sent; nil
// without them. Problems in them are printed like the file's (FILE:LINE:COL lines, or
// annotations in GitHub Actions).
func (a *app) loadPolicy(files []string) (*policy.Policy, error) {
	if len(files) == 0 {
		return nil, nil
	}
	p, err := policy.Load(files...)
	var problems spec.Errors
	var pathErr *fs.PathError
	switch {
	case err == nil:
		return p, nil
	case errors.As(err, &problems):
		if a.inGitHubActions() {
			writeAnnotations(a.stderr, "error", problems)
		} else {
			fmt.Fprintln(a.stderr, problems.Error())
		}
		return nil, errors.New("the policy is invalid: nothing was checked or sent")
	case errors.As(err, &pathErr) && errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("--policy %s: file not found", pathErr.Path)
	}
	return nil, fmt.Errorf("--policy: %w", err)
}

// annotatePolicy writes, in GitHub Actions, each policy result as an annotation on the
// cache's line (or the rule's, for a rule about the whole plan).
func (a *app) annotatePolicy(results []planner.PolicyResult) {
	if a.inGitHubActions() {
		writePolicyAnnotations(a.stderr, results)
	}
}

// writePolicyAnnotations writes results as `::error file=F,line=L,col=C::CACHE: policy
// rule R: MESSAGE` (::warning for warnings).
func writePolicyAnnotations(w io.Writer, results []planner.PolicyResult) {
	for _, r := range results {
		cache := r.Cache
		if cache == "" {
			cache = "plan"
		}
		fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d::%s\n", r.Severity, escapeProperty(r.File), r.Line, r.Column,
			escapeData(fmt.Sprintf("%s: policy rule %s: %s", cache, r.Rule, r.Message)))
	}
}

// policyError is the exit of a command whose plan or file breaks error-severity rules,
// naming them; nil when none is broken.
func policyError(results []planner.PolicyResult, what string) error {
	if !policy.Failed(results) {
		return nil
	}
	var rules []string
	for _, r := range results {
		if r.Severity == planner.SeverityError && !slices.Contains(rules, r.Rule) {
			rules = append(rules, r.Rule)
		}
	}
	return fmt.Errorf("policy: %s broken (%s): %s", count(len(rules), "error-severity rule"), strings.Join(rules, ", "), what)
}

// refusePolicy stops apply before any call when the plan breaks error-severity rules:
// the view shows the plan with what the rules found (render.ApplyView.Refused), and
// apply exits 1.
func (a *app) refusePolicy(view *render.ApplyView, plan *planner.Plan) error {
	broken := policyError(plan.Policy, "nothing was applied")
	if broken == nil {
		return nil
	}
	if err := view.Refused(plan); err != nil {
		return err
	}
	a.annotatePolicy(plan.Policy)
	return broken
}

// refusePolicyWithSavedPlan refuses `apply PLANFILE --policy`: the policy was checked
// when the plan was made, and a saved plan has no file to check it again against; the
// plan's own policy list is checked instead (engine.ApplySaved).
func refusePolicyWithSavedPlan(given func(flag string) bool) error {
	if given("policy") {
		return errors.New("apply PLANFILE applies the saved plan as it was made and checked: give --policy to `imcsync plan --out` instead (apply refuses a saved plan that breaks an error-severity rule); nothing was applied")
	}
	return nil
}
