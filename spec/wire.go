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
