package applier

import (
	"cmp"
	"errors"
	"fmt"
)

// timeout ends the tasks still open when opts.Timeout has passed: a cache whose calls
// were accepted is sent, not verified; one still waited for is blocked.
func (r *runner) timeout(open []*task) {
	for _, t := range open {
		msg := fmt.Sprintf("the cache was still %s after %s; nothing was sent", t.out.Status, r.opts.Timeout)
		if t.stage.reached() {
			msg = fmt.Sprintf("not verified: the API accepted the call; timed out after %s waiting for the cache to settle (status %s)", r.opts.Timeout, cmp.Or(string(t.out.Status), "not listed"))
			if t.rebuild != nil && t.stage != StageRetiring {
				msg += fmt.Sprintf("; %s is kept until the new cache %s is Ready: plan again", t.rebuild.old, t.out.ID)
			}
		}
		r.end(t, evTimeout, "", msg, nil)
	}
}

// interrupt ends the open tasks when ctx has ended.
func (r *runner) interrupt(open []*task) {
	for _, t := range open {
		r.interrupted(t, nil)
	}
}

// interrupted ends a task when ctx has ended, during its calls (cause is the error
// that cut them short) or between rounds (cause nil). Its result follows from its
// stage (advance): sent, not verified, once a call may have reached the cache (one was
// accepted, or a try's answer was lost); skipped while none did (nothing was sent, or
// the API refused every try: throttling, a conflict).
func (r *runner) interrupted(t *task, cause error) {
	suffix := ""
	if cause != nil {
		suffix = " (" + cause.Error() + ")"
	}
	var msg string
	switch t.stage {
	case StageSending:
		msg = "interrupted before anything was sent"
		if t.out.Attempts > 0 {
			msg = "interrupted while retrying; the API had refused every try, so nothing was changed" + suffix
		}
	case StageUnsure:
		msg = "not verified: interrupted while the API's answer was lost, so the change may have been made" + suffix
	case StagePartial:
		msg = "not verified: the API accepted the call; the run was interrupted before the rest of the change" + suffix
	case StageAccepted, StageMoving, StageRetiring, StageReverting:
		msg = fmt.Sprintf("not verified: the API accepted the call; interrupted before the cache settled (status %s)", cmp.Or(string(t.out.Status), "not listed"))
		if t.rebuild != nil && t.stage != StageRetiring {
			msg += fmt.Sprintf("; %s is kept, and the new cache %s is not known to be Ready: plan again", t.rebuild.old, t.out.ID)
		}
	default:
		msg = "interrupted before anything was sent"
	}
	var err error
	if !t.stage.reached() {
		err = cmp.Or(cause, errInterrupted)
	}
	r.end(t, evInterrupt, "", msg, err)
}

// finish gives a task its final result, found by decide, settle or the API's answer.
func (r *runner) finish(t *task, res Result, msg string, err error) {
	r.end(t, evEnd, res, msg, err)
}

// end moves a task to Done on event e (advance) and reports its outcome. A result its
// stage cannot have is a fault of this package, reported as a failure rather than as
// the claim. A non-nil err is prefixed with the cache.
func (r *runner) end(t *task, e event, res Result, msg string, err error) {
	next, got, ok := advance(t.stage, e, res)
	if !ok {
		msg = fmt.Sprintf("internal error: a cache in stage %s cannot end %s (%s); report this", t.stage, cmp.Or(string(res), e.String()), msg)
		next, got, err = StageDone, Failed, errors.New(msg)
	}
	t.stage = next
	t.out.Result, t.out.Message, t.out.Phase, t.out.Progress = got, msg, "", ""
	if err != nil {
		t.out.Err = fmt.Errorf("%s/%s: %w", t.out.Region, t.out.Name, err)
	}
	t.out.Duration = r.opts.Now().Sub(r.start)
	r.emit(t)
}

// progress reports that a task is being worked on, in phase ph, when anything shown
// changed. Its result is its stage's: InProgress.
func (r *runner) progress(t *task, ph Phase, msg string) {
	t.out.Phase, t.out.Message = ph, msg
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
