package planner

import (
	"slices"

	"github.com/imcsync/imcsync/spec"
)

// fields are the fields of spec's table that a plan diffs, in the table's order (the
// order of a plan's field list): every field the API takes except the identity ones and
// tags, which carry the reserved tags and are diffed on their own (diffTags). Read-back
// fields are compared with the live cache, the others with the record tag.
var fields = func() []spec.Field {
	var out []spec.Field
	for _, f := range spec.CacheFields() {
		if f.Managed != spec.Identity && f.Managed != spec.Local && f.Key != tagsField {
			out = append(out, f)
		}
	}
	return out
}()

// recordedFields are the fields whose digests the record tag holds.
var recordedFields = slices.DeleteFunc(slices.Clone(fields), func(f spec.Field) bool { return !f.Recorded() })
