package planner

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/imcsync/imcsync/spec"
)

// UnmarshalJSON reads a field change from a plan file, unknown keys refused, with
// Before and After converted to plain values (spec.Plain) as the planner makes them: a
// plan read back holds the same values as the plan that was written.
func (fc *FieldChange) UnmarshalJSON(b []byte) error {
	type fieldChange FieldChange // without this method
	var raw struct {
		fieldChange
		Before json.RawMessage `json:"before"`
		After  json.RawMessage `json:"after"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	*fc = FieldChange(raw.fieldChange)
	var err error
	if fc.Before, err = plainJSON(raw.Before); err != nil {
		return fmt.Errorf("field %s: before: %w", fc.Field, err)
	}
	if fc.After, err = plainJSON(raw.After); err != nil {
		return fmt.Errorf("field %s: after: %w", fc.Field, err)
	}
	return nil
}

// plainJSON decodes a JSON value as a plain value; absent or null is nil.
func plainJSON(b json.RawMessage) (any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return spec.Plain(v)
}
