package reconcile

import (
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/planner"
)

// Result is how a cycle ended. Its values are the `result` label of
// imcsync_reconcile_cycles_total and of the cycle log line.
type Result string

// The results.
const (
	InSync      Result = "in_sync"     // the plan had no changes
	Drift       Result = "drift"       // changes found and, without Config.Apply, only reported
	Healed      Result = "healed"      // changes applied, every cache converged
	Failed      Result = "failed"      // changes applied, some cache did not converge (failed, blocked, stale)
	Error       Result = "error"       // no plan: no valid file yet, or listing or planning failed
	Interrupted Result = "interrupted" // the context ended during the cycle
)

// Results lists every Result, in the order above.
var Results = []Result{InSync, Drift, Healed, Failed, Error, Interrupted}

// Success reports whether the cycle did its job: it saw the cloud and, when applying,
// made it match. Drift found in report-only mode is a success.
func (r Result) Success() bool { return r == InSync || r == Drift || r == Healed }

// Cycle is what one cycle did.
type Cycle struct {
	Result   Result
	Started  time.Time
	Duration time.Duration
	// FileValid is false when the file on disk failed to load; the cycle then used the
	// last valid one, if any.
	FileValid bool
	// Listed is true when the cycle read the live caches.
	Listed bool
	// Caches counts the caches by state as the cycle found them, before applying;
	// nil without a plan.
	Caches *States
	// Plan counts the plan's changes; Applied the apply's outcomes (zero when nothing
	// was applied).
	Plan    planner.Summary
	Applied applier.Summary
	// Refreshes names ("region/name") the caches the plan rebuilds because image tags
	// moved.
	Refreshes []string
	// Storage is the GiB the caches of each planned region hold, as listed; Unused
	// counts the caches no pod matched for --unused-for. Nil and 0 without a plan.
	Storage map[string]int64
	Unused  int
	// Workloads counts the file's workloads by their coverage by the live caches, as
	// the cycle found them (before applying); nil without workloads or without a plan.
	Workloads map[coverage.Result]int
	// Err says why the cycle ended in Error, or what stopped the apply.
	Err error
}

// States counts caches by state: each declared cache is in exactly one of the first four
// (missing, else unhealthy, else drifted, else in sync). The live caches of the planned
// regions that the file does not declare are prunable (owned by the file's owner and not
// protected: `--prune` deletes them) or unmanaged (another owner's, no owner's, or kept
// by an imcsync:prune tag).
type States struct {
	InSync    int
	Drifted   int
	Missing   int
	Unhealthy int
	Prunable  int
	Unmanaged int
}

// StateNames are the values of the `state` label of imcsync_caches.
var StateNames = []string{"in_sync", "drifted", "missing", "unhealthy", "prunable", "unmanaged"}

// byName returns the counts in the order of StateNames.
func (s States) byName() []int {
	return []int{s.InSync, s.Drifted, s.Missing, s.Unhealthy, s.Prunable, s.Unmanaged}
}

// statesOf counts the caches of a drift report (drift.Build of the cycle's plan).
func statesOf(r drift.Report) States {
	unhealthy := make(map[string]bool, len(r.Unhealthy))
	for _, u := range r.Unhealthy {
		unhealthy[u.ID] = true
	}
	s := States{Missing: len(r.Missing), Unhealthy: len(r.Unhealthy)}
	for _, u := range r.Unmanaged {
		if u.Owned {
			s.Prunable++
		} else {
			s.Unmanaged++
		}
	}
	for _, d := range r.Drifted {
		if !unhealthy[d.ID] {
			s.Drifted++
		}
	}
	s.InSync = r.Summary.Checked - s.Missing - s.Unhealthy - s.Drifted
	return s
}
