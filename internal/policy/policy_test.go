package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// writePolicy writes a policy file of the given rules (YAML, indented as list items of
// rules) and returns its path.
func writePolicy(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const header = "apiVersion: imcsync/v1\nkind: Policy\nrules:\n"

func rule(name, severity, expr string) string {
	return "  - name: " + name + "\n    severity: " + severity + "\n    expr: " + expr + "\n    message: " + name + " is broken\n"
}

func loadRules(t *testing.T, rules ...string) *Policy {
	t.Helper()
	p, err := Load(writePolicy(t, header+strings.Join(rules, "")))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func parse(t *testing.T, body string) *spec.File {
	t.Helper()
	f, err := spec.Parse("imagecaches.yaml", []byte("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestLoadRefuses: every problem of a policy file is reported at once, at the line and
// column of the file, and names the rule; nothing is loaded.
func TestLoadRefuses(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string // each a line of the error, the file's path left out
	}{
		{"syntax error names the rule and its place", header + rule("no-latest", "error", `'!cache.images.exists(i, i.endsWith(":latest")'`),
			[]string{`:6:57: rules[0].expr: rule no-latest: Syntax error: missing ')' at '<EOF>'`}},
		{"a number compared with a string", header + rule("max-size", "error", `'cache.size <= "200"'`),
			[]string{`:6:23: rules[0].expr: rule max-size: found no matching overload for '_<=_' applied to '(int, string)'`}},
		{"a misspelt field", header + rule("tagged", "warning", `'has(cache.tag.team)'`),
			[]string{`:6:21: rules[0].expr: rule tagged: undefined field 'tag'`}},
		{"an unknown variable", header + rule("x", "error", `'cach.size < 3'`),
			[]string{`:6:12: rules[0].expr: rule x: undeclared reference to 'cach' (in container '')`}},
		{"not a bool", header + rule("x", "error", `'cache.size'`),
			[]string{`:6:12: rules[0].expr: rule x: the expression is a int: a rule is a bool, true when allowed`}},
		{"in a block scalar, the line inside it", header + "  - name: multi\n    severity: error\n    expr: |\n      cache.images.all(i,\n        i.startsWith(1))\n    message: m\n",
			[]string{`:8:21: rules[0].expr: rule multi: found no matching overload for 'startsWith' applied to 'string.(int)'`}},
		{"keys, severity, duplicates", header + "  - name: a\n    severity: fatal\n    expr: 'true'\n  - name: a\n    sevrity: error\n    expr: 'true'\n  - name: b\n    expr: 'true'\n",
			[]string{`:5:15: rules[0].severity: severity "fatal": want error or warning`,
				`:8:5: rules[1].sevrity: unknown key "sevrity": did you mean severity?`,
				`:10:5: rules[2]: severity is missing: a rule has name, severity (error or warning), expr and message`}},
		{"kind and apiVersion", "apiVersion: imcsync/v2\nkind: Rules\nrules: []\n",
			[]string{`:1:13: apiVersion: unsupported apiVersion "imcsync/v2": write apiVersion: imcsync/v1`,
				`:2:7: kind: kind "Rules": a policy file is kind: Policy`,
				`:3:8: rules: want a list of rules, each with name, severity, expr and message`}},
		{"empty", "", []string{`:1:1: the policy file is empty: write apiVersion: imcsync/v1, kind: Policy and rules`}},
		{"YAML syntax", header + "  - name: [\n", []string{`:4:1: YAML: did not find expected node content`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writePolicy(t, tt.body)
			p, err := Load(path)
			var problems spec.Errors
			if !errors.As(err, &problems) || p != nil {
				t.Fatalf("Load = %v, %v; want spec.Errors", p, err)
			}
			got := strings.Split(strings.ReplaceAll(problems.Error(), path, ""), "\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDuplicateAcrossFiles: rule names are unique over all the policy files loaded.
func TestDuplicateAcrossFiles(t *testing.T) {
	a := writePolicy(t, header+rule("same", "error", "'true'"))
	b := writePolicy(t, header+rule("same", "warning", "'true'"))
	_, err := Load(a, b)
	if err == nil || !strings.Contains(err.Error(), `rule "same" is already defined at `+a+":4:5") {
		t.Fatalf("Load = %v", err)
	}
}

// examples is examples/policy.yaml, the five rules docs/policy.md shows.
func examples(t *testing.T) *Policy {
	t.Helper()
	p, err := Load("../../examples/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const compliant = `  - name: web
    images: [registry.example.com/web:1.2]
    size: 200
    tags: {team: web}
`

// TestExampleRules: each example rule finds the cache that breaks it, at the cache's
// place in the file, and nothing in a compliant file.
func TestExampleRules(t *testing.T) {
	p := examples(t)
	if res, err := p.CheckFile(parse(t, compliant)); err != nil || len(res) != 0 {
		t.Fatalf("compliant file: %v, %v", res, err)
	}
	tests := []struct {
		rule, cache string
		severity    planner.Severity
	}{
		{"no-latest", "  - name: bad\n    images: [registry.example.com/web:latest]\n    tags: {team: web}\n", planner.SeverityError},
		{"allowed-registries", "  - name: bad\n    images: [docker.io/library/nginx:1.27]\n    tags: {team: web}\n", planner.SeverityError},
		{"max-size", "  - name: bad\n    images: [registry.example.com/web:1]\n    size: 201\n    tags: {team: web}\n", planner.SeverityError},
		{"team-tag", "  - name: bad\n    images: [registry.example.com/web:1]\n    tags: {owner: web}\n", planner.SeverityWarning},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			res, err := p.CheckFile(parse(t, compliant+tt.cache))
			if err != nil {
				t.Fatal(err)
			}
			want := []planner.PolicyResult{{Rule: tt.rule, Severity: tt.severity, Cache: "cn-hangzhou/bad",
				Message: ruleByName(t, p, tt.rule).Message, File: "imagecaches.yaml", Line: 8, Column: 5}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
		})
	}
}

func ruleByName(t *testing.T, p *Policy, name string) *Rule {
	for _, r := range p.Rules {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule %s", name)
	return nil
}

// TestMaxDeletes: the plan rule is evaluated once for the plan, placed at the rule, and
// validate (CheckFile) leaves it out.
func TestMaxDeletes(t *testing.T) {
	p := examples(t)
	f := parse(t, compliant)
	plan := &planner.Plan{Summary: planner.Summary{Delete: 10}}
	if res, err := p.CheckPlan(f, plan); err != nil || len(res) != 0 {
		t.Fatalf("10 deletes: %v, %v", res, err)
	}
	plan.Summary.Delete = 11
	res, err := p.CheckPlan(f, plan)
	if err != nil {
		t.Fatal(err)
	}
	r := ruleByName(t, p, "max-deletes")
	want := []planner.PolicyResult{{Rule: "max-deletes", Severity: planner.SeverityError, Message: r.Message,
		File: "../../examples/policy.yaml", Line: r.Pos.Line, Column: r.Pos.Column}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// TestChange: change holds the planned action and the changed fields with their old
// and new values; a rule that reads change but not cache is evaluated for deletes too,
// placed at the rule.
func TestChange(t *testing.T) {
	p := loadRules(t,
		rule("no-shrink", "error", `'change.action != "update" || !has(change.fields.size) || change.fields.size.after >= change.fields.size.before'`),
		rule("no-delete", "warning", `'change.action != "delete"'`),
		rule("big-create", "warning", `'!(change.action == "create" && cache.size > 100)'`),
	)
	f := parse(t, "  - name: web\n    images: [a.io/web:1]\n    size: 20\n  - name: api\n    images: [a.io/api:1]\n    size: 150\n")
	plan := &planner.Plan{Changes: []planner.Change{
		{Region: "cn-hangzhou", Name: "api", Action: planner.Create,
			Fields: []planner.FieldChange{{Field: "size", Before: nil, After: int64(150)}}},
		{Region: "cn-hangzhou", Name: "old", ID: "imc-1", Action: planner.Delete},
		{Region: "cn-hangzhou", Name: "web", ID: "imc-2", Action: planner.Update,
			Fields: []planner.FieldChange{{Field: "size", Before: int64(40), After: int64(20)}}},
	}}
	res, err := p.CheckPlan(f, plan)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res {
		got = append(got, r.Rule+" "+r.Cache+" "+r.File)
	}
	want := []string{
		"big-create cn-hangzhou/api imagecaches.yaml",
		"no-delete cn-hangzhou/old " + p.Rules[1].File,
		"no-shrink cn-hangzhou/web imagecaches.yaml",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// TestUnsetField: reading a field the cache leaves out does not allow the cache: the
// rule is reported broken and says how to guard it; lists and maps left out are empty.
func TestUnsetField(t *testing.T) {
	p := loadRules(t, rule("small", "error", `'cache.size <= 200'`), rule("tagged", "error", `'cache.tags.exists(k, k == "team")'`))
	res, err := p.CheckFile(parse(t, "  - name: web\n    images: [a.io/web:1]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || !strings.Contains(res[0].Message, "size is not set: test it first with has(….size)") || res[1].Message != "tagged is broken" {
		t.Fatalf("results: %+v", res)
	}
}

// TestCredentialsAndPlainFields: every key of the YAML can be read, credentials with
// their password's variable name only.
func TestCredentialsAndPlainFields(t *testing.T) {
	p := loadRules(t,
		rule("creds", "error", `'cache.imageRegistryCredentials.all(c, c.passwordFromEnv.startsWith("REG_") && c.server == "r.io")'`),
		rule("flash", "error", `'cache.flash && cache.retentionDays == 7 && cache.eliminationStrategy == "LRU" && cache.ignoreChanges == ["size"]'`),
	)
	_, err := Load(writePolicy(t, header+rule("pw", "error", `'cache.imageRegistryCredentials[0].password == ""'`)))
	if err == nil || !strings.Contains(err.Error(), "undefined field 'password'") {
		t.Fatalf("a rule reads a password: %v", err)
	}
	res, err := p.CheckFile(parse(t, `  - name: web
    images: [r.io/web:1]
    flash: true
    retentionDays: 7
    eliminationStrategy: LRU
    ignoreChanges: [size]
    imageRegistryCredentials:
      - {server: r.io, userName: ci, passwordFromEnv: REG_PASSWORD}
`))
	if err != nil || len(res) != 0 {
		t.Fatalf("results: %+v, %v", res, err)
	}
}

// TestCostLimit: a rule too costly to be sure of is stopped by CEL's cost limit and
// reported broken, quickly.
func TestCostLimit(t *testing.T) {
	p := loadRules(t, rule("cubic", "error", `'cache.images.all(a, cache.images.all(b, cache.images.all(c, cache.images.all(d, a + b + c + d != ""))))'`))
	var images strings.Builder
	for i := range 100 {
		fmt.Fprintf(&images, "      - r.io/image%d:t\n", i)
	}
	start := time.Now()
	res, err := p.CheckFile(parse(t, "  - name: web\n    images:\n"+images.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || !strings.Contains(res[0].Message, "cost limit exceeded") {
		t.Fatalf("results: %+v", res)
	}
	t.Logf("stopped after %s", time.Since(start))
}

// TestMaxCheckTime: a check that runs out of time fails as a whole.
func TestMaxCheckTime(t *testing.T) {
	p := examples(t)
	p.maxTime = -time.Second
	_, err := p.CheckFile(parse(t, compliant))
	if !errors.Is(err, ErrTooSlow) {
		t.Fatalf("CheckFile = %v, want ErrTooSlow", err)
	}
}
