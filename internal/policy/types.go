package policy

import (
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// The CEL types of the variables, and of the objects inside them.
const (
	cacheType       = "imcsync.Cache"
	credentialType  = "imcsync.RegistryCredential"
	acrInfoType     = "imcsync.AcrRegistryInfo"
	changeType      = "imcsync.Change"
	fieldChangeType = "imcsync.FieldChange"
	planType        = "imcsync.Plan"
	workloadType    = "imcsync.Workload"
)

// object is a CEL object type whose fields are read from a Go value by getters, so
// that the checker knows every field's type and evaluation reads only the fields a rule
// uses.
type object struct {
	t      *types.Type
	fields map[string]*types.FieldType
	names  []string
}

func newObject(name string) *object {
	return &object{t: types.NewObjectType(name), fields: map[string]*types.FieldType{}}
}

// field adds a field: get returns its value (a Go value CEL adapts: plain values,
// []string, map[string]string, …) and whether it is set. Reading a field that is not
// set gives empty for a list or map and an error for anything else.
func (o *object) field(name string, t *types.Type, get func(any) (any, bool)) {
	o.names = append(o.names, name)
	var empty any
	switch t.Kind() {
	case types.ListKind:
		empty = []any{}
	case types.MapKind:
		empty = map[string]any{}
	}
	o.fields[name] = &types.FieldType{
		Type: t,
		IsSet: func(v any) bool {
			_, ok := get(v)
			return ok
		},
		GetFrom: func(v any) (any, error) {
			val, ok := get(v)
			switch {
			case ok:
				return val, nil
			case empty != nil:
				return empty, nil
			}
			return nil, fmt.Errorf("%s is not set: test it first with has(…%s), or give a default with .?%s.orValue(…)", name, "."+name, name)
		},
	}
}

// provider adds imcsync's object types to CEL's own.
type provider struct {
	*types.Registry
	objects map[string]*object
}

func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if o, ok := p.objects[name]; ok {
		return types.NewTypeTypeWithParam(o.t), true
	}
	return p.Registry.FindStructType(name)
}

func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if o, ok := p.objects[name]; ok {
		return slices.Clone(o.names), true
	}
	return p.Registry.FindStructFieldNames(name)
}

func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if o, ok := p.objects[name]; ok {
		ft, ok := o.fields[field]
		return ft, ok
	}
	return p.Registry.FindStructFieldType(name, field)
}

func (p *provider) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := p.objects[name]; ok {
		return types.NewErr("%s values cannot be made in a rule", name)
	}
	return p.Registry.NewValue(name, fields)
}

// newProvider declares the variables' types over base: imcsync.Cache from spec's field
// table (YAML keys, values as declared after defaults; registry credentials name their
// password's variable only, a password is never in the file), imcsync.Change and
// imcsync.Plan from the planner's Change and Summary.
func newProvider(base *types.Registry) *provider {
	p := &provider{Registry: base, objects: map[string]*object{}}
	add := func(o *object) *object { p.objects[o.t.TypeName()] = o; return o }

	cred := add(newObject(credentialType))
	acr := add(newObject(acrInfoType))
	for _, k := range []string{"server", "userName", "passwordFromEnv"} {
		cred.field(k, types.StringType, plainKey(k))
	}
	for _, k := range []string{"instanceId", "instanceName", "regionId"} {
		acr.field(k, types.StringType, plainKey(k))
	}
	acr.field("domains", types.NewListType(types.StringType), plainKey("domains"))

	cache := add(newObject(cacheType))
	for i, f := range cacheFields() {
		if t := celType(f.Type, cred, acr); t != nil {
			cache.field(f.Key, t, func(v any) (any, bool) { return v.(*cacheValue).get(i) })
		}
	}
	cache.field("ignoreChanges", types.NewListType(types.StringType), func(v any) (any, bool) {
		c := v.(*cacheValue).c
		return c.IgnoreChanges, c.IgnoreChanges != nil
	})

	fc := add(newObject(fieldChangeType))
	fc.field("before", types.DynType, func(v any) (any, bool) { return v.(planner.FieldChange).Before, true })
	fc.field("after", types.DynType, func(v any) (any, bool) { return v.(planner.FieldChange).After, true })

	ch := add(newObject(changeType))
	str := func(get func(*planner.Change) string) func(any) (any, bool) {
		return func(v any) (any, bool) { return get(v.(*planner.Change)), true }
	}
	ch.field("action", types.StringType, str(func(c *planner.Change) string { return string(c.Action) }))
	ch.field("id", types.StringType, str(func(c *planner.Change) string { return c.ID }))
	ch.field("status", types.StringType, str(func(c *planner.Change) string { return c.Status }))
	ch.field("fields", types.NewMapType(types.StringType, fc.t), func(v any) (any, bool) {
		c := v.(*planner.Change)
		m := make(map[ref.Val]ref.Val, len(c.Fields))
		for _, f := range c.Fields {
			m[types.String(f.Field)] = fieldChange{f}
		}
		return types.NewRefValMap(types.DefaultTypeAdapter, m), true
	})

	plan := add(newObject(planType))
	count := func(get func(planner.Summary) int) func(any) (any, bool) {
		return func(v any) (any, bool) { return int64(get(*v.(*planner.Summary))), true }
	}
	plan.field("create", types.IntType, count(func(s planner.Summary) int { return s.Create }))
	plan.field("update", types.IntType, count(func(s planner.Summary) int { return s.Update }))
	plan.field("delete", types.IntType, count(func(s planner.Summary) int { return s.Delete }))
	plan.field("replace", types.IntType, count(func(s planner.Summary) int { return s.Replace }))
	plan.field("blocked", types.IntType, count(func(s planner.Summary) int { return s.Blocked }))
	plan.field("noop", types.IntType, count(func(s planner.Summary) int { return s.Noop }))

	wl := add(newObject(workloadType))
	wstr := func(get func(*coverage.Entry) string) func(any) (any, bool) {
		return func(v any) (any, bool) { return get(v.(*coverage.Entry)), true }
	}
	wl.field("name", types.StringType, wstr(func(e *coverage.Entry) string { return e.Name }))
	wl.field("kind", types.StringType, wstr(func(e *coverage.Entry) string { return e.Kind }))
	wl.field("namespace", types.StringType, wstr(func(e *coverage.Entry) string { return e.Namespace }))
	wl.field("region", types.StringType, wstr(func(e *coverage.Entry) string { return e.Region }))
	wl.field("source", types.StringType, wstr(func(e *coverage.Entry) string { return e.Source }))
	wl.field("result", types.StringType, wstr(func(e *coverage.Entry) string { return string(e.After) }))
	wl.field("before", types.StringType, wstr(func(e *coverage.Entry) string { return string(e.Before) }))
	wl.field("cache", types.StringType, wstr(func(e *coverage.Entry) string { return e.Cache }))
	wl.field("images", types.NewListType(types.StringType), func(v any) (any, bool) { return v.(*coverage.Entry).Images, true })
	wl.field("missing", types.NewListType(types.StringType), func(v any) (any, bool) { return v.(*coverage.Entry).Missing, true })
	wl.field("notes", types.NewListType(types.StringType), func(v any) (any, bool) {
		notes := make([]string, len(v.(*coverage.Entry).Notes))
		for i, n := range v.(*coverage.Entry).Notes {
			notes[i] = string(n)
		}
		return notes, true
	})
	return p
}

// cacheFields is spec's field table, read once.
var cacheFields = sync.OnceValue(spec.CacheFields)

// cacheValue is a declared cache as the variable cache: its fields' values are made
// when a rule first reads them, once for all the rules. A check reuses one cacheValue
// for the caches it goes through (reset).
type cacheValue struct {
	c    *spec.Cache
	vals []ref.Val // nil: not made yet; notSet: the cache leaves the field out
}

// notSet marks a field the cache leaves out.
var notSet = types.NullValue

func (v *cacheValue) reset(c *spec.Cache) *cacheValue {
	if v.vals == nil {
		v.vals = make([]ref.Val, len(cacheFields()))
	}
	v.c = c
	clear(v.vals)
	return v
}

// get is the value of field i of the table and whether the cache sets it: the plain
// value of Field.Declared, but images (in file order) and tags in their Go form, which
// CEL reads without reflection.
func (v *cacheValue) get(i int) (any, bool) {
	if v.vals[i] == nil {
		var val any
		switch f := cacheFields()[i]; f.Key {
		case "images":
			if v.c.Images != nil {
				// Elements made once, so that each rule's pass over them allocates nothing.
				elems := make([]ref.Val, len(v.c.Images))
				for j, image := range v.c.Images {
					elems[j] = types.String(image)
				}
				val = types.NewRefValList(types.DefaultTypeAdapter, elems)
			}
		case "tags":
			if v.c.Tags != nil {
				val = v.c.Tags
			}
		default:
			val = f.Declared(v.c)
		}
		v.vals[i] = notSet
		if val != nil {
			v.vals[i] = types.DefaultTypeAdapter.NativeToValue(val)
		}
	}
	return v.vals[i], v.vals[i] != notSet
}

// celType is the CEL type of a field of spec's table; nil for a kind of value policies
// cannot read.
func celType(t spec.Type, cred, acr *object) *types.Type {
	switch t {
	case spec.TypeString:
		return types.StringType
	case spec.TypeInt32:
		return types.IntType
	case spec.TypeBool:
		return types.BoolType
	case spec.TypeStringSet:
		return types.NewListType(types.StringType)
	case spec.TypeTags:
		return types.NewMapType(types.StringType, types.StringType)
	case spec.TypeCredentials:
		return types.NewListType(cred.t)
	case spec.TypeAcrInfos:
		return types.NewListType(acr.t)
	}
	return nil
}

// plainKey reads key of a plain object (map[string]any), as spec.Plain makes them.
func plainKey(key string) func(any) (any, bool) {
	return func(v any) (any, bool) {
		m, _ := v.(map[string]any)
		val, ok := m[key]
		return val, ok
	}
}

// fieldChange is a planner.FieldChange as a CEL value: an imcsync.FieldChange whose
// before and after the checker and the interpreter read through the provider.
type fieldChange struct{ planner.FieldChange }

func (f fieldChange) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("%s cannot be converted to %v", fieldChangeType, t)
}
func (f fieldChange) ConvertToType(t ref.Type) ref.Val {
	return types.NewErr("%s cannot be converted to %s", fieldChangeType, t.TypeName())
}
func (f fieldChange) Equal(other ref.Val) ref.Val {
	o, ok := other.(fieldChange)
	return types.Bool(ok && spec.Equal(f.Before, o.Before) && spec.Equal(f.After, o.After))
}
func (f fieldChange) Type() ref.Type { return types.NewObjectType(fieldChangeType) }
func (f fieldChange) Value() any     { return f.FieldChange }
