package applier

import (
	"fmt"
	"strings"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
)

// decideTask decides a Pending or Waiting task from the read v (decide) and reports
// whether its call is due now: the task is then Sending.
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
	s := r.decider.decide(t.change, live, t.stage == StageWaiting)
	switch s.kind {
	case wait:
		t.move(evWait)
		r.progress(t, Waiting, fmt.Sprintf("waiting: the cache is %s", t.out.Status))
		return false
	case send:
		t.move(evSend)
		t.change = s.change
		t.rebuild = nil
		if t.change.Refreshes() {
			t.rebuild = &rebuildState{old: t.change.ID, resume: unfinishedRebuild(v.byName[t.change.Name], t.change.ID)}
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
