package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// TestExport exports each testdata/export case's emulator state, compares the YAML with
// the case's golden imagecaches.yaml (go test ./internal/cli/ -run Export -update rewrites it),
// checks that the output is a valid file, and plans it against the same state: the plan
// must be exactly the expected one.
func TestExport(t *testing.T) {
	for _, tc := range []struct {
		name    string
		state   string // the case whose state.yaml is exported, when not the case's own
		regions []string
		// actions maps "region/name" to the planned action; updates list the tag keys
		// they change, which must all be reserved (bookkeeping only).
		actions   map[string]planner.Action
		tagKeys   map[string][]string
		unmanaged []string // "region/name id"
	}{
		{
			name:    "adopt",
			regions: []string{"cn-hangzhou", "cn-shanghai"},
			actions: map[string]planner.Action{
				"cn-hangzhou/builds":        planner.Update, // the oldest of the two, pinned by id
				"cn-hangzhou/web-frontend":  planner.Noop,
				"cn-shanghai/data-pipeline": planner.Update,
			},
			tagKeys: map[string][]string{
				"cn-hangzhou/builds":        {spec.OwnerTag},
				"cn-shanghai/data-pipeline": {spec.OwnerTag},
			},
			unmanaged: []string{"cn-hangzhou/builds imc-bp1builds00000002"},
		},
		{
			name:    "mixed-owners",
			regions: []string{"cn-hangzhou"},
			actions: map[string]planner.Action{
				"cn-hangzhou/ml":      planner.Blocked,
				"cn-hangzhou/sandbox": planner.Noop,
				"cn-hangzhou/web":     planner.Blocked,
			},
		},
		{
			name:    "empty",
			state:   "adopt",
			regions: []string{"cn-beijing"},
			actions: map[string]planner.Action{},
		},
		{
			name:    "other-first-region",
			state:   "adopt",
			regions: []string{"cn-shanghai", "cn-hangzhou", "cn-shanghai"},
			actions: map[string]planner.Action{
				"cn-hangzhou/builds":        planner.Update,
				"cn-hangzhou/web-frontend":  planner.Noop,
				"cn-shanghai/data-pipeline": planner.Update,
			},
			tagKeys: map[string][]string{
				"cn-hangzhou/builds":        {spec.OwnerTag},
				"cn-shanghai/data-pipeline": {spec.OwnerTag},
			},
			unmanaged: []string{"cn-hangzhou/builds imc-bp1builds00000002"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", "export", tc.name)
			state := filepath.Join(dir, "state.yaml")
			if tc.state != "" {
				state = filepath.Join("testdata", "export", tc.state, "state.yaml")
			}
			args := []string{"export", "--sim", state}
			for _, r := range tc.regions {
				args = append(args, "--region", r)
			}
			code, got, stderr := runCLI(t, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("export: exit %d, stderr:\n%s", code, stderr)
			}

			golden := filepath.Join(dir, "imagecaches.yaml")
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want, err := os.ReadFile(golden); err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			} else if got != string(want) {
				t.Errorf("%s mismatch (-want +got):\n%s", golden, cmp.Diff(string(want), got))
			}

			if !strings.HasPrefix(got, "# yaml-language-server: $schema=./imagecaches.schema.json\n") {
				t.Errorf("output does not start with the schema comment:\n%s", got)
			}
			f, err := spec.Parse("exported.yaml", []byte(got))
			if err != nil {
				t.Fatalf("exported file is invalid: %v\n%s", err, got)
			}
			if f.Region != tc.regions[0] {
				t.Errorf("region %q, want the first --region %q", f.Region, tc.regions[0])
			}
			for _, c := range f.Caches {
				for k := range c.Tags {
					if strings.HasPrefix(k, spec.ReservedTagPrefix) {
						t.Errorf("%s/%s: reserved tag %s exported", c.Region, c.Name, k)
					}
				}
			}

			path := filepath.Join(t.TempDir(), "imagecaches.yaml")
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, _, stderr := runCLI(t, "validate", "-f", path); code != exitOK {
				t.Errorf("validate: exit %d, stderr:\n%s", code, stderr)
			}
			code, out, stderr := runCLI(t, "plan", "-f", path, "--sim", state, "-o", "json")
			if code == exitFailure {
				t.Fatalf("plan: exit %d, stderr:\n%s", code, stderr)
			}
			var plan planner.Plan
			if err := json.Unmarshal([]byte(out), &plan); err != nil {
				t.Fatalf("plan JSON: %v\n%s", err, out)
			}
			actions := map[string]planner.Action{}
			tagKeys := map[string][]string{}
			for _, c := range plan.Changes {
				key := c.Region + "/" + c.Name
				actions[key] = c.Action
				for _, fc := range c.Fields {
					if fc.Field != "tags" {
						t.Errorf("%s: field %s changes, want tags only", key, fc.Field)
						continue
					}
					tagKeys[key] = changedTagKeys(fc.Before, fc.After)
				}
				for _, b := range c.Bookkeeping {
					tagKeys[key] = append(tagKeys[key], b.Tag)
				}
			}
			if diff := cmp.Diff(tc.actions, actions); diff != "" {
				t.Errorf("planned actions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.tagKeys, tagKeys, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("changed tag keys (-want +got):\n%s", diff)
			}
			var unmanaged []string
			for _, u := range plan.Unmanaged {
				unmanaged = append(unmanaged, u.Region+"/"+u.Name+" "+u.ID)
			}
			if diff := cmp.Diff(tc.unmanaged, unmanaged); diff != "" {
				t.Errorf("unmanaged (-want +got):\n%s", diff)
			}
			if wantCode := planCode(plan.Changes); code != wantCode {
				t.Errorf("plan: exit %d, want %d", code, wantCode)
			}
		})
	}
}

// planCode is the exit code of plan for the changes: an adopted cache that only gets
// imcsync's bookkeeping tags is no change (exit 0); any field change or other action is.
func planCode(changes []planner.Change) int {
	for _, c := range changes {
		if len(c.Fields) > 0 || (c.Action != planner.Noop && c.Action != planner.Update) {
			return exitChanges
		}
	}
	return exitOK
}

// changedTagKeys lists the keys whose values differ between two tag maps of plan JSON.
func changedTagKeys(before, after any) []string {
	b, _ := before.(map[string]any)
	a, _ := after.(map[string]any)
	var keys []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func TestExportErrors(t *testing.T) {
	state := filepath.Join("testdata", "export", "adopt", "state.yaml")
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no region", []string{"export", "--sim", state},
			"Error: export needs at least one --region, e.g. imcsync export --region cn-hangzhou\n"},
		{"output format", []string{"export", "--sim", state, "--region", "cn-hangzhou", "-o", "json"},
			"Error: export -o json: export prints yaml\n"},
		{"no state", []string{"export", "--sim", filepath.Join(t.TempDir(), "none.yaml"), "--region", "cn-hangzhou"},
			"Error: --sim: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tc.args...)
			if code != exitFailure {
				t.Errorf("exit %d, want %d", code, exitFailure)
			}
			if !strings.HasPrefix(stderr, tc.stderr) {
				t.Errorf("stderr %q, want it to start with %q", stderr, tc.stderr)
			}
			if out != "" {
				t.Errorf("stdout not empty:\n%s", out)
			}
		})
	}
}

// TestExportIgnoresFile checks that export does not read -f, even a broken one.
func TestExportIgnoresFile(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "imagecaches.yaml")
	if err := os.WriteFile(broken, []byte("not: [valid"), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join("testdata", "export", "mixed-owners", "state.yaml")
	code, out, stderr := runCLI(t, "export", "-f", broken, "--sim", state, "--region", "cn-hangzhou")
	if code != exitOK || !strings.Contains(out, "- name: sandbox\n") {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, stderr, out)
	}
}

// TestExportOptions: complete keeps each --region once, in order; validate refuses no
// region and a malformed one before anything is listed.
func TestExportOptions(t *testing.T) {
	o := &exportOptions{app: &app{regions: []string{"cn-hangzhou", "cn-beijing", "cn-hangzhou"}}}
	if err := o.complete(nil, nil); err != nil {
		t.Fatal(err)
	}
	if want := []string{"cn-hangzhou", "cn-beijing"}; !slices.Equal(o.regions, want) {
		t.Errorf("regions %v, want %v", o.regions, want)
	}
	if err := o.validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
	for _, regions := range [][]string{nil, {"CN Hangzhou"}} {
		o := &exportOptions{app: &app{regions: regions}}
		if err := o.complete(nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := o.validate(); err == nil {
			t.Errorf("regions %q: validated", regions)
		}
	}
}
