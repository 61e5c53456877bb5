package render

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/version"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// goldenFile is the file, owner and defaults of the golden plan: a cache of every kind
// of change, a blocked create, an owned cache left undeclared (pruned) and an unmanaged one.
const goldenFile = `apiVersion: imcsync/v1
owner: platform
region: cn-hangzhou
defaults:
  securityGroupId: sg-1
imageCaches:
  - name: web
    images: [nginx:1.25, redis:7]
    size: 40
    tags: {team: web, env: prod}
    imageRegistryCredentials:
      - {server: r.example.com, userName: ci, passwordFromEnv: REGISTRY_PW}
    acrRegistryInfos:
      - {instanceId: cri-1, domains: [a.example.com, b.example.com]}
  - name: new
    images: [nginx:1.25]
    vSwitchId: vsw-1
  - name: blocked
    images: [nginx:1.25]
  - name: same
    images: [nginx:1.25]
    size: 20
  - name: expiring
    images: [nginx:1.25]
  - name: sick
    images: [nginx:1.25]
`

var goldenNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// goldenLive are the live caches the golden file is planned against.
func goldenLive() []cloud.Cache {
	owned := map[string]string{spec.OwnerTag: "platform"}
	return []cloud.Cache{
		{Region: "cn-hangzhou", ID: "imc-web", Name: "web", Status: cloud.Ready, Size: 20, Images: []string{"nginx:1.24"},
			Tags: map[string]string{"team": "web", "env": "dev", "old": "x", spec.OwnerTag: "platform",
				// a record of other credentials and ACR infos: they are sent again
				spec.RecordTag: "v2;ac=AAAA;rc=AAAA;sg=AAAA"}},
		{Region: "cn-hangzhou", ID: "imc-same", Name: "same", Status: cloud.Ready, Size: 20, Images: []string{"nginx:1.25"}, Tags: owned},
		{Region: "cn-hangzhou", ID: "imc-exp", Name: "expiring", Status: cloud.Ready, Size: 20, Images: []string{"nginx:1.25"}, Tags: owned,
			ExpireDateTime: goldenNow.Add(5 * time.Hour)},
		{Region: "cn-hangzhou", ID: "imc-sick", Name: "sick", Status: "UpdateFailed", Size: 20, Images: []string{"nginx:1.25"}, Tags: owned,
			Events: []cloud.Event{{Type: "Warning", Message: "pulling nginx:1.25 failed", LastTimestamp: goldenNow}}},
		{Region: "cn-hangzhou", ID: "imc-gone", Name: "gone", Status: cloud.Ready, Size: 20, Images: []string{"nginx:1"}, Tags: owned},
		{Region: "cn-hangzhou", ID: "imc-other", Name: "other", Status: cloud.Ready, Size: 20, Images: []string{"nginx:1"}},
	}
}

// goldenPlan plans the golden file against goldenLive, pruning.
func goldenPlan(t *testing.T) (*planner.Plan, []cloud.Cache) {
	t.Helper()
	f, err := spec.Parse("imagecaches.yaml", []byte(goldenFile))
	if err != nil {
		t.Fatal(err)
	}
	live := goldenLive()
	p := planner.Build(f, live, planner.Options{Prune: true})
	p.Warnings = append(p.Warnings, "a warning for people")
	return p, live
}

// goldenReport is an apply report with an outcome of every result.
func goldenReport() engine.Report {
	var outs []applier.Outcome
	for i, r := range []applier.Result{applier.Created, applier.Updated, applier.Deleted, applier.Replaced, applier.Unchanged,
		applier.Blocked, applier.Failed, applier.Stale, applier.Skipped} {
		o := applier.Outcome{Region: "cn-hangzhou", Name: "c" + string(rune('a'+i)), ID: "imc-" + string(rune('a'+i)),
			Action: planner.Update, Result: r, Status: cloud.Ready, Attempts: 1, Duration: time.Duration(i) * time.Second}
		if r == applier.Failed {
			o.Message, o.Err, o.Status = "Forbidden: not allowed", errors.New("cn-hangzhou/cg: Forbidden"), "UpdateFailed"
		}
		outs = append(outs, o)
	}
	return engine.NewReport(outs)
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update and review the file)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestGolden renders the golden plan, its drift report and an apply report in every
// format, without and with colour.
func TestGolden(t *testing.T) {
	plan, live := goldenPlan(t)
	report := drift.Build(plan, live, goldenNow, drift.DefaultOptions())
	for _, format := range []Format{Text, JSON, Markdown} {
		for _, color := range []bool{false, true} {
			if color && format != Text {
				continue
			}
			suffix := string(format)
			if color {
				suffix += "-color"
			}
			for name, render := range map[string]func(*bytes.Buffer) error{
				"plan":  func(b *bytes.Buffer) error { return Plan(b, plan, format, color) },
				"drift": func(b *bytes.Buffer) error { return Drift(b, report, format, color) },
				"apply": func(b *bytes.Buffer) error { return Apply(b, goldenReport(), format, color) },
			} {
				t.Run(name+"-"+suffix, func(t *testing.T) {
					var b bytes.Buffer
					if err := render(&b); err != nil {
						t.Fatal(err)
					}
					checkGolden(t, name+"."+suffix+".golden", b.Bytes())
				})
			}
		}
	}
}

// TestNoChanges: a plan without changes is one line that says so, in text and markdown.
func TestNoChanges(t *testing.T) {
	f, err := spec.Parse("imagecaches.yaml", []byte("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1.25]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	live := []cloud.Cache{{Region: "cn-hangzhou", ID: "imc-1", Name: "web", Status: cloud.Ready, Size: 20, Images: []string{"nginx:1.25"}},
		{Region: "cn-hangzhou", ID: "imc-2", Name: "other", Status: cloud.Ready, Size: 20, Images: []string{"nginx:1"}}}
	p := planner.Build(f, live, planner.Options{})
	for _, format := range []Format{Text, Markdown} {
		var b bytes.Buffer
		if err := Plan(&b, p, format, false); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "nochanges."+string(format)+".golden", b.Bytes())
	}
}

// TestVersion: the version as text lines, and as JSON with its format_version.
func TestVersion(t *testing.T) {
	info := version.Info{Version: "v1.2.3", Commit: "abc", Modified: true, Date: "2026-05-01", GoVersion: "go1.26", Platform: "linux/amd64"}
	var text, js bytes.Buffer
	if err := Version(&text, info, Text); err != nil {
		t.Fatal(err)
	}
	if want := "imcsync v1.2.3\ncommit: abc (modified)\nbuilt:  2026-05-01\ngo:     go1.26 linux/amd64\n"; text.String() != want {
		t.Errorf("text %q, want %q", text.String(), want)
	}
	if err := Version(&js, info, JSON); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"format_version": "1"`) || !strings.Contains(js.String(), `"v1.2.3"`) {
		t.Errorf("json %s", js.String())
	}
}

// TestValidate: a valid file is one line of text and JSON with its warnings; an invalid
// one prints no text (its problems go to stderr with their places) and JSON with them.
func TestValidate(t *testing.T) {
	problem := &spec.Error{File: "f.yaml", Pos: spec.Pos{Line: 3, Column: 5}, Path: "imageCaches[0].size", Message: "want an integer"}
	for _, c := range []struct {
		v          Validation
		text, json string
	}{
		{Validation{File: "f.yaml", Caches: 2, Regions: 1}, "f.yaml: 2 image caches in 1 region, valid\n", `"valid": true`},
		{Validation{File: "f.yaml", Problems: spec.Errors{problem}}, "", `"line": 3`},
	} {
		var text, js bytes.Buffer
		if err := Validate(&text, c.v, Text); err != nil {
			t.Fatal(err)
		}
		if err := Validate(&js, c.v, JSON); err != nil {
			t.Fatal(err)
		}
		if text.String() != c.text || !strings.Contains(js.String(), c.json) || !strings.Contains(js.String(), `"warnings": []`) {
			t.Errorf("%+v:\ntext %q, want %q\njson %s, want %s", c.v, text.String(), c.text, js.String(), c.json)
		}
	}
}

// TestSchema: the schema document is its own text and its own JSON, byte for byte.
func TestSchema(t *testing.T) {
	doc := []byte("{\n  \"type\": \"object\",\n  \"description\": \"a<b\"\n}\n")
	for _, f := range []Format{Text, JSON} {
		var b bytes.Buffer
		if err := Schema(&b, doc, f); err != nil {
			t.Fatal(err)
		}
		if b.String() != string(doc) {
			t.Errorf("%s: %q, want %q", f, b.String(), doc)
		}
	}
}

// TestFormsOfOutputs: an output refuses a format it has no form in, rather than
// printing something else; export is YAML only.
func TestFormsOfOutputs(t *testing.T) {
	var b bytes.Buffer
	for _, f := range []Format{Text, JSON, Markdown} {
		if err := Export(&b, []byte("apiVersion: imcsync/v1\n"), f); err == nil {
			t.Errorf("export as %s: no error", f)
		}
	}
	if err := Validate(&b, Validation{}, Markdown); err == nil {
		t.Error("validate as markdown: no error")
	}
	b.Reset()
	if err := Export(&b, []byte("apiVersion: imcsync/v1\n"), YAML); err != nil || b.String() != "apiVersion: imcsync/v1\n" {
		t.Errorf("export as yaml: %q, %v", b.String(), err)
	}
}
