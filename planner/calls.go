package planner

import (
	"fmt"
	"slices"

	"github.com/imcsync/imcsync/spec"
)

// The API calls that carry field changes (FieldChange.Call).
const (
	CallCreate = "CreateImageCache" // every field of a new cache, its tags included
	CallUpdate = "UpdateImageCache" // the changed non-tag fields of an existing cache
	CallTag    = "TagResources"     // tags an existing cache gains or whose value changes
	CallUntag  = "UntagResources"   // tags an existing cache loses
	// CallTagAndUntag carries a tag change that both sets and removes tags.
	CallTagAndUntag = CallTag + "+" + CallUntag
)

// tagsField is the field name of the tag set.
const tagsField = "tags"

// assignCalls names, on each field change that is sent, the call that carries it. Tags of
// an existing cache go through the tag API: its semantics are documented (add/overwrite,
// remove), it changes metadata only, and it needs no status precondition, whereas
// UpdateImageCache's handling of Tag.N is not documented.
func assignCalls(ch *Change) {
	for i := range ch.Fields {
		fc := &ch.Fields[i]
		switch {
		case !fc.Send:
			fc.Call = ""
		case ch.Action == Create || ch.Action == Replace:
			fc.Call = CallCreate
		case fc.Field == tagsField:
			set, remove, _ := fc.tagDelta()
			switch {
			case len(set) > 0 && len(remove) > 0:
				fc.Call = CallTagAndUntag
			case len(remove) > 0:
				fc.Call = CallUntag
			default:
				fc.Call = CallTag
			}
		default:
			fc.Call = CallUpdate
		}
	}
}

// ViaTagAPI reports whether the tag calls carry the change: it changes metadata only and
// never rebuilds the cache.
func (fc FieldChange) ViaTagAPI() bool {
	return fc.Call == CallTag || fc.Call == CallUntag || fc.Call == CallTagAndUntag
}

// TagsOnly reports whether tags (the user tags, the bookkeeping or both) are all that
// applying the change to an existing cache sends: it needs no UpdateImageCache, so no
// status precondition.
func (c Change) TagsOnly() bool {
	tags := len(c.Bookkeeping) > 0
	for _, fc := range c.Fields {
		if fc.Send {
			if fc.Field != tagsField {
				return false
			}
			tags = true
		}
	}
	return tags
}

// TagDelta returns what the change asks of the tag API, its user tags and its
// bookkeeping together: the tags to set (TagResources: new keys and changed values) and
// the keys to remove (UntagResources), sorted. Both are empty when the change sends no
// tags. It works on a change read back from a plan file as well.
func (c Change) TagDelta() (set map[string]string, remove []string, err error) {
	set = map[string]string{}
	for _, fc := range c.Fields {
		if fc.Send && fc.Field == tagsField {
			if set, remove, err = fc.tagDelta(); err != nil {
				return nil, nil, fmt.Errorf("%s/%s: reading the plan's tags: %w", c.Region, c.Name, err)
			}
		}
	}
	for _, b := range c.Bookkeeping {
		switch {
		case b.After != nil:
			set[b.Tag] = *b.After
		case b.Before != nil:
			remove = append(remove, b.Tag)
		}
	}
	slices.Sort(remove)
	return set, remove, nil
}

// tags is the whole tag set a create sends: the user tags and the reserved ones.
func (c Change) tags() (map[string]any, error) {
	out := map[string]any{}
	for _, fc := range c.Fields {
		if fc.Send && fc.Field == tagsField {
			after, err := spec.StringMap(fc.After)
			if err != nil {
				return nil, err
			}
			for k, v := range after {
				out[k] = v
			}
		}
	}
	for _, b := range c.Bookkeeping {
		if b.After != nil {
			out[b.Tag] = *b.After
		}
	}
	return out, nil
}

func (fc FieldChange) tagDelta() (set map[string]string, remove []string, err error) {
	before, err := spec.StringMap(fc.Before)
	if err != nil {
		return nil, nil, err
	}
	after, err := spec.StringMap(fc.After)
	if err != nil {
		return nil, nil, err
	}
	set = map[string]string{}
	for k, v := range after {
		if old, ok := before[k]; !ok || old != v {
			set[k] = v
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			remove = append(remove, k)
		}
	}
	slices.Sort(remove)
	return set, remove, nil
}
