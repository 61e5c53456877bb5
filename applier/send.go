package applier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/planner"
)

// sendAll sends the due calls, at most opts.Parallelism at once. One cache's failure
// does not stop the others; when ctx ends, calls not yet started are not sent (their
// tasks stay open and the loop skips them).
func (r *runner) sendAll(ctx context.Context, due []*task) {
	var g errgroup.Group
	g.SetLimit(r.opts.Parallelism)
	for _, t := range due {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if ctx.Err() == nil {
				r.execute(ctx, t)
			}
			return nil
		})
	}
	_ = g.Wait() // the goroutines return nil
	r.sendTags(ctx, due)
}

// execute sends one task's call (with retries) and records the answer.
func (r *runner) execute(ctx context.Context, t *task) {
	req, err := t.change.Request()
	if err != nil {
		r.finish(t, Failed, err.Error(), err)
		return
	}
	if err := r.stopped(t.change); err != nil {
		r.finish(t, Skipped, "not attempted: "+err.Error(), err)
		return
	}
	if !tagsOnly(t.change) { // a tags-only change has no call here: its tag calls follow
		r.progress(t, Sending, "sending")
	}
	ctx = eci.ObserveRetries(ctx, func(rt eci.Retry) {
		if !errors.Is(rt.Err, eci.ErrThrottled) && !errors.Is(rt.Err, eci.ErrConflict) {
			t.move(evLost) // a 5xx or a lost answer: the try may have taken effect
		}
		r.progress(t, Retrying, retryMessage(rt))
	})
	if r.opts.Timeout > 0 {
		ctx = eci.WaitUntil(ctx, r.waitDeadline())
	}
	t.sentAt = r.opts.Now()
	var attempts int
	switch t.change.Action {
	case planner.Update:
		var u eci.UpdateRequest
		if u, err = updateRequest(r.opts.RunID, t.change, req, r.opts.Getenv); err == nil && !tagsOnly(t.change) {
			attempts, err = r.call(ctx, func(c context.Context) error { return r.client.Update(c, u) })
			if err == nil {
				t.move(evTook)
			}
		}
	case planner.Create:
		var c eci.CreateRequest
		if c, err = createRequest(r.decider.owner, t.change, req, t.after, r.opts.Getenv); err == nil {
			attempts, err = r.create(ctx, t, c)
		}
	case planner.Delete:
		attempts, err = r.delete(ctx, t)
	case planner.Replace:
		if t.change.Refreshes() {
			attempts, err = r.createForRebuild(ctx, t, req)
		} else {
			attempts, err = r.replace(ctx, t, req)
		}
	default:
		err = fmt.Errorf("cannot apply action %q", t.change.Action)
	}
	t.out.Attempts += attempts
	if t.stage == StageDone {
		return // delete found a reason not to
	}
	if err != nil && t.change.Action != planner.Replace {
		if why := r.contradicted(ctx, t, req, err); why != "" {
			r.finish(t, Failed, why, err)
			return
		}
	}
	if err == nil || errors.Is(err, eci.ErrNoNeedUpdate) {
		if ok, terr := prepareTags(t, req); terr != nil {
			err = terr
		} else if ok {
			// sendTags answers once the tag calls are made, after this round's other calls.
			r.progress(t, Queued, "tags next, after this round's other calls")
			return
		}
	}
	r.answer(t, sent{req: req}, err)
}

// contradicted reads the cache back after an answer that claims there was nothing to
// do — NoNeedUpdate to an update, NotFound to a delete — and says how the read-back
// contradicts it ("" when it agrees, or for any other answer). Such an answer is
// checked like any change: an update's readable fields must show what was sent, and a
// deleted cache must no longer be listed. A contradicted NoNeedUpdate writes no record
// of the write-only fields either (its tag calls are not made).
func (r *runner) contradicted(ctx context.Context, t *task, req planner.Request, answer error) string {
	noNeed := t.change.Action == planner.Update && errors.Is(answer, eci.ErrNoNeedUpdate)
	gone := t.change.Action == planner.Delete && errors.Is(answer, eci.ErrNotFound)
	if !noNeed && !gone {
		return ""
	}
	var live cloud.Cache
	n, err := r.call(ctx, func(c context.Context) error {
		var err error
		live, err = r.client.Get(c, t.change.Region, t.change.ID)
		return err
	})
	t.out.Attempts += n
	switch {
	case gone && err == nil:
		return fmt.Sprintf("the API answered NotFound to the delete, but the cache is still listed (status %s)", live.Status)
	case gone && errors.Is(err, eci.ErrNotFound):
		return ""
	case noNeed && err == nil:
		if missing := verify(sent{req: req}, live); len(missing) > 0 {
			shown := make([]string, len(missing))
			for i, m := range missing {
				shown[i] = fmt.Sprintf("%s=%s (sent %s)", m.field, m.shown, m.sent)
			}
			return "the API answered NoNeedUpdate, but the cache reads back " + strings.Join(shown, ", ")
		}
		return ""
	case noNeed && errors.Is(err, eci.ErrNotFound):
		return "the API answered NoNeedUpdate, but the cache is no longer listed"
	}
	return fmt.Sprintf("the API's answer (%v) could not be checked: reading the cache back failed: %v", answer, err)
}

// apiActions are the API actions that apply each planned action.
var apiActions = map[planner.Action]string{planner.Create: "CreateImageCache", planner.Update: "UpdateImageCache",
	planner.Delete: "DeleteImageCache", planner.Replace: "DeleteImageCache"}

// stopped returns the breaker error that stopped the client sending ch's action in its
// region, if any.
func (r *runner) stopped(ch planner.Change) error {
	if v, ok := r.open.Load(ch.Region + "/" + apiActions[ch.Action]); ok {
		return v.(error)
	}
	return nil
}

// NotWaited is the message of a change the API accepted in a run that does not wait
// (Options.Wait false): sent, never verified, so never converged.
const NotWaited = "sent, not verified (--wait=false)"

// idempotentMismatch is the API's answer to a ClientToken sent again with other
// parameters.
const idempotentMismatch = "IdempotentParameterMismatch"

// answer records what the API answered to a task's call.
func (r *runner) answer(t *task, s sent, err error) {
	var api *eci.APIError
	var open *eci.CircuitOpenError
	if errors.As(err, &open) {
		r.open.LoadOrStore(open.Region+"/"+open.Action, open)
	}
	switch {
	case err == nil:
		t.move(evAccepted)
		if !r.opts.Wait && t.rebuild == nil { // a rebuild waits: see rebuild.go
			r.finish(t, Sent, NotWaited, nil)
			return
		}
		t.sent, t.polls = s, 0
		// What was listed before the call says nothing of the cache now: no status until
		// the next read.
		t.out.Status, t.out.Progress = "", ""
		t.acceptedAt = r.opts.Now()
		r.progress(t, Settling, "accepted; waiting for the cache to settle")
	case errors.Is(err, eci.ErrNoNeedUpdate):
		r.finish(t, Unchanged, "the API answered NoNeedUpdate, and the read-back agrees: the cache already has these values", nil)
	case errors.Is(err, eci.ErrNotFound) && t.change.Action == planner.Delete:
		r.finish(t, Deleted, "already gone", nil)
	case errors.Is(err, eci.ErrNotFound):
		r.finish(t, Failed, vanished, err)
	case t.change.Action == planner.Create && errors.As(err, &api) && api.Code == idempotentMismatch && t.refused+1 < r.opts.MaxAttempts:
		// The same cache is being created by another run whose bookkeeping differs (see
		// createToken): wait for that cache and plan it again, rather than make a second.
		t.refused++
		t.move(evRefused)
		r.progress(t, Waiting, "another run is creating this cache (IdempotentParameterMismatch); waiting for it")
	case errors.Is(err, eci.ErrIncorrectStatus) && t.refused+1 < r.opts.MaxAttempts:
		// The cache is busy after all: read it again and wait for it.
		t.refused++
		t.move(evRefused)
		r.progress(t, Waiting, "the API answered IncorrectStatus; reading the cache again")
	case errors.Is(err, eci.ErrCircuitOpen) && t.out.Attempts == 0:
		r.finish(t, Skipped, "not attempted: "+err.Error(), err)
	case errors.Is(err, errInterrupted):
		r.interrupted(t, err)
	case errors.Is(err, eci.ErrThrottled) && !t.stage.reached():
		// Every try was refused by throttling until the run's deadline: nothing was sent.
		r.finish(t, Skipped, "not sent: the API throttled every try until the run's deadline (--timeout); apply again later ("+err.Error()+")", err)
	case errors.As(err, &api):
		r.finish(t, Failed, api.Code+": "+api.Message, err)
	default:
		r.finish(t, Failed, err.Error(), err)
	}
}

// call runs fn once; the client paces and retries inside (see eci.RetryPolicy) and never
// abandons a mutation in flight, so ctx's end only stops new tries. It returns
// the number of requests fn sent, retries included, and marks an error caused by ctx's
// end with errInterrupted.
func (r *runner) call(ctx context.Context, fn func(context.Context) error) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, interrupted(err, nil)
	}
	var n atomic.Int64
	err := fn(eci.CountAttempts(ctx, &n))
	if err != nil && ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		err = interrupted(ctx.Err(), err)
	}
	return int(n.Load()), err
}

// interrupted is the error of a call cut short by ctx, keeping the last answer.
func interrupted(cause, last error) error {
	if last == nil {
		return fmt.Errorf("%w: %w", errInterrupted, cause)
	}
	return fmt.Errorf("%w: %w", errInterrupted, last)
}

// waitDeadline is until when a call may wait out throttling: the end of opts.Timeout,
// on the wall clock the client paces by.
func (r *runner) waitDeadline() time.Time {
	return time.Now().Add(r.start.Add(r.opts.Timeout).Sub(r.opts.Now()))
}

// retryMessage says why and when a call is tried again, e.g. "retrying after a server
// error (ServiceUnavailable): attempt 3 of 6 in 1.2s", or, for throttling, which is a
// wait, "waiting for the API's quota (Throttling.User): 12s so far".
func retryMessage(rt eci.Retry) string {
	why := "a network error"
	var api *eci.APIError
	switch {
	case errors.Is(rt.Err, eci.ErrThrottled):
		code := ""
		if errors.As(rt.Err, &api) {
			code = " (" + api.Code + ")"
		}
		waited := rt.Waited.Round(time.Second)
		if rt.Waited < 10*time.Second {
			waited = rt.Waited.Round(100 * time.Millisecond)
		}
		return fmt.Sprintf("waiting for the API's quota%s: %s so far", code, waited)
	case errors.Is(rt.Err, eci.ErrServer):
		why = "a server error"
	case errors.Is(rt.Err, eci.ErrConflict):
		why = "an operation conflict"
	}
	if errors.As(rt.Err, &api) {
		why += " (" + api.Code + ")"
	}
	return fmt.Sprintf("retrying after %s: attempt %d of %d in %s", why, rt.Attempt+1, rt.MaxAttempts, rt.Pause.Round(100*time.Millisecond))
}
