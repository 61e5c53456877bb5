package planner

import (
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// TestRecordFormat pins the record tag's format: keyed, sorted by key, 4-character
// digests; a golden value for a fixed declaration.
func TestRecordFormat(t *testing.T) {
	c := &spec.Cache{SecurityGroupID: p("sg-1"), VSwitchID: p("vsw-1"), Flash: p(true),
		ImageRegistryCredentials: []spec.RegistryCredential{{Server: "r.example.com", UserName: "ci", PasswordFromEnv: "PW"}}}
	const golden = "v2;fl=tb6k;rc=o6tw;sg=dLB-;vs=VbwH"
	if got := desiredRecord(c).format(); got != golden {
		t.Errorf("record = %q, want %q", got, golden)
	}
}

// TestRecordKeys: every recorded field has a short record key of its own, and the record
// of a cache declaring every one of them still fits in a tag value.
func TestRecordKeys(t *testing.T) {
	all := record{}
	for _, f := range recordedFields {
		if f.RecordKey == "" || strings.ContainsAny(f.RecordKey, ";=") {
			t.Errorf("%s: record key %q", f.Key, f.RecordKey)
		}
		if _, dup := all[f.RecordKey]; dup {
			t.Errorf("%s: record key %q used twice", f.Key, f.RecordKey)
		}
		all[f.RecordKey] = "abcd"
	}
	if s := all.format(); len(s) > spec.MaxTagLength {
		t.Errorf("a record of every field is %d characters, more than a tag value holds (%d): %s", len(s), spec.MaxTagLength, s)
	}
}

// TestRecordOrderFree: the record is a map; a field added to the table (an entry this
// build does not know) neither changes nor invalidates the others, and is kept.
func TestRecordOrderFree(t *testing.T) {
	d := func(c *spec.Cache) { c.SecurityGroupID = p("sg-1"); c.Flash = p(true) }
	rec := desiredRecord(&spec.Cache{SecurityGroupID: p("sg-1"), Flash: p(true)})
	parts := strings.Split(rec.format(), ";")
	reordered := "v2;zz=abcd;" + parts[2] + ";" + parts[1] // another order and a newer build's key
	got := planOne(t, "", d, func(c *cloud.Cache) { c.Tags[spec.RecordTag] = reordered })
	if got.Action != Noop {
		t.Errorf("reordered record with an unknown key: %s %v", got.Action, fieldNames(got))
	}
	got = planOne(t, "", func(c *spec.Cache) { d(c); c.Flash = p(false) }, func(c *cloud.Cache) { c.Tags[spec.RecordTag] = reordered })
	req, _ := got.Request()
	if req["Flash"] != false || req["SecurityGroupId"] != nil || !strings.Contains(sentTags(t, got)[spec.RecordTag], "zz=abcd") {
		t.Errorf("flash changed: request %v, want flash only and the unknown entry kept", req)
	}
}

// TestRecordV1Rewritten: a v1 record is read by position; when it matches the file, the
// plan rewrites it as v2 with a tag change alone, sending no field.
func TestRecordV1Rewritten(t *testing.T) {
	// As the previous format wrote it for sg-1 (1st) and flash=true (6th).
	const v1 = "v1.74b07e.-.-.-.-.b5bea4.-.-.-.-.-.-.-.-.-"
	d := func(c *spec.Cache) { c.SecurityGroupID = p("sg-1"); c.Flash = p(true) }
	got := planOne(t, "", d, func(c *cloud.Cache) { c.Tags[spec.RecordTag] = v1 })
	if !got.BookkeepingOnly() || !got.TagsOnly() {
		t.Fatalf("v1 record: %s %v, want a bookkeeping-only update", got.Action, fieldNames(got))
	}
	if want := desiredRecord(&spec.Cache{SecurityGroupID: p("sg-1"), Flash: p(true)}).format(); sentTags(t, got)[spec.RecordTag] != want {
		t.Errorf("rewritten record %q, want %q", sentTags(t, got)[spec.RecordTag], want)
	}
	// A v1 record of another value: the field is sent, as with a v2 record.
	got = planOne(t, "", func(c *spec.Cache) { d(c); c.SecurityGroupID = p("sg-2") }, func(c *cloud.Cache) { c.Tags[spec.RecordTag] = v1 })
	if req, _ := got.Request(); req["SecurityGroupId"] != "sg-2" || req["Flash"] != nil {
		t.Errorf("v1 record, changed field: request %v", req)
	}
}
