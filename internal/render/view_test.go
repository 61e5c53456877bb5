package render

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

// golden reads a golden file of testdata/.
func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// viewStreams are streams into two buffers.
func viewStreams(color bool) (Streams, *bytes.Buffer, *bytes.Buffer) {
	var out, errs bytes.Buffer
	return Streams{Out: &out, Err: &errs, OutColor: color, ErrColor: color}, &out, &errs
}

// TestViewsPrintTheGoldenOutputs: the plan and apply views print, in every format, the
// bytes of the golden files, as the renderers they stand before print them.
func TestViewsPrintTheGoldenOutputs(t *testing.T) {
	plan, _ := goldenPlan(t)
	for _, c := range []struct {
		format Format
		color  bool
		suffix string
	}{{Text, false, "text"}, {Text, true, "text-color"}, {JSON, false, "json"}, {Markdown, false, "markdown"}} {
		s, out, _ := viewStreams(c.color)
		if err := NewPlanView(c.format, s, Comment{}).Plan(plan); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(golden(t, "plan."+c.suffix+".golden"), out.String()); diff != "" {
			t.Errorf("plan view, %s (-golden +view):\n%s", c.suffix, diff)
		}
		s, out, _ = viewStreams(c.color)
		if err := NewApplyView(c.format, s, Comment{}).Report(goldenReport(), nil); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(golden(t, "apply."+c.suffix+".golden"), out.String()); diff != "" {
			t.Errorf("apply view's report, %s (-golden +view):\n%s", c.suffix, diff)
		}
	}
}

// TestViewsSplitMarkdown: with a Split writer, the markdown plan and apply report go to
// it as the numbered comments of the Parts functions, and nothing to Out.
func TestViewsSplitMarkdown(t *testing.T) {
	report, plan := applyOf(300)
	opts := MarkdownOptions{File: "imagecaches.yaml", MaxChars: MinMarkdownChars}
	got := map[string][]string{}
	comment := Comment{Options: opts, Split: func(kind string, parts []string) error { got[kind] = parts; return nil }}
	s, out, _ := viewStreams(false)
	if err := NewPlanView(Markdown, s, comment).Plan(plan); err != nil {
		t.Fatal(err)
	}
	if err := NewApplyView(Markdown, s, comment).Report(report, plan); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("split views wrote %d bytes on Out", out.Len())
	}
	if want := PlanMarkdownParts(plan, opts); len(want) < 2 || !slices.Equal(got["plan"], want) {
		t.Errorf("plan parts: got %d, want the %d of PlanMarkdownParts", len(got["plan"]), len(want))
	}
	if want := ApplyMarkdownParts(report, plan, opts); len(want) < 2 || !slices.Equal(got["apply"], want) {
		t.Errorf("apply parts: got %d, want the %d of ApplyMarkdownParts", len(got["apply"]), len(want))
	}

	// Without Split, one comment within the limit, as PlanMarkdown writes it.
	s, out, _ = viewStreams(false)
	if err := NewPlanView(Markdown, s, Comment{Options: opts}).Plan(plan); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := PlanMarkdown(&want, plan, opts); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Errorf("plan view with options: %d bytes, want PlanMarkdown's %d", out.Len(), want.Len())
	}
}

// TestApplyViewByFormat: what apply shows before, around and instead of applying, in
// each format.
func TestApplyViewByFormat(t *testing.T) {
	plan, _ := goldenPlan(t)
	textPlan := golden(t, "plan.text.golden")
	var emptyJSON, refusedJSON bytes.Buffer
	if err := Apply(&emptyJSON, engine.NewReport(nil), JSON, false); err != nil {
		t.Fatal(err)
	}
	refused := engine.NewReport(nil)
	refused.Policy, refused.Converged = []planner.PolicyResult{{Rule: "no-latest", Severity: planner.SeverityError}}, false
	if err := Apply(&refusedJSON, refused, JSON, false); err != nil {
		t.Fatal(err)
	}
	broken := *plan
	broken.Policy = refused.Policy
	var refusedText bytes.Buffer
	if err := Plan(&refusedText, &broken, Text, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		format                         Format
		plan, asking, nothing, refused string
	}{
		{Text, textPlan, "", "", refusedText.String()},
		{JSON, "", "", emptyJSON.String(), refusedJSON.String()},
		{Markdown, "", textPlan, "", ""},
	} {
		check := func(step, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("%s, -o %s: got %d bytes, want %d:\n%s", step, c.format, len(got), len(want), cmp.Diff(want, got))
			}
		}
		s, out, errs := viewStreams(false)
		v := NewApplyView(c.format, s, Comment{})
		if err := v.Plan(plan); err != nil {
			t.Fatal(err)
		}
		check("Plan", out.String(), c.plan)
		out.Reset()
		if err := v.Asking(plan); err != nil {
			t.Fatal(err)
		}
		check("Asking (stderr)", errs.String(), c.asking)
		check("Asking (stdout)", out.String(), "")
		errs.Reset()
		if err := v.NothingToDo(plan); err != nil {
			t.Fatal(err)
		}
		if c.format == Markdown {
			check("NothingToDo", out.String(), applyNothingMarkdown(t, plan))
		} else {
			check("NothingToDo", out.String(), c.nothing)
		}
		out.Reset()
		if err := v.Refused(&broken); err != nil {
			t.Fatal(err)
		}
		if c.format == Markdown {
			var md bytes.Buffer
			if err := Plan(&md, &broken, Markdown, false); err != nil {
				t.Fatal(err)
			}
			check("Refused", out.String(), md.String())
		} else {
			check("Refused", out.String(), c.refused)
		}
		check("Refused (stderr)", errs.String(), "")
	}
}

// applyNothingMarkdown is the markdown report of applying nothing of plan.
func applyNothingMarkdown(t *testing.T, plan *planner.Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := ApplyMarkdown(&b, engine.NewReport(nil), plan, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPlanViewSaved: only the text plan says where it was saved.
func TestPlanViewSaved(t *testing.T) {
	for _, f := range []Format{Text, JSON, Markdown} {
		s, out, _ := viewStreams(false)
		NewPlanView(f, s, Comment{}).Saved("plan.json")
		want := ""
		if f == Text {
			want = "\nSaved the plan to plan.json. To apply exactly this plan, run:\n    imcsync apply plan.json\n"
		}
		if out.String() != want {
			t.Errorf("-o %s: %q, want %q", f, out.String(), want)
		}
	}
}

// TestValidateView: text places the findings on stderr and prints the verdict line;
// JSON keeps both in the verdict on stdout.
func TestValidateView(t *testing.T) {
	v := Validation{File: "imagecaches.yaml", Caches: 2, Regions: 1}
	for _, c := range []struct {
		f              Format
		stderr, stdout string
	}{
		{Text, "a.yaml:1:1: x\na.yaml:2:1: y\n", "imagecaches.yaml: 2 image caches in 1 region, valid\n"},
		{JSON, "", `"valid": true`},
	} {
		s, out, errs := viewStreams(false)
		view := NewValidateView(c.f, s)
		view.Findings("a.yaml:1:1: x", "a.yaml:2:1: y")
		if err := view.Verdict(v); err != nil {
			t.Fatal(err)
		}
		if errs.String() != c.stderr || !strings.Contains(out.String(), c.stdout) {
			t.Errorf("-o %s: stderr %q, stdout %q; want stderr %q, stdout holding %q", c.f, errs.String(), out.String(), c.stderr, c.stdout)
		}
	}
}
