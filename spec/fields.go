package spec

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

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
// fields that the planner, the applier, the export, the JSON Schema's test and the
// emulator's test read. Adding a field is a row here (and, when the SDK needs it, a line
// of eci's parameter mapping, and the emulator); nothing else lists fields.
type Field struct {
	Key     string  // YAML key, also a plan's FieldChange.Field
	Param   string  // API parameter, "" for local settings
	Managed Managed // how imcsync manages it
	Type    Type    // the kind of value, which says how it is decoded, compared and sent
	// Min is the least value of an integer field.
	Min int64
	// MaxItems is the most items of a list or tag set (the API's limit); 0 for others.
	MaxItems int
	// OnCreate and OnUpdate say which calls take the field: CreateImageCache, and
	// UpdateImageCache (tags of an existing cache go through the tag API instead).
	OnCreate, OnUpdate bool
	// Export says whether `imcsync export` writes the field from a live cache.
	Export bool
	// RecordKey names the field's digest in the record tag (RecordTag): short, since a
	// tag value holds at most MaxTagLength characters, and never changed or reused.
	RecordKey string
	// RecordV1 is the field's position (from 1) in a record tag of format v1, which
	// listed digests by position; 0 for fields that v1 records never held.
	RecordV1 int

	get  func(*Cache) any       // the declared Go value; nil when the file leaves it out
	live func(*cloud.Cache) any // the live plain value; nil for fields not read back
}

// Declared returns the field's value in c as a plain value (see Plain), or nil when c
// leaves the field out. Sets (images) come sorted and without duplicates.
func (f Field) Declared(c *Cache) any {
	if f.get == nil {
		return nil
	}
	v := f.get(c)
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
func (f Field) Recorded() bool { return f.Managed.Recorded() }

// Digest is the record tag's short digest (24 bits of SHA-256 as 4 characters of
// base64url) of the field's declared value in c, "" when c leaves it out. It is a
// digest of the value as declared, so a registry password is digested by the name of
// its environment variable and a record never holds a secret.
func (f Field) Digest(c *Cache) string {
	if f.get == nil {
		return ""
	}
	v := f.get(c)
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
	i := slices.IndexFunc(cacheFields, func(f cacheField) bool { return f.Key == key })
	if i < 0 {
		return Field{}, false
	}
	return cacheFields[i].Field, true
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

// Check says whether plain value v is a value of type t (a value read from a plan file
// may be anything).
func (t Type) Check(v any) error {
	var err error
	switch t {
	case TypeString:
		if _, ok := v.(string); !ok {
			err = fmt.Errorf("want a string, got %s", kindOf(v))
		}
	case TypeInt32:
		if n, ok := v.(int64); !ok || n < math.MinInt32 || n > math.MaxInt32 {
			err = fmt.Errorf("want a 32-bit integer, got %s", kindOf(v))
		}
	case TypeBool:
		if _, ok := v.(bool); !ok {
			err = fmt.Errorf("want true or false, got %s", kindOf(v))
		}
	case TypeStringSet:
		_, err = Strings(v)
	case TypeTags:
		_, err = StringMap(v)
	case TypeCredentials:
		_, err = Credentials(v)
	case TypeAcrInfos:
		_, err = AcrInfos(v)
	default:
		err = fmt.Errorf("no values of type %q", t)
	}
	return err
}

// objectField is a key of a mapping with its decoder, which checks the value node,
// stores it in v and reports problems to d.
type objectField[T any] struct {
	Field
	decode func(d *decoder, n *yaml.Node, path string, v *T)
}

// cacheField is a key of an imageCaches entry with its decoder and its defaults merge.
type cacheField struct {
	objectField[Cache]
	// merge copies the field from defaults src into dst when dst leaves it out.
	merge func(dst, src *Cache)
	// set says whether c declares the field.
	set func(c *Cache) bool
}

// cacheFields is the table of every key of an imageCaches entry, in documentation order.
// `defaults` takes the same keys except the Identity ones name and id. It is filled in
// init because the ignoreChanges decoder reads the table itself.
var cacheFields []cacheField

func init() {
	cacheFields = []cacheField{
		identField("name", "ImageCacheName", func(c *Cache) *string { return &c.Name }, checkName).
			sentOn(true, true).readBack(func(l *cloud.Cache) any { return l.Name }),
		identField("id", "ImageCacheId", func(c *Cache) *string { return &c.ID }, checkID).
			readBack(func(l *cloud.Cache) any { return l.ID }),
		identField("region", "RegionId", func(c *Cache) *string { return &c.Region }, checkRegion).
			readBack(func(l *cloud.Cache) any { return l.Region }),
		imagesField().readBack(func(l *cloud.Cache) any { return stringSet(l.Images) }).exported(),
		int32Field("size", "ImageCacheSize", Compared, func(c *Cache) **int32 { return &c.Size }, 1).
			readBack(func(l *cloud.Cache) any { return int64(l.Size) }).exported(),
		stringField("eliminationStrategy", "EliminationStrategy", Compared, func(c *Cache) **string { return &c.EliminationStrategy }, checkElimination).
			readBack(func(l *cloud.Cache) any { return l.EliminationStrategy }).exported(),
		stringField("resourceGroupId", "ResourceGroupId", Compared, func(c *Cache) **string { return &c.ResourceGroupID }, resourceID("rg-", "resource group id")).
			readBack(func(l *cloud.Cache) any { return l.ResourceGroupID }).exported(),
		tagsField().readBack(func(l *cloud.Cache) any { return mustPlain(l.Tags) }).exported(),
		stringField("securityGroupId", "SecurityGroupId", WriteOnly, func(c *Cache) **string { return &c.SecurityGroupID }, resourceID("sg-", "security group id")).recorded("sg", 1),
		stringField("vSwitchId", "VSwitchId", WriteOnly, func(c *Cache) **string { return &c.VSwitchID }, checkVSwitches).recorded("vs", 2),
		stringField("eipInstanceId", "EipInstanceId", WriteOnly, func(c *Cache) **string { return &c.EipInstanceID }, resourceID("eip-", "EIP instance id")).recorded("ei", 3),
		int32Field("retentionDays", "RetentionDays", WriteOnly, func(c *Cache) **int32 { return &c.RetentionDays }, 1).recorded("rd", 4),
		boolField("autoMatchImageCache", "AutoMatchImageCache", WriteOnly, func(c *Cache) **bool { return &c.AutoMatchImageCache }).recorded("am", 5),
		boolField("flash", "Flash", WriteOnly, func(c *Cache) **bool { return &c.Flash }).recorded("fl", 6),
		int32Field("standardCopyCount", "StandardCopyCount", WriteOnly, func(c *Cache) **int32 { return &c.StandardCopyCount }, 0).recorded("sc", 7),
		int32Field("flashCopyCount", "FlashCopyCount", WriteOnly, func(c *Cache) **int32 { return &c.FlashCopyCount }, 0).recorded("fc", 8),
		credentialsField().recorded("rc", 9),
		acrInfosField().recorded("ac", 10),
		stringField("zoneId", "ZoneId", CreateOnly, func(c *Cache) **string { return &c.ZoneID }, checkZone).recorded("zo", 11),
		stringField("annotations", "Annotations", CreateOnly, func(c *Cache) **string { return &c.Annotations }, anyString).recorded("an", 12),
		stringField("insecureRegistry", "InsecureRegistry", CreateOnly, func(c *Cache) **string { return &c.InsecureRegistry }, checkRegistries).recorded("ir", 13),
		stringField("plainHttpRegistry", "PlainHttpRegistry", CreateOnly, func(c *Cache) **string { return &c.PlainHTTPRegistry }, checkRegistries).recorded("ph", 14),
		stringField("osType", "OsType", CreateOnly, func(c *Cache) **string { return &c.OsType }, checkOsType).recorded("os", 15),
		ignoreChangesField(),
	}
}

// sentOn says which calls take the field.
func (f cacheField) sentOn(create, update bool) cacheField {
	f.OnCreate, f.OnUpdate = create, update
	return f
}

// readBack gives the field the getter of its live value: DescribeImageCaches returns it.
func (f cacheField) readBack(live func(*cloud.Cache) any) cacheField {
	f.live = live
	return f
}

// exported makes `imcsync export` write the field.
func (f cacheField) exported() cacheField {
	f.Export = true
	return f
}

// recorded sets the field's key in the record tag and its position in a v1 record.
func (f cacheField) recorded(key string, v1 int) cacheField {
	f.RecordKey, f.RecordV1 = key, v1
	return f
}

// newField is a table row of a field managed m; the calls that take it follow from m.
func newField(key, param string, m Managed, t Type, get func(*Cache) any) Field {
	f := Field{Key: key, Param: param, Managed: m, Type: t, get: get}
	f.OnCreate = m == Compared || m == WriteOnly || m == CreateOnly
	f.OnUpdate = m == Compared || m == WriteOnly
	return f
}

// deref is the value a pointer getter points to, or nil.
func deref[T any](ptr func(*Cache) **T) func(*Cache) any {
	return func(c *Cache) any {
		if p := *ptr(c); p != nil {
			return *p
		}
		return nil
	}
}

// CacheFields lists every key of an imageCaches entry with its API parameter and how
// imcsync manages it.
func CacheFields() []Field {
	fs := make([]Field, len(cacheFields))
	for i, f := range cacheFields {
		fs[i] = f.Field
	}
	return fs
}

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

// defaultsFields are the keys `defaults` takes: every cache key except name and id.
func defaultsFields() []cacheField {
	return slices.DeleteFunc(slices.Clone(cacheFields), func(f cacheField) bool {
		return f.Key == "name" || f.Key == "id"
	})
}

// cacheDecoders are the decoders of every cache field, made once: a file of thousands
// of caches uses them for each.
var cacheDecoders = sync.OnceValue(func() []objectField[Cache] { return objectFields(cacheFields) })

// objectFields returns the decoders of cache fields, for decodeObject.
func objectFields(cfs []cacheField) []objectField[Cache] {
	ofs := make([]objectField[Cache], len(cfs))
	for i, f := range cfs {
		ofs[i] = f.objectField
	}
	return ofs
}

func keysOf[T any](fields []objectField[T]) []Field {
	fs := make([]Field, len(fields))
	for i, f := range fields {
		fs[i] = f.Field
	}
	return fs
}

// decodeObject decodes mapping n into v with the decoders of fields. special, when not
// nil, handles keys before the table does and says whether it did.
func decodeObject[T any](d *decoder, n *yaml.Node, path string, fields []objectField[T], v *T, special func(key string, k, v *yaml.Node) bool) bool {
	return d.mapping(n, path, func(key string, k, val *yaml.Node) {
		if special != nil && special(key, k, val) {
			return
		}
		i := slices.IndexFunc(fields, func(f objectField[T]) bool { return f.Key == key })
		if i < 0 {
			d.unknownKey(k, path, keysOf(fields))
			return
		}
		fields[i].decode(d, val, join(path, key), v)
	})
}

// stringInto decodes a string checked by check into the field ptr points to.
func stringInto[T any](ptr func(*T) *string, check func(string) string) func(d *decoder, n *yaml.Node, path string, v *T) {
	return func(d *decoder, n *yaml.Node, path string, v *T) {
		if s, ok := d.str(n, path); ok {
			if msg := check(s); msg != "" {
				d.errorf(n, path, "%s", msg)
				return
			}
			*ptr(v) = s
		}
	}
}

// Recorded says whether the record tag (RecordTag) covers a field managed m: the fields
// the API never reads back, write-only and create-only. The planner records exactly
// these, and validation counts the record tag for a cache that sets any of them.
func (m Managed) Recorded() bool { return m == WriteOnly || m == CreateOnly }

// needsRecord says whether c sets a field the record tag covers, so that imcsync adds
// the record tag to it.
func needsRecord(c *Cache) bool {
	for _, f := range cacheFields {
		if f.Managed.Recorded() && f.set(c) {
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

func identField(key, param string, ptr func(*Cache) *string, check func(string) string) cacheField {
	return cacheField{
		objectField: objectField[Cache]{newField(key, param, Identity, TypeString, func(c *Cache) any { return *ptr(c) }), stringInto(ptr, check)},
		merge: func(dst, src *Cache) {
			if *ptr(dst) == "" {
				*ptr(dst) = *ptr(src)
			}
		},
		set: func(c *Cache) bool { return *ptr(c) != "" },
	}
}

func stringField(key, param string, m Managed, ptr func(*Cache) **string, check func(string) string) cacheField {
	return cacheField{
		objectField: objectField[Cache]{newField(key, param, m, TypeString, deref(ptr)), func(d *decoder, n *yaml.Node, path string, c *Cache) {
			if s, ok := d.str(n, path); ok {
				if msg := check(s); msg != "" {
					d.errorf(n, path, "%s", msg)
					return
				}
				*ptr(c) = &s
			}
		}},
		merge: mergePointer(ptr),
		set:   func(c *Cache) bool { return *ptr(c) != nil },
	}
}

func int32Field(key, param string, m Managed, ptr func(*Cache) **int32, min int64) cacheField {
	f := newField(key, param, m, TypeInt32, deref(ptr))
	f.Min = min
	return cacheField{
		objectField: objectField[Cache]{f, func(d *decoder, n *yaml.Node, path string, c *Cache) {
			if v, ok := d.int32(n, path, min); ok {
				*ptr(c) = &v
			}
		}},
		merge: mergePointer(ptr),
		set:   func(c *Cache) bool { return *ptr(c) != nil },
	}
}

func boolField(key, param string, m Managed, ptr func(*Cache) **bool) cacheField {
	return cacheField{
		objectField: objectField[Cache]{newField(key, param, m, TypeBool, deref(ptr)), func(d *decoder, n *yaml.Node, path string, c *Cache) {
			if v, ok := d.bool(n, path); ok {
				*ptr(c) = &v
			}
		}},
		merge: mergePointer(ptr),
		set:   func(c *Cache) bool { return *ptr(c) != nil },
	}
}

// mergePointer copies a pointer field's value from defaults, so caches share nothing.
func mergePointer[T any](ptr func(*Cache) **T) func(dst, src *Cache) {
	return func(dst, src *Cache) {
		if *ptr(dst) == nil && *ptr(src) != nil {
			v := **ptr(src)
			*ptr(dst) = &v
		}
	}
}

// mergeSlice copies a list from defaults when the cache leaves it out; a cache's own
// list replaces the defaults' whole.
func mergeSlice[T any](ptr func(*Cache) *[]T) func(dst, src *Cache) {
	return func(dst, src *Cache) {
		if *ptr(dst) == nil && *ptr(src) != nil {
			*ptr(dst) = slices.Clone(*ptr(src))
		}
	}
}

// list decodes a list of at most max items, calling item for each; duplicate keys (as
// returned by item, "" for none) are errors.
func (d *decoder) list(n *yaml.Node, path, what string, max int, item func(i int, n *yaml.Node, path string) (key string, ok bool)) bool {
	items, ok := d.sequence(n, path)
	if !ok {
		return false
	}
	if len(items) > max {
		// The items of a list over its limit are not checked: they may be aliases
		// that stand for many more values.
		d.errorf(n, path, "%d %s, at most %d allowed", len(items), what, max)
		return false
	}
	first := map[string]int{}
	for i, it := range items {
		key, itemOK := item(i, it, index(path, i))
		ok = ok && itemOK
		if !itemOK || key == "" {
			continue
		}
		if j, dup := first[key]; dup {
			d.errorf(it, index(path, i), "duplicate of %s", index(path, j))
			ok = false
			continue
		}
		first[key] = i
	}
	return ok
}

func imagesField() cacheField {
	ptr := func(c *Cache) *[]string { return &c.Images }
	f := newField("images", "Image", Compared, TypeStringSet, func(c *Cache) any {
		if c.Images == nil {
			return nil
		}
		return c.Images
	})
	f.MaxItems = maxImages
	return cacheField{
		objectField: objectField[Cache]{f, func(d *decoder, n *yaml.Node, path string, c *Cache) {
			var images []string
			ok := d.list(n, path, "images", maxImages, func(_ int, n *yaml.Node, path string) (string, bool) {
				s, ok := d.str(n, path)
				if ok {
					if msg := checkImage(s); msg != "" {
						d.errorf(n, path, "%s", msg)
						return "", false
					}
					images = append(images, s)
				}
				return s, ok
			})
			if ok && len(images) == 0 && n.Kind == yaml.SequenceNode {
				d.errorf(n, path, "at least one image is required")
				ok = false
			}
			if ok {
				c.Images = images
			}
		}},
		merge: mergeSlice(ptr),
		set:   func(c *Cache) bool { return c.Images != nil },
	}
}

func tagsField() cacheField {
	f := newField("tags", "Tag", Compared, TypeTags, func(c *Cache) any {
		if c.Tags == nil {
			return nil
		}
		return c.Tags
	})
	f.MaxItems = MaxTags
	return cacheField{
		objectField: objectField[Cache]{f, func(d *decoder, n *yaml.Node, path string, c *Cache) {
			tags := map[string]string{}
			ok := d.mapping(n, path, func(key string, k, v *yaml.Node) {
				p := join(path, key)
				if msg := checkTagKey(key); msg != "" {
					d.errorf(k, p, "%s", msg)
				} else if msg := lookalike(key); msg != "" {
					d.warnf(k, p, "tag key %s", msg)
				}
				s, ok := d.str(v, p)
				if !ok {
					return
				}
				if msg := checkTagValue(s); msg != "" {
					d.errorf(v, p, "%s", msg)
					return
				}
				if msg := lookalike(s); msg != "" {
					d.warnf(v, p, "tag value %s", msg)
				}
				tags[key] = s
			})
			if ok {
				c.Tags = tags
			}
		}},
		// Tags merge key-wise: the cache's value wins for a key both set.
		merge: func(dst, src *Cache) {
			if src.Tags == nil {
				return
			}
			merged := maps.Clone(src.Tags)
			maps.Copy(merged, dst.Tags)
			dst.Tags = merged
		},
		set: func(c *Cache) bool { return c.Tags != nil },
	}
}

// credentialFields are the keys of an imageRegistryCredentials entry.
var credentialFields = []objectField[RegistryCredential]{
	{Field{Key: "server", Param: "Server", Managed: WriteOnly}, stringInto(func(c *RegistryCredential) *string { return &c.Server }, checkServer)},
	{Field{Key: "userName", Param: "UserName", Managed: WriteOnly}, stringInto(func(c *RegistryCredential) *string { return &c.UserName }, checkNonEmpty)},
	{Field{Key: "passwordFromEnv", Param: "Password", Managed: WriteOnly}, stringInto(func(c *RegistryCredential) *string { return &c.PasswordFromEnv }, checkEnvName)},
}

// acrInfoFields are the keys of an acrRegistryInfos entry.
var acrInfoFields = []objectField[AcrRegistryInfo]{
	{Field{Key: "instanceId", Param: "InstanceId", Managed: WriteOnly}, stringInto(func(a *AcrRegistryInfo) *string { return &a.InstanceID }, resourceID("cri-", "ACR instance id"))},
	{Field{Key: "instanceName", Param: "InstanceName", Managed: WriteOnly}, stringInto(func(a *AcrRegistryInfo) *string { return &a.InstanceName }, checkNonEmpty)},
	{Field{Key: "regionId", Param: "RegionId", Managed: WriteOnly}, stringInto(func(a *AcrRegistryInfo) *string { return &a.RegionID }, checkRegion)},
	{Field{Key: "domains", Param: "Domain", Managed: WriteOnly}, func(d *decoder, n *yaml.Node, path string, a *AcrRegistryInfo) {
		domains := []string{}
		d.list(n, path, "domains", maxDomains, func(_ int, n *yaml.Node, path string) (string, bool) {
			s, ok := d.str(n, path)
			if ok {
				if msg := checkServer(s); msg != "" {
					d.errorf(n, path, "%s", msg)
					return "", false
				}
				domains = append(domains, s)
			}
			return s, ok
		})
		a.Domains = domains
	}},
}

func credentialsField() cacheField {
	ptr := func(c *Cache) *[]RegistryCredential { return &c.ImageRegistryCredentials }
	f := newField("imageRegistryCredentials", "ImageRegistryCredential", WriteOnly, TypeCredentials, func(c *Cache) any {
		if c.ImageRegistryCredentials == nil {
			return nil
		}
		return c.ImageRegistryCredentials
	})
	f.MaxItems = maxCredentials
	return cacheField{
		objectField: objectField[Cache]{f, func(d *decoder, n *yaml.Node, path string, c *Cache) {
			creds := []RegistryCredential{}
			ok := d.list(n, path, "registry credentials", maxCredentials, func(_ int, n *yaml.Node, path string) (string, bool) {
				cred, ok := d.credential(n, path)
				if ok {
					creds = append(creds, cred)
				}
				return cred.Server, ok
			})
			if ok {
				c.ImageRegistryCredentials = creds
			}
		}},
		merge: mergeSlice(ptr),
		set:   func(c *Cache) bool { return c.ImageRegistryCredentials != nil },
	}
}

func (d *decoder) credential(n *yaml.Node, path string) (RegistryCredential, bool) {
	var cred RegistryCredential
	var envNode *yaml.Node
	errs := len(d.errs)
	decodeObject(d, n, path, credentialFields, &cred, func(key string, k, v *yaml.Node) bool {
		switch key {
		case "passwordFromEnv":
			envNode = v
		case "password":
			d.errorf(k, join(path, key), "a password is never written in the file: write passwordFromEnv: VAR and export VAR when running apply")
			return true
		}
		return false
	})
	d.require(n, path, "server", "userName", "passwordFromEnv")
	if what := credentialVariable(cred.PasswordFromEnv); what != "" {
		d.warnf(envNode, join(path, "passwordFromEnv"), "%s is %s: apply refuses to send it to a registry unless %s names it", cred.PasswordFromEnv, what, allowPasswordEnv)
	}
	return cred, len(d.errs) == errs
}

func acrInfosField() cacheField {
	ptr := func(c *Cache) *[]AcrRegistryInfo { return &c.AcrRegistryInfos }
	f := newField("acrRegistryInfos", "AcrRegistryInfo", WriteOnly, TypeAcrInfos, func(c *Cache) any {
		if c.AcrRegistryInfos == nil {
			return nil
		}
		return c.AcrRegistryInfos
	})
	f.MaxItems = maxAcrInfos
	return cacheField{
		objectField: objectField[Cache]{f, func(d *decoder, n *yaml.Node, path string, c *Cache) {
			infos := []AcrRegistryInfo{}
			ok := d.list(n, path, "ACR registry infos", maxAcrInfos, func(_ int, n *yaml.Node, path string) (string, bool) {
				info, ok := d.acrInfo(n, path)
				if ok {
					infos = append(infos, info)
				}
				return info.InstanceID, ok
			})
			if ok {
				c.AcrRegistryInfos = infos
			}
		}},
		merge: mergeSlice(ptr),
		set:   func(c *Cache) bool { return c.AcrRegistryInfos != nil },
	}
}

func (d *decoder) acrInfo(n *yaml.Node, path string) (AcrRegistryInfo, bool) {
	var info AcrRegistryInfo
	errs := len(d.errs)
	decodeObject(d, n, path, acrInfoFields, &info, nil)
	d.require(n, path, "instanceId")
	return info, len(d.errs) == errs
}

// has says whether mapping n has the key.
func has(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if resolve(n.Content[i]).Value == key {
			return true
		}
	}
	return false
}

// require reports the keys that mapping n lacks.
func (d *decoder) require(n *yaml.Node, path string, keys ...string) {
	if n.Kind != yaml.MappingNode {
		return
	}
	var absent []string
	for _, k := range keys {
		if !has(n, k) {
			absent = append(absent, k)
		}
	}
	if len(absent) > 0 {
		d.errorf(n, path, "missing %s", strings.Join(absent, ", "))
	}
}

// ignorable lists what ignoreChanges may name: the fields imcsync compares or records.
func ignorable() []string {
	var keys []string
	for _, f := range cacheFields {
		if f.Managed == Compared || f.Managed == WriteOnly {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

func ignoreChangesField() cacheField {
	ptr := func(c *Cache) *[]string { return &c.IgnoreChanges }
	return cacheField{
		objectField: objectField[Cache]{Field{Key: "ignoreChanges", Managed: Local}, func(d *decoder, n *yaml.Node, path string, c *Cache) {
			entries := []string{}
			ok := d.list(n, path, "entries", maxIgnoreEntries(), func(_ int, n *yaml.Node, path string) (string, bool) {
				s, ok := d.str(n, path)
				if !ok {
					return "", false
				}
				if msg := checkIgnore(s); msg != "" {
					d.errorf(n, path, "%s", msg)
					return "", false
				}
				entries = append(entries, s)
				return s, true
			})
			if ok {
				c.IgnoreChanges = entries
			}
		}},
		merge: mergeSlice(ptr),
		set:   func(c *Cache) bool { return c.IgnoreChanges != nil },
	}
}

func checkIgnore(s string) string {
	if key, ok := strings.CutPrefix(s, "tags."); ok {
		if msg := checkTagKey(key); msg != "" {
			return fmt.Sprintf("%s: %s", shown(s), msg)
		}
		return ""
	}
	if slices.Contains(ignorable(), s) {
		return ""
	}
	if i := slices.IndexFunc(cacheFields, func(f cacheField) bool { return f.Key == s }); i >= 0 && cacheFields[i].Managed == CreateOnly {
		return fmt.Sprintf("%s is create-only: imcsync never changes it on an existing cache, so there is nothing to ignore", s)
	}
	return fmt.Sprintf("unknown field %s: ignoreChanges takes %s, or tags.<key>", shown(s), strings.Join(ignorable(), ", "))
}
