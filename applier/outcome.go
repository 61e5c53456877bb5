package applier

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
)

// Result is what applying did to one cache, in the past tense. Its values are the
// spellings of `apply -o json`.
type Result string

// The results. Only InProgress is not final: Progress sees it, Apply never returns it.
const (
	Created  Result = "created"  // CreateImageCache accepted (and Ready, when waiting)
	Updated  Result = "updated"  // UpdateImageCache accepted (and Ready, when waiting)
	Deleted  Result = "deleted"  // DeleteImageCache accepted (and gone, when waiting), or already gone
	Replaced Result = "replaced" // deleted, then created again (and Ready, when waiting)
	// Recorded: the change wrote imcsync's bookkeeping tags and nothing else
	// (planner.Change.BookkeepingOnly), as plan counts it apart from updates; the tag
	// calls were accepted (and the cache shows them, when waiting).
	Recorded  Result = "recorded"
	Unchanged Result = "unchanged" // nothing to do: a noop, or the API answered NoNeedUpdate
	Blocked   Result = "blocked"   // a change is needed but cannot be made now; nothing was sent
	Failed    Result = "failed"    // a call was refused or failed, or the cache ended Failed/UpdateFailed
	Stale     Result = "stale"     // the live cache changed since the plan; plan again
	Skipped   Result = "skipped"   // not attempted: interrupted, or refused by a safety check
	// Sent: the API accepted the call (or its answer was lost, so it may have), but the
	// run ended - Ctrl-C, SIGTERM, --timeout - before the cache was seen to take it.
	// Not a failure and not a success: the next run reads the cache and sends nothing if
	// it took the change.
	Sent Result = "sent"

	InProgress Result = "in-progress" // being worked on (Progress only)
)

// Converged reports whether the result leaves the cache as the file wants it.
func (r Result) Converged() bool {
	return r == Created || r == Updated || r == Deleted || r == Replaced || r == Recorded || r == Unchanged
}

// Outcome is the report on one cache of the plan.
type Outcome struct {
	Region string
	Name   string
	ID     string // the live cache's ID; for a create, the new one
	// Action is what the plan proposed (after Replan, what was finally attempted).
	Action planner.Action
	Result Result
	// Status is the cache's last seen status ("" when never seen, e.g. after a delete).
	Status cloud.Status
	// Message explains the result for people: the API's message, the event message of
	// an UpdateFailed or Failed cache, or why the cache was blocked, stale or skipped.
	Message string
	// Err is the error behind a failed outcome, or the typed reason of a skipped one
	// (errInterrupted, *ownership.NotOwnedError, *ownership.ProtectedError), prefixed with "region/name: ".
	// It keeps its class: an API refusal is an *eci.APIError, found with errors.As.
	Err error
	// Attempts counts the mutating calls sent for the cache, retries included.
	Attempts int
	// Duration is how long the cache took, from the start of Apply to its outcome.
	Duration time.Duration
	// Phase says what is being done while Result is InProgress (Progress only).
	Phase Phase
	// Progress is the cache's own progress as last listed while waiting for it to
	// settle, e.g. "45%" ("" when the API gave none).
	Progress string
}

// Phase is what Apply is doing for a cache in progress.
type Phase string

// The phases an InProgress outcome reports.
const (
	Waiting  Phase = "waiting"  // the cache is busy; its call waits until it is Ready
	Sending  Phase = "sending"  // its call is being sent
	Retrying Phase = "retrying" // its call failed in a retryable way (throttling…) and is tried again
	Settling Phase = "settling" // its call was accepted; waiting for the cache to be Ready
	Queued   Phase = "queued"   // its tag calls follow once the round's other calls are made
)

// outcomeJSON is the JSON form of an Outcome.
type outcomeJSON struct {
	Region     string         `json:"region"`
	Name       string         `json:"name"`
	ID         string         `json:"id,omitempty"`
	Action     planner.Action `json:"action"`
	Result     Result         `json:"result"`
	Status     cloud.Status   `json:"status,omitempty"`
	Message    string         `json:"message,omitempty"`
	Error      string         `json:"error,omitempty"`
	Attempts   int            `json:"attempts"`
	DurationMS int64          `json:"duration_ms"`
}

// MarshalJSON writes the outcome for `apply -o json`: Err as its text, Duration in
// whole milliseconds.
func (o Outcome) MarshalJSON() ([]byte, error) {
	j := outcomeJSON{
		Region: o.Region, Name: o.Name, ID: o.ID, Action: o.Action, Result: o.Result,
		Status: o.Status, Message: o.Message, Attempts: o.Attempts, DurationMS: o.Duration.Milliseconds(),
	}
	if o.Err != nil {
		j.Error = o.Err.Error()
	}
	return json.Marshal(j)
}

// Converged reports whether every outcome is created, updated, deleted, replaced,
// recorded or unchanged:
// `apply` exits 0 exactly then.
func Converged(outcomes []Outcome) bool {
	for _, o := range outcomes {
		if !o.Result.Converged() {
			return false
		}
	}
	return true
}

// SentOrConverged reports whether every outcome converged or was sent without being
// verified: what a run that does not wait (Options.Wait false) can at best report.
func SentOrConverged(outcomes []Outcome) bool {
	for _, o := range outcomes {
		if !o.Result.Converged() && o.Result != Sent {
			return false
		}
	}
	return true
}

// HasWork reports whether applying the plan does anything: a change or bookkeeping to
// send, or a declared cache that is busy (Preparing, Creating, Updating) and must be
// waited for and verified even though nothing is sent to it — someone else's update may
// still fail.
func HasWork(plan *planner.Plan) bool {
	if plan.Pending() {
		return true
	}
	var d decider
	for _, ch := range plan.Changes {
		if d.needsLive(ch) {
			return true
		}
	}
	return false
}

// Summary counts outcomes by result.
type Summary struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Deleted   int `json:"deleted"`
	Replaced  int `json:"replaced"`
	Unchanged int `json:"unchanged"`
	Recorded  int `json:"recorded"`
	Blocked   int `json:"blocked"`
	Failed    int `json:"failed"`
	Stale     int `json:"stale"`
	Skipped   int `json:"skipped"`
	Sent      int `json:"sent"`
}

// Summarize counts the outcomes.
func Summarize(outcomes []Outcome) Summary {
	var s Summary
	for _, o := range outcomes {
		if p := s.counter(o.Result); p != nil {
			*p++
		}
	}
	return s
}

func (s *Summary) counter(r Result) *int {
	switch r {
	case Created:
		return &s.Created
	case Updated:
		return &s.Updated
	case Deleted:
		return &s.Deleted
	case Replaced:
		return &s.Replaced
	case Unchanged:
		return &s.Unchanged
	case Recorded:
		return &s.Recorded
	case Blocked:
		return &s.Blocked
	case Failed:
		return &s.Failed
	case Stale:
		return &s.Stale
	case Skipped:
		return &s.Skipped
	case Sent:
		return &s.Sent
	}
	return nil
}

// String lists the non-zero counts, e.g. "2 updated, 1 failed" ("nothing to do" when
// all are zero).
func (s Summary) String() string {
	var parts []string
	for _, r := range []Result{Created, Updated, Deleted, Replaced, Unchanged, Recorded, Sent, Blocked, Failed, Stale, Skipped} {
		if n := *s.counter(r); n > 0 {
			label := string(r)
			switch r {
			case Sent:
				label = "sent, not verified"
			case Recorded:
				label = "bookkeeping recorded"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, label))
		}
	}
	if len(parts) == 0 {
		return "nothing to do"
	}
	return strings.Join(parts, ", ")
}
