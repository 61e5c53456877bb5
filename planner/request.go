package planner

import (
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/spec"
)

// Request is what applying a change sends through CreateImageCache or UpdateImageCache:
// the After value of each FieldChange marked Send, by YAML key, as plain values
// (spec.Plain) checked against spec's field table. For a create (and the create of a
// replace), "name" holds the cache's name and "tags" the whole tag set, the bookkeeping's
// reserved tags included. An update's tags are not in it: the tag calls carry them
// (Change.TagDelta). It is made from the change itself, so a plan read back from a plan
// file yields the same Request as a fresh one.
type Request map[string]any

// Request returns what applying the change sends. It fails for a field this build does
// not know, a field the change's call does not take, or a value of the wrong type (a
// plan file from a newer build, or an edited one).
func (c Change) Request() (Request, error) {
	r := Request{}
	create := c.Action == Create || c.Action == Replace
	for _, fc := range c.Fields {
		if !fc.Send {
			continue
		}
		if err := checkSent(fc, create); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", c.Region, c.Name, err)
		}
		if fc.Field != tagsField {
			r[fc.Field] = fc.After
		}
	}
	for _, b := range c.Bookkeeping {
		var err error
		switch {
		case !strings.HasPrefix(b.Tag, spec.ReservedTagPrefix):
			err = fmt.Errorf("bookkeeping of tag %.80q: only tags starting with %s are bookkeeping", b.Tag, spec.ReservedTagPrefix)
		case b.After == nil && (create || b.Before == nil):
			err = fmt.Errorf("bookkeeping of tag %s has no value", b.Tag)
		}
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", c.Region, c.Name, err)
		}
	}
	if create {
		r["name"] = c.Name
		tags, err := c.tags()
		if err != nil {
			return nil, fmt.Errorf("%s/%s: reading the plan's tags: %w", c.Region, c.Name, err)
		}
		if len(tags) > 0 {
			r[tagsField] = tags
		}
	}
	return r, nil
}

// Credentials returns the registry credentials the request sends, if any.
func (r Request) Credentials() []spec.RegistryCredential {
	var out []spec.RegistryCredential
	for key, v := range r {
		if f, ok := spec.FieldByKey(key); ok && f.Type == spec.TypeCredentials {
			creds, _ := spec.Credentials(v) // checked by Change.Request
			out = append(out, creds...)
		}
	}
	return out
}

// checkSent checks a sent field change against spec's field table.
func checkSent(fc FieldChange, create bool) error {
	f, ok := spec.FieldByKey(fc.Field)
	switch {
	case !ok || (!f.OnCreate && !f.OnUpdate):
		return fmt.Errorf("unknown field %q: not a field this imcsync sends", fc.Field)
	case create && !f.OnCreate:
		return fmt.Errorf("CreateImageCache does not take %s", fc.Field)
	case !create && !f.OnUpdate && fc.Field != tagsField:
		return fmt.Errorf("the plan sends %s, which only CreateImageCache takes", fc.Field)
	}
	if err := f.Type.Check(fc.After); err != nil {
		return fmt.Errorf("reading the plan's fields: %s: %w", fc.Field, err)
	}
	return nil
}
