package spec

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"

	"github.com/imcsync/imcsync/internal/cloud"
)

// Managed says how imcsync manages a field of a cache.
type Managed string

const (
	// Identity fields name the cache: name, id and region.
	Identity Managed = "identity"
	// Compared fields are read back by DescribeImageCaches, compared and updated.
	Compared Managed = "compared"
	// WriteOnly fields are sent but never read back; imcsync records a digest of what
	// it last applied in the imcsync:applied tag.
	WriteOnly Managed = "write-only"
	// CreateOnly fields are taken by CreateImageCache only.
	CreateOnly Managed = "create-only"
	// Local fields are imcsync's own settings and never reach the API.
	Local Managed = "local"
)

// Field describes one key of an imageCaches entry: the one table of the API's image-cache
// fields (cacheFields, in fieldtable.go) that the planner, the applier, the export, the JSON
// Schema's generator and the emulator's test read. Adding a field is a row there (and
// the emulator); nothing else lists fields. A row's Param is the name the SDK gives the
// parameter, which is how eci puts the value into its request.
type Field struct {
	Key     string  // YAML key, also a plan's FieldChange.Field
	Param   string  // API parameter, "" for local settings
	Managed Managed // how imcsync manages it
	Type    Type    // the kind of value, which says how it is decoded, compared and sent
	// Doc says what the field is, after its API parameter, in the JSON Schema's description.
	Doc string
	// Min and Max bound an integer field's value; Bounds says where the range is
	// documented ("" when only the wire type bounds it). See docs/file-format-bounds.md.
	Min, Max int64
	Bounds   string
	// MaxItems is the most items of a list or tag set (the API's limit); 0 for others.
	MaxItems int
	// OnCreate and OnUpdate say which calls take the field: CreateImageCache, and
	// UpdateImageCache (tags of an existing cache go through the tag API instead). A row
	// leaves them out unless they differ from what Managed implies (see completeRow).
	OnCreate, OnUpdate bool
	// RequiredOnCreate says that CreateImageCache needs the field: a cache that leaves it
	// out is planned as blocked instead of created.
	RequiredOnCreate bool
	// PerCache says that each cache sets the field itself: defaults may not (name, id).
	PerCache bool
	// Required says that an item of a list of objects must have the key (Items' rows).
	Required bool
	// Export says whether `imcsync export` writes the field from a live cache.
	Export bool
	// RecordKey names the field's digest in the record tag (RecordTag): short, since a
	// tag value holds at most MaxTagLength characters, and never changed or reused.
	RecordKey string
	// RecordV1 is the field's position (from 1) in a record tag of format v1, which
	// listed digests by position; 0 for fields that v1 records never held.
	RecordV1 int
	// Schema is the JSON Schema of the value beyond what the generator derives from the
	// other columns (the description, limits, items of a list of objects).
	Schema map[string]any
	// Items are the keys of each item of a list of objects.
	Items []Field
	// Examples are two different valid values of a field the API takes, as a plan holds
	// them (see Plain): the JSON Schema shows them, and tests send them.
	Examples []any

	cache slot                   // where the value lives in a Cache, and its decoder
	live  func(*cloud.Cache) any // the live plain value; nil for fields not read back
}

// Declared returns the field's value in c as a plain value (see Plain), or nil when c
// leaves the field out. Sets (images) come sorted and without duplicates.
func (f Field) Declared(c *Cache) any {
	if f.cache.get == nil {
		return nil
	}
	v := f.cache.get(c)
	if v == nil {
		return nil
	}
	if f.Type == TypeStringSet {
		return stringSet(v.([]string))
	}
	return mustPlain(v)
}

// ReadBack reports whether DescribeImageCaches returns the field, so that it is compared
// with the live cache (Live) rather than with the record tag.
func (f Field) ReadBack() bool { return f.live != nil }

// Live returns the field's value in a live cache as a plain value, nil for a field the
// API does not read back.
func (f Field) Live(l *cloud.Cache) any {
	if f.live == nil {
		return nil
	}
	return f.live(l)
}

// Recorded says whether the record tag (RecordTag) covers the field.
func (f Field) Recorded() bool { return f.Managed.recorded() }

// Digest is the record tag's short digest (24 bits of SHA-256 as 4 characters of
// base64url) of the field's declared value in c, "" when c leaves it out. It is a
// digest of the value as declared, so a registry password is digested by the name of
// its environment variable and a record never holds a secret.
func (f Field) Digest(c *Cache) string {
	if f.cache.get == nil {
		return ""
	}
	v := f.cache.get(c)
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("spec: digest of unencodable value: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:digestBytes])
}

// digestBytes is how much of a value's SHA-256 its digest keeps: 24 bits, 4 characters.
const digestBytes = 3

// DigestOfHex converts a digest written as 6 hex characters (v1 records) to Digest's
// form; ok is false for anything else.
func DigestOfHex(h string) (string, bool) {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != digestBytes {
		return "", false
	}
	return base64.RawURLEncoding.EncodeToString(b), true
}

// FieldByKey returns the cache field with the YAML key.
func FieldByKey(key string) (Field, bool) {
	i := slices.IndexFunc(cacheFields, func(f Field) bool { return f.Key == key })
	if i < 0 {
		return Field{}, false
	}
	return cacheFields[i], true
}

// Type is the kind of a field's value.
type Type string

// The types of the table's fields.
const (
	TypeString      Type = "string"
	TypeInt32       Type = "int32"
	TypeBool        Type = "bool"
	TypeStringSet   Type = "string set"  // a list compared as a set (images)
	TypeTags        Type = "tags"        // a map of strings
	TypeCredentials Type = "credentials" // a list of RegistryCredential objects
	TypeAcrInfos    Type = "ACR infos"   // a list of AcrRegistryInfo objects
)

// CacheFields lists every key of an imageCaches entry with its API parameter and how
// imcsync manages it.
func CacheFields() []Field { return slices.Clone(cacheFields) }

// WriteOnlyFields lists the YAML keys of the write-only fields, whose values imcsync
// records in the imcsync:applied tag.
func WriteOnlyFields() []string {
	var keys []string
	for _, f := range cacheFields {
		if f.Managed == WriteOnly {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// ignorable lists what ignoreChanges may name: the fields imcsync compares or records and
// would change on an existing cache.
func ignorable() []string {
	var keys []string
	for _, f := range cacheFields {
		if f.Managed == Compared || f.Managed == WriteOnly {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// defaultsFields are the keys `defaults` takes: every cache key but the PerCache ones.
func defaultsFields() []Field {
	return slices.DeleteFunc(slices.Clone(cacheFields), func(f Field) bool { return f.PerCache })
}

// recorded says whether the record tag (RecordTag) covers a field managed m: the fields
// the API never reads back, write-only and create-only. The planner records exactly
// these, and validation counts the record tag for a cache that sets any of them.
func (m Managed) recorded() bool { return m == WriteOnly || m == CreateOnly }

// needsRecord says whether c sets a field the record tag covers, so that imcsync adds
// the record tag to it.
func needsRecord(c *Cache) bool {
	for _, f := range cacheFields {
		if f.Managed.recorded() && f.cache.set(c) {
			return true
		}
	}
	return false
}

// reservedTags lists the reserved tags imcsync adds to a cache c of file f, with why:
// the owner tag when the file sets owner, the record tag when needsRecord. They count
// against the API's MaxTags together with the user tags.
func reservedTags(f *File, c *Cache) []string {
	var tags []string
	if f.Owner != "" {
		tags = append(tags, OwnerTag+" (the file sets owner)")
	}
	if needsRecord(c) {
		tags = append(tags, RecordTag+" (the cache sets write-only or create-only fields)")
	}
	return tags
}
