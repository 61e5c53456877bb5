package policy

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/interpreter"
	"golang.org/x/sync/errgroup"

	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// ErrTooSlow is the error of a check that took longer than MaxCheckTime: too many
// caches for rules that costly. Nothing is allowed then.
var ErrTooSlow = errors.New("policy: checking the rules took too long")

// MaxCheckTime bounds one check (every rule over every cache of a plan); each
// evaluation is bounded by CostLimit. The five example rules check a 10,000-cache plan
// in a few tens of milliseconds.
const MaxCheckTime = 30 * time.Second

// CheckFile evaluates, for validate, the rules that read only cache, over every cache
// of f. Rules that read change or plan need a plan and are left for plan and apply.
func (p *Policy) CheckFile(f *spec.File) ([]planner.PolicyResult, error) {
	return p.inChunks(time.Now().Add(p.maxTime), len(f.Caches), func(ck *check, i int) error {
		c := &f.Caches[i]
		cv := ck.cache.reset(c)
		for _, r := range p.Rules {
			if r.scope.cache && !r.scope.needsPlan() {
				if err := ck.eval(r, vars{cache: cv}, cacheKey(c.Region, c.Name), f.Path, c.Pos); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// CheckPlan evaluates every rule over the plan made from f: a rule that reads cache for
// each change of a declared cache (with change set to it), one that reads change but
// not cache for each change (deletes of caches the file does not declare included), any
// other once for the plan.
func (p *Policy) CheckPlan(f *spec.File, plan *planner.Plan) ([]planner.PolicyResult, error) {
	declared := make(map[string]*spec.Cache, len(f.Caches))
	for i := range f.Caches {
		c := &f.Caches[i]
		declared[cacheKey(c.Region, c.Name)] = c
	}
	deadline := time.Now().Add(p.maxTime)
	perChange, err := p.inChunks(deadline, len(plan.Changes), func(ck *check, i int) error {
		ch := &plan.Changes[i]
		key := cacheKey(ch.Region, ch.Name)
		v := vars{change: ch, plan: &plan.Summary}
		c := declared[key]
		if c != nil && ch.Action != planner.Delete { // a delete is of a cache the file does not declare
			v.cache = ck.cache.reset(c)
		}
		for _, r := range p.Rules {
			var err error
			switch {
			case r.scope.workload: // evaluated per workload below
			case v.cache != nil && (r.scope.cache || r.scope.change):
				err = ck.eval(r, v, key, f.Path, c.Pos)
			case r.scope.change && !r.scope.cache: // no declared cache to place it at
				err = ck.eval(r, v, key, r.File, r.Pos)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	perWorkload, err := p.inChunks(deadline, len(plan.Coverage), func(ck *check, i int) error {
		e := &plan.Coverage[i]
		file, line := splitSource(e.Source)
		for _, r := range p.Rules {
			if r.scope.workload {
				if err := ck.eval(r, vars{workload: e, plan: &plan.Summary}, e.Workload, file, spec.Pos{Line: line, Column: 1}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	perChange = append(perChange, perWorkload...)
	ck := p.newCheck(deadline)
	for _, r := range p.Rules {
		if !r.scope.cache && !r.scope.change && !r.scope.workload {
			if err := ck.eval(r, vars{plan: &plan.Summary}, "", r.File, r.Pos); err != nil {
				return nil, err
			}
		}
	}
	return append(perChange, ck.results...), nil
}

// inChunks runs each(i) for i from 0 to n-1, in contiguous chunks on every CPU, until
// deadline, and returns what the rules found in the order of i.
func (p *Policy) inChunks(deadline time.Time, n int, each func(ck *check, i int) error) ([]planner.PolicyResult, error) {
	workers := max(min(runtime.GOMAXPROCS(0), n/minChunk), 1)
	checks := make([]*check, workers)
	var g errgroup.Group
	for w := range workers {
		ck := p.newCheck(deadline)
		checks[w] = ck
		g.Go(func() error {
			for i := w * n / workers; i < (w+1)*n/workers; i++ {
				if err := each(ck, i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	results := []planner.PolicyResult{}
	for _, ck := range checks {
		results = append(results, ck.results...)
	}
	return results, nil
}

// minChunk is the fewest caches worth a goroutine of their own.
const minChunk = 256

// check is one run of the rules: what they found, and when it must end.
type check struct {
	cache    cacheValue // reused for each cache
	deadline time.Time
	limit    time.Duration
	results  []planner.PolicyResult
}

func (p *Policy) newCheck(deadline time.Time) *check {
	return &check{deadline: deadline, limit: p.maxTime, results: []planner.PolicyResult{}}
}

// eval evaluates r with v and records a result when r does not hold, or cannot be
// evaluated (an error, such as a field the cache does not set, or the cost limit, does
// not allow anything: it is reported as the rule broken, with the reason).
func (ck *check) eval(r *Rule, v vars, cache, file string, pos spec.Pos) error {
	if time.Now().After(ck.deadline) {
		return fmt.Errorf("%w: more than %s, when rule %s was evaluated at %s:%d:%d; simplify the rules", ErrTooSlow, ck.limit, r.Name, file, pos.Line, pos.Column)
	}
	out, _, err := r.prg.Eval(v)
	msg := ""
	switch {
	case err != nil:
		msg = fmt.Sprintf("%s (the rule could not be evaluated: %v)", r.Message, err)
	case out == types.True:
		return nil
	case out != types.False:
		msg = fmt.Sprintf("%s (the rule gave %v, not true or false)", r.Message, out)
	default:
		msg = r.Message
	}
	ck.results = append(ck.results, planner.PolicyResult{Rule: r.Name, Severity: r.Severity, Cache: cache,
		Message: msg, File: file, Line: pos.Line, Column: pos.Column})
	return nil
}

func cacheKey(region, name string) string { return region + "/" + name }

// splitSource splits a workload's FILE:LINE.
func splitSource(s string) (string, int) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, 0
	}
	line, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return s, 0
	}
	return s[:i], line
}

// vars are the variables of one evaluation; nil ones are not declared then (a rule that
// reads them is not evaluated).
type vars struct {
	cache    *cacheValue
	change   *planner.Change
	plan     *planner.Summary
	workload *coverage.Entry
}

// ResolveName implements interpreter.Activation.
func (v vars) ResolveName(name string) (any, bool) {
	switch {
	case name == varCache && v.cache != nil:
		return v.cache, true
	case name == varChange && v.change != nil:
		return v.change, true
	case name == varPlan && v.plan != nil:
		return v.plan, true
	case name == varWorkload && v.workload != nil:
		return v.workload, true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (vars) Parent() interpreter.Activation { return nil }
