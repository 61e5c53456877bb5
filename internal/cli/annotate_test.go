package cli

import (
	"strings"
	"testing"

	"github.com/imcsync/imcsync/spec"
)

// TestAnnotationsEscape checks that file names and messages cannot break out of the
// workflow command: ':' and ',' in the file, '%' and newlines anywhere are escaped.
func TestAnnotationsEscape(t *testing.T) {
	var b strings.Builder
	writeAnnotations(&b, "error", spec.Errors{
		{File: "a,b:c.yaml", Pos: spec.Pos{Line: 3, Column: 7}, Path: "imageCaches[0]", Message: "100% wrong\n::error::injected"},
		{File: "x.yaml", Pos: spec.Pos{Line: 1, Column: 1}, Message: "the file is empty"},
	})
	want := "::error file=a%2Cb%3Ac.yaml,line=3,col=7::imageCaches[0]: 100%25 wrong%0A::error::injected\n" +
		"::error file=x.yaml,line=1,col=1::the file is empty\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestAnnotationsCapped: in GitHub Actions too, the first spec.MaxPrintedErrors
// problems are printed, then how many more; warnings are warning annotations.
func TestAnnotationsCapped(t *testing.T) {
	var problems spec.Errors
	for i := range 70 {
		problems = append(problems, &spec.Error{File: "f.yaml", Pos: spec.Pos{Line: i + 1, Column: 1}, Message: "bad"})
	}
	var b strings.Builder
	writeAnnotations(&b, "warning", problems)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != spec.MaxPrintedErrors+1 || lines[len(lines)-1] != "and 20 more problems" || !strings.HasPrefix(lines[0], "::warning file=f.yaml,line=1,") {
		t.Errorf("got %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}
