package planner

import (
	"strings"

	"github.com/imcsync/imcsync/internal/coverage"
)

// FormatVersion is the plan JSON's format_version (docs/json.md).
// Version 2: reserved tags and records are a change's bookkeeping, not fields; an update
// of a busy cache carries waits_for instead of being blocked; an unreadable old value is
// before_state, never a string in before.
const FormatVersion = "2"

// Action is what a plan does to one cache. Its values are the spellings of the plan JSON.
type Action string

// The actions.
const (
	Noop    Action = "noop"    // live equals Git; nothing is sent
	Create  Action = "create"  // no live cache: CreateImageCache
	Update  Action = "update"  // UpdateImageCache with the changed fields only
	Delete  Action = "delete"  // live cache absent from Git, owned by this file (apply --prune)
	Replace Action = "replace" // --replace: DeleteImageCache, then CreateImageCache
	Blocked Action = "blocked" // a change is needed but apply refuses it (Failed, owner, ambiguous name, …)
)

// Mutates reports whether applying the action sends a mutating call.
func (a Action) Mutates() bool { return a == Create || a == Update || a == Delete || a == Replace }

// known reports whether a is one of the actions above (a plan file may hold anything).
func (a Action) known() bool { return a == Noop || a == Blocked || a.Mutates() }

// Plan is the whole plan: pure data, written as JSON as it is (docs/json.md),
// rendered for people from the same value, and all the applier needs.
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
	// Target and Digest are written in a plan file (Seal): the endpoint and account the
	// plan was made against, and a digest of its decisions; apply checks both.
	Target *Target `json:"target,omitempty"`
	Digest string  `json:"digest,omitempty"`
	// Warnings are for people: situations the plan cannot resolve but should not hide
	// (e.g. a cache with this file's owner, created from another file).
	Warnings []string `json:"warnings,omitempty"`
	// RegistryErrors are the registries that could not be reached while resolving tags
	// (--refresh=auto), with their errors; Warnings has one line that sums them up.
	RegistryErrors []RegistryError `json:"registry_errors,omitempty"`
	// Policy lists the policy rules the plan breaks (package policy); nil when no policy
	// was checked, empty when every rule holds.
	Policy []PolicyResult `json:"policy,omitzero"`
	// Storage is what the planned regions' caches hold, now and once the plan is
	// applied (StorageOf); nil when not computed.
	Storage *Storage `json:"storage,omitempty"`
	// Unused lists the live caches no pod matched for --unused-for (Unused): a report,
	// never a change.
	Unused []Idle `json:"unused,omitempty"`
	// Expiring lists the live caches that expire soon (ExpiringSoon): a report.
	Expiring []Expiring `json:"expiring,omitempty"`
	// Coverage lists every workload read (the file's workloads, --workloads) with the
	// result the live caches give its pods and the result once the plan is applied
	// (docs/coverage.md): a report, never a change. CoverageSummary counts it.
	Coverage        []coverage.Entry  `json:"coverage,omitempty"`
	CoverageSummary *coverage.Summary `json:"coverage_summary,omitempty"`
}

// Unmanaged is a live cache the file does not declare.
type Unmanaged struct {
	Region string `json:"region"`
	Name   string `json:"name"`
	ID     string `json:"id"`
	Status string `json:"status"`
	// Owner is the live cache's ownership tag, "" when it has none.
	Owner string `json:"owner,omitempty"`
	// ReasonCode says why it is not deleted; Reason says it in words, for people.
	ReasonCode ReasonCode `json:"reason_code,omitempty"`
	Reason     string     `json:"reason"`
	// Images are listed for a cache ECI created itself (AutoCreated): a candidate to
	// declare.
	Images []string `json:"images,omitempty"`
}

// AutoCreatedPrefix starts the name of a cache ECI created by itself for a pod that no
// cache served.
const AutoCreatedPrefix = "auto-create-for-"

// AutoCreated reports whether ECI created the cache by itself.
func (u Unmanaged) AutoCreated() bool { return strings.HasPrefix(u.Name, AutoCreatedPrefix) }

// HasChanges reports whether the cloud differs from Git (plan exit code 2): a change
// other than noop counts, a blocked one too. Bookkeeping alone (an update that writes
// only imcsync's reserved tags) is never a change; apply writes it all the same
// (Pending).
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != Noop && !c.BookkeepingOnly() {
			return true
		}
	}
	return false
}

// Pending reports whether apply has anything to send: a change, or bookkeeping alone.
func (p *Plan) Pending() bool {
	for _, c := range p.Changes {
		if c.Action != Noop {
			return true
		}
	}
	return false
}

// Summary counts the changes by action. An update that writes bookkeeping only is
// counted in Bookkeeping, not in Update: it is not a change.
type Summary struct {
	Create      int `json:"create"`
	Update      int `json:"update"`
	Delete      int `json:"delete"`
	Replace     int `json:"replace"`
	Blocked     int `json:"blocked"`
	Noop        int `json:"noop"`
	Bookkeeping int `json:"bookkeeping"`
}

// Change is the plan for one cache. Before/After contract by action:
//
//	action   ID     Status  Fields (Before → After)           Bookkeeping
//	noop     live   live    empty                             empty
//	create   ""     ""      every managed field (nil → value) every reserved tag (nil → value)
//	update   live   live    changed fields only (may be none) reserved tags that change
//	delete   live   live    live values (value → nil), unsent  empty
//	replace  live   live    every managed field (nil → value) every reserved tag (nil → value)
//	blocked  live   live    the fields that would change      the tags that would change
//
// A replace with Refresh rebuilds the cache because image tags moved: apply creates the
// new cache first, waits until it is Ready, then deletes the old one (ID), so that pods
// always have a Ready cache of the images. A blocked change may list Refresh too: the
// tags moved but the cache cannot be rebuilt (Reason says why).
//
// An update with no fields is bookkeeping only: it sends the reserved tags and nothing
// else. An update with WaitsFor is made once the cache reaches that status.
// Reason is for people only: nothing branches on it; a program reads ReasonCode.
type Change struct {
	Region string        `json:"region"`
	Name   string        `json:"name"`
	ID     string        `json:"id,omitempty"`
	Action Action        `json:"action"`
	Status string        `json:"status,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
	// Bookkeeping lists the reserved tags the change writes: never field
	// changes, never drift.
	Bookkeeping []Bookkeeping `json:"bookkeeping,omitempty"`
	// WaitsFor is set on an update of a busy cache (Preparing, Creating, Updating):
	// apply waits until the cache has this status (WaitsReady), then updates it.
	WaitsFor string `json:"waits_for,omitempty"`
	// ReasonCode says why a change is blocked, or why a delete or replace is proposed;
	// Reason says it in words. Both are empty for other changes.
	ReasonCode ReasonCode `json:"reason_code,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	// Fingerprint is a digest of the live cache the change was planned against; apply
	// with a saved plan refuses the change when the live cache's fingerprint differs.
	Fingerprint string `json:"fingerprint,omitempty"`
	// DuplicateOf is set on the delete (or blocked delete) of a second cache imcsync
	// made of a declared name: the ID of the cache kept. Such a delete needs no --prune.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Refresh lists the images whose tag moved since the live cache was built.
	Refresh []Refresh `json:"refresh,omitempty"`
	// StorageGiB is the snapshot storage the change adds (positive) or frees
	// (negative) once applied, in GiB (StorageDelta); 0 for none.
	StorageGiB int64 `json:"storage_gib,omitempty"`
}

// Refreshes reports whether the change rebuilds a cache because image tags moved.
func (c Change) Refreshes() bool { return c.Action == Replace && len(c.Refresh) > 0 }

// Refresh is one image whose tag points elsewhere than when the cache was built.
type Refresh struct {
	Image string `json:"image"`
	// From is what the tag pointed to when the cache was built, as far as the built
	// record knows it: the algorithm and the first 10 hex digits of the digest. Absent
	// when the record holds only a digest of the whole image set.
	From string `json:"from,omitempty"`
	// To is the digest the tag points to now.
	To string `json:"to"`
}

// WaitsReady is the one status a change waits for (Change.WaitsFor).
const WaitsReady = "Ready"

// Waits reports whether the change is an update apply makes once the cache is Ready.
func (c Change) Waits() bool { return c.Action == Update && c.WaitsFor != "" }

// BookkeepingOnly reports whether the change is an update that writes reserved tags and
// nothing else.
func (c Change) BookkeepingOnly() bool {
	return c.Action == Update && len(c.Fields) == 0 && len(c.Bookkeeping) > 0
}

// RegistryError is a registry that could not be reached, and how many of the plan's
// images it holds (not checked for moved tags).
type RegistryError struct {
	Registry string `json:"registry"`
	Error    string `json:"error"`
	Images   int    `json:"images"`
}

// FieldChange is one field's change. Field uses the YAML key names ("size", "images",
// "tags", "securityGroupId", …). Before/After hold plain JSON values (numbers, strings,
// bools, lists, maps), or null. Values are redacted where the change is made: a
// write-only field whose old value cannot be read has Before nil and BeforeState set; no
// secret value ever enters a FieldChange (credentials name their environment variable
// only). The "tags" field holds the user tags only: reserved tags are Bookkeeping.
type FieldChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
	// BeforeState says why Before is nil although the field may have a value:
	// BeforeUnknown or BeforeRecorded. Empty when Before is the value (nil: none).
	BeforeState string `json:"before_state,omitempty"`
	// WriteOnly marks a field the API never reads back.
	WriteOnly bool `json:"write_only,omitempty"`
	// Send is false for a field that the change would set but cannot (a blocked change's
	// create-only field).
	Send bool `json:"send"`
	// Call names the API call that carries a sent change: CallCreate, CallUpdate, or for
	// the tags of an existing cache CallTag, CallUntag or CallTagAndUntag. Empty when
	// nothing is sent.
	Call string `json:"call,omitempty"`
}

// The values of FieldChange.BeforeState: why an old value cannot be shown.
const (
	// BeforeUnknown: the API never reads the field back and no record says what was
	// applied.
	BeforeUnknown = "unknown"
	// BeforeRecorded: the API never reads the field back; the record holds a digest of
	// what was applied, and it differs from the file's value.
	BeforeRecorded = "recorded"
)

// Bookkeeping is a change to one of imcsync's reserved tags (spec.ReservedTagPrefix):
// the ownership tag, the source-file tag or the record of write-only values. It is not a
// field change: it rebuilds nothing and is never drift. Applying an update sends it with
// the tag calls (TagDelta); a create sends it with the cache's tags.
type Bookkeeping struct {
	Tag string `json:"tag"`
	// Before and After are the tag's values; Before nil: the tag is added; After nil:
	// it is removed.
	Before *string `json:"before"`
	After  *string `json:"after"`
	// Recorded names, on the record tag, the write-only fields whose declared values
	// are recorded without being sent: the cache has no record of them (imcsync did not
	// create it), so their live values are unknown and are left as they are.
	Recorded []string `json:"recorded,omitempty"`
}
