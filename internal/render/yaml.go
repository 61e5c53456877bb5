package render

import (
	"bytes"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/spec"
)

// keyOrder orders the keys of structured values (registry credentials, ACR instances)
// as imagecaches.yaml documents them; other keys follow, sorted.
var keyOrder = func() map[string]int {
	order := map[string]int{}
	for _, t := range []reflect.Type{reflect.TypeFor[spec.RegistryCredential](), reflect.TypeFor[spec.AcrRegistryInfo]()} {
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if _, ok := order[name]; !ok {
				order[name] = len(order)
			}
		}
	}
	return order
}()

// yamlLines shows a plain value (spec.Plain) as indented YAML lines, keys in keyOrder.
func yamlLines(v any) []string {
	if list, ok := v.([]any); ok && len(list) == 0 {
		return nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(v)); err != nil {
		return []string{compactJSON(v)} // plain values always encode; kept as a fallback
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

// yamlNode builds the YAML node of a plain value with ordered mapping keys.
func yamlNode(v any) *yaml.Node {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			ra, okA := keyOrder[a]
			rb, okB := keyOrder[b]
			switch {
			case okA && okB:
				return ra - rb
			case okA:
				return -1
			case okB:
				return 1
			}
			return strings.Compare(a, b)
		})
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range keys {
			n.Content = append(n.Content, yamlNode(k), yamlNode(x[k]))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			n.Content = append(n.Content, yamlNode(e))
		}
		return n
	}
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		n = yaml.Node{Kind: yaml.ScalarNode, Value: compactJSON(v)}
	}
	return &n
}
