package planner

// FormatVersion is the plan JSON's format_version (SPEC §5).
const FormatVersion = "1"

// Action is what a plan does to one cache. Its values are the wire spellings of SPEC §5.
type Action string

// The actions.
const (
	Noop    Action = "noop"    // live equals Git; nothing is sent
	Create  Action = "create"  // no live cache: CreateImageCache
	Update  Action = "update"  // UpdateImageCache with the changed fields only
	Delete  Action = "delete"  // live cache absent from Git, owned by this file (apply --prune)
	Replace Action = "replace" // --replace: DeleteImageCache, then CreateImageCache
	Blocked Action = "blocked" // a change is needed but cannot be made (status, owner, …)
)

// Mutates reports whether applying the action sends a mutating call.
func (a Action) Mutates() bool { return a == Create || a == Update || a == Delete || a == Replace }

// Known reports whether a is one of the actions above (a plan file may hold anything).
func (a Action) Known() bool { return a == Noop || a == Blocked || a.Mutates() }

// Plan is the whole plan: pure data, written as JSON as it is (SPEC §5), rendered for
// people from the same value, and all the applier needs.
type Plan struct {
	FormatVersion string   `json:"format_version"`
	Owner         string   `json:"owner,omitempty"`
	Changes       []Change `json:"changes"`
	Summary       Summary  `json:"summary"`
	// Unmanaged lists live caches in the planned regions that the file does not declare
	// and the plan does not delete. They are never touched.
	Unmanaged []Unmanaged `json:"unmanaged,omitempty"`
	// Prune and Replace record the options the plan was made with; apply of a saved plan
	// refuses a delete or replace they do not account for.
	Prune   bool     `json:"prune,omitempty"`
	Replace []string `json:"replace,omitempty"`
	// Warnings are for people: situations the plan cannot resolve but should not hide
	// (e.g. a cache with this file's owner, created from another file).
	Warnings []string `json:"warnings,omitempty"`
}

// Unmanaged is a live cache the file does not declare.
type Unmanaged struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Status string `json:"status"`
	// Owner is the live cache's ownership tag, "" when it has none.
	Owner string `json:"owner,omitempty"`
	// Reason says why it is not deleted (for people).
	Reason string `json:"reason"`
}

// HasChanges reports whether applying the plan would do anything (plan exit code 2).
// A blocked change counts: the cloud differs from Git.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != Noop {
			return true
		}
	}
	return false
}

// Summary counts the changes by action.
type Summary struct {
	Create  int `json:"create"`
	Update  int `json:"update"`
	Delete  int `json:"delete"`
	Replace int `json:"replace"`
	Blocked int `json:"blocked"`
	Noop    int `json:"noop"`
}

// Change is the plan for one cache. Before/After contract by action:
//
//	action   ID     Status  Fields (Before → After)           Create/Desired
//	noop     live   live    empty                             —
//	create   ""     ""      every managed field (nil → value) the full request
//	update   live   live    changed fields only               —
//	delete   live   live    empty                             —
//	replace  live   live    every managed field (nil → value) the full request (a create)
//	blocked  live   live    the fields that would change      —
//
// Reason and Notes are for people only: nothing branches on them.
type Change struct {
	Region string        `json:"region"`
	Name   string        `json:"name"`
	ID     string        `json:"id,omitempty"`
	Action Action        `json:"action"`
	Status string        `json:"status,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
	// Reason says why a change is blocked, or why a delete is proposed.
	Reason string `json:"reason,omitempty"`
	// Notes are remarks for people (e.g. "write-only fields recorded without sending them").
	Notes []string `json:"notes,omitempty"`
	// Fingerprint is a digest of the live cache the change was planned against; apply
	// with a saved plan refuses the change when the live cache's fingerprint differs.
	Fingerprint string `json:"fingerprint,omitempty"`
}

// FieldChange is one field's change. Field uses the YAML key names ("size", "images",
// "tags", "securityGroupId", …). Before/After hold plain JSON values (numbers, strings,
// bools, lists, maps). Values are redacted where the change is made: a write-only field
// whose old value cannot be read has Before = UnknownValue or RecordedValue; no secret
// value ever enters a FieldChange (credentials name their environment variable only).
type FieldChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
	// WriteOnly marks a field the API never reads back.
	WriteOnly bool `json:"write_only,omitempty"`
	// Send is false for a change that is recorded but not sent (an adopted cache's
	// write-only fields, or the reserved tags' bookkeeping is inside "tags").
	Send bool `json:"send"`
	// Call names the API call that carries a sent change: CallCreate, CallUpdate, or for
	// the tags of an existing cache CallTag, CallUntag or CallTagAndUntag. Empty when
	// nothing is sent.
	Call string `json:"call,omitempty"`
}

// Placeholders for values that cannot be shown.
const (
	// UnknownValue is the Before of a write-only field with no record of what was applied.
	UnknownValue = "(unknown)"
	// RecordedValue is the Before of a write-only field whose recorded digest differs.
	RecordedValue = "(recorded value)"
)
