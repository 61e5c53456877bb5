package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/coverage"
	"github.com/imcsync/imcsync/internal/drift"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/internal/policy"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// Loop runs reconcile cycles. Make one with New; its methods are safe for concurrent
// use (the HTTP handlers call Ready while a cycle runs).
type Loop struct {
	cfg     Config
	src     engine.Source
	client  applier.Client
	metrics *Metrics
	log     *slog.Logger
	now     func() time.Time

	good *spec.File // the last file that loaded and validated
	bad  bool       // the file on disk failed at the last cycle

	mu       sync.Mutex
	listedAt time.Time // the last successful listing
	listedOK bool      // the last listing succeeded
	running  bool      // a cycle is past its successful listing
}

// New returns a loop that lists through src and applies through client (an
// *engine.Connection provides both), records into m and logs to log.
func New(cfg Config, src engine.Source, client applier.Client, m *Metrics, log *slog.Logger) *Loop {
	return &Loop{cfg: cfg, src: src, client: client, metrics: m, log: log, now: time.Now}
}

// Run runs a cycle at once and then one every interval (plus jitter) until ctx ends;
// a cycle running then stops as apply does on Ctrl-C: no new call is started, calls in
// flight finish.
func (l *Loop) Run(ctx context.Context) {
	for {
		c := l.RunOnce(ctx)
		t := time.NewTimer(l.cfg.waitAfter(c.Duration, rand.Float64()))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunOnce runs one cycle: load the file (or keep the last valid one), list, plan and,
// with Config.Apply, apply. It records the cycle in the metrics and logs it.
func (l *Loop) RunOnce(ctx context.Context) Cycle {
	c := Cycle{Started: l.now()}
	outcomes := l.cycle(ctx, &c)
	if ctx.Err() != nil {
		c.Result = Interrupted
	}
	c.Duration = l.now().Sub(c.Started)
	l.mu.Lock()
	l.running = false
	l.mu.Unlock()
	l.metrics.record(c, outcomes)
	l.logCycle(ctx, c)
	return c
}

// cycle fills in c and returns the apply's outcomes, if it applied.
func (l *Loop) cycle(ctx context.Context, c *Cycle) []applier.Outcome {
	f := l.load(ctx)
	c.FileValid = !l.bad
	if f == nil {
		c.Result, c.Err = Error, errors.New("no valid file yet: nothing to reconcile")
		return nil
	}
	planned, err := engine.Plan(ctx, f, listing{l, c}, l.cfg.Plan)
	if err != nil {
		c.Result, c.Err = Error, err
		return nil
	}
	report := planned.Drift(l.now(), drift.Options{})
	states := statesOf(report)
	c.Caches, c.Plan = &states, planned.Plan.Summary
	if st := planned.Plan.Storage; st != nil {
		c.Storage = map[string]int64{}
		for _, r := range st.Regions {
			c.Storage[r.Region] = r.LiveGiB
		}
	}
	c.Unused = len(planned.Plan.Unused)
	if planned.WorkloadsRead {
		c.Workloads = map[coverage.Result]int{}
		for _, r := range coverage.Results {
			c.Workloads[r] = 0
		}
		for _, e := range planned.Plan.Coverage {
			c.Workloads[e.Before]++
		}
	}
	for _, ch := range planned.Plan.Changes {
		if len(ch.Refresh) > 0 {
			c.Refreshes = append(c.Refreshes, ch.Region+"/"+ch.Name)
		}
	}
	l.logPolicy(ctx, planned.Plan.Policy)
	l.metrics.recordPolicy(planned.Plan.Policy)
	changes := planned.Plan.HasChanges()
	switch {
	case !changes && !(l.cfg.Apply && planned.Plan.Pending()):
		c.Result = InSync
		return nil
	case !l.cfg.Apply:
		l.logDrift(ctx, report)
		c.Result = Drift
		return nil
	}
	var skipped []planner.Change
	planned.Plan, skipped = policy.Skip(planned.Plan)
	for _, ch := range skipped {
		l.logSkipped(ctx, ch)
	}
	opts := l.cfg.ApplyOptions
	byCache := plannedChanges(planned.Plan)
	opts.Progress = func(o applier.Outcome) { l.logChange(ctx, o, byCache(o)) }
	rep, err := planned.Apply(ctx, l.client, opts)
	if err != nil {
		c.Result, c.Err = Error, err
		return nil
	}
	c.Applied = rep.Summary
	c.Result = Healed
	if !changes { // bookkeeping only: written, but nothing was healed
		c.Result = InSync
	}
	if !rep.OK() {
		c.Result = Failed
	}
	if len(skipped) > 0 { // the cloud still differs where the policy forbade changes
		c.Result = Failed
		c.Err = fmt.Errorf("the policy forbade changing %d of the caches (see the policy lines)", len(skipped))
	}
	return rep.Outcomes
}

// plannedChanges finds the plan's change of an outcome's cache: by region, name and id,
// or for a create (no id in the plan) by region and name; nil when the plan has none.
func plannedChanges(p *planner.Plan) func(applier.Outcome) *planner.Change {
	byKey := make(map[[3]string]*planner.Change, len(p.Changes))
	for i := range p.Changes {
		c := &p.Changes[i]
		byKey[[3]string{c.Region, c.Name, c.ID}] = c
	}
	return func(o applier.Outcome) *planner.Change {
		if c := byKey[[3]string{o.Region, o.Name, o.ID}]; c != nil {
			return c
		}
		return byKey[[3]string{o.Region, o.Name, ""}]
	}
}

// load reads the file from disk. When it fails to load, the failure is logged and the
// last valid file is returned (nil when there is none).
func (l *Loop) load(ctx context.Context) *spec.File {
	f, err := engine.LoadRegular(ctx, l.cfg.File)
	if err != nil {
		l.bad = true
		l.metrics.setFileValid(false)
		attrs := []slog.Attr{slog.String("file", l.cfg.File), slog.Any("errors", problems(err))}
		if l.good != nil {
			attrs = append(attrs, slog.String("using", "the last valid file"))
		}
		l.log.LogAttrs(ctx, slog.LevelError, "file invalid", attrs...)
		return l.good
	}
	if l.good == nil || l.bad {
		l.log.LogAttrs(ctx, slog.LevelInfo, "file loaded", slog.String("file", l.cfg.File),
			slog.Int("caches", len(f.Caches)), slog.Any("warnings", problems(f.Warnings)))
	}
	l.good, l.bad = f, false
	l.metrics.setFileValid(true)
	return f
}

// problems lists a load error's problems one per entry (spec.Errors), or its text.
func problems(err error) []string {
	var es spec.Errors
	if !errors.As(err, &es) {
		if err == nil {
			return []string{}
		}
		return []string{err.Error()}
	}
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.Error())
	}
	return out
}

// listing is the loop's source for one cycle: it records whether the listing worked.
type listing struct {
	l *Loop
	c *Cycle
}

func (s listing) Live(ctx context.Context, regions []string) ([]cloud.Cache, error) {
	live, err := s.l.src.Live(ctx, regions)
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	s.l.listedOK = err == nil
	if err == nil {
		s.l.listedAt, s.l.running, s.c.Listed = s.l.now(), true, true
	}
	return live, err
}

// Ready reports whether the last listing of the cloud succeeded and is recent: within
// two intervals (plus jitter), or the cycle that made it still runs (it is applying).
// When not ready, the reason says why.
func (l *Loop) Ready() (bool, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	window := 2 * time.Duration(float64(l.cfg.Interval)*(1+l.cfg.Jitter))
	switch {
	case l.listedAt.IsZero():
		return false, "no cycle has listed the image caches yet"
	case !l.listedOK:
		return false, "the last cycle could not list the image caches (see the log)"
	case !l.running && l.now().Sub(l.listedAt) > window:
		return false, fmt.Sprintf("the last listing of the image caches is %s old, more than two intervals", l.now().Sub(l.listedAt).Round(time.Second))
	}
	return true, ""
}
