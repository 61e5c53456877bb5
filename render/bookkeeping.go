package render

import (
	"strings"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// bookkeepingNotes are the quiet lines that stand for a change's bookkeeping: one for
// write-only values recorded without being sent, one for the reserved tags written.
// Their values (digests, the owner, the file) are in the plan JSON, not here.
func bookkeepingNotes(bk []planner.Bookkeeping) []string {
	var notes []string
	var added, updated, removed []string
	for _, b := range bk {
		if len(b.Recorded) > 0 {
			notes = append(notes, "imcsync will record the declared write-only values of "+
				strings.Join(b.Recorded, ", ")+"; nothing is sent for them")
		}
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
	if len(tags) > 0 {
		notes = append(notes, "bookkeeping tags: "+strings.Join(tags, "; "))
	}
	return notes
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
