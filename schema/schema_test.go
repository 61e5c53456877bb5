package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/spec"
)

const schemaURL = "https://github.com/imcsync/imcsync/schema/imagecaches.schema.json"

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSON()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// instance reads a YAML file as the JSON value the schema validates.
func instance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestValidFilesValidate: every file the loader accepts in the examples and the valid
// test fixtures also passes the schema.
func TestValidFilesValidate(t *testing.T) {
	sch := compile(t)
	files, _ := filepath.Glob("../spec/testdata/ok_*.yaml")
	files = append(files, "../examples/imagecaches.yaml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			if _, err := spec.Load(file); err != nil {
				t.Fatalf("the loader refuses it: %v", err)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(instance(t, data)); err != nil {
				t.Errorf("schema refuses %s: %v", file, err)
			}
		})
	}
}

// TestInvalidFilesFail: mistakes that both the loader and the schema catch.
func TestInvalidFilesFail(t *testing.T) {
	sch := compile(t)
	const head = "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - name: web\n    images: [nginx:1.25]\n"
	for name, src := range map[string]string{
		"unknown key":          head + "    retentionDay: 3\n",
		"unknown top key":      "apiVersion: imcsync/v1\nimageCache: []\nimageCaches: []\n",
		"name in defaults":     "apiVersion: imcsync/v1\ndefaults: {name: x}\nimageCaches: []\n",
		"wrong apiVersion":     "apiVersion: v1\nimageCaches: []\n",
		"size a string":        head + "    size: \"20\"\n",
		"size zero":            head + "    size: 0\n",
		"size below 20":        head + "    size: 19\n",
		"size above 32768":     head + "    size: 2147483647\n",
		"retention too long":   head + "    retentionDays: 65537\n",
		"untagged image":       "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx]}\n",
		"reserved tag":         head + "    tags: {\"imcsync:owner\": x}\n",
		"aliyun tag":           head + "    tags: {AliyunX: x}\n",
		"plain password":       head + "    imageRegistryCredentials: [{server: r.example.com, userName: u, passwordFromEnv: P, password: x}]\n",
		"elimination strategy": head + "    eliminationStrategy: FIFO\n",
		"bad ignoreChanges":    head + "    ignoreChanges: [zoneId]\n",
		"missing name":         "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {images: [nginx:1.25]}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := spec.Parse("t.yaml", []byte(src)); err == nil {
				t.Fatalf("the loader accepts it:\n%s", src)
			}
			if err := sch.Validate(instance(t, []byte(src))); err == nil {
				t.Errorf("the schema accepts it:\n%s", src)
			}
		})
	}
}
