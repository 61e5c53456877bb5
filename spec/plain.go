package spec

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
)

// Field values in plans are plain JSON values, the ones a plan file decodes to: nil,
// bool, string, int64 (every number is an integer), []any and map[string]any. Values
// are converted once, where they are made (Field.Declared, Field.Live, or decoding a
// plan file), so that a plan just built and one read back from a file hold the same
// values, and nothing downstream guesses types or goes through JSON again. A value
// leaves the plan through one checked conversion to its API parameter's Go value,
// Field.Wire.

// Plain converts v to a plain JSON value. It takes the Go values the table's fields
// have (string, int32, bool, []string, map[string]string, []RegistryCredential,
// []AcrRegistryInfo) and values decoded from JSON (float64, json.Number, []any,
// map[string]any).
func Plain(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, int64:
		return v, nil
	case int32:
		return int64(x), nil
	case int:
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("%v is not an integer", x)
		}
		return int64(x), nil
	case json.Number:
		n, err := x.Int64()
		if err != nil {
			return nil, fmt.Errorf("%s is not an integer", x)
		}
		return n, nil
	case []string:
		if x == nil {
			return nil, nil
		}
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case map[string]string:
		if x == nil {
			return nil, nil
		}
		out := make(map[string]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out, nil
	case []RegistryCredential:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = map[string]any{"server": c.Server, "userName": c.UserName, "passwordFromEnv": c.PasswordFromEnv}
		}
		return out, nil
	case []AcrRegistryInfo:
		out := make([]any, len(x))
		for i, a := range x {
			m := map[string]any{"instanceId": a.InstanceID}
			if a.InstanceName != "" {
				m["instanceName"] = a.InstanceName
			}
			if a.RegionID != "" {
				m["regionId"] = a.RegionID
			}
			if len(a.Domains) > 0 {
				m["domains"], _ = Plain(a.Domains)
			}
			out[i] = m
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			p, err := Plain(e)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			p, err := Plain(e)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	}
	return nil, fmt.Errorf("%T is not a field value", v)
}

// mustPlain is Plain for the table's own Go values, which always convert.
func mustPlain(v any) any {
	p, err := Plain(v)
	if err != nil {
		panic("spec: " + err.Error())
	}
	return p
}

// Equal compares two plain values.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil, bool, string, int64:
		return a == b
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, Equal)
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && maps.EqualFunc(x, y, Equal)
	}
	return reflect.DeepEqual(a, b)
}

// stringSet is a list of strings as a set: sorted, without duplicates; nil stays nil.
func stringSet(ss []string) any {
	if ss == nil {
		return nil
	}
	out := slices.Clone(ss)
	slices.Sort(out)
	return mustPlain(slices.Compact(out))
}

// Strings reads a plain list of strings.
func Strings(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of strings, got %s", kindOf(v))
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("[%d]: want a string, got %s", i, kindOf(e))
		}
		out[i] = s
	}
	return out, nil
}

// StringMap reads a plain map of strings (a tag set); nil is the empty set.
func StringMap(v any) (map[string]string, error) {
	if v == nil {
		return map[string]string{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want a map of strings, got %s", kindOf(v))
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a string, got %s", k, kindOf(e))
		}
		out[k] = s
	}
	return out, nil
}

// Credentials reads a plain list of registry credentials.
func Credentials(v any) ([]RegistryCredential, error) {
	return objects(v, func(o *object) RegistryCredential {
		return RegistryCredential{Server: o.str("server", true), UserName: o.str("userName", true), PasswordFromEnv: o.str("passwordFromEnv", true)}
	})
}

// AcrInfos reads a plain list of ACR registry infos.
func AcrInfos(v any) ([]AcrRegistryInfo, error) {
	return objects(v, func(o *object) AcrRegistryInfo {
		return AcrRegistryInfo{InstanceID: o.str("instanceId", true), InstanceName: o.str("instanceName", false),
			RegionID: o.str("regionId", false), Domains: o.strs("domains")}
	})
}

// object reads the keys of one plain object, collecting the first problem.
type object struct {
	m    map[string]any
	seen map[string]bool
	err  error
}

func (o *object) fail(format string, args ...any) {
	if o.err == nil {
		o.err = fmt.Errorf(format, args...)
	}
}

func (o *object) str(key string, required bool) string {
	o.seen[key] = true
	v, ok := o.m[key]
	if !ok {
		if required {
			o.fail("%s is missing", key)
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		o.fail("%s: want a string, got %s", key, kindOf(v))
	}
	return s
}

func (o *object) strs(key string) []string {
	o.seen[key] = true
	v, ok := o.m[key]
	if !ok {
		return nil
	}
	ss, err := Strings(v)
	if err != nil {
		o.fail("%s: %v", key, err)
	}
	return ss
}

func objects[T any](v any, read func(*object) T) ([]T, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a list of objects, got %s", kindOf(v))
	}
	out := make([]T, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("[%d]: want an object, got %s", i, kindOf(e))
		}
		o := &object{m: m, seen: map[string]bool{}}
		out[i] = read(o)
		for k := range m {
			if !o.seen[k] {
				o.fail("unknown key %s", k)
			}
		}
		if o.err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, o.err)
		}
	}
	return out, nil
}

// kindOf names the JSON kind of a plain value, for errors.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case int64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
}
