package spec

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/imcsync/imcsync/internal/cloud"
)

// Wire converts a plain value of the field (see Plain; one read from a plan file may be
// anything) to the Go value of its API parameter (cloud.Params), checking it against the
// field's type: the one conversion between a plan and a call. A registry credential
// keeps the name of its password's environment variable; the password is resolved just
// before the call.
func (f Field) Wire(v any) (any, error) {
	switch f.Type {
	case TypeString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("want a string, got %s", kindOf(v))
	case TypeInt32:
		if n, ok := v.(int64); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
			return int32(n), nil
		}
		return nil, fmt.Errorf("want a 32-bit integer, got %s", kindOf(v))
	case TypeBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("want true or false, got %s", kindOf(v))
	case TypeStringSet:
		return Strings(v)
	case TypeTags:
		m, err := StringMap(v)
		if err != nil {
			return nil, err
		}
		var tags []cloud.Tag
		for _, k := range slices.Sorted(maps.Keys(m)) {
			tags = append(tags, cloud.Tag{Key: k, Value: m[k]})
		}
		return tags, nil
	case TypeCredentials:
		creds, err := Credentials(v)
		if err != nil {
			return nil, err
		}
		var out []cloud.RegistryCredential
		for _, c := range creds {
			out = append(out, cloud.RegistryCredential{Server: c.Server, UserName: c.UserName, PasswordFromEnv: c.PasswordFromEnv})
		}
		return out, nil
	case TypeAcrInfos:
		infos, err := AcrInfos(v)
		if err != nil {
			return nil, err
		}
		var out []cloud.AcrRegistryInfo
		for _, a := range infos {
			out = append(out, cloud.AcrRegistryInfo{InstanceID: a.InstanceID, InstanceName: a.InstanceName, RegionID: a.RegionID, Domains: a.Domains})
		}
		return out, nil
	}
	return nil, fmt.Errorf("no values of type %q", f.Type)
}

// FieldByParam returns the cache field sent as the API parameter.
func FieldByParam(param string) (Field, bool) {
	i := slices.IndexFunc(cacheFields, func(f Field) bool { return f.Param == param })
	if i < 0 {
		return Field{}, false
	}
	return cacheFields[i], true
}

// InBounds checks a wire value of the field (Wire's result) against the documented
// bounds the file's validation applies: an integer's Min and Max, a list's MaxItems. A
// plan file is checked with it, since its values were not read from a validated file.
func (f Field) InBounds(w any) error {
	n := -1
	switch v := w.(type) {
	case int32:
		if f.Min != 0 || f.Max != 0 {
			if int64(v) < f.Min || int64(v) > f.Max {
				return fmt.Errorf("%s: %d is outside %d–%d", f.Key, v, f.Min, f.Max)
			}
		}
	case []string:
		n = len(v)
	case []cloud.Tag:
		n = len(v)
	case []cloud.RegistryCredential:
		n = len(v)
	case []cloud.AcrRegistryInfo:
		n = len(v)
	}
	if f.MaxItems > 0 && n > f.MaxItems {
		return fmt.Errorf("%s: %d items, at most %d allowed", f.Key, n, f.MaxItems)
	}
	return nil
}
