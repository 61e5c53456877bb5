package applier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/schema"
	"github.com/imcsync/imcsync/spec"
)

// TestFieldTableCoverage lists the fields of spec's table and checks that each is known
// to everything that must know it: the JSON Schema has the key with the field's type and
// limits; eci creates a cache with it (eci's TestParamsCoverTable checks its mapping for
// every call that takes it); and the emulator stores a created value under the field's
// key and, for a field UpdateImageCache takes, answers NoNeedUpdate to the same value and
// accepts another.
func TestFieldTableCoverage(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(schema.JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	sim, clock := ecisimtest.NewManualServer(t, ecisim.Config{}, &ecisim.State{})
	client, err := eci.New(eci.Config{Endpoint: sim.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret})
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(string) string { return "secret" }
	ctx := context.Background()

	for _, f := range spec.CacheFields() {
		if f.Managed == spec.Local {
			continue
		}
		t.Run(f.Key, func(t *testing.T) {
			checkSchema(t, doc, f)
			if !f.OnCreate {
				return // region and id: the request's own identity
			}
			samples := f.Examples
			if len(samples) < 2 {
				t.Fatalf("%s has no two Examples in spec's table: add two different valid values", f.Key)
			}
			for _, s := range samples {
				if _, err := f.Wire(s); err != nil {
					t.Fatalf("sample %v: %v", s, err)
				}
			}
			name := "cov-" + strings.ToLower(f.Key)
			req := planner.Request{"ImageCacheName": name, "Image": []string{"nginx:1"}, f.Param: wire(t, f, samples[0])}
			if f.Key == "name" {
				name = samples[0].(string)
			}
			ps, err := withPasswords(req, getenv)
			if err != nil {
				t.Fatal(err)
			}
			id, err := client.Create(ctx, eci.CreateRequest{RegionID: "cn-hangzhou", Params: ps})
			if err != nil {
				t.Fatalf("create with %s: %v", f.Param, err)
			}
			clock.Advance(time.Minute)
			if _, err := client.List(ctx, "cn-hangzhou"); err != nil {
				t.Fatal(err)
			}
			stored := storedCache(t, sim, id)
			if v, ok := stored[f.Key]; !ok || v == "" {
				t.Errorf("the emulator does not store %s under %q: %v", f.Param, f.Key, stored)
			}
			if name != stored["name"] {
				t.Errorf("stored name %v, want %s", stored["name"], name)
			}
			if !f.OnUpdate {
				return
			}
			for i, want := range []error{eci.ErrNoNeedUpdate, nil} {
				ps, err := withPasswords(planner.Request{f.Param: wire(t, f, samples[i])}, getenv)
				if err != nil {
					t.Fatal(err)
				}
				err = client.Update(ctx, eci.UpdateRequest{RegionID: "cn-hangzhou", ImageCacheID: id, Params: ps})
				if !errors.Is(err, want) && (want != nil || err != nil) {
					t.Errorf("update of %s to %v: %v, want %v", f.Param, samples[i], err, want)
				}
			}
		})
	}
}

// wire is the value of f's API parameter for plain value v.
func wire(t *testing.T, f spec.Field, v any) any {
	t.Helper()
	w, err := f.Wire(v)
	if err != nil {
		t.Fatalf("%s: %v", f.Key, err)
	}
	return w
}

// storedCache is the emulator's record of a cache as its state file writes it.
func storedCache(t *testing.T, sim *ecisim.Running, id string) map[string]any {
	t.Helper()
	for _, c := range sim.Server.State().Caches {
		if c.ID == id {
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
	}
	t.Fatalf("the emulator has no cache %s", id)
	return nil
}

// checkSchema checks that the schema takes the field with its type and limits.
func checkSchema(t *testing.T, doc map[string]any, f spec.Field) {
	t.Helper()
	defs := doc["$defs"].(map[string]any)
	props := defs["settings"].(map[string]any)["properties"].(map[string]any)
	if f.Key == "name" || f.Key == "id" {
		items := doc["properties"].(map[string]any)["imageCaches"].(map[string]any)["items"].(map[string]any)
		props = items["properties"].(map[string]any)
	}
	node, ok := props[f.Key].(map[string]any)
	if !ok {
		t.Errorf("the schema has no key %s", f.Key)
		return
	}
	want := map[spec.Type]string{spec.TypeString: "string", spec.TypeInt32: "integer", spec.TypeBool: "boolean",
		spec.TypeStringSet: "array", spec.TypeTags: "object", spec.TypeCredentials: "array", spec.TypeAcrInfos: "array"}[f.Type]
	if got := schemaType(defs, node); got != want {
		t.Errorf("schema type of %s: %q, want %q", f.Key, got, want)
	}
	limit := "maxItems"
	if f.Type == spec.TypeTags {
		limit = "maxProperties"
	}
	if f.MaxItems > 0 && fmt.Sprint(node[limit]) != fmt.Sprint(f.MaxItems) {
		t.Errorf("schema %s of %s: %v, want %d", limit, f.Key, node[limit], f.MaxItems)
	}
	if f.Type == spec.TypeInt32 && fmt.Sprint(node["minimum"]) != fmt.Sprint(f.Min) {
		t.Errorf("schema minimum of %s: %v, want %d", f.Key, node["minimum"], f.Min)
	}
}

// schemaType is a schema node's JSON type, through $ref and enums of strings.
func schemaType(defs, node map[string]any) string {
	if typ, ok := node["type"].(string); ok {
		return typ
	}
	if ref, ok := node["$ref"].(string); ok {
		return schemaType(defs, defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any))
	}
	if enum, ok := node["enum"].([]any); ok && len(enum) > 0 {
		if _, isStr := enum[0].(string); isStr {
			return "string"
		}
	}
	return ""
}
