package planner

import (
	"fmt"
	"slices"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/spec"
)

// fieldKind says how the API treats a field.
type fieldKind int

const (
	readBack   fieldKind = iota // settable and returned by DescribeImageCaches: compared with live
	writeOnly                   // settable on create and update, never returned: compared with the record
	createOnly                  // settable on create only, never returned: compared with the record, never updated
)

// field is one row of the table of managed fields.
type field struct {
	key     string       // the YAML key, also FieldChange.Field
	kind    fieldKind    // how the API treats it
	managed spec.Managed // how spec says imcsync manages it
	// desired returns the declared value, or nil when the file leaves the field out.
	desired func(*spec.Cache) any
	// live returns the live value; readBack fields only.
	live func(*cloud.Cache) any
}

// fields lists every managed field except tags, which carry the reserved tags and are
// diffed on their own (tags.go). The order is the order of a plan's field list.
var fields = withKinds([]field{
	{key: "images", desired: func(c *spec.Cache) any { return imageSet(c.Images) },
		live: func(c *cloud.Cache) any { return imageSet(c.Images) }},
	{key: "size", desired: ptr(func(c *spec.Cache) *int32 { return c.Size }),
		live: func(c *cloud.Cache) any { return c.Size }},
	{key: "eliminationStrategy", desired: ptr(func(c *spec.Cache) *string { return c.EliminationStrategy }),
		live: func(c *cloud.Cache) any { return c.EliminationStrategy }},
	{key: "resourceGroupId", desired: ptr(func(c *spec.Cache) *string { return c.ResourceGroupID }),
		live: func(c *cloud.Cache) any { return c.ResourceGroupID }},

	{key: "securityGroupId", desired: ptr(func(c *spec.Cache) *string { return c.SecurityGroupID })},
	{key: "vSwitchId", desired: ptr(func(c *spec.Cache) *string { return c.VSwitchID })},
	{key: "eipInstanceId", desired: ptr(func(c *spec.Cache) *string { return c.EipInstanceID })},
	{key: "retentionDays", desired: ptr(func(c *spec.Cache) *int32 { return c.RetentionDays })},
	{key: "autoMatchImageCache", desired: ptr(func(c *spec.Cache) *bool { return c.AutoMatchImageCache })},
	{key: "flash", desired: ptr(func(c *spec.Cache) *bool { return c.Flash })},
	{key: "standardCopyCount", desired: ptr(func(c *spec.Cache) *int32 { return c.StandardCopyCount })},
	{key: "flashCopyCount", desired: ptr(func(c *spec.Cache) *int32 { return c.FlashCopyCount })},
	{key: "imageRegistryCredentials", desired: func(c *spec.Cache) any {
		if c.ImageRegistryCredentials == nil {
			return nil
		}
		return c.ImageRegistryCredentials
	}},
	{key: "acrRegistryInfos", desired: func(c *spec.Cache) any {
		if c.AcrRegistryInfos == nil {
			return nil
		}
		return c.AcrRegistryInfos
	}},

	{key: "zoneId", desired: ptr(func(c *spec.Cache) *string { return c.ZoneID })},
	{key: "annotations", desired: ptr(func(c *spec.Cache) *string { return c.Annotations })},
	{key: "insecureRegistry", desired: ptr(func(c *spec.Cache) *string { return c.InsecureRegistry })},
	{key: "plainHttpRegistry", desired: ptr(func(c *spec.Cache) *string { return c.PlainHTTPRegistry })},
	{key: "osType", desired: ptr(func(c *spec.Cache) *string { return c.OsType })},
})

// recordedFields are the fields whose digests the record tag holds, in a fixed order:
// the record's format depends on it, so append only. Which fields they are is spec's
// to say (spec.Managed.Recorded), so that validation counts the record tag exactly
// when the planner writes it.
var recordedFields = func() []field {
	var out []field
	for _, f := range fields {
		if f.managed.Recorded() {
			out = append(out, f)
		}
	}
	return out
}()

// withKinds sets each field's kind from how spec manages it: one table says which
// fields the API reads back and which the record tag covers.
func withKinds(fs []field) []field {
	managed := map[string]spec.Managed{}
	for _, f := range spec.CacheFields() {
		managed[f.Key] = f.Managed
	}
	for i := range fs {
		m := managed[fs[i].key]
		fs[i].managed = m
		switch m {
		case spec.Compared:
			fs[i].kind = readBack
		case spec.WriteOnly:
			fs[i].kind = writeOnly
		case spec.CreateOnly:
			fs[i].kind = createOnly
		default:
			panic(fmt.Sprintf("planner: spec manages field %q as %q, not as a field the planner diffs", fs[i].key, m))
		}
	}
	return fs
}

// ptr adapts a pointer getter to a desired func that returns nil for a nil pointer.
func ptr[T any](get func(*spec.Cache) *T) func(*spec.Cache) any {
	return func(c *spec.Cache) any {
		if p := get(c); p != nil {
			return *p
		}
		return nil
	}
}

// imageSet is a list of images as a set: sorted, without duplicates, nil when unset.
func imageSet(images []string) any {
	if images == nil {
		return nil
	}
	out := slices.Clone(images)
	slices.Sort(out)
	return slices.Compact(out)
}

// equal compares two field values: the read-back kinds directly (a plan of thousands of
// caches makes this hot), anything else with go-cmp.
func equal(a, b any) bool {
	switch x := a.(type) {
	case []string:
		y, ok := b.([]string)
		return ok && (x == nil) == (y == nil) && slices.Equal(x, y)
	case string, int32:
		return a == b
	}
	return cmp.Equal(a, b)
}
