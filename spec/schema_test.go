package spec

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/schema"
)

// loaderKeys lists the keys the loader takes in each kind of mapping: "" (the top level),
// "defaults", "imageCaches[]", "imageCaches[].imageRegistryCredentials[]" and
// "imageCaches[].acrRegistryInfos[]".
func loaderKeys() map[string][]string {
	names := func(fs []Field) []string {
		keys := make([]string, len(fs))
		for i, f := range fs {
			keys[i] = f.Key
		}
		return keys
	}
	return map[string][]string{
		"":              names(keysOf(fileFields)),
		"defaults":      names(keysOf(objectFields(defaultsFields()))),
		"imageCaches[]": names(CacheFields()),
		"imageCaches[].imageRegistryCredentials[]": names(keysOf(credentials.fields)),
		"imageCaches[].acrRegistryInfos[]":         names(keysOf(acrInfos.fields)),
	}
}

// TestSchemaKeysMatchLoader: the generated schema's properties are exactly the keys the loader's own
// tables take, for every kind of mapping in the file.
func TestSchemaKeysMatchLoader(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(schema.JSON(), &root); err != nil {
		t.Fatal(err)
	}
	for path, want := range loaderKeys() {
		t.Run("at "+path, func(t *testing.T) {
			node := root
			if path != "" {
				for _, part := range strings.Split(path, ".") {
					key, isList := strings.CutSuffix(part, "[]")
					node = schemaProperty(t, root, node, key)
					if isList {
						node = schemaObject(t, node["items"])
					}
				}
			}
			got := schemaProperties(t, root, node)
			slices.Sort(got)
			want = slices.Sorted(slices.Values(want))
			if !slices.Equal(got, want) {
				t.Errorf("schema properties %v, loader keys %v", got, want)
			}
		})
	}
}

// TestIgnoreChangesEnum: the ignoreChanges names the schema lists are the compared and
// write-only fields.
func TestIgnoreChangesEnum(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(schema.JSON(), &root); err != nil {
		t.Fatal(err)
	}
	settings := schemaObject(t, schemaObject(t, root["$defs"])["settings"])
	ignore := schemaProperty(t, root, settings, "ignoreChanges")
	anyOf := schemaObject(t, ignore["items"])["anyOf"].([]any)
	var got []string
	for _, v := range schemaObject(t, anyOf[0])["enum"].([]any) {
		got = append(got, v.(string))
	}
	var want []string
	for _, f := range CacheFields() {
		if f.Managed == Compared || f.Managed == WriteOnly {
			want = append(want, f.Key)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ignoreChanges enum %v, want %v", got, want)
	}
}

func schemaObject(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("expected a schema object, got %T", v)
	}
	return m
}

// schemaRef follows a local "$ref" of node, if any.
func schemaRef(t *testing.T, root, node map[string]any) map[string]any {
	ref, ok := node["$ref"].(string)
	if !ok {
		return nil
	}
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		t.Fatalf("unexpected $ref %q", ref)
	}
	return schemaObject(t, schemaObject(t, root["$defs"])[name])
}

// schemaProperties lists the property names of a schema node, including those of the
// definition it refers to.
func schemaProperties(t *testing.T, root, node map[string]any) []string {
	var names []string
	if props, ok := node["properties"].(map[string]any); ok {
		for k := range props {
			names = append(names, k)
		}
	}
	if target := schemaRef(t, root, node); target != nil {
		names = append(names, schemaProperties(t, root, target)...)
	}
	return names
}

// schemaProperty finds the schema of a property of node, looking through its $ref.
func schemaProperty(t *testing.T, root, node map[string]any, key string) map[string]any {
	t.Helper()
	if props, ok := node["properties"].(map[string]any); ok {
		if p, ok := props[key]; ok {
			return schemaObject(t, p)
		}
	}
	if target := schemaRef(t, root, node); target != nil {
		return schemaProperty(t, root, target, key)
	}
	t.Fatalf("no property %q in the schema", key)
	return nil
}
