package planner

import (
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
	key  string    // the YAML key, also FieldChange.Field
	kind fieldKind // how the API treats it
	// desired returns the declared value, or nil when the file leaves the field out.
	desired func(*spec.Cache) any
	// live returns the live value; readBack fields only.
	live func(*cloud.Cache) any
}

// fields lists every managed field except tags, which carry the reserved tags and are
// diffed on their own (tags.go). The order is the order of a plan's field list.
var fields = []field{
	{key: "images", kind: readBack,
		desired: func(c *spec.Cache) any { return imageSet(c.Images) },
		live:    func(c *cloud.Cache) any { return imageSet(c.Images) }},
	{key: "size", kind: readBack, desired: ptr(func(c *spec.Cache) *int32 { return c.Size }),
		live: func(c *cloud.Cache) any { return c.Size }},
	{key: "eliminationStrategy", kind: readBack, desired: ptr(func(c *spec.Cache) *string { return c.EliminationStrategy }),
		live: func(c *cloud.Cache) any { return c.EliminationStrategy }},
	{key: "resourceGroupId", kind: readBack, desired: ptr(func(c *spec.Cache) *string { return c.ResourceGroupID }),
		live: func(c *cloud.Cache) any { return c.ResourceGroupID }},

	{key: "securityGroupId", kind: writeOnly, desired: ptr(func(c *spec.Cache) *string { return c.SecurityGroupID })},
	{key: "vSwitchId", kind: writeOnly, desired: ptr(func(c *spec.Cache) *string { return c.VSwitchID })},
	{key: "eipInstanceId", kind: writeOnly, desired: ptr(func(c *spec.Cache) *string { return c.EipInstanceID })},
	{key: "retentionDays", kind: writeOnly, desired: ptr(func(c *spec.Cache) *int32 { return c.RetentionDays })},
	{key: "autoMatchImageCache", kind: writeOnly, desired: ptr(func(c *spec.Cache) *bool { return c.AutoMatchImageCache })},
	{key: "flash", kind: writeOnly, desired: ptr(func(c *spec.Cache) *bool { return c.Flash })},
	{key: "standardCopyCount", kind: writeOnly, desired: ptr(func(c *spec.Cache) *int32 { return c.StandardCopyCount })},
	{key: "flashCopyCount", kind: writeOnly, desired: ptr(func(c *spec.Cache) *int32 { return c.FlashCopyCount })},
	{key: "imageRegistryCredentials", kind: writeOnly, desired: func(c *spec.Cache) any {
		if c.ImageRegistryCredentials == nil {
			return nil
		}
		return c.ImageRegistryCredentials
	}},
	{key: "acrRegistryInfos", kind: writeOnly, desired: func(c *spec.Cache) any {
		if c.AcrRegistryInfos == nil {
			return nil
		}
		return c.AcrRegistryInfos
	}},

	{key: "zoneId", kind: createOnly, desired: ptr(func(c *spec.Cache) *string { return c.ZoneID })},
	{key: "annotations", kind: createOnly, desired: ptr(func(c *spec.Cache) *string { return c.Annotations })},
	{key: "insecureRegistry", kind: createOnly, desired: ptr(func(c *spec.Cache) *string { return c.InsecureRegistry })},
	{key: "plainHttpRegistry", kind: createOnly, desired: ptr(func(c *spec.Cache) *string { return c.PlainHTTPRegistry })},
	{key: "osType", kind: createOnly, desired: ptr(func(c *spec.Cache) *string { return c.OsType })},
}

// recordedFields are the fields whose digests the record tag holds, in a fixed order:
// the record's format depends on it, so append only.
var recordedFields = func() []field {
	var out []field
	for _, f := range fields {
		if f.kind != readBack {
			out = append(out, f)
		}
	}
	return out
}()

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
