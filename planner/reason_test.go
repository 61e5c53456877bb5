package planner

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/spec"
)

// A second cache imcsync made of a declared name is deleted, or blocked while the one
// kept is not Ready or while its prune tag keeps it; each says so in its code.
func TestDuplicateReasonCodes(t *testing.T) {
	f := &spec.File{Owner: "team-a", Region: "cn-hangzhou", Caches: []spec.Cache{baseDesired()}}
	mine := func(id string, st cloud.Status, tags ...string) cloud.Cache {
		l := baseLive()
		l.ID, l.Status = id, st
		l.Tags = map[string]string{"team": "web", spec.OwnerTag: "team-a"}
		for i := 0; i+1 < len(tags); i += 2 {
			l.Tags[tags[i]] = tags[i+1]
		}
		return l
	}
	for _, tc := range []struct {
		name       string
		keep, dup  cloud.Cache
		wantAction Action
		wantCode   ReasonCode
	}{
		{"deleted", mine("imc-1", cloud.Ready), mine("imc-2", cloud.Ready), Delete, ReasonDuplicate},
		{"kept one busy", mine("imc-1", cloud.Creating), mine("imc-2", cloud.Creating), Blocked, ReasonDuplicateWaits},
		{"protected", mine("imc-1", cloud.Ready), mine("imc-2", cloud.Ready, spec.PruneTag, "false"), Blocked, ReasonDuplicateProtected},
	} {
		plan := Build(f, []cloud.Cache{tc.keep, tc.dup}, Options{})
		var got *Change
		for i := range plan.Changes {
			if plan.Changes[i].ID == "imc-2" {
				got = &plan.Changes[i]
			}
		}
		if got == nil || got.Action != tc.wantAction || got.ReasonCode != tc.wantCode || got.DuplicateOf != "imc-1" {
			t.Errorf("%s: got %+v; want %s %q of imc-1", tc.name, got, tc.wantAction, tc.wantCode)
		}
	}
}

// docs/json.md documents every reason code; the codes are read from reason.go, so that a
// new one cannot be left out.
func TestReasonCodesDocumented(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "reason.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(file, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 1 {
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "ReasonCode" {
				v, err := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				codes = append(codes, v)
			}
		}
		return true
	})
	if len(codes) < 10 {
		t.Fatalf("read %d codes from reason.go: %v", len(codes), codes)
	}
	doc, err := os.ReadFile("../docs/json.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Reason codes\n")
	if !ok {
		t.Fatal("docs/json.md has no section \"## Reason codes\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, c := range codes {
		if !strings.Contains(section, "\n| `"+c+"` |") {
			t.Errorf("docs/json.md's reason codes have no row for `%s`", c)
		}
	}
}
