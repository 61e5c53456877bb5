package applier

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// phase is where a cache stands during Apply.
type phase int

const (
	deciding phase = iota // to be decided on the next read (first read, busy cache, IncorrectStatus)
	settling              // its call was accepted; waiting for a settled status
	done                  // out is final
)

// task is one cache's progress. Between rounds only the loop touches it; during the
// calls of a round only the goroutine working on it.
type task struct {
	change   planner.Change // what is applied: the planned change, or Replan's
	sent     sent           // what the accepted calls sent (settling)
	out      Outcome
	phase    phase
	waited   bool     // seen busy before its call
	busySeen bool     // seen busy since its call
	polls    int      // reads since its call
	refused  int      // IncorrectStatus answers
	tags     *tagWork // tag calls still to make in this round (see sendTags)
	// after is the ID of a cache a create answered with that was then never listed: the
	// API replayed an earlier create whose cache is gone. The next create follows it
	// (createToken).
	after   string
	took    bool          // a call of the change was accepted (an update before its tag calls, a replace's delete)
	unknown bool          // a try's answer left its effect unknown (a 5xx, a lost answer)
	rebuild *rebuildState // a rebuild for moved image tags (rebuild.go)
	resume  *cloud.Cache  // the new cache of a rebuild an earlier run began (rebuild.go)
	shown   Outcome

	// sentAt and acceptedAt are when the call now settling was started and accepted.
	sentAt, acceptedAt time.Time
}

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
		t := &task{change: ch, out: Outcome{Region: ch.Region, Name: ch.Name, ID: ch.ID, Action: ch.Action, Status: cloud.Status(ch.Status)}}
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
			if t.phase == settling {
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
		if t.phase != done {
			out = append(out, t)
		}
	}
	return out
}

// decideTask applies the decision for a deciding task and reports whether its call is
// due now.
func (r *runner) decideTask(t *task, v regionView) bool {
	var live *cloud.Cache
	if t.change.Action == planner.Create {
		named := v.byName[t.change.Name]
		if len(named) > 1 {
			ids := make([]string, len(named))
			for i, c := range named {
				ids[i] = c.ID
			}
			r.finish(t, Blocked, fmt.Sprintf("%d caches named %q exist now (%s); keep one: pin it with `id:` or delete the others, then plan again", len(named), t.change.Name, strings.Join(ids, ", ")), nil)
			return false
		}
		if len(named) == 1 {
			live = &named[0]
		}
	} else if c, ok := v.byID[t.change.ID]; ok {
		live = &c
	}
	if live != nil {
		t.out.Status = live.Status
	}
	s := r.decider.decide(t.change, live, t.waited)
	switch s.kind {
	case wait:
		t.waited = true
		r.progress(t, Waiting, fmt.Sprintf("waiting: the cache is %s", t.out.Status))
		return false
	case send:
		t.change, t.waited = s.change, false
		if t.change.Refreshes() {
			t.resume = unfinishedRebuild(v.byName[t.change.Name], t.change.ID)
		}
		t.out.Action, t.out.ID = s.change.Action, s.change.ID
		if t.out.ID == "" && live != nil {
			t.out.ID = live.ID
		}
		return true
	}
	r.finish(t, s.result, s.msg, s.err)
	return false
}

// observeSettling looks at a task whose call was accepted, in a read that ended at
// readEnd.
func (r *runner) observeSettling(t *task, v regionView, readEnd time.Time) {
	t.polls++
	var live *cloud.Cache
	c, listed := v.byID[t.out.ID]
	if !listed && replayed(t) && t.out.ID != t.after {
		// The answer named a cache that does not exist: the API replayed an earlier
		// create (same token) whose cache was deleted since. Create it again, following
		// the gone cache.
		t.after, t.out.ID, t.phase, t.waited = t.out.ID, "", deciding, false
		r.progress(t, Waiting, fmt.Sprintf("the API answered with %s, which no longer exists (an earlier create replayed); creating it again", t.after))
		return
	}
	if listed {
		live = &c
		t.out.Status, t.out.Progress = c.Status, c.Progress
		if !c.Status.Settled() {
			t.busySeen = true
		}
	} else if t.change.Action == planner.Delete {
		t.out.Status = ""
	}
	res, msg, ok := settle(t.change.Action, t.sent, live, t.busySeen, t.polls)
	if ok && !readEnd.IsZero() {
		r.settled.observe(t.change.Action, t.sentAt, t.acceptedAt, readEnd)
	}
	if !ok {
		r.progress(t, Settling, fmt.Sprintf("waiting for the cache to settle (%s)", cmp.Or(string(t.out.Status), "not listed")))
		return
	}
	if res == Created {
		if others := namesakes(v, t); others != "" {
			res, msg = Failed, fmt.Sprintf("created, but other caches are named %q too (%s), made by another run or by hand: "+
				"the next apply deletes those imcsync made and keeps one; others are reported", t.change.Name, others)
		}
	}
	var err error
	if res == Failed {
		err = errors.New(msg)
	}
	r.finish(t, res, msg, err)
}

// namesakes lists the IDs of the other caches a listing shows under a created cache's
// name, "" when there are none (or the view is a lookup by ID): a run never ends in
// success while two caches share a declared name.
func namesakes(v regionView, t *task) string {
	var ids []string
	for _, c := range v.byName[t.change.Name] {
		if c.ID != t.out.ID {
			ids = append(ids, c.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// replayed reports whether a create's cache has not been listed for as long as settle
// waits for a new cache to show.
func replayed(t *task) bool {
	return (t.change.Action == planner.Create || t.change.Action == planner.Replace) && t.out.ID != "" && t.polls >= settlePolls
}

// lastLook reads, once, the caches of the tasks accepted but never read since: their
// round's other calls (throttled until the deadline, say) kept the reads from starting,
// and a cache Ready since is verified, not reported as timed out.
func (r *runner) lastLook(ctx context.Context, open []*task) {
	var unread []*task
	for _, t := range open {
		if t.phase == settling && t.polls == 0 && t.rebuild == nil {
			unread = append(unread, t)
		}
	}
	if len(unread) == 0 || ctx.Err() != nil {
		return
	}
	views := r.read(ctx, unread)
	readEnd := r.opts.Now()
	for _, t := range unread {
		if v := views[t.out.Region]; v.err == nil {
			r.observeSettling(t, v, readEnd)
		}
	}
}

// timeout ends the tasks still open when opts.Timeout has passed.
func (r *runner) timeout(open []*task) {
	for _, t := range open {
		if t.phase == settling {
			msg := fmt.Sprintf("not verified: the API accepted the call; timed out after %s waiting for the cache to settle (status %s)", r.opts.Timeout, cmp.Or(string(t.out.Status), "not listed"))
			if t.rebuild != nil && !t.rebuild.retired {
				msg += fmt.Sprintf("; %s is kept until the new cache %s is Ready: plan again", t.rebuild.old, t.out.ID)
			}
			r.finish(t, Sent, msg, nil)
			continue
		}
		r.finish(t, Blocked, fmt.Sprintf("the cache was still %s after %s; nothing was sent", t.out.Status, r.opts.Timeout), nil)
	}
}

// interrupt ends the open tasks when ctx has ended: nothing was sent for a deciding
// task; a settling one was sent, and is not verified.
func (r *runner) interrupt(open []*task) {
	for _, t := range open {
		if t.phase == settling {
			msg := fmt.Sprintf("not verified: the API accepted the call; interrupted before the cache settled (status %s)", cmp.Or(string(t.out.Status), "not listed"))
			if t.rebuild != nil && !t.rebuild.retired {
				msg += fmt.Sprintf("; %s is kept, and the new cache %s is not known to be Ready: plan again", t.rebuild.old, t.out.ID)
			}
			r.finish(t, Sent, msg, nil)
			continue
		}
		r.finish(t, Skipped, "interrupted before anything was sent", errInterrupted)
	}
}

// finish gives a task its final outcome. A non-nil err is prefixed with the cache.
func (r *runner) finish(t *task, res Result, msg string, err error) {
	t.phase = done
	t.out.Result, t.out.Message, t.out.Phase, t.out.Progress = res, msg, "", ""
	if err != nil {
		t.out.Err = fmt.Errorf("%s/%s: %w", t.out.Region, t.out.Name, err)
	}
	t.out.Duration = r.opts.Now().Sub(r.start)
	r.emit(t)
}

// progress reports that a task is being worked on, in phase ph, when anything shown
// changed.
func (r *runner) progress(t *task, ph Phase, msg string) {
	t.out.Result, t.out.Phase, t.out.Message = InProgress, ph, msg
	t.out.Duration = r.opts.Now().Sub(r.start)
	r.emit(t)
}

func (r *runner) emit(t *task) {
	if r.opts.Progress == nil {
		return
	}
	shown := t.out
	shown.Duration = 0
	if t.shown.Result != "" && t.shown.Result == shown.Result && t.shown.Status == shown.Status &&
		t.shown.Message == shown.Message && t.shown.Attempts == shown.Attempts &&
		t.shown.Phase == shown.Phase && t.shown.Progress == shown.Progress {
		return
	}
	t.shown = shown
	r.mu.Lock()
	defer r.mu.Unlock()
	r.opts.Progress(t.out)
}
