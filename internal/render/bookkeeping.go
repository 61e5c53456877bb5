package render

import (
	"fmt"

	"github.com/imcsync/imcsync/planner"
)

// bookkeepingLine is the one line that stands for the whole plan's bookkeeping: the
// caches to which apply writes only imcsync's reserved tags (and, for a cache it did
// not create, the record of its declared write-only values, none of them sent); "" when
// there are none. Which tags, per cache, is in the plan JSON only. Caches with changes
// get their bookkeeping with the change, unannounced.
func bookkeepingLine(p *planner.Plan) string {
	n := p.Summary.Bookkeeping
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("imcsync also records its bookkeeping tags on %s; nothing else is sent for them (apply writes them; plan -o json lists them).",
		plural(n, "cache"))
}
