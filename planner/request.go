package planner

import (
	"fmt"

	"github.com/imcsync/imcsync/spec"
)

// Request is what applying a change sends: the After value of each FieldChange marked
// Send, by YAML key, as plain values (spec.Plain) checked against spec's field table.
// For a create (and the create of a replace), "name" holds the cache's name. It is made
// from the change itself, so a plan read back from a plan file yields the same Request
// as a fresh one.
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
		r[fc.Field] = fc.After
	}
	if create {
		r["name"] = c.Name
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
