package applier

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/planner"
)

// Verification: once a touched cache has settled, it must show every value the accepted
// calls sent that the API reads back (name, images, size, elimination strategy, resource
// group, tags). It is the only check that catches an API that accepts a call and then
// does something else with it than the emulator does, e.g. UpdateImageCache adding tags
// where it was expected to replace them.

// mismatch is a sent value that the cache does not show.
type mismatch struct {
	field string // e.g. size, tags.team
	sent  string // formatted; "(none)" for a tag that should be absent
	shown string
}

func (m mismatch) String() string {
	return fmt.Sprintf("the API accepted %s=%s but the cache shows %s=%s", m.field, m.sent, m.field, m.shown)
}

// mismatchMessage is the outcome message for a settled cache that does not show what
// was sent.
func mismatchMessage(ms []mismatch) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, "; ")
}

const none = "(none)"

// verify compares what was sent with the cache as read back. Tags: every sent key must
// show its value, and a live key that was not sent must be a system tag (planner.SystemTag):
// the sent set is the whole set the cache should carry.
func verify(sent planner.Request, live cloud.Cache) []mismatch {
	var out []mismatch
	check := func(field string, want, got any, equal bool) {
		if !equal {
			out = append(out, mismatch{field: field, sent: format(want), shown: format(got)})
		}
	}
	if sent.Name != nil {
		check("name", *sent.Name, live.Name, live.Name == *sent.Name)
	}
	if sent.Images != nil {
		check("images", set(sent.Images), set(live.Images), slices.Equal(set(sent.Images), set(live.Images)))
	}
	if sent.Size != nil {
		check("size", *sent.Size, live.Size, live.Size == *sent.Size)
	}
	if sent.EliminationStrategy != nil {
		check("eliminationStrategy", *sent.EliminationStrategy, live.EliminationStrategy, live.EliminationStrategy == *sent.EliminationStrategy)
	}
	if sent.ResourceGroupID != nil {
		check("resourceGroupId", *sent.ResourceGroupID, live.ResourceGroupID, live.ResourceGroupID == *sent.ResourceGroupID)
	}
	if sent.Tags == nil {
		return out
	}
	keys := slices.Sorted(maps.Keys(sent.Tags))
	for k := range live.Tags {
		if _, ok := sent.Tags[k]; !ok && !planner.SystemTag(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		want, wantOK := sent.Tags[k]
		got, gotOK := live.Tags[k]
		if wantOK != gotOK || want != got {
			out = append(out, mismatch{field: "tags." + k, sent: tagValue(want, wantOK), shown: tagValue(got, gotOK)})
		}
	}
	return out
}

func tagValue(v string, ok bool) string {
	if !ok {
		return none
	}
	return format(v)
}

// format writes a value as JSON: strings quoted, numbers bare, lists in brackets.
func format(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
