package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/render"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// TestRenderGolden renders every testdata/render/<case>/plan.json in each format and
// compares with the case's plan.txt, plan.md (byte for byte) and plan.out.json (as
// decoded JSON). go test ./internal/cli/ -run Render -update rewrites them.
func TestRenderGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/render/*/plan.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, in := range dirs {
		dir := filepath.Dir(in)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			p := readPlan(t, in)
			for _, g := range []struct{ format, file string }{
				{"text", "plan.txt"},
				{"markdown", "plan.md"},
				{"json", "plan.out.json"},
			} {
				got := renderPlan(t, p, g.format, false)
				checkGolden(t, filepath.Join(dir, g.file), got, g.format == "json")
			}
		})
	}
}

// TestRenderTypedAndDecodedAgree checks that a plan fresh from the planner and the same
// plan read back from its JSON print the same.
func TestRenderTypedAndDecodedAgree(t *testing.T) {
	size := func(n int32) *int32 { return &n }
	yes := true
	f := &spec.File{Owner: "prod", Caches: []spec.Cache{{Region: "cn-hangzhou", Name: "web",
		Images: []string{"b:1", "a:2"}, Size: size(40), Tags: map[string]string{"team": "ml"}, Flash: &yes,
		ImageRegistryCredentials: []spec.RegistryCredential{{Server: "r.example.com", UserName: "ci", PasswordFromEnv: "PW"}}}}}
	live := []cloud.Cache{{Region: "cn-hangzhou", ID: "imc-1", Name: "web", Status: cloud.Ready, Size: 20,
		Images: []string{"a:1", "b:1"}, Tags: map[string]string{"team": "web"}}}
	typed := planner.Build(f, live, planner.Options{})
	b, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	var decoded planner.Plan
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "markdown"} {
		want, got := renderPlan(t, typed, format, false), renderPlan(t, &decoded, format, false)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: typed and decoded plans render differently (-typed +decoded):\n%s", format, diff)
		}
	}
	// JSON keeps the typed values' own key order; the values are the same.
	want, got := renderPlan(t, typed, "json", false), renderPlan(t, &decoded, "json", false)
	if diff := cmp.Diff(decodeJSON(t, []byte(want)), decodeJSON(t, []byte(got))); diff != "" {
		t.Errorf("json: typed and decoded plans differ (-typed +decoded):\n%s", diff)
	}
	text := renderPlan(t, &decoded, "text", false)
	for _, want := range []string{
		"20 → 40  (+20 GiB)\n",
		"- a:1\n", "+ a:2\n",
		`"web" → "ml"` + "\n",
		"# (no rebuild: tags change through the tag calls)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, bookkeeping := range []string{"imcsync:owner:", "imcsync:applied:", "(unknown)", "v2;"} {
		if strings.Contains(text, bookkeeping) {
			t.Errorf("text shows bookkeeping as a field change (%q):\n%s", bookkeeping, text)
		}
	}
}

// TestRenderColor checks that colour adds escape codes and nothing else.
func TestRenderColor(t *testing.T) {
	p := readPlan(t, "testdata/render/mixed/plan.json")
	plain := renderPlan(t, p, "text", false)
	if strings.Contains(plain, "\x1b") {
		t.Errorf("output without colour has escape codes:\n%q", plain)
	}
	colored := renderPlan(t, p, "text", true)
	if !strings.Contains(colored, "\x1b[") {
		t.Fatalf("output with colour has no escape codes:\n%s", colored)
	}
	if got := ansi.Strip(colored); got != plain {
		t.Errorf("coloured output differs from plain beyond escape codes:\n%s", cmp.Diff(plain, got))
	}
	for _, format := range []string{"markdown", "json"} {
		if out := renderPlan(t, p, format, true); strings.Contains(out, "\x1b") {
			t.Errorf("%s output has escape codes", format)
		}
	}
}

func TestColorEnabled(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := func(m map[string]string) func(string) string {
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		name string
		w    io.Writer
		env  map[string]string
	}{
		{"buffer", &bytes.Buffer{}, nil},
		{"regular file", f, nil},
		{"regular file, NO_COLOR", f, map[string]string{"NO_COLOR": "1"}},
	} {
		if useColor("auto", tc.w, env(tc.env)) {
			t.Errorf("%s: colour enabled, want disabled", tc.name)
		}
	}
}

func TestRenderJSONEmptyChanges(t *testing.T) {
	out := renderPlan(t, &planner.Plan{FormatVersion: planner.FormatVersion}, "json", false)
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if changes, ok := got["changes"].([]any); !ok || len(changes) != 0 {
		t.Errorf(`"changes" = %#v, want []`, got["changes"])
	}
	if !strings.HasSuffix(out, "}\n") {
		t.Errorf("JSON does not end with a newline: %q", out)
	}
	if text := renderPlan(t, &planner.Plan{}, "text", false); text != "No changes. Image caches match the configuration (0 unchanged).\n" {
		t.Errorf("empty plan text = %q", text)
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	if err := render.Plan(&bytes.Buffer{}, &planner.Plan{}, "yaml", false); err == nil {
		t.Error("format yaml: no error")
	}
}

// TestRenderListOfObjects checks that object lists show as YAML, diffed line by line,
// in order.
func TestRenderListOfObjects(t *testing.T) {
	obj := func(id string) map[string]any { return map[string]any{"instanceId": id, "regionId": "cn-hangzhou"} }
	p := &planner.Plan{Changes: []planner.Change{{
		Region: "cn-hangzhou", Name: "c", ID: "imc-1", Action: planner.Update, Status: "Ready",
		Fields: []planner.FieldChange{{Field: "acrRegistryInfos", WriteOnly: true, Send: true,
			Before: []any{obj("cri-b"), obj("cri-a")},
			After:  []any{obj("cri-b"), obj("cri-c")}}},
	}}, Summary: planner.Summary{Update: 1}}
	got := renderPlan(t, p, "text", false)
	want := `      ~ acrRegistryInfos:  (write-only)
            - instanceId: cri-b
              regionId: cn-hangzhou
          - - instanceId: cri-a
          + - instanceId: cri-c
              regionId: cn-hangzhou
    }
`
	if !strings.Contains(got, want) {
		t.Errorf("text lacks\n%s\ngot:\n%s", want, got)
	}
}

func readPlan(t *testing.T, path string) *planner.Plan {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p planner.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &p
}

func renderPlan(t *testing.T, p *planner.Plan, format string, color bool) string {
	t.Helper()
	var buf bytes.Buffer
	if err := render.Plan(&buf, p, render.Format(format), color); err != nil {
		t.Fatalf("renderPlan %s: %v", format, err)
	}
	return buf.String()
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v in:\n%s", err, b)
	}
	return v
}
