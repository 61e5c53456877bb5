package render

import (
	"strings"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// bookkeepingNote is the one quiet line that stands for a change's bookkeeping: the
// reserved tags written and, for a cache without a record, the write-only values
// recorded without being sent; "" when there is none. Its values (digests, the owner,
// the file) are in the plan JSON, not here.
func bookkeepingNote(bk []planner.Bookkeeping) string {
	var added, updated, removed, recorded []string
	for _, b := range bk {
		recorded = append(recorded, b.Recorded...)
		switch {
		case b.After == nil:
			removed = append(removed, b.Tag)
		case b.Before == nil:
			added = append(added, b.Tag)
		default:
			updated = append(updated, b.Tag)
		}
	}
	var tags []string
	for _, g := range []struct {
		verb string
		tags []string
	}{{"adds", added}, {"updates", updated}, {"removes", removed}} {
		if len(g.tags) > 0 {
			tags = append(tags, g.verb+" "+strings.Join(g.tags, ", "))
		}
	}
	if len(tags) == 0 {
		return ""
	}
	note := "bookkeeping tags: " + strings.Join(tags, "; ")
	if len(recorded) > 0 {
		note += " (recording the declared write-only values of " + strings.Join(recorded, ", ") + ": nothing is sent for them)"
	}
	return note
}

// hasBookkeeping reports whether any change writes bookkeeping tags.
func hasBookkeeping(changes []*planner.Change) bool {
	for _, c := range changes {
		if len(c.Bookkeeping) > 0 {
			return true
		}
	}
	return false
}

// bookkeepingFootnote explains the markdown table's bookkeeping mark.
const bookkeepingFootnote = "¹ and imcsync's bookkeeping: its reserved tags (" + spec.OwnerTag + ", " + spec.SourceTag + ", " +
	spec.RecordTag + ") and, for a cache it did not create, the declared write-only values recorded without being sent. " +
	"Bookkeeping changes nothing in the cache and is never drift."
