package planner

import (
	"errors"
	"fmt"
	"slices"
)

// Check lists every problem of a plan read from a file: unknown actions, duplicate
// caches, waits_for other than an update's wait for Ready, bookkeeping of other tags
// than reserved ones, a delete the plan was not made with --prune for, a replace it was not made
// with --replace for, fields this build cannot send, a summary that does not match the
// changes.
func (p *Plan) Check() error {
	var errs []error
	bad := func(i int, c Change, format string, args ...any) {
		errs = append(errs, fmt.Errorf("changes[%d] (%s/%s): %s", i, c.Region, c.Name, fmt.Sprintf(format, args...)))
	}
	names := map[string]int{}
	ids := map[string]int{}
	for i, c := range p.Changes {
		if c.Region == "" || c.Name == "" {
			bad(i, c, "region and name are required")
		}
		if !c.Action.known() {
			bad(i, c, "unknown action %q", c.Action)
			continue
		}
		key := c.Region + "/" + c.Name
		if c.Action != Delete { // undeclared caches may share a name; declared ones may not
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
		case Update, Delete, Replace:
			if c.ID == "" {
				bad(i, c, "a %s needs the live cache's id", c.Action)
			}
		case Create:
			if c.ID != "" {
				bad(i, c, "a create has no id")
			}
		}
		switch {
		case c.WaitsFor != "" && c.Action != Update:
			bad(i, c, "waits_for on a %s: only an update waits", c.Action)
		case c.WaitsFor != "" && c.WaitsFor != WaitsReady:
			bad(i, c, "waits_for %.40q: an update waits only for %s", c.WaitsFor, WaitsReady)
		case len(c.Bookkeeping) > 0 && (c.Action == Noop || c.Action == Delete):
			bad(i, c, "bookkeeping on a %s", c.Action)
		}
		switch {
		case c.Action == Delete && p.Owner == "":
			bad(i, c, "a delete, but the plan names no owner")
		case c.Action == Delete && !p.Prune && c.DuplicateOf == "":
			bad(i, c, "a delete, but the plan was not made with --prune and an owner")
		case c.Action == Replace && len(c.Refresh) == 0 && !slices.Contains(p.Replace, c.Name) && !slices.Contains(p.Replace, key):
			bad(i, c, "a replace, but the plan was not made with --replace %s (nor does it rebuild for a moved tag)", c.Name)
		}
		if c.Action.Mutates() {
			if _, err := c.Request(); err != nil {
				bad(i, c, "%v", errors.Unwrap(err))
			}
		}
	}
	// Plan files written before summary.bookkeeping existed count those updates in update.
	got := Summarize(p.Changes)
	older := got
	older.Update, older.Bookkeeping = got.Update+got.Bookkeeping, 0
	if got != p.Summary && older != p.Summary {
		errs = append(errs, fmt.Errorf("summary %+v does not match the changes (%+v): the file was edited", p.Summary, got))
	}
	return errors.Join(errs...)
}
