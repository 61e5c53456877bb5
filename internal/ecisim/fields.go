package ecisim

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// List limits from the UpdateImageCache page (seed).
const (
	maxImages      = 100
	maxTags        = 20
	maxCredentials = 10
	maxAcrInfos    = 20
	maxTagLength   = 128
)

// fields are the cache fields a Create or Update request sends. A nil pointer or nil
// slice means "not sent".
type fields struct {
	name, eliminationStrategy, resourceGroupID             *string
	securityGroupID, vSwitchID, zoneID, eipInstanceID      *string
	annotations, insecureRegistry, plainHTTPRegistry, osTy *string
	size, retentionDays, standardCopyCount, flashCopyCount *int32
	autoMatch, flash                                       *bool
	images                                                 []string
	tags                                                   map[string]string
	credentials                                            []Credential
	acrInfos                                               []AcrRegistryInfo
}

// parseFields reads and validates the cache fields of a request. create selects the
// parameters only CreateImageCache has.
func parseFields(p params, create bool) (*fields, *apiError) {
	f := &fields{
		name:                p.str("ImageCacheName"),
		eliminationStrategy: p.str("EliminationStrategy"),
		resourceGroupID:     p.str("ResourceGroupId"),
		securityGroupID:     p.str("SecurityGroupId"),
		vSwitchID:           p.str("VSwitchId"),
		eipInstanceID:       p.str("EipInstanceId"),
	}
	if create {
		f.zoneID, f.annotations = p.str("ZoneId"), p.str("Annotations")
		f.insecureRegistry, f.plainHTTPRegistry, f.osTy = p.str("InsecureRegistry"), p.str("PlainHttpRegistry"), p.str("OsType")
	}
	var err *apiError
	for _, x := range []struct {
		name string
		dst  **int32
	}{{"ImageCacheSize", &f.size}, {"RetentionDays", &f.retentionDays}, {"StandardCopyCount", &f.standardCopyCount}, {"FlashCopyCount", &f.flashCopyCount}} {
		if *x.dst, err = p.int32(x.name); err != nil {
			return nil, err
		}
	}
	if f.autoMatch, err = p.bool("AutoMatchImageCache"); err != nil {
		return nil, err
	}
	if f.flash, err = p.bool("Flash"); err != nil {
		return nil, err
	}
	if f.name != nil && strings.TrimSpace(*f.name) == "" {
		return nil, errInvalid("ImageCacheName", "It must not be empty.")
	}
	if f.size != nil && *f.size < 1 {
		return nil, errInvalid("ImageCacheSize", "It must be a positive number of GiB.")
	}
	if f.retentionDays != nil && *f.retentionDays < 1 {
		return nil, errInvalid("RetentionDays", "It must be a positive number of days.")
	}
	for _, x := range []struct {
		name string
		v    *int32
	}{{"StandardCopyCount", f.standardCopyCount}, {"FlashCopyCount", f.flashCopyCount}} {
		if x.v != nil && *x.v < 0 {
			return nil, errInvalid(x.name, "It must not be negative.")
		}
	}
	if f.eliminationStrategy != nil && *f.eliminationStrategy != "" && *f.eliminationStrategy != "LRU" {
		return nil, errInvalid("EliminationStrategy", "It must be empty or LRU.")
	}
	if f.osTy != nil && *f.osTy != "Linux" && *f.osTy != "Windows" {
		return nil, errInvalid("OsType", "It must be Linux or Windows.")
	}
	if f.images, err = p.strings("Image", maxImages); err != nil {
		return nil, err
	}
	if f.tags, err = parseTags(p); err != nil {
		return nil, err
	}
	if f.credentials, err = parseCredentials(p); err != nil {
		return nil, err
	}
	if f.acrInfos, err = parseAcrInfos(p, create); err != nil {
		return nil, err
	}
	return f, nil
}

// parseTags reads Tag.N.Key/Value with the rules ECI's TagResources documents.
func parseTags(p params) (map[string]string, *apiError) {
	items, err := p.items("Tag", maxTags)
	if err != nil || items == nil {
		return nil, err
	}
	tags := map[string]string{}
	for i, it := range items {
		name := fmt.Sprintf("Tag.%d.Key", i+1)
		key, value := it["Key"], it["Value"]
		if key == "" {
			return nil, errInvalid(name, "A tag key must not be empty.")
		}
		if _, dup := tags[key]; dup {
			return nil, errInvalid(name, fmt.Sprintf("The tag key %q is given twice.", key))
		}
		if reason := tagTextProblem(key); reason != "" {
			return nil, errInvalid(name, "A tag key "+reason)
		}
		if reason := tagTextProblem(value); value != "" && reason != "" {
			return nil, errInvalid(fmt.Sprintf("Tag.%d.Value", i+1), "A tag value "+reason)
		}
		tags[key] = value
	}
	return tags, nil
}

func tagTextProblem(s string) string {
	switch {
	case len([]rune(s)) > maxTagLength:
		return fmt.Sprintf("must be at most %d characters.", maxTagLength)
	case strings.Contains(s, "http://") || strings.Contains(s, "https://"):
		return "must not contain http:// or https://."
	case strings.HasPrefix(s, "acs:") || strings.HasPrefix(s, "aliyun"):
		return "must not start with acs: or aliyun."
	}
	return ""
}

func parseCredentials(p params) ([]Credential, *apiError) {
	items, err := p.items("ImageRegistryCredential", maxCredentials)
	if err != nil || items == nil {
		return nil, err
	}
	out := make([]Credential, len(items))
	for i, it := range items {
		server := it["Server"]
		if server == "" {
			return nil, errInvalid(fmt.Sprintf("ImageRegistryCredential.%d.Server", i+1), "It must not be empty.")
		}
		if strings.HasPrefix(server, "http://") || strings.HasPrefix(server, "https://") {
			return nil, errInvalid(fmt.Sprintf("ImageRegistryCredential.%d.Server", i+1), "It must not start with http:// or https://.")
		}
		out[i] = Credential{Server: server, UserName: it["UserName"], Password: it["Password"]}
	}
	hashPasswords(out)
	return out, nil
}

func parseAcrInfos(p params, create bool) ([]AcrRegistryInfo, *apiError) {
	items, err := p.items("AcrRegistryInfo", maxAcrInfos)
	if err != nil || items == nil {
		return nil, err
	}
	out := make([]AcrRegistryInfo, len(items))
	for i, it := range items {
		if it["InstanceId"] == "" {
			return nil, errInvalid(fmt.Sprintf("AcrRegistryInfo.%d.InstanceId", i+1), "It must not be empty.")
		}
		out[i] = AcrRegistryInfo{
			InstanceID: it["InstanceId"], InstanceName: it["InstanceName"], RegionID: it["RegionId"],
			Domains: subList(it, "Domain"),
		}
		if create {
			out[i].ArnService, out[i].ArnUser = it["ArnService"], it["ArnUser"]
		}
	}
	return out, nil
}

// field is one settable cache field: whether the request sent it, whether it differs from
// the cache, and how to store it.
type field struct {
	sent  bool
	equal func(*Cache) bool
	set   func(*Cache)
}

func scalar[T comparable](v *T, at func(*Cache) *T) field {
	if v == nil {
		return field{}
	}
	return field{true, func(c *Cache) bool { return *at(c) == *v }, func(c *Cache) { *at(c) = *v }}
}

// list returns the request's fields as a table, so Update can tell "sent and different".
func (f *fields) list() []field {
	return []field{
		scalar(f.name, func(c *Cache) *string { return &c.Name }),
		scalar(f.eliminationStrategy, func(c *Cache) *string { return &c.EliminationStrategy }),
		scalar(f.resourceGroupID, func(c *Cache) *string { return &c.ResourceGroupID }),
		scalar(f.securityGroupID, func(c *Cache) *string { return &c.SecurityGroupID }),
		scalar(f.vSwitchID, func(c *Cache) *string { return &c.VSwitchID }),
		scalar(f.zoneID, func(c *Cache) *string { return &c.ZoneID }),
		scalar(f.eipInstanceID, func(c *Cache) *string { return &c.EipInstanceID }),
		scalar(f.annotations, func(c *Cache) *string { return &c.Annotations }),
		scalar(f.insecureRegistry, func(c *Cache) *string { return &c.InsecureRegistry }),
		scalar(f.plainHTTPRegistry, func(c *Cache) *string { return &c.PlainHTTPRegistry }),
		scalar(f.osTy, func(c *Cache) *string { return &c.OsType }),
		scalar(f.size, func(c *Cache) *int32 { return &c.Size }),
		scalar(f.retentionDays, func(c *Cache) *int32 { return &c.RetentionDays }),
		scalar(f.standardCopyCount, func(c *Cache) *int32 { return &c.StandardCopyCount }),
		scalar(f.flashCopyCount, func(c *Cache) *int32 { return &c.FlashCopyCount }),
		scalar(f.autoMatch, func(c *Cache) *bool { return &c.AutoMatchImageCache }),
		scalar(f.flash, func(c *Cache) *bool { return &c.Flash }),
		{f.images != nil, func(c *Cache) bool { return slices.Equal(c.Images, f.images) },
			func(c *Cache) { c.Images = slices.Clone(f.images) }},
		{f.tags != nil, func(c *Cache) bool { return maps.Equal(c.Tags, f.tags) || len(c.Tags)+len(f.tags) == 0 },
			func(c *Cache) { c.Tags = maps.Clone(f.tags) }},
		{f.credentials != nil, func(c *Cache) bool { return slices.Equal(c.ImageRegistryCredentials, f.credentials) },
			func(c *Cache) { c.ImageRegistryCredentials = slices.Clone(f.credentials) }},
		{f.acrInfos != nil, func(c *Cache) bool { return slices.EqualFunc(c.AcrRegistryInfos, f.acrInfos, acrEqual) },
			func(c *Cache) { c.AcrRegistryInfos = slices.Clone(f.acrInfos) }},
	}
}

func acrEqual(a, b AcrRegistryInfo) bool {
	return a.InstanceID == b.InstanceID && a.InstanceName == b.InstanceName && a.RegionID == b.RegionID &&
		a.ArnService == b.ArnService && a.ArnUser == b.ArnUser && slices.Equal(a.Domains, b.Domains)
}

// changes reports whether any sent field differs from c.
func (f *fields) changes(c *Cache) bool {
	for _, x := range f.list() {
		if x.sent && !x.equal(c) {
			return true
		}
	}
	return false
}

// apply stores every sent field in c.
func (f *fields) apply(c *Cache) {
	for _, x := range f.list() {
		if x.sent {
			x.set(c)
		}
	}
}
