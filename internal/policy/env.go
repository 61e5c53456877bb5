package policy

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"
)

// The variables a rule reads.
const (
	varCache  = "cache"
	varChange = "change"
	varPlan   = "plan"
	// varWorkload is one workload's coverage once the plan is applied (SPEC §10).
	varWorkload = "workload"
)

// CostLimit bounds one evaluation of one rule, in CEL's cost units (about one per
// operation, one per list element a macro visits): far above what a rule over one cache
// needs, far below what takes a noticeable time.
const CostLimit = 1_000_000

// env is the CEL environment rules compile in.
type env struct{ cel *cel.Env }

func newEnv() (*env, error) {
	base, err := cel.NewEnv(cel.OptionalTypes(), ext.Strings())
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	reg, ok := base.CELTypeProvider().(*types.Registry)
	if !ok {
		return nil, fmt.Errorf("policy: CEL's type provider is a %T", base.CELTypeProvider())
	}
	p := newProvider(reg)
	e, err := base.Extend(
		cel.CustomTypeProvider(p),
		cel.Variable(varCache, p.objects[cacheType].t),
		cel.Variable(varChange, p.objects[changeType].t),
		cel.Variable(varPlan, p.objects[planType].t),
		cel.Variable(varWorkload, p.objects[workloadType].t),
	)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return &env{cel: e}, nil
}

// scope is which variables a rule reads, which says when it is evaluated: once per
// workload when it reads workload, else once per declared cache when it reads cache,
// once per change when it reads change but not cache, once per plan otherwise.
type scope struct{ cache, change, plan, workload bool }

// program is a compiled rule.
type program = cel.Program

// issue is one problem of an expression, at a 1-based line and column within it.
type issue struct {
	line, column int
	message      string
}

// compile parses and type-checks expr, which must be a bool, and makes its program.
func (e *env) compile(expr string) (program, scope, []issue) {
	ast, iss := e.cel.Compile(expr)
	if iss.Err() != nil {
		var out []issue
		for _, err := range iss.Errors() {
			out = append(out, issue{line: max(err.Location.Line(), 1), column: max(err.Location.Column(), 0) + 1, message: err.Message})
		}
		return nil, scope{}, out
	}
	if t := ast.OutputType(); !t.IsExactType(types.BoolType) && !t.IsExactType(types.DynType) {
		return nil, scope{}, []issue{{1, 1, fmt.Sprintf("the expression is a %s: a rule is a bool, true when allowed", t)}}
	}
	var sc scope
	for _, ref := range ast.NativeRep().ReferenceMap() {
		switch ref.Name {
		case varCache:
			sc.cache = true
		case varChange:
			sc.change = true
		case varPlan:
			sc.plan = true
		case varWorkload:
			sc.workload = true
		}
	}
	opts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	est, err := e.cel.EstimateCost(ast, sizes{})
	if err != nil || est.Max > CostLimit {
		// Not provably cheap: each evaluation counts its cost and stops at the limit.
		opts = append(opts, cel.CostLimit(CostLimit))
	}
	prg, err := e.cel.Program(ast, opts...)
	if err != nil {
		return nil, scope{}, []issue{{1, 1, err.Error()}}
	}
	return prg, sc, nil
}

// Bounds of the values rules read, for estimating a rule's worst cost: the API's limits
// on lists and tag sets (at most 100 images, 20 tags, 10 credentials, 20 ACR infos; a
// change has a few dozen fields) and a generous length for strings.
const (
	maxItems  = 100
	maxString = 4096
)

// sizes tells CEL's cost estimator how large the variables' values can be. A rule whose
// worst cost under these bounds is within CostLimit is evaluated without counting its
// cost, which would make evaluation several times slower.
type sizes struct{}

func (sizes) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	switch n.Type().Kind() {
	case types.ListKind, types.MapKind:
		return &checker.SizeEstimate{Min: 0, Max: maxItems}
	case types.StringKind, types.BytesKind, types.DynKind:
		return &checker.SizeEstimate{Min: 0, Max: maxString}
	}
	return nil
}

func (sizes) EstimateCallCost(string, string, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
	return nil
}

// needsPlan reports whether the rule reads the plan, a change or a workload's coverage,
// which validate has not.
func (s scope) needsPlan() bool { return s.change || s.plan || s.workload }
