package ecisim

import (
	"encoding"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/spec"
)

// StateError is one problem of a state file, at its LINE:COL, with the path of the
// value (e.g. caches[0].imagez).
type StateError struct {
	File         string // "" in ParseState's errors
	Line, Column int
	Path         string
	Message      string
}

func (e *StateError) Error() string {
	at := fmt.Sprintf("%d:%d: ", e.Line, e.Column)
	if e.File != "" {
		at = e.File + ":" + at
	}
	if e.Path != "" {
		at += e.Path + ": "
	}
	return at + e.Message
}

// stateChecker walks a state document against the Go types it decodes into, so that
// every unknown key (with the closest known one) and every value of the wrong type is
// reported at once, each at its line and column.
type stateChecker struct {
	file string
	errs []error
}

func (c *stateChecker) report(n *yaml.Node, path, format string, args ...any) {
	c.errs = append(c.errs, &StateError{File: c.file, Line: n.Line, Column: n.Column, Path: path, Message: fmt.Sprintf(format, args...)})
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

// check reports what is wrong with n as a value of type t at path.
func (c *stateChecker) check(n *yaml.Node, t reflect.Type, path string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.DocumentNode {
		for _, sub := range n.Content {
			c.check(sub, t, path)
		}
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	if t == timeType || reflect.PointerTo(t).Implements(textUnmarshaler) {
		c.scalar(n, t, path)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.report(n, path, "want a mapping, got %s", describeNode(n))
			return
		}
		fields := map[string]reflect.Type{}
		structKeys(t, fields)
		known := slices.Sorted(maps.Keys(fields))
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				msg := "unknown key"
				if near := spec.Suggestion(k.Value, known); near != "" {
					msg += ", did you mean " + near + "?"
				} else {
					msg += "; known keys: " + strings.Join(known, ", ")
				}
				c.report(k, join(path, k.Value), "%s", msg)
				continue
			}
			c.check(v, ft, join(path, k.Value))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.report(n, path, "want a mapping, got %s", describeNode(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.check(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.report(n, path, "want a list, got %s", describeNode(n))
			return
		}
		for i, e := range n.Content {
			c.check(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	default:
		c.scalar(n, t, path)
	}
}

// scalar decodes n into a fresh value of type t and reports why it cannot.
func (c *stateChecker) scalar(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.ScalarNode {
		c.report(n, path, "want %s, got %s", describeType(t), describeNode(n))
		return
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		msg := err.Error()
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msg = fmt.Sprintf("want %s, got %s", describeType(t), describeNode(n))
		}
		c.report(n, path, "%s", msg)
	}
}

// structKeys adds the YAML keys of struct type t (inline fields' keys included) to keys.
func structKeys(t reflect.Type, keys map[string]reflect.Type) {
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			structKeys(f.Type, keys)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys[name] = f.Type
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describeType names what a value of type t is, for messages.
func describeType(t reflect.Type) string {
	switch {
	case t == timeType:
		return "a time such as 2026-05-01T06:00:00Z"
	case t == reflect.TypeFor[Duration]():
		return "a duration such as 1s or 250ms"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

// describeNode says what a YAML node holds: "a list", "a mapping" or the scalar quoted.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return fmt.Sprintf("%q", v)
}
