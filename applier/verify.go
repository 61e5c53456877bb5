package applier

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
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

// sent is what the accepted calls of a change sent: the request of its CreateImageCache
// or UpdateImageCache, and, for an existing cache, the tags set and removed through the
// tag calls.
type sent struct {
	req       planner.Request
	tagSet    map[string]string
	tagRemove []string
}

// verify compares what was sent with the cache as read back: every sent field the API
// reads back (spec.Field.ReadBack). Tags of a create: every sent key must show its value,
// and a live key that was not sent must be a system tag (planner.SystemTag): the sent
// set is the whole set the cache should carry. Tags of an existing cache: every key set
// must show its value, and every key removed must be gone.
func verify(s sent, live cloud.Cache) []mismatch {
	var out []mismatch
	for _, param := range slices.Sorted(maps.Keys(s.req)) {
		f, ok := spec.FieldByParam(param)
		if !ok || !f.ReadBack() || f.Type == spec.TypeTags {
			continue
		}
		shown, err := f.Wire(f.Live(&live))
		if err != nil || !reflect.DeepEqual(shown, s.req[param]) {
			out = append(out, mismatch{field: f.Key, sent: format(s.req[param]), shown: format(shown)})
		}
	}
	want := map[string]string{}
	var keys []string
	if tagsSent, whole := s.req[tagsParam].([]cloud.Tag); whole {
		for _, t := range tagsSent {
			want[t.Key] = t.Value
		}
		for k := range live.Tags {
			if _, ok := want[k]; !ok && !planner.SystemTag(k) {
				keys = append(keys, k)
			}
		}
	}
	maps.Copy(want, s.tagSet)
	keys = append(keys, slices.Collect(maps.Keys(want))...)
	keys = append(keys, s.tagRemove...)
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		w, wantOK := want[k]
		got, gotOK := live.Tags[k]
		if wantOK != gotOK || w != got {
			out = append(out, mismatch{field: "tags." + k, sent: tagValue(w, wantOK), shown: tagValue(got, gotOK)})
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
