package spec

import (
	"math"
	"slices"

	"github.com/imcsync/imcsync/internal/cloud"
)

// cacheFields is the table of every key of an imageCaches entry, one keyed row per field,
// in documentation order. A row names its columns (see Field); completeRow fills in the
// calls that take it from Managed. `defaults` takes the same keys except the PerCache
// ones. It is filled in init because the ignoreChanges decoder reads the table itself.
var cacheFields []Field

func init() {
	cacheFields = []Field{
		{Key: "name", Param: "ImageCacheName", Managed: Identity, Type: TypeString, OnCreate: true, OnUpdate: true, PerCache: true, Required: true,
			Doc: "ImageCacheName; identity together with region.", Schema: ref("name"),
			Examples: []any{"web", "api"},
			cache:    identIn(func(c *Cache) *string { return &c.Name }, checkName), live: func(l *cloud.Cache) any { return l.Name }},
		{Key: "id", Param: "ImageCacheId", Managed: Identity, Type: TypeString, PerCache: true,
			Doc: "ImageCacheId: pins the cache to a live one.", Schema: pattern(idRe.String()),
			cache: identIn(func(c *Cache) *string { return &c.ID }, checkID), live: func(l *cloud.Cache) any { return l.ID }},
		{Key: "region", Param: "RegionId", Managed: Identity, Type: TypeString,
			Doc: "RegionId; defaults to defaults.region, then the file's region.", Schema: ref("region"),
			cache: regionIn(func(c *Cache) *string { return &c.Region }), live: func(l *cloud.Cache) any { return l.Region }},
		{Key: "images", Param: "Image", Managed: Compared, Type: TypeStringSet, MaxItems: maxImages, Export: true,
			Doc:      "Image.N: versioned images (a tag or a digest), compared as a set.",
			Examples: []any{[]any{"nginx:1.25"}, []any{"nginx:1.25", "redis:7"}},
			Schema:   map[string]any{"type": "array", "minItems": 1, "uniqueItems": true, "items": pattern(imagePattern)},
			cache:    imagesIn(), live: func(l *cloud.Cache) any { return stringSet(l.Images) }},
		{Key: "size", Param: "ImageCacheSize", Managed: Compared, Type: TypeInt32, Min: MinSize, Max: MaxSize, Bounds: ackImageCache, Export: true,
			Doc:      "ImageCacheSize in GiB (the API's default is 20; 20–32768 as documented for ACK's ImageCache resource).",
			Examples: []any{int64(20), int64(30)},
			cache:    int32In(func(c *Cache) **int32 { return &c.Size }), live: func(l *cloud.Cache) any { return int64(l.Size) }},
		{Key: "eliminationStrategy", Param: "EliminationStrategy", Managed: Compared, Type: TypeString, Export: true,
			Doc:      `EliminationStrategy: "" keeps the cache forever, LRU lets the API remove it when the quota is reached.`,
			Examples: []any{"LRU", ""},
			Schema:   map[string]any{"enum": []any{"", "LRU"}},
			cache:    stringIn(func(c *Cache) **string { return &c.EliminationStrategy }, checkElimination), live: func(l *cloud.Cache) any { return l.EliminationStrategy }},
		{Key: "resourceGroupId", Param: "ResourceGroupId", Managed: Compared, Type: TypeString, Export: true,
			Doc: "ResourceGroupId.", Schema: idSchema("rg-"),
			Examples: []any{"rg-1", "rg-2"},
			cache:    stringIn(func(c *Cache) **string { return &c.ResourceGroupID }, resourceID("rg-", "resource group id")), live: func(l *cloud.Cache) any { return l.ResourceGroupID }},
		{Key: "tags", Param: "Tag", Managed: Compared, Type: TypeTags, MaxItems: MaxTags, Export: true,
			Doc:      "Tag.N: the whole set of user tags; at most 20 counting the reserved imcsync: tags.",
			Examples: []any{map[string]any{"team": "a"}, map[string]any{"team": "b"}},
			Schema:   tagsSchema(),
			cache:    tagsIn(), live: func(l *cloud.Cache) any { return mustPlain(l.Tags) }},
		{Key: "securityGroupId", Param: "SecurityGroupId", Managed: WriteOnly, Type: TypeString, RequiredOnCreate: true, RecordKey: "sg", RecordV1: 1,
			Doc: "SecurityGroupId (write-only).", Schema: idSchema("sg-"),
			Examples: []any{"sg-1", "sg-2"},
			cache:    stringIn(func(c *Cache) **string { return &c.SecurityGroupID }, resourceID("sg-", "security group id"))},
		{Key: "vSwitchId", Param: "VSwitchId", Managed: WriteOnly, Type: TypeString, RequiredOnCreate: true, RecordKey: "vs", RecordV1: 2,
			Doc: "VSwitchId (write-only): one vSwitch id or up to 10 separated by commas.", Schema: pattern(vSwitchesPattern),
			Examples: []any{"vsw-1", "vsw-2"},
			cache:    stringIn(func(c *Cache) **string { return &c.VSwitchID }, checkVSwitches)},
		{Key: "eipInstanceId", Param: "EipInstanceId", Managed: WriteOnly, Type: TypeString, RecordKey: "ei", RecordV1: 3,
			Doc: "EipInstanceId (write-only), for pulling public images.", Schema: idSchema("eip-"),
			Examples: []any{"eip-1", "eip-2"},
			cache:    stringIn(func(c *Cache) **string { return &c.EipInstanceID }, resourceID("eip-", "EIP instance id"))},
		{Key: "retentionDays", Param: "RetentionDays", Managed: WriteOnly, Type: TypeInt32, Min: MinRetentionDays, Max: MaxRetentionDays, Bounds: ackImageCache, RecordKey: "rd", RecordV1: 4,
			Doc:      "RetentionDays (write-only): days until the cache expires (1–65536, as documented for ACK's ImageCache resource); left out, it never expires.",
			Examples: []any{int64(1), int64(2)},
			cache:    int32In(func(c *Cache) **int32 { return &c.RetentionDays })},
		{Key: "autoMatchImageCache", Param: "AutoMatchImageCache", Managed: WriteOnly, Type: TypeBool, RecordKey: "am", RecordV1: 5,
			Doc:      "AutoMatchImageCache (write-only): reuse layers of existing caches.",
			Examples: []any{true, false},
			cache:    boolIn(func(c *Cache) **bool { return &c.AutoMatchImageCache })},
		{Key: "flash", Param: "Flash", Managed: WriteOnly, Type: TypeBool, RecordKey: "fl", RecordV1: 6,
			Doc:      "Flash (write-only): instant image cache.",
			Examples: []any{true, false},
			cache:    boolIn(func(c *Cache) **bool { return &c.Flash })},
		{Key: "standardCopyCount", Param: "StandardCopyCount", Managed: WriteOnly, Type: TypeInt32, RecordKey: "sc", RecordV1: 7,
			Doc:      "StandardCopyCount (write-only): regular snapshot copies.",
			Examples: []any{int64(1), int64(2)},
			cache:    int32In(func(c *Cache) **int32 { return &c.StandardCopyCount })},
		{Key: "flashCopyCount", Param: "FlashCopyCount", Managed: WriteOnly, Type: TypeInt32, RecordKey: "fc", RecordV1: 8,
			Doc:      "FlashCopyCount (write-only): local snapshot copies.",
			Examples: []any{int64(1), int64(2)},
			cache:    int32In(func(c *Cache) **int32 { return &c.FlashCopyCount })},
		{Key: "imageRegistryCredentials", Param: "ImageRegistryCredential", Managed: WriteOnly, Type: TypeCredentials, MaxItems: maxCredentials, RecordKey: "rc", RecordV1: 9,
			Doc: "ImageRegistryCredential.N (write-only). The password comes from an environment variable at apply time.",
			Examples: []any{[]any{map[string]any{"server": "r.example.com", "userName": "a", "passwordFromEnv": "REGISTRY_PW"}},
				[]any{map[string]any{"server": "r.example.com", "userName": "b", "passwordFromEnv": "REGISTRY_PW"}}},
			Items: keysOf(credentials.fields),
			cache: objectsIn(func(c *Cache) *[]RegistryCredential { return &c.ImageRegistryCredentials }, credentials)},
		{Key: "acrRegistryInfos", Param: "AcrRegistryInfo", Managed: WriteOnly, Type: TypeAcrInfos, MaxItems: maxAcrInfos, RecordKey: "ac", RecordV1: 10,
			Doc:      "AcrRegistryInfo.N (write-only): ACR Enterprise Edition instances.",
			Examples: []any{[]any{map[string]any{"instanceId": "cri-1"}}, []any{map[string]any{"instanceId": "cri-2"}}},
			Items:    keysOf(acrInfos.fields),
			cache:    objectsIn(func(c *Cache) *[]AcrRegistryInfo { return &c.AcrRegistryInfos }, acrInfos)},
		{Key: "zoneId", Param: "ZoneId", Managed: CreateOnly, Type: TypeString, RecordKey: "zo", RecordV1: 11,
			Doc: "ZoneId (create-only).", Schema: ref("region"),
			Examples: []any{"cn-hangzhou-k", "cn-hangzhou-j"},
			cache:    stringIn(func(c *Cache) **string { return &c.ZoneID }, checkZone)},
		{Key: "annotations", Param: "Annotations", Managed: CreateOnly, Type: TypeString, RecordKey: "an", RecordV1: 12,
			Doc: "Annotations (create-only).", Schema: map[string]any{"type": "string", "maxLength": maxStringLength},
			Examples: []any{"a", "b"},
			cache:    stringIn(func(c *Cache) **string { return &c.Annotations }, anyString)},
		{Key: "insecureRegistry", Param: "InsecureRegistry", Managed: CreateOnly, Type: TypeString, RecordKey: "ir", RecordV1: 13,
			Doc: "InsecureRegistry (create-only): comma-separated self-signed registries.", Schema: ref("registries"),
			Examples: []any{"reg.a", "reg.b"},
			cache:    stringIn(func(c *Cache) **string { return &c.InsecureRegistry }, checkRegistries)},
		{Key: "plainHttpRegistry", Param: "PlainHttpRegistry", Managed: CreateOnly, Type: TypeString, RecordKey: "ph", RecordV1: 14,
			Doc: "PlainHttpRegistry (create-only): comma-separated registries pulled over plain HTTP.", Schema: ref("registries"),
			Examples: []any{"reg.a", "reg.b"},
			cache:    stringIn(func(c *Cache) **string { return &c.PlainHTTPRegistry }, checkRegistries)},
		{Key: "osType", Param: "OsType", Managed: CreateOnly, Type: TypeString, RecordKey: "os", RecordV1: 15,
			Doc: "OsType (create-only).", Schema: map[string]any{"enum": []any{"Linux", "Windows"}},
			Examples: []any{"Linux", "Windows"},
			cache:    stringIn(func(c *Cache) **string { return &c.OsType }, checkOsType)},
		{Key: "refresh", Managed: Local, Type: TypeString,
			Doc:    "What imcsync does when an image tag of the cache moves: auto rebuilds the cache, never keeps it as built. Never sent to the API.",
			Schema: map[string]any{"enum": []any{RefreshAuto, RefreshNever}},
			cache:  stringIn(func(c *Cache) **string { return &c.Refresh }, checkRefresh)},
		{Key: "ignoreChanges", Managed: Local,
			Doc:   "Fields imcsync never changes on an existing cache: a compared or write-only key, or tags.<key>.",
			cache: ignoreIn()},
	}
	for i := range cacheFields {
		completeRow(&cacheFields[i])
	}
	ignore := &cacheFields[slices.IndexFunc(cacheFields, func(f Field) bool { return f.Key == "ignoreChanges" })]
	ignore.MaxItems = maxIgnoreEntries()
	ignore.Schema = ignoreChangesSchema()
}

// credentials are the items of imageRegistryCredentials.
var credentials = objectList[RegistryCredential]{
	what: "registry credentials",
	fields: []objectField[RegistryCredential]{
		{Field{Key: "server", Param: "Server", Managed: WriteOnly, Required: true, Schema: ref("registry")},
			stringInto(func(c *RegistryCredential) *string { return &c.Server }, checkServer)},
		{Field{Key: "userName", Param: "UserName", Managed: WriteOnly, Required: true, Schema: nonEmptySchema()},
			stringInto(func(c *RegistryCredential) *string { return &c.UserName }, checkNonEmpty)},
		{Field{Key: "passwordFromEnv", Param: "Password", Managed: WriteOnly, Required: true,
			Doc: "The environment variable that holds the password; a plain password is refused.", Schema: pattern(envRe.String())},
			decodePasswordFromEnv},
	},
	key:     func(c RegistryCredential) string { return c.Server },
	refused: map[string]string{"password": "a password is never written in the file: write passwordFromEnv: VAR and export VAR when running apply"},
}

// acrInfos are the items of acrRegistryInfos.
var acrInfos = objectList[AcrRegistryInfo]{
	what: "ACR registry infos",
	fields: []objectField[AcrRegistryInfo]{
		{Field{Key: "instanceId", Param: "InstanceId", Managed: WriteOnly, Required: true, Schema: idSchema("cri-")},
			stringInto(func(a *AcrRegistryInfo) *string { return &a.InstanceID }, resourceID("cri-", "ACR instance id"))},
		{Field{Key: "instanceName", Param: "InstanceName", Managed: WriteOnly, Schema: nonEmptySchema()},
			stringInto(func(a *AcrRegistryInfo) *string { return &a.InstanceName }, checkNonEmpty)},
		{Field{Key: "regionId", Param: "RegionId", Managed: WriteOnly, Schema: ref("region")},
			stringInto(func(a *AcrRegistryInfo) *string { return &a.RegionID }, checkRegion)},
		{Field{Key: "domains", Param: "Domain", Managed: WriteOnly, Type: TypeStringSet, MaxItems: maxDomains,
			Schema: map[string]any{"type": "array", "uniqueItems": true, "items": ref("registry")}},
			decodeDomains},
	},
	key: func(a AcrRegistryInfo) string { return a.InstanceID },
}

// The documented ranges of integer fields (docs/file-format-bounds.md).
const (
	MinSize, MaxSize                   = 20, 32768 // ImageCacheSize, GiB
	MinRetentionDays, MaxRetentionDays = 1, 65536  // RetentionDays
)

// ackImageCache is where the ranges of size and retentionDays are documented: the API
// reference gives none, ACK's ImageCache resource does.
const ackImageCache = "ACK's ImageCache resource, eci.alibabacloud.com/v1"

// completeRow fills in the columns of a row that follow from the others: the calls that
// take a field managed by the API follow from Managed, and an integer field without a
// documented maximum is bounded by the API's int32.
func completeRow(f *Field) {
	if f.Type == TypeInt32 && f.Max == 0 {
		f.Max = math.MaxInt32
	}
	f.OnCreate = f.OnCreate || f.Managed == Compared || f.Managed == WriteOnly || f.Managed == CreateOnly
	f.OnUpdate = f.OnUpdate || f.Managed == Compared || f.Managed == WriteOnly
}
