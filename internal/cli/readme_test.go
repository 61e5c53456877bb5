package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestReadmePlanExampleIsReal: the plan README.md shows (the block after
// "<!-- plan-example -->") is the real output of the Quick start's plan, which
// testdata/script/plan_examples.txtar checks (its plan.txt, rewritten with -update).
func TestReadmePlanExampleIsReal(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- plan-example -->\n```\n")
	if !ok {
		t.Fatal("README.md has no <!-- plan-example --> block")
	}
	block, _, _ = strings.Cut(block, "```\n")
	script, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "script", "plan_examples.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range script.Files {
		if f.Name == "plan.txt" {
			if block != string(f.Data) {
				t.Errorf("README.md's plan example differs from plan_examples.txtar's plan.txt; copy it over:\n%s", f.Data)
			}
			return
		}
	}
	t.Fatal("plan_examples.txtar has no plan.txt")
}

// TestCoverageDocIsReal: the coverage lines docs/coverage.md's walkthrough shows (the
// block after "<!-- coverage-example -->") are the real output, which
// testdata/script/coverage_walkthrough.txtar checks (its coverage.txt).
func TestCoverageDocIsReal(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "coverage.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "<!-- coverage-example -->\n```\n")
	if !ok {
		t.Fatal("docs/coverage.md has no <!-- coverage-example --> block")
	}
	block, _, _ = strings.Cut(block, "```\n")
	script, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "script", "coverage_walkthrough.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range script.Files {
		if f.Name == "coverage.txt" {
			if block != string(f.Data) {
				t.Errorf("docs/coverage.md's walkthrough differs from coverage_walkthrough.txtar's coverage.txt; copy it over:\n%s", f.Data)
			}
			return
		}
	}
	t.Fatal("coverage_walkthrough.txtar has no coverage.txt")
}
