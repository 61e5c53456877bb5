package policy

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// Kind is the kind of a policy file.
const Kind = "Policy"

// maxFileSize bounds a policy file; real ones are a few KB.
const maxFileSize = 1 << 20

// maxRules bounds the rules of all policy files together.
const maxRules = 1000

// Policy is the compiled rules of one or more policy files, in file order.
type Policy struct {
	Rules []*Rule
	// maxTime bounds one check (MaxCheckTime).
	maxTime time.Duration
}

// Rule is one compiled rule.
type Rule struct {
	Name     string
	Severity planner.Severity
	Expr     string
	Message  string
	// File and Pos place the rule's entry in its policy file.
	File string
	Pos  spec.Pos
	// scope says which variables the rule reads, and so when it is evaluated.
	scope scope
	prg   program
}

var ruleName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)

// Load reads, decodes and compiles the policy files. Problems in a file come back as
// spec.Errors, each at its FILE:LINE:COL (a rule's expression that does not parse or
// type-check, at the expression); a file that cannot be read as its *fs.PathError.
func Load(paths ...string) (*Policy, error) {
	env, err := newEnv()
	if err != nil {
		return nil, err
	}
	p := &Policy{maxTime: MaxCheckTime}
	var problems spec.Errors
	names := map[string]*Rule{}
	for _, path := range paths {
		data, err := spec.ReadAtMost(path, maxFileSize)
		if err != nil {
			return nil, err
		}
		if len(data) > maxFileSize {
			return nil, fmt.Errorf("%s is larger than %d KiB, the most imcsync reads of a policy file: is it the right file?", path, maxFileSize>>10)
		}
		d := &decoder{file: path, lines: strings.Split(string(data), "\n"), env: env}
		rules := d.decodeFile(data)
		for _, r := range rules {
			if prev, dup := names[r.Name]; dup {
				d.errorf(r.Pos, "rules", "rule %q is already defined at %s:%d:%d: give each rule its own name", r.Name, prev.File, prev.Pos.Line, prev.Pos.Column)
				continue
			}
			names[r.Name] = r
			p.Rules = append(p.Rules, r)
		}
		slices.SortStableFunc(d.errs, func(a, b *spec.Error) int {
			return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
		})
		problems = append(problems, d.errs...)
	}
	if len(p.Rules) > maxRules && len(problems) == 0 {
		return nil, fmt.Errorf("%d policy rules, more than the %d imcsync takes", len(p.Rules), maxRules)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return p, nil
}

// decoder decodes one policy file, collecting every problem.
type decoder struct {
	file  string
	lines []string // the file's lines, to place errors inside block scalars
	env   *env
	errs  spec.Errors
}

func (d *decoder) errorf(pos spec.Pos, path, format string, args ...any) {
	d.errs = append(d.errs, &spec.Error{File: d.file, Pos: pos, Path: path, Message: fmt.Sprintf(format, args...)})
}

func posOf(n *yaml.Node) spec.Pos { return spec.Pos{Line: n.Line, Column: n.Column} }

// decodeFile decodes the one YAML document of data and compiles its rules; the rules
// that compiled are returned even when others did not.
func (d *decoder) decodeFile(data []byte) []*Rule {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(spec.Pos{Line: 1, Column: 1}, "", "the policy file is empty: write apiVersion: %s, kind: %s and rules", spec.APIVersion, Kind)
		} else {
			d.errorf(yamlErrorPos(err), "", "%s", yamlErrorMessage(err))
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(posOf(&extra), "", "a second YAML document: a policy file holds one; put every rule under rules")
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		d.errorf(posOf(top), "", "want a mapping with apiVersion, kind and rules")
		return nil
	}
	var apiVersion, kind, rules *yaml.Node
	d.mapping(top, "", []string{"apiVersion", "kind", "rules"}, func(key string, v *yaml.Node) {
		switch key {
		case "apiVersion":
			apiVersion = v
		case "kind":
			kind = v
		case "rules":
			rules = v
		}
	})
	switch {
	case apiVersion == nil:
		d.errorf(posOf(top), "", "apiVersion is missing: write apiVersion: %s", spec.APIVersion)
	case apiVersion.Kind != yaml.ScalarNode || apiVersion.Value != spec.APIVersion:
		d.errorf(posOf(apiVersion), "apiVersion", "unsupported apiVersion %q: write apiVersion: %s", apiVersion.Value, spec.APIVersion)
	}
	switch {
	case kind == nil:
		d.errorf(posOf(top), "", "kind is missing: write kind: %s", Kind)
	case kind.Kind != yaml.ScalarNode || kind.Value != Kind:
		d.errorf(posOf(kind), "kind", "kind %q: a policy file is kind: %s", kind.Value, Kind)
	}
	if rules == nil {
		d.errorf(posOf(top), "", "rules is missing: a policy file lists its rules under rules")
		return nil
	}
	if rules.Kind != yaml.SequenceNode || len(rules.Content) == 0 {
		d.errorf(posOf(rules), "rules", "want a list of rules, each with name, severity, expr and message")
		return nil
	}
	var out []*Rule
	for i, n := range rules.Content {
		if r := d.rule(n, fmt.Sprintf("rules[%d]", i)); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// mapping visits the keys of mapping n, refusing unknown and repeated keys.
func (d *decoder) mapping(n *yaml.Node, path string, keys []string, visit func(key string, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		switch {
		case !slices.Contains(keys, k.Value):
			msg := fmt.Sprintf("unknown key %q: want %s", k.Value, strings.Join(keys, ", "))
			if near := spec.Closest(k.Value, keys, 1); len(near) == 1 && closeEnough(k.Value, near[0]) {
				msg = fmt.Sprintf("unknown key %q: did you mean %s?", k.Value, near[0])
			}
			d.errorf(posOf(k), p, "%s", msg)
		case seen[k.Value]:
			d.errorf(posOf(k), p, "%s is given twice", k.Value)
		default:
			seen[k.Value] = true
			visit(k.Value, v)
		}
	}
}

// closeEnough says whether a misspelt key is near enough to a known one to suggest it.
func closeEnough(a, b string) bool {
	return strings.EqualFold(a, b) || len(a) > 3 && strings.HasPrefix(strings.ToLower(b), strings.ToLower(a[:3]))
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// rule decodes and compiles one rule; nil when it has problems.
func (d *decoder) rule(n *yaml.Node, path string) *Rule {
	if n.Kind != yaml.MappingNode {
		d.errorf(posOf(n), path, "want a rule: a mapping with name, severity, expr and message")
		return nil
	}
	r := &Rule{File: d.file, Pos: posOf(n)}
	var expr *yaml.Node
	before := len(d.errs)
	given, unknown := map[string]bool{}, false
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "name", "severity", "expr", "message":
			given[k] = true
		default:
			unknown = true
		}
	}
	str := func(v *yaml.Node, p string) (string, bool) {
		if v.Kind != yaml.ScalarNode || v.Tag != "!!str" && v.Tag != "!!int" && v.Tag != "!!bool" && v.Tag != "!!float" {
			d.errorf(posOf(v), p, "want a string")
			return "", false
		}
		return v.Value, true
	}
	d.mapping(n, path, []string{"name", "severity", "expr", "message"}, func(key string, v *yaml.Node) {
		p := join(path, key)
		s, ok := str(v, p)
		if !ok {
			return
		}
		switch key {
		case "name":
			if !ruleName.MatchString(s) {
				d.errorf(posOf(v), p, "rule name %q: use letters, digits, '-', '_' and '.', at most 63, starting with a letter or digit", s)
			}
			r.Name = s
		case "severity":
			switch planner.Severity(s) {
			case planner.SeverityError, planner.SeverityWarning:
				r.Severity = planner.Severity(s)
			default:
				d.errorf(posOf(v), p, "severity %q: want error or warning", s)
			}
		case "expr":
			r.Expr, expr = s, v
		case "message":
			r.Message = strings.TrimSpace(s)
		}
	})
	for _, key := range []string{"name", "severity", "expr"} {
		if !given[key] && !unknown { // an unknown key is likely the missing one, misspelt
			d.errorf(r.Pos, path, "%s is missing: a rule has name, severity (error or warning), expr and message", key)
		}
	}
	// The expression is compiled even when other keys have problems, so that one run
	// reports them all.
	var prg program
	var sc scope
	if expr != nil {
		var issues []issue
		prg, sc, issues = d.env.compile(r.Expr)
		for _, is := range issues {
			d.errorf(d.exprPos(expr, is.line, is.column), join(path, "expr"), "rule %s: %s", cmp.Or(r.Name, path), is.message)
		}
	}
	if len(d.errs) > before {
		return nil
	}
	if r.Message == "" {
		r.Message = "rule " + r.Name + " does not hold: " + strings.Join(strings.Fields(r.Expr), " ")
	}
	r.prg, r.scope = prg, sc
	return r
}

// exprPos is the position in the file of line and column (1-based, as CEL counts them
// within the expression) of the expression held by scalar n.
func (d *decoder) exprPos(n *yaml.Node, line, column int) spec.Pos {
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		// The text starts on the line after the indicator, at the block's indentation.
		if first := n.Line; first < len(d.lines) && n.Style == yaml.LiteralStyle {
			text := d.lines[first] // the block's first line sets its indentation
			indent := len(text) - len(strings.TrimLeft(text, " "))
			return spec.Pos{Line: n.Line + line, Column: indent + column}
		}
		return spec.Pos{Line: n.Line + 1, Column: n.Column}
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		if line == 1 {
			return spec.Pos{Line: n.Line, Column: n.Column + column}
		}
	default:
		if line == 1 {
			return spec.Pos{Line: n.Line, Column: n.Column + column - 1}
		}
	}
	return posOf(n)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlErrorPos and yamlErrorMessage split a yaml.v3 syntax error into its line and text.
func yamlErrorPos(err error) spec.Pos {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return spec.Pos{Line: line, Column: 1}
	}
	return spec.Pos{Line: 1, Column: 1}
}

func yamlErrorMessage(err error) string {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		return "YAML: " + m[2]
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
