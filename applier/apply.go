package applier

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/planner"
)

// Client is what Apply needs of the ECI API; *eci.Client provides it.
type Client interface {
	List(ctx context.Context, region string) ([]cloud.Cache, error)
	Get(ctx context.Context, region, id string) (cloud.Cache, error)
	Create(ctx context.Context, r eci.CreateRequest) (string, error)
	Update(ctx context.Context, r eci.UpdateRequest) error
	Delete(ctx context.Context, region, id, clientToken string) error
	Tag(ctx context.Context, region string, ids []string, tags []eci.Tag) error
	Untag(ctx context.Context, region string, ids, keys []string, clientToken string) error
}

// errInterrupted marks an outcome cut short because ctx ended (Ctrl-C).
var errInterrupted = errors.New("interrupted")

// runner is one Apply.
type runner struct {
	client  Client
	opts    Options
	decider decider
	start   time.Time
	listed  map[string]int // caches per region at its last listing, to price reads
	settled settleTimes    // how long accepted calls took to settle, to time the reads
	mu      sync.Mutex     // serialises Progress
	// open holds, per "region/Action", the *eci.CircuitOpenError that stopped the
	// client sending that action, so that later calls are skipped at once.
	open sync.Map
}

// Apply executes the plan's changes, in parallel, and returns one outcome per change,
// sorted by region and name. It never stops for one cache's failure; only ctx does, and
// then calls in flight finish, nothing new starts, and the caches not attempted are
// skipped. It runs in rounds: read every region that still has work (one List each),
// decide per cache, send the calls that are due, pause, and again, until every cache
// is done or opts.Timeout has passed.
func Apply(ctx context.Context, plan *planner.Plan, client Client, opts Options) []Outcome {
	opts = opts.withDefaults()
	r := &runner{
		client:  client,
		opts:    opts,
		decider: decider{owner: plan.Owner, replan: opts.Replan, checkFingerprints: opts.CheckFingerprints},
		start:   opts.Now(),
		listed:  map[string]int{},
		settled: settleTimes{},
	}
	changes := slices.Clone(plan.Changes)
	slices.SortStableFunc(changes, func(a, b planner.Change) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Name, b.Name))
	})
	tasks := make([]*task, len(changes))
	for i, ch := range changes {
		t := &task{change: ch, out: Outcome{Region: ch.Region, Name: ch.Name, ID: ch.ID, Action: ch.Action, Result: InProgress, Status: cloud.Status(ch.Status)}}
		tasks[i] = t
		if !r.decider.needsLive(ch) {
			s := r.decider.decide(ch, nil, false)
			r.finish(t, s.result, s.msg, s.err)
		}
	}
	r.loop(ctx, tasks)
	outcomes := make([]Outcome, len(tasks))
	for i, t := range tasks {
		outcomes[i] = t.out
	}
	return outcomes
}

// loop runs rounds until every task is done, the timeout passes or ctx ends. The first
// round reads from opts.Live where it can; a round that sent calls is followed at once
// by the next read, and pauses grow from there, cut short to when the caches in flight
// should be settled once this run has seen how long they take (settleTimes).
func (r *runner) loop(ctx context.Context, tasks []*task) {
	deadline := r.start.Add(r.opts.Timeout)
	interval := r.opts.PollInterval
	first := true
	for {
		open := openTasks(tasks)
		if len(open) == 0 {
			return
		}
		if ctx.Err() != nil {
			r.interrupt(open)
			return
		}
		var views map[string]regionView
		var readEnd time.Time
		if first {
			views = r.given(ctx, open)
			first = false
		} else {
			views = r.read(ctx, open)
			readEnd = r.opts.Now()
		}
		if ctx.Err() != nil {
			r.interrupt(open)
			return
		}
		var due []*task
		for _, t := range open {
			v := views[t.out.Region]
			if v.err != nil {
				err := fmt.Errorf("listing region %s: %w", t.out.Region, v.err)
				r.finish(t, Failed, err.Error(), err)
				continue
			}
			if t.stage.settling() {
				if t.rebuild == nil || !r.observeRebuild(ctx, t, v) {
					r.observeSettling(t, v, readEnd)
				}
				continue
			}
			if r.decideTask(t, v) {
				due = append(due, t)
			}
		}
		sent := len(due) > 0
		if sent {
			r.sendAll(ctx, due)
			interval = r.opts.PollInterval
		}
		open = openTasks(tasks)
		if len(open) == 0 {
			return
		}
		if ctx.Err() != nil {
			r.interrupt(open)
			return
		}
		now := r.opts.Now()
		if !now.Before(deadline) {
			r.lastLook(ctx, open)
			r.timeout(openTasks(tasks))
			return
		}
		if sent {
			continue // the first check comes right after the last call
		}
		pause := r.settled.pause(now, interval, open)
		if err := r.opts.Sleep(ctx, min(pause, deadline.Sub(now))); err != nil {
			r.interrupt(openTasks(tasks))
			return
		}
		interval = min(interval*3/2, r.opts.PollIntervalMax)
	}
}

func openTasks(tasks []*task) []*task {
	var out []*task
	for _, t := range tasks {
		if t.stage != StageDone {
			out = append(out, t)
		}
	}
	return out
}
