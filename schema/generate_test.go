package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"math"
	"os"
	"testing"

	"github.com/imcsync/imcsync/spec"
)

var update = flag.Bool("update", false, "rewrite the schema files from spec's field table")

// schemaFiles are the generated schema and its copy beside the examples, for their
// yaml-language-server comment.
var schemaFiles = []string{"imagecaches.schema.json", "../examples/imagecaches.schema.json"}

// TestGenerated: both schema files are what generate makes of spec's field table; `go
// generate ./schema` (this test with -update) rewrites them.
func TestGenerated(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range schemaFiles {
		if *update {
			if err := os.WriteFile(file, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not generated from spec's field table: run go generate ./schema", file)
		}
	}
}

// generate builds the JSON Schema of imagecaches.yaml: the file's top level and shared
// definitions here, every key of a cache from spec's table.
func generate() ([]byte, error) {
	settings := map[string]any{}
	perCache := map[string]any{}
	var required []any
	for _, f := range spec.CacheFields() {
		if f.PerCache {
			perCache[f.Key] = fieldSchema(f)
		} else {
			settings[f.Key] = fieldSchema(f)
		}
		if f.Required {
			required = append(required, f.Key)
		}
	}
	doc := map[string]any{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://github.com/imcsync/imcsync/schema/imagecaches.schema.json",
		"title":       "imcsync imagecaches.yaml",
		"description": "Alibaba Cloud ECI image caches that imcsync keeps equal to this file. `imcsync validate` applies further checks (image references, duplicates, the tag count with reserved tags).",
		"type":        "object",
		"properties": map[string]any{
			"apiVersion": map[string]any{"description": "The file format version.", "const": spec.APIVersion},
			"owner":      map[string]any{"description": "Names this file's caches in the imcsync:owner tag; needed for apply --prune.", "$ref": "#/$defs/name"},
			"region":     map[string]any{"description": "Default region of every cache.", "$ref": "#/$defs/region"},
			"pricing": map[string]any{
				"description": "imcsync's own setting, never sent: the price of one GiB of cache storage for a month, to show what a plan costs; imcsync never guesses one.",
				"type":        "object",
				"properties": map[string]any{
					"perGiBMonth": map[string]any{"type": "number", "minimum": 0},
					"currency":    map[string]any{"type": "string", "maxLength": 16},
				},
				"required":             []any{"perGiBMonth"},
				"additionalProperties": false,
			},
			"workloads": map[string]any{
				"description": "imcsync's own setting, never sent: the Kubernetes manifests whose pods run on ECI, read to show which pods a cache serves (coverage).",
				"type":        "array",
				"maxItems":    spec.MaxWorkloadSources,
				"items": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"path":   map[string]any{"description": "A file, a glob (** matches any number of directories) or a directory holding kustomization.yaml, relative to this file.", "type": "string", "minLength": 1},
						"region": map[string]any{"description": "The cluster's region; default: the file's region.", "$ref": "#/$defs/region"},
						"eci":    map[string]any{"description": "all: every pod runs on ECI (ACK Serverless); labelled: only pods bound to virtual nodes.", "enum": []any{spec.ECIAll, spec.ECILabelled}},
					},
					"required":             []any{"path"},
					"additionalProperties": false,
				},
			},
			"defaults": map[string]any{
				"description":           "Merged into every cache; a cache's own value wins, lists replace, tags merge key by key.",
				"$ref":                  "#/$defs/settings",
				"unevaluatedProperties": false,
			},
			"imageCaches": map[string]any{
				"description": "The image caches; identity is (region, name), or a pinned id.",
				"type":        "array",
				"items": map[string]any{
					"$ref":                  "#/$defs/settings",
					"properties":            perCache,
					"required":              required,
					"unevaluatedProperties": false,
				},
			},
		},
		"required":             []any{"apiVersion", "imageCaches"},
		"additionalProperties": false,
		"$defs": map[string]any{
			"name":       map[string]any{"type": "string", "pattern": `^[A-Za-z0-9][A-Za-z0-9._-]{1,127}$`},
			"region":     map[string]any{"type": "string", "pattern": `^[a-z]+(-[a-z0-9]+)+$`},
			"int32":      map[string]any{"type": "integer", "maximum": 2147483647},
			"registry":   map[string]any{"type": "string", "pattern": `^[^\s/]+$`, "not": map[string]any{"pattern": "://"}},
			"registries": map[string]any{"type": "string", "pattern": `^[^\s/,]+(,[^\s/,]+)*$`, "not": map[string]any{"pattern": "://"}},
			"tagKey": map[string]any{
				"type": "string", "minLength": 1, "maxLength": spec.MaxTagLength,
				"not": map[string]any{"pattern": "^([aA][lL][iI][yY][uU][nN]|[aA][cC][sS]:|[iI][mM][cC][sS][yY][nN][cC]:)|[hH][tT][tT][pP][sS]?://"},
			},
			"settings": map[string]any{
				"description": "The keys a cache and defaults share.",
				"type":        "object",
				"properties":  settings,
			},
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(doc)
	return buf.Bytes(), err
}

// fieldSchema is the schema of field f: its Schema column, with what the other columns say
// (description, examples, integer bounds, booleans, size limits, the items of a list of
// objects).
func fieldSchema(f spec.Field) map[string]any {
	p := maps.Clone(f.Schema)
	if p == nil {
		p = map[string]any{}
	}
	if f.Doc != "" {
		p["description"] = f.Doc
	}
	if len(f.Examples) > 0 {
		p["examples"] = f.Examples
	}
	switch f.Type {
	case spec.TypeInt32:
		p["$ref"] = "#/$defs/int32"
		p["minimum"] = f.Min
		if f.Max < math.MaxInt32 {
			p["maximum"] = f.Max
		}
	case spec.TypeBool:
		p["type"] = "boolean"
	}
	if len(f.Items) > 0 {
		props := map[string]any{}
		required := []any{}
		for _, k := range f.Items {
			props[k.Key] = fieldSchema(k)
			if k.Required {
				required = append(required, k.Key)
			}
		}
		p["type"] = "array"
		p["items"] = map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	if f.MaxItems > 0 {
		if f.Type == spec.TypeTags {
			p["maxProperties"] = f.MaxItems
		} else {
			p["maxItems"] = f.MaxItems
		}
	}
	return p
}
