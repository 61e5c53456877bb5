package planner

import (
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/spec"
)

// The record tag (spec.RecordTag) holds a short digest of each write-only and
// create-only field's value as last applied, keyed by the field's spec.Field.RecordKey:
//
//	v2;fl=hX3a;sg=Zq0_
//
// Entries are sorted by key, and read back as a map, so that adding a field to the
// table never changes the record of a cache that does not declare it. An entry whose
// key this build does not know (a newer build wrote it) is kept as it is.
//
// Records of format v1 ("v1." and a hex digest or "-" per field, by position: see
// spec.Field.RecordV1) are read into the same map; the planner then rewrites them as
// v2, a change of the tag alone that sends no field.
const (
	recordVersion   = "v2"
	recordV1        = "v1"
	unrecordedField = "-"
)

// record is the parsed record tag: record key → digest.
type record map[string]string

// byRecordKey finds the recorded fields by record key and by v1 position.
var (
	byRecordKey = map[string]spec.Field{}
	byV1        = map[int]spec.Field{}
)

func init() {
	for _, f := range recordedFields {
		byRecordKey[f.RecordKey] = f
		if f.RecordV1 > 0 {
			byV1[f.RecordV1] = f
		}
	}
}

// desiredRecord is the record of a declared cache: digests of every recorded field it
// manages.
func desiredRecord(c *spec.Cache) record {
	r := record{}
	for _, f := range recordedFields {
		if d := f.Digest(c); d != "" {
			r[f.RecordKey] = d
		}
	}
	return r
}

// digestOf returns the record's digest of the field, "" when it holds none.
func (r record) digestOf(f spec.Field) string { return r[f.RecordKey] }

// format renders the record as a tag value.
func (r record) format() string {
	var b strings.Builder
	b.WriteString(recordVersion)
	for _, k := range slices.Sorted(maps.Keys(r)) {
		b.WriteString(";" + k + "=" + r[k])
	}
	return b.String()
}

// sameAs reports whether the tag value is a current-format record equal to r as a map.
func (r record) sameAs(value string) bool {
	have, ok := parseRecord(value)
	return ok && strings.HasPrefix(value, recordVersion+";") && maps.Equal(have, r)
}

// parseRecord reads a record tag value of format v2 or v1. ok is false when the value is
// missing or not a record this build understands, which the planner treats as no record
// at all.
func parseRecord(value string) (r record, ok bool) {
	if v1, isV1 := strings.CutPrefix(value, recordV1+"."); isV1 {
		return parseRecordV1(v1)
	}
	entries := strings.Split(value, ";")
	if entries[0] != recordVersion {
		return nil, false
	}
	r = record{}
	for _, e := range entries[1:] {
		k, d, found := strings.Cut(e, "=")
		if !found || k == "" || d == "" {
			return nil, false
		}
		if _, dup := r[k]; dup {
			return nil, false
		}
		r[k] = d
	}
	return r, true
}

// parseRecordV1 reads the positions of a v1 record (after "v1.").
func parseRecordV1(value string) (record, bool) {
	r := record{}
	for i, p := range strings.Split(value, ".") {
		f, known := byV1[i+1]
		if !known {
			return nil, false
		}
		if p == unrecordedField {
			continue
		}
		d, ok := spec.DigestOfHex(p)
		if !ok {
			return nil, false
		}
		r[f.RecordKey] = d
	}
	return r, true
}
