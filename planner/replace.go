package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/spec"
)

// replace plans deleting the live cache and creating the declared one afresh.
func replace(f *spec.File, d *spec.Cache, l *cloud.Cache, source string) Change {
	ch := create(f, d, source)
	ch.ID, ch.Status, ch.Fingerprint = l.ID, string(l.Status), Fingerprint(*l)
	if ch.Action == Blocked {
		ch.Reason = "cannot replace: " + ch.Reason
		return ch
	}
	ch.Action = Replace
	ch.Reason = fmt.Sprintf("--replace: %s is deleted, then created again from the file", l.ID)
	return ch
}

// replaceRefusal says why a paired cache may not be replaced: its ownership tag names
// another owner than the file's. "" means it may.
func replaceRefusal(f *spec.File, pr pair) string {
	if pr.Live == nil {
		return ""
	}
	if c := ownership.Of(f.Owner, pr.Live.Tags); c.CanManage() != nil {
		return fmt.Sprintf("--replace %s: the live cache %s is owned by %q (tag %s), not by this file; nothing was planned",
			pr.Desired.Name, pr.Live.ID, c.Owner, spec.OwnerTag)
	}
	return ""
}

// CheckReplace refuses opts.Replace names that the plan could not honour: a name that
// no cache declared (and kept by the region and target filters) has, a cache whose
// pairing is ambiguous, and a live cache owned by another file. Callers check it before
// Build and stop on an error: nothing may be half-replaced.
func CheckReplace(f *spec.File, live []cloud.Cache, opts Options) error {
	if len(opts.Replace) == 0 {
		return nil
	}
	pairs, _ := match(selected(f, live, opts))
	var errs []string
	for _, name := range opts.Replace {
		found := false
		for _, pr := range pairs {
			d := pr.Desired
			if name != d.Name && name != d.Region+"/"+d.Name {
				continue
			}
			found = true
			switch {
			case pr.Problem != "":
				errs = append(errs, fmt.Sprintf("--replace %s: %s", name, pr.Problem))
			case replaceRefusal(f, pr) != "":
				errs = append(errs, replaceRefusal(f, pr))
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("--replace %s: the file declares no such cache (in the regions and targets planned); use NAME or REGION/NAME of a declared cache", name))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}
