package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// TestRenderGolden renders every testdata/render/<case>/plan.json in each format and
// compares with the case's plan.txt, plan.md (byte for byte) and plan.out.json (as
// decoded JSON). go test ./cli/ -run Render -update rewrites them.
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
				got := render(t, p, g.format, false)
				checkGolden(t, filepath.Join(dir, g.file), got, g.format == "json")
			}
		})
	}
}

// TestRenderTypedAndDecodedAgree checks that a plan fresh from the planner (Go typed
// values) and the same plan read back from its JSON print the same.
func TestRenderTypedAndDecodedAgree(t *testing.T) {
	size20, size40 := int32(20), int32(40)
	typed := &planner.Plan{
		FormatVersion: planner.FormatVersion,
		Changes: []planner.Change{{
			Region: "cn-hangzhou", Name: "web", ID: "imc-1", Action: planner.Update, Status: "Ready",
			Fields: []planner.FieldChange{
				{Field: "size", Before: &size20, After: size40, Send: true},
				{Field: "images", Before: []string{"a:1", "b:1"}, After: []string{"b:1", "a:2"}, Send: true},
				{Field: "tags", Before: map[string]string{"team": "web"}, After: map[string]string{"team": "ml", spec.OwnerTag: "prod"}, Send: true},
				{Field: "flash", Before: planner.UnknownValue, After: true, WriteOnly: true},
				{Field: "imageRegistryCredentials", Before: planner.RecordedValue, WriteOnly: true, Send: true,
					After: []spec.RegistryCredential{{Server: "r.example.com", UserName: "ci", PasswordFromEnv: "PW"}}},
			},
		}},
		Summary: planner.Summary{Update: 1},
	}
	b, err := json.Marshal(typed)
	if err != nil {
		t.Fatal(err)
	}
	var decoded planner.Plan
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "markdown"} {
		want, got := render(t, typed, format, false), render(t, &decoded, format, false)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: typed and decoded plans render differently (-typed +decoded):\n%s", format, diff)
		}
	}
	// JSON keeps the typed values' own key order; the values are the same.
	want, got := render(t, typed, "json", false), render(t, &decoded, "json", false)
	if diff := cmp.Diff(decodeJSON(t, []byte(want)), decodeJSON(t, []byte(got))); diff != "" {
		t.Errorf("json: typed and decoded plans differ (-typed +decoded):\n%s", diff)
	}
	text := render(t, &decoded, "text", false)
	for _, want := range []string{
		"~ size:               20 → 40\n",
		"- a:1\n", "+ a:2\n",
		`~ tags.team:          "web" → "ml"` + "\n",
		`+ tags.imcsync:owner: "prod"  (imcsync bookkeeping)` + "\n",
		"~ flash:              (unknown) → true  (write-only) (recorded, not sent)\n",
		`+ {"passwordFromEnv":"PW","server":"r.example.com","userName":"ci"}` + "\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// TestRenderColor checks that colour adds escape codes and nothing else.
func TestRenderColor(t *testing.T) {
	p := readPlan(t, "testdata/render/mixed/plan.json")
	plain := render(t, p, "text", false)
	if strings.Contains(plain, "\x1b") {
		t.Errorf("output without colour has escape codes:\n%q", plain)
	}
	colored := render(t, p, "text", true)
	if !strings.Contains(colored, "\x1b[") {
		t.Fatalf("output with colour has no escape codes:\n%s", colored)
	}
	if got := ansi.Strip(colored); got != plain {
		t.Errorf("coloured output differs from plain beyond escape codes:\n%s", cmp.Diff(plain, got))
	}
	for _, format := range []string{"markdown", "json"} {
		if out := render(t, p, format, true); strings.Contains(out, "\x1b") {
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
	out := render(t, &planner.Plan{FormatVersion: planner.FormatVersion}, "json", false)
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
	if text := render(t, &planner.Plan{}, "text", false); text != "No changes. Image caches match the configuration (0 unchanged).\n" {
		t.Errorf("empty plan text = %q", text)
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	if err := renderPlan(&bytes.Buffer{}, &planner.Plan{}, "yaml", false); err == nil {
		t.Error("format yaml: no error")
	}
}

// TestRenderListOfObjects checks that object lists diff element by element, in order.
func TestRenderListOfObjects(t *testing.T) {
	obj := func(id string) map[string]any { return map[string]any{"instanceId": id, "regionId": "cn-hangzhou"} }
	p := &planner.Plan{Changes: []planner.Change{{
		Region: "cn-hangzhou", Name: "c", ID: "imc-1", Action: planner.Update, Status: "Ready",
		Fields: []planner.FieldChange{{Field: "acrRegistryInfos", WriteOnly: true, Send: true,
			Before: []any{obj("cri-b"), obj("cri-a")},
			After:  []any{obj("cri-b"), obj("cri-c")}}},
	}}, Summary: planner.Summary{Update: 1}}
	got := render(t, p, "text", false)
	want := `      ~ acrRegistryInfos:  (write-only)
            {"instanceId":"cri-b","regionId":"cn-hangzhou"}
          - {"instanceId":"cri-a","regionId":"cn-hangzhou"}
          + {"instanceId":"cri-c","regionId":"cn-hangzhou"}
    }
`
	if !strings.Contains(got, want) {
		t.Errorf("text lacks\n%s\ngot:\n%s", want, got)
	}
}

// TestRenderMarkdownManyCaches checks that a plan of 500 caches stays a valid, postable
// pull-request comment: every change in the table, diffs grouped per region and within
// GitHub's comment limit, fences and <details> balanced.
func TestRenderMarkdownManyCaches(t *testing.T) {
	regions := []string{"cn-beijing", "cn-hangzhou", "cn-shanghai"}
	actions := []planner.Action{planner.Update, planner.Noop, planner.Create, planner.Update, planner.Blocked, planner.Delete}
	p := &planner.Plan{FormatVersion: planner.FormatVersion}
	for r, region := range regions {
		for i := range 500 / len(regions) {
			a := actions[(r+i)%len(actions)]
			c := planner.Change{Region: region, Name: fmt.Sprintf("cache-%03d", i), Action: a}
			if a != planner.Create {
				c.ID, c.Status = fmt.Sprintf("imc-%s-%03d", region, i), "Ready"
			}
			switch a {
			case planner.Update, planner.Blocked:
				c.Fields = []planner.FieldChange{
					{Field: "size", Before: 20, After: 40, Send: true},
					{Field: "images", Before: []string{"x:1", "y:1"}, After: []string{"x:2", "y:1"}, Send: true},
				}
			case planner.Create:
				c.Fields = []planner.FieldChange{{Field: "images", After: []string{"x:1"}, Send: true}}
			}
			p.Changes = append(p.Changes, c)
			switch a {
			case planner.Create:
				p.Summary.Create++
			case planner.Update:
				p.Summary.Update++
			case planner.Delete:
				p.Summary.Delete++
			case planner.Blocked:
				p.Summary.Blocked++
			default:
				p.Summary.Noop++
			}
		}
	}
	md := render(t, p, "markdown", false)
	changed := len(p.Changes) - p.Summary.Noop

	if len(md) > 65536 {
		t.Errorf("comment is %d bytes, over GitHub's 65,536 limit", len(md))
	}
	rows := 0
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| `") {
			rows++
		}
	}
	if rows != changed {
		t.Errorf("change table has %d rows, want %d", rows, changed)
	}
	if n, m := strings.Count(md, "<details>"), strings.Count(md, "</details>"); n != m || n > len(regions)+1 {
		t.Errorf("%d <details> and %d </details>, want equal and at most one per region plus the unchanged list", n, m)
	}
	for _, region := range regions {
		if !strings.Contains(md, "<summary>"+region+" — ") {
			t.Errorf("no details group for %s", region)
		}
	}
	if fences := strings.Count(md, "\n```"); fences%2 != 0 {
		t.Errorf("%d fence lines: unbalanced", fences)
	}
	wantEnd := "Plan: " + summaryLine(p.Summary) + "\n"
	if !strings.HasSuffix(md, wantEnd) {
		t.Errorf("comment does not end with %q", wantEnd)
	}
	if !strings.Contains(md, "are not shown") && strings.Count(md, "imagecache \"") != changed {
		t.Errorf("all diffs claimed shown but %d of %d present", strings.Count(md, "imagecache \""), changed)
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

func render(t *testing.T, p *planner.Plan, format string, color bool) string {
	t.Helper()
	var buf bytes.Buffer
	if err := renderPlan(&buf, p, format, color); err != nil {
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
