package render

import (
	"fmt"

	"github.com/imcsync/imcsync/planner"
)

// bookkeepingLine is the one line that stands for the whole plan's bookkeeping, "" when
// there is none: how many existing caches get imcsync's reserved tags written (and, for
// a cache it did not create, the record of its declared write-only values, none of them
// sent) — with the changes shown above, or alone, nothing else being sent for them.
// Which tags, per cache, is in the plan JSON only; a create's tags go with the create.
func bookkeepingLine(p *planner.Plan) string {
	alone, with := p.Summary.Bookkeeping, 0
	for _, c := range p.Changes {
		if (c.Action == planner.Update || c.Action == planner.Blocked) && len(c.Fields) > 0 && len(c.Bookkeeping) > 0 {
			with++
		}
	}
	const tail = " (apply writes them; plan -o json lists them)."
	switch {
	case alone == 0 && with == 0:
		return ""
	case with == 0:
		return fmt.Sprintf("imcsync also records its bookkeeping tags on %s; nothing else is sent for them", plural(alone, "cache")) + tail
	case alone == 0:
		return fmt.Sprintf("imcsync also records its bookkeeping tags on %s, with the changes above", plural(with, "cache")) + tail
	}
	return fmt.Sprintf("imcsync also records its bookkeeping tags on %d caches: %d with the changes above, and %d for which nothing else is sent",
		alone+with, with, alone) + tail
}
