package planner

import (
	"maps"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// OnlyThisChanged reports whether l differs from the cache the change was planned
// against (Fingerprint) in nothing but what the change sets, whether it is applied or
// not (compare the After values for that): with each read-back field the change sets back at its
// Before value, and each reserved tag it writes back at its Before value (absent when
// it had none), l has the change's fingerprint. It is false for a cache that moved
// elsewhere too, in a field the change does not set, and for a change planned against
// no cache (a create).
func (c Change) OnlyThisChanged(l cloud.Cache) bool {
	if c.Fingerprint == "" {
		return false
	}
	content := map[string]any{}
	for _, f := range spec.CacheFields() {
		if f.ReadBack() {
			content[f.Key] = f.Live(&l)
		}
	}
	tags := maps.Clone(l.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	for _, fc := range c.Fields {
		f, ok := spec.FieldByKey(fc.Field)
		switch {
		case !ok || !f.ReadBack():
		case fc.Field == tagsField:
			maps.DeleteFunc(tags, func(k, _ string) bool { return !strings.HasPrefix(k, spec.ReservedTagPrefix) })
			before, _ := fc.Before.(map[string]any)
			for k, v := range before {
				s, _ := v.(string)
				tags[k] = s
			}
		default:
			content[f.Key] = fc.Before
		}
	}
	for _, b := range c.Bookkeeping {
		if b.Before == nil {
			delete(tags, b.Tag)
		} else {
			tags[b.Tag] = *b.Before
		}
	}
	tagsOf, _ := spec.FieldByKey(tagsField)
	content[tagsField] = tagsOf.Live(&cloud.Cache{Tags: tags})
	if fingerprintOf(content) == c.Fingerprint {
		return true
	}
	if len(tags) == 0 { // read without tags at all, rather than with none
		content[tagsField] = nil
		return fingerprintOf(content) == c.Fingerprint
	}
	return false
}
