package planner

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/ownership"
	"github.com/imcsync/imcsync/spec"
)

// rebuild plans creating the declared cache afresh in place of the live one, as replace
// and refresh do: a replace, or blocked with the reason the create is blocked for.
func rebuild(f *spec.File, d *spec.Cache, l *cloud.Cache, source, built string) Change {
	ch := create(f, d, source, built)
	ch.ID, ch.Status, ch.Fingerprint = l.ID, string(l.Status), Fingerprint(*l)
	if ch.Action != Blocked {
		ch.Action = Replace
	}
	return ch
}

// replace plans deleting the live cache and creating the declared one afresh.
func replace(f *spec.File, d *spec.Cache, l *cloud.Cache, source, built string) Change {
	ch := rebuild(f, d, l, source, built)
	if ch.Action == Blocked {
		ch.Reason = "cannot replace: " + ch.Reason
		return ch
	}
	ch.ReasonCode = ReasonReplaceRequested
	ch.Reason = fmt.Sprintf("--replace: %s is deleted, then created again from the file", l.ID)
	return ch
}

// refresh plans rebuilding a cache whose image tags moved (see freshness): a new cache
// is created and the live one deleted once the new one is Ready. upd is the update the
// cache would get otherwise; when it is blocked, or the cache is busy or pinned by id,
// the refresh waits (or is blocked) and the built tag is left as it is, so that the
// next plan sees the moved tags again.
func refresh(f *spec.File, d *spec.Cache, l *cloud.Cache, upd Change, moved []Refresh, source, built string) Change {
	switch {
	case upd.Action == Blocked:
		upd.Refresh = moved
		return upd
	case l.Status != cloud.Ready:
		return upd // rebuilt by a later plan, once the cache is Ready
	case d.ID != "":
		upd.Refresh = moved
		upd.block(ReasonMovedTagsPinned, fmt.Sprintf("image tags moved, but the file pins this cache by `id: %s` and a rebuilt cache gets a new id; remove `id:` (the cache is then found by name), or set `refresh: never`", d.ID))
		return upd
	}
	ch := rebuild(f, d, l, source, built)
	ch.Refresh = moved
	if ch.Action == Blocked {
		ch.Reason = "image tags moved, but the cache cannot be rebuilt: " + ch.Reason
		return ch
	}
	user := d.Tags
	if d.Tags == nil { // tags not managed: the new cache keeps the live user tags
		user = map[string]string{}
		for k, v := range l.Tags {
			if !strings.HasPrefix(k, spec.ReservedTagPrefix) && !SystemTag(k) {
				user[k] = v
			}
		}
		if len(user) > 0 {
			ch.Fields = append(ch.Fields, FieldChange{Field: tagsField, After: plainTags(user), Send: true})
		}
	}
	if len(ch.Bookkeeping)+len(user) < spec.MaxTags {
		id := l.ID
		ch.Bookkeeping = append(ch.Bookkeeping, Bookkeeping{Tag: spec.ReplacesTag, After: &id})
		slices.SortFunc(ch.Bookkeeping, func(a, b Bookkeeping) int { return strings.Compare(a.Tag, b.Tag) })
	}
	ch.ReasonCode = ReasonMovedTags
	ch.Reason = fmt.Sprintf("image tags moved: a new cache is built from them, and %s is deleted once the new one is Ready", l.ID)
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
	desired, lives := selected(f, live, opts)
	pairs, _ := match(f.Owner, desired, lives)
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
