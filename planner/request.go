package planner

import (
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// Request is what applying a change sends through CreateImageCache or UpdateImageCache:
// the After value of each FieldChange marked Send, by API parameter, converted once by
// spec's field table (spec.Field.Wire) to the Go values eci takes (cloud.Params). For a
// create (and the create of a replace), ImageCacheName holds the cache's name and Tag
// the whole tag set, the bookkeeping's reserved tags included. An update's tags are not
// in it: the tag calls carry them (Change.TagDelta). It is made from the change itself,
// so a plan read back from a plan file yields the same Request as a fresh one. Registry
// credentials name their password's environment variable; the applier resolves it.
type Request cloud.Params

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
		f, err := sentField(fc, create)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", c.Region, c.Name, err)
		}
		if fc.Field == tagsField {
			continue
		}
		if r[f.Param], err = f.Wire(fc.After); err != nil {
			return nil, fmt.Errorf("%s/%s: reading the plan's fields: %s: %w", c.Region, c.Name, fc.Field, err)
		}
		if err := f.InBounds(r[f.Param]); err != nil {
			return nil, fmt.Errorf("%s/%s: %w", c.Region, c.Name, err)
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
		name, _ := spec.FieldByKey("name")
		r[name.Param] = c.Name
		tags, err := c.tags()
		if err != nil {
			return nil, fmt.Errorf("%s/%s: reading the plan's tags: %w", c.Region, c.Name, err)
		}
		if len(tags) > 0 {
			f, _ := spec.FieldByKey(tagsField)
			if r[f.Param], err = f.Wire(tags); err != nil {
				return nil, fmt.Errorf("%s/%s: reading the plan's tags: %w", c.Region, c.Name, err)
			}
		}
	}
	return r, nil
}

// Credentials returns the registry credentials the request sends, if any.
func (r Request) Credentials() []spec.RegistryCredential {
	var out []spec.RegistryCredential
	for _, v := range r {
		creds, _ := v.([]cloud.RegistryCredential)
		for _, c := range creds {
			out = append(out, spec.RegistryCredential{Server: c.Server, UserName: c.UserName, PasswordFromEnv: c.PasswordFromEnv})
		}
	}
	return out
}

// sentField is the table's row of a sent field change, checked against the calls that
// take it.
func sentField(fc FieldChange, create bool) (spec.Field, error) {
	f, ok := spec.FieldByKey(fc.Field)
	switch {
	case !ok || (!f.OnCreate && !f.OnUpdate):
		return f, fmt.Errorf("unknown field %q: not a field this imcsync sends", fc.Field)
	case create && !f.OnCreate:
		return f, fmt.Errorf("CreateImageCache does not take %s", fc.Field)
	case !create && !f.OnUpdate && fc.Field != tagsField:
		return f, fmt.Errorf("the plan sends %s, which only CreateImageCache takes", fc.Field)
	}
	return f, nil
}
