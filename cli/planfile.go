package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/planner"
)

// planShapingFlags would narrow or widen a plan; a saved plan is applied as saved.
var planShapingFlags = []string{"file", "region", "target", "prune", "replace"}

// refuseWithSavedPlan refuses `apply PLANFILE` with a flag that would change what the
// saved plan does, before anything is read or sent: such a flag is never ignored.
func refuseWithSavedPlan(cmd *cobra.Command) error {
	for _, name := range planShapingFlags {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return fmt.Errorf("apply PLANFILE applies the saved plan as it was made, and --%s would change it: plan again with --%s and --out, then apply that plan; nothing was applied", name, name)
		}
	}
	return nil
}

// readPlanFile reads a plan saved by `plan --out` and checks all of it before anything
// is sent: unknown keys or types, unknown actions, duplicate caches, a delete the plan
// was not made with --prune for, a replace it was not made with --replace for, fields
// this build cannot send, a summary that does not match the changes. Any problem refuses
// the whole file: a plan is never half-applied.
func readPlanFile(path string) (*planner.Plan, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var plan planner.Plan
	if err := dec.Decode(&plan); err != nil {
		return nil, fmt.Errorf("%s is not a plan file this imcsync can read (%w); plan again with `imcsync plan --out`", path, err)
	}
	if plan.FormatVersion != planner.FormatVersion {
		return nil, fmt.Errorf("%s: plan format_version %.80q, this imcsync reads %q; plan again", path, plan.FormatVersion, planner.FormatVersion)
	}
	if err := checkPlan(&plan); err != nil {
		return nil, fmt.Errorf("%s: the plan file is refused, nothing was applied:\n%w", path, err)
	}
	return &plan, nil
}

// checkPlan lists every problem of a plan read from a file.
func checkPlan(p *planner.Plan) error {
	var errs []error
	bad := func(i int, c planner.Change, format string, args ...any) {
		errs = append(errs, fmt.Errorf("changes[%d] (%s/%s): %s", i, c.Region, c.Name, fmt.Sprintf(format, args...)))
	}
	names := map[string]int{}
	ids := map[string]int{}
	for i, c := range p.Changes {
		if c.Region == "" || c.Name == "" {
			bad(i, c, "region and name are required")
		}
		if !c.Action.Known() {
			bad(i, c, "unknown action %q", c.Action)
			continue
		}
		key := c.Region + "/" + c.Name
		if c.Action != planner.Delete { // undeclared caches may share a name; declared ones may not
			if j, dup := names[key]; dup {
				bad(i, c, "the cache is already planned by changes[%d]", j)
			}
			names[key] = i
		}
		if c.ID != "" {
			if j, dup := ids[c.ID]; dup {
				bad(i, c, "id %s is already planned by changes[%d]", c.ID, j)
			}
			ids[c.ID] = i
		}
		switch c.Action {
		case planner.Update, planner.Delete, planner.Replace:
			if c.ID == "" {
				bad(i, c, "a %s needs the live cache's id", c.Action)
			}
		case planner.Create:
			if c.ID != "" {
				bad(i, c, "a create has no id")
			}
		}
		switch {
		case c.Action == planner.Delete && (!p.Prune || p.Owner == ""):
			bad(i, c, "a delete, but the plan was not made with --prune and an owner")
		case c.Action == planner.Replace && !slices.Contains(p.Replace, c.Name) && !slices.Contains(p.Replace, key):
			bad(i, c, "a replace, but the plan was not made with --replace %s", c.Name)
		}
		if c.Action.Mutates() {
			if _, err := c.Request(); err != nil {
				bad(i, c, "%v", errors.Unwrap(err))
			}
		}
	}
	if got := planner.Summarize(p.Changes); got != p.Summary {
		errs = append(errs, fmt.Errorf("summary %+v does not match the changes (%+v): the file was edited", p.Summary, got))
	}
	return errors.Join(errs...)
}

// sourcePath is the file's path relative to the root of the Git repository that holds
// it (the nearest directory above it with a .git entry), with forward slashes; "" outside
// a repository, where no path would name the file the same way from every checkout.
func sourcePath(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			if rel, err := filepath.Rel(dir, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return ""
}
