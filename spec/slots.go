package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// slot is where a field's value lives in a Cache: how it is read, decoded, merged from
// defaults and told present.
type slot struct {
	get    func(*Cache) any                                                // the declared Go value; nil when the file leaves it out
	decode func(d *decoder, f *Field, n *yaml.Node, path string, c *Cache) // checks n against row f and stores it in c
	merge  func(dst, src *Cache)                                           // copies the value from defaults src when dst leaves it out
	set    func(c *Cache) bool                                             // whether c declares the field
}

// objectField is a key of a mapping with its decoder, which checks the value node,
// stores it in v and reports problems to d.
type objectField[T any] struct {
	Field
	decode func(d *decoder, n *yaml.Node, path string, v *T)
}

// cacheDecoders are the decoders of every cache field, made once: a file of thousands
// of caches uses them for each.
var cacheDecoders = sync.OnceValue(func() []objectField[Cache] { return objectFields(cacheFields) })

// objectFields returns the decoders of cache fields, for decodeObject.
func objectFields(fs []Field) []objectField[Cache] {
	ofs := make([]objectField[Cache], len(fs))
	for i, f := range fs {
		ofs[i] = objectField[Cache]{f, func(d *decoder, n *yaml.Node, path string, c *Cache) { f.cache.decode(d, &f, n, path, c) }}
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

func identIn(ptr func(*Cache) *string, check func(string) string) slot {
	return slot{
		get:    func(c *Cache) any { return *ptr(c) },
		decode: func(d *decoder, _ *Field, n *yaml.Node, path string, c *Cache) { stringInto(ptr, check)(d, n, path, c) },
		merge: func(dst, src *Cache) {
			if *ptr(dst) == "" {
				*ptr(dst) = *ptr(src)
			}
		},
		set: func(c *Cache) bool { return *ptr(c) != "" },
	}
}

func stringIn(ptr func(*Cache) **string, check func(string) string) slot {
	return slot{
		get: deref(ptr),
		decode: func(d *decoder, _ *Field, n *yaml.Node, path string, c *Cache) {
			if s, ok := d.str(n, path); ok {
				if msg := check(s); msg != "" {
					d.errorf(n, path, "%s", msg)
					return
				}
				*ptr(c) = &s
			}
		},
		merge: mergePointer(ptr),
		set:   func(c *Cache) bool { return *ptr(c) != nil },
	}
}

func int32In(ptr func(*Cache) **int32) slot {
	return slot{
		get: deref(ptr),
		decode: func(d *decoder, f *Field, n *yaml.Node, path string, c *Cache) {
			if v, ok := d.int32(n, path, *f); ok {
				*ptr(c) = &v
			}
		},
		merge: mergePointer(ptr),
		set:   func(c *Cache) bool { return *ptr(c) != nil },
	}
}

func boolIn(ptr func(*Cache) **bool) slot {
	return slot{
		get: deref(ptr),
		decode: func(d *decoder, _ *Field, n *yaml.Node, path string, c *Cache) {
			if v, ok := d.bool(n, path); ok {
				*ptr(c) = &v
			}
		},
		merge: mergePointer(ptr),
		set:   func(c *Cache) bool { return *ptr(c) != nil },
	}
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

func imagesIn() slot {
	ptr := func(c *Cache) *[]string { return &c.Images }
	return slot{
		get: sliceOf(ptr),
		decode: func(d *decoder, f *Field, n *yaml.Node, path string, c *Cache) {
			var images []string
			ok := d.list(n, path, "images", f.MaxItems, func(_ int, n *yaml.Node, path string) (string, bool) {
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
		},
		merge: mergeSlice(ptr),
		set:   func(c *Cache) bool { return c.Images != nil },
	}
}

func tagsIn() slot {
	return slot{
		get: func(c *Cache) any {
			if c.Tags == nil {
				return nil
			}
			return c.Tags
		},
		decode: func(d *decoder, _ *Field, n *yaml.Node, path string, c *Cache) {
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
		},
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

// sliceOf is the getter of a list field: nil, not an empty list, when the file leaves it out.
func sliceOf[T any](ptr func(*Cache) *[]T) func(*Cache) any {
	return func(c *Cache) any {
		if *ptr(c) == nil {
			return nil
		}
		return *ptr(c)
	}
}

// objectList describes the items of a list of objects (registry credentials, ACR infos):
// each a mapping decoded by fields, no two with the same key.
type objectList[T any] struct {
	what    string            // the items, as in "11 registry credentials, at most 10 allowed"
	fields  []objectField[T]  // an item's keys; Field.Required ones must be present
	key     func(T) string    // an item's identity: two items with the same one are an error
	refused map[string]string // keys refused with the message that says what to write instead
}

// objectsIn is the slot of a list of objects, at most its row's MaxItems of them.
func objectsIn[T any](ptr func(*Cache) *[]T, l objectList[T]) slot {
	return slot{
		get: sliceOf(ptr),
		decode: func(d *decoder, f *Field, n *yaml.Node, path string, c *Cache) {
			items := []T{}
			ok := d.list(n, path, l.what, f.MaxItems, func(_ int, n *yaml.Node, path string) (string, bool) {
				item, ok := l.decode(d, n, path)
				if ok {
					items = append(items, item)
				}
				return l.key(item), ok
			})
			if ok {
				*ptr(c) = items
			}
		},
		merge: mergeSlice(ptr),
		set:   func(c *Cache) bool { return *ptr(c) != nil },
	}
}

// decode decodes one item, reporting unknown, refused and missing keys.
func (l objectList[T]) decode(d *decoder, n *yaml.Node, path string) (T, bool) {
	var item T
	errs := len(d.errs)
	decodeObject(d, n, path, l.fields, &item, func(key string, k, _ *yaml.Node) bool {
		msg, refused := l.refused[key]
		if refused {
			d.errorf(k, join(path, key), "%s", msg)
		}
		return refused
	})
	var required []string
	for _, f := range l.fields {
		if f.Required {
			required = append(required, f.Key)
		}
	}
	d.require(n, path, required...)
	return item, len(d.errs) == errs
}

// decodePasswordFromEnv decodes a credential's passwordFromEnv, warning when it names one
// of the runner's own credential variables.
func decodePasswordFromEnv(d *decoder, n *yaml.Node, path string, c *RegistryCredential) {
	stringInto(func(c *RegistryCredential) *string { return &c.PasswordFromEnv }, checkEnvName)(d, n, path, c)
	if what := credentialVariable(c.PasswordFromEnv); what != "" {
		d.warnf(n, path, "%s is %s: apply refuses to send it to a registry unless %s names it", c.PasswordFromEnv, what, allowPasswordEnv)
	}
}

// decodeDomains decodes an ACR instance's domains.
func decodeDomains(d *decoder, n *yaml.Node, path string, a *AcrRegistryInfo) {
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

func ignoreIn() slot {
	ptr := func(c *Cache) *[]string { return &c.IgnoreChanges }
	return slot{
		decode: func(d *decoder, f *Field, n *yaml.Node, path string, c *Cache) {
			entries := []string{}
			ok := d.list(n, path, "entries", f.MaxItems, func(_ int, n *yaml.Node, path string) (string, bool) {
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
		},
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
	if f, ok := FieldByKey(s); ok && f.Managed == CreateOnly {
		return fmt.Sprintf("%s is create-only: imcsync never changes it on an existing cache, so there is nothing to ignore", s)
	}
	return fmt.Sprintf("unknown field %s: ignoreChanges takes %s, or tags.<key>", shown(s), strings.Join(ignorable(), ", "))
}
