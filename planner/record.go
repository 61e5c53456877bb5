package planner

import (
	"strings"

	"github.com/imcsync/imcsync/spec"
)

// The record tag's value is recordVersion followed, for each of recordedFields in order,
// by "." and either a short digest of the applied value or "-" when the field was not
// managed. Digests are of the declared value (a registry password is declared by the name
// of its environment variable), so a record never holds a secret.
const (
	recordVersion   = "v1"
	digestLen       = spec.DigestLen
	unrecordedField = "-"
)

// record is the parsed record tag: field key → digest ("" when not recorded).
type record map[string]string

// desiredRecord is the record of a declared cache: digests of every recorded field it
// manages.
func desiredRecord(c *spec.Cache) record {
	r := record{}
	for _, f := range recordedFields {
		if d := f.Digest(c); d != "" {
			r[f.Key] = d
		}
	}
	return r
}

// format renders the record as a tag value.
func (r record) format() string {
	var b strings.Builder
	b.WriteString(recordVersion)
	for _, f := range recordedFields {
		b.WriteByte('.')
		if d, ok := r[f.Key]; ok {
			b.WriteString(d)
		} else {
			b.WriteString(unrecordedField)
		}
	}
	return b.String()
}

// parseRecord reads a record tag value. ok is false when the value is missing or not a
// record this build understands, which the planner treats as no record at all.
func parseRecord(value string) (r record, ok bool) {
	parts := strings.Split(value, ".")
	if len(parts) == 0 || parts[0] != recordVersion || len(parts)-1 > len(recordedFields) {
		return nil, false
	}
	r = record{}
	for i, p := range parts[1:] {
		switch {
		case p == unrecordedField:
		case len(p) == digestLen:
			r[recordedFields[i].Key] = p
		default:
			return nil, false
		}
	}
	return r, true
}
