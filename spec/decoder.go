package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder walks yaml.v3 nodes and collects every problem it meets, so that one run
// reports all of them.
type decoder struct {
	file     string
	errs     Errors
	warnings Errors
	seen     map[problem]bool // problems reported, to report each once
	dropped  int              // problems not collected beyond maxProblems
	aliased  bool             // the document's aliases stand for more nodes than written
}

// problem identifies a reported problem: a value reached through several aliases has
// the same problem at the same place each time, and it is reported once.
type problem struct {
	line, col int
	msg       string
	warning   bool
}

func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	d.report(&d.errs, false, n, path, fmt.Sprintf(format, args...))
}

// warnf records a warning: something valid that is likely a mistake.
func (d *decoder) warnf(n *yaml.Node, path, format string, args ...any) {
	d.report(&d.warnings, true, n, path, fmt.Sprintf(format, args...))
}

func (d *decoder) report(list *Errors, warning bool, n *yaml.Node, path, msg string) {
	key := problem{n.Line, n.Column, msg, warning}
	if d.seen[key] {
		return
	}
	if len(d.errs)+len(d.warnings) >= maxProblems {
		d.dropped++
		return
	}
	if d.seen == nil {
		d.seen = map[problem]bool{}
	}
	d.seen[key] = true
	*list = append(*list, &Error{File: d.file, Pos: Pos{n.Line, n.Column}, Path: path, Message: msg})
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// describe names a node's kind for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		case "!!str":
			return "a string"
		}
		return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
	}
	return "nothing"
}

// mapping walks a mapping node, reporting a wrong kind, duplicate keys and merge keys,
// and calls visit for each remaining key with its key and (resolved) value node.
func (d *decoder) mapping(n *yaml.Node, path string, visit func(key string, k, v *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", describe(n))
		return false
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		switch {
		case k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null":
			d.errorf(k, path, "keys must be strings, got %s", describe(k))
			continue
		case k.ShortTag() == "!!merge":
			d.errorf(k, path, "merge keys (<<) are not supported; put shared values in defaults")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errorf(k, join(path, k.Value), "duplicate key (first at line %d)", first.Line)
			continue
		}
		seen[k.Value] = k
		visit(k.Value, k, v)
	}
	return true
}

// sequence returns the (resolved) items of a list node, or reports a wrong kind.
func (d *decoder) sequence(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", describe(n))
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		items[i] = resolve(c)
	}
	return items, true
}

// str decodes a string scalar. Numbers and booleans are refused with a hint to quote
// them, as the JSON Schema does.
func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		if len(n.Value) > maxStringLength {
			d.errorf(n, path, "%d bytes long, at most %d: %s", len(n.Value), maxStringLength, shown(n.Value))
			return "", false
		}
		return n.Value, true
	}
	switch what := describe(n); what {
	case "a number", "a boolean":
		d.errorf(n, path, "expected a string, got %s (quote it: %s)", what, shown(n.Value))
	case "null":
		d.errorf(n, path, `expected a string, got null (write "" for an empty string)`)
	default:
		d.errorf(n, path, "expected a string, got %s", what)
	}
	return "", false
}

// int32 decodes a plain decimal integer within f's range (Field.Min, Field.Max); the
// error names the range and, when documented, its source.
func (d *decoder) int32(n *yaml.Node, path string, f Field) (int32, bool) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		d.errorf(n, path, "expected an integer, got %s", describe(n))
		return 0, false
	}
	if !decimalRe.MatchString(n.Value) {
		d.errorf(n, path, "%s", notDecimal(n.Value))
		return 0, false
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	switch {
	case f.Bounds != "" && (err != nil || v < f.Min || v > f.Max):
		d.errorf(n, path, "must be between %d and %d (documented for %s), got %s", f.Min, f.Max, f.Bounds, n.Value)
	case (err != nil && strings.HasPrefix(n.Value, "-")) || v < f.Min:
		d.errorf(n, path, "must be at least %d, got %s", f.Min, n.Value)
	case err != nil || v > f.Max:
		d.errorf(n, path, "must be at most %d, got %s", f.Max, n.Value)
	default:
		return int32(v), true
	}
	return 0, false
}

// bool decodes true or false.
func (d *decoder) bool(n *yaml.Node, path string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, path, "expected true or false, got %s", describe(n))
		return false, false
	}
	var v bool
	if err := n.Decode(&v); err != nil {
		d.errorf(n, path, "expected true or false, got %s", shown(n.Value))
		return false, false
	}
	return v, true
}

// unknownKey reports a key that the mapping does not take, suggesting the closest one.
func (d *decoder) unknownKey(k *yaml.Node, path string, fields []Field) {
	msg := "unknown key"
	if s := suggest(k.Value, fields); s != "" {
		msg += ", did you mean " + s + "?"
	} else if len(fields) <= 6 {
		keys := make([]string, len(fields))
		for i, f := range fields {
			keys[i] = f.Key
		}
		msg += "; known keys: " + strings.Join(keys, ", ")
	}
	d.errorf(k, join(path, k.Value), "%s", msg)
}

// suggest returns the known key closest to key, comparing without case against the
// keys and their API parameter names, or "" when none is close.
func suggest(key string, fields []Field) string {
	var cands []string
	keyOf := map[string]string{}
	for _, f := range fields {
		for _, c := range []string{f.Key, f.Param} {
			if _, seen := keyOf[c]; c != "" && !seen {
				cands, keyOf[c] = append(cands, c), f.Key
			}
		}
	}
	if near := Suggestion(key, cands); near != "" {
		return keyOf[near]
	}
	return ""
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// join appends a mapping key to a field path; keys that are not plain words, or longer
// than any valid key, are quoted (and cut).
func join(path, key string) string {
	if !plainKey.MatchString(key) || len(key) > MaxTagLength {
		return path + "[" + shown(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a field path.
func index(path string, i int) string {
	return fmt.Sprintf("%s[%d]", path, i)
}
