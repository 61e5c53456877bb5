package planner

import (
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// diffTags compares the tag set the cache should have with the live one. The field
// change covers the user tags: its After is the whole set of them (the declared ones, or
// the live ones when tags are not managed). The reserved tags the cache should carry are
// returned apart, for its bookkeeping; count is the size of the whole set.
func diffTags(f *spec.File, d *spec.Cache, l *cloud.Cache, rec record, ignored map[string]bool) (fc *FieldChange, reserved map[string]string, count int) {
	user, live := map[string]string{}, map[string]string{}
	declared := d.Tags != nil && !ignored[tagsField]
	for k, v := range l.Tags {
		if strings.HasPrefix(k, spec.ReservedTagPrefix) {
			continue
		}
		live[k] = v
		if SystemTag(k) || !declared || ignored["tags."+k] {
			user[k] = v
		}
	}
	if declared {
		for k, v := range d.Tags {
			if !ignored["tags."+k] {
				user[k] = v
			}
		}
	}
	reserved = reservedTags(f, l.Tags, rec)
	for k, v := range l.Tags {
		if _, ours := reserved[k]; !ours && strings.HasPrefix(k, spec.ReservedTagPrefix) {
			reserved[k] = v // e.g. imcsync:prune, set by hand: kept as it is
		}
	}
	count = len(user) + len(reserved)
	if maps.Equal(user, live) {
		return nil, reserved, count
	}
	return &FieldChange{Field: tagsField, Before: plainTags(live), After: plainTags(user), Send: true}, reserved, count
}

// bookkeeping lists the reserved tags whose value in want differs from live, sorted by
// tag. Reserved tags are never removed.
func bookkeeping(live, want map[string]string) []Bookkeeping {
	var out []Bookkeeping
	for _, k := range slices.Sorted(maps.Keys(want)) {
		after := want[k]
		before, had := live[k]
		if had && before == after {
			continue
		}
		b := Bookkeeping{Tag: k, After: &after}
		if had {
			b.Before = &before
		}
		out = append(out, b)
	}
	return out
}

// SystemTag reports whether a tag key belongs to Alibaba Cloud (`acs:`, `aliyun…`): users
// cannot set such tags, so the planner keeps them as they are and never compares them.
func SystemTag(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "acs:") || strings.HasPrefix(k, "aliyun")
}

// reservedTags are the bookkeeping tags a cache needs: the owner when the file sets one,
// the record when any recorded field is managed (or was recorded before).
func reservedTags(f *spec.File, live map[string]string, rec record) map[string]string {
	tags := map[string]string{}
	if f.Owner != "" {
		tags[spec.OwnerTag] = f.Owner
	}
	if len(rec) > 0 {
		tags[spec.RecordTag] = rec.format()
		if v, ok := live[spec.RecordTag]; ok && rec.sameAs(v) {
			tags[spec.RecordTag] = v // equal as a map: order and spelling are not a change
		}
	} else if v, ok := live[spec.RecordTag]; ok {
		tags[spec.RecordTag] = v
	}
	return tags
}

// plainTags is a tag set as a plain value (spec.Plain); no tags is an empty map.
func plainTags(tags map[string]string) map[string]any {
	out := make(map[string]any, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}
