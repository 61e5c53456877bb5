package planner

// ReasonCode says, in one word a program may branch on, why a change has the action it
// has, or why an undeclared cache is left alone. Its values are the spellings of the plan
// JSON's reason_code (docs/json.md). The Reason beside it is the same thing in words for
// people, and nothing branches on those words, as terraform keeps ActionReason apart
// from the text it prints.
type ReasonCode string

// The reasons of a blocked change.
const (
	// ReasonAmbiguousName: several live caches carry the declared name and none is pinned.
	ReasonAmbiguousName ReasonCode = "ambiguous-name"
	// ReasonPinnedIDMissing: the cache's pinned id does not exist in its region.
	ReasonPinnedIDMissing ReasonCode = "pinned-id-missing"
	// ReasonPinnedIDRegion: the cache's pinned id is a cache of another region.
	ReasonPinnedIDRegion ReasonCode = "pinned-id-other-region"
	// ReasonOwnedByOther: the live cache's ownership tag names another owner (a blocked
	// change), or names one that is not the file's (an unmanaged cache).
	ReasonOwnedByOther ReasonCode = "owned-by-other"
	// ReasonMissingRequired: a create lacks a field the API requires on create.
	ReasonMissingRequired ReasonCode = "missing-required"
	// ReasonTooManyTags: the user tags and imcsync's reserved ones exceed the API's limit.
	ReasonTooManyTags ReasonCode = "too-many-tags"
	// ReasonCreateOnly: a field that can only be set on create differs from its record.
	ReasonCreateOnly ReasonCode = "create-only-changed"
	// ReasonFailed: the live cache is Failed; imcsync never updates it.
	ReasonFailed ReasonCode = "failed"
	// ReasonUpdateFailed: the live cache's last update failed and the file asks for
	// nothing more.
	ReasonUpdateFailed ReasonCode = "update-failed"
	// ReasonMovedTagsPinned: image tags moved, but the cache is pinned by id, and a
	// rebuilt cache gets a new one.
	ReasonMovedTagsPinned ReasonCode = "moved-tags-pinned-id"
	// ReasonDuplicateProtected: a duplicate (ReasonDuplicate) that its prune tag keeps.
	ReasonDuplicateProtected ReasonCode = "duplicate-protected"
	// ReasonDuplicateWaits: a duplicate deleted only once the cache kept is Ready.
	ReasonDuplicateWaits ReasonCode = "duplicate-waits"
)

// The reasons of a change apply makes.
const (
	// ReasonReplaceRequested: --replace names the cache; it is deleted, then created.
	ReasonReplaceRequested ReasonCode = "replace-requested"
	// ReasonMovedTags: image tags moved since the cache was built; a new one is built.
	ReasonMovedTags ReasonCode = "moved-tags"
	// ReasonDuplicate: a second cache imcsync made of a declared name; it is deleted.
	ReasonDuplicate ReasonCode = "duplicate"
	// ReasonPrune: an undeclared cache of this file's owner, deleted with --prune.
	ReasonPrune ReasonCode = "prune"
)

// The reasons an undeclared live cache is left alone (Unmanaged), beside
// ReasonOwnedByOther.
const (
	// ReasonNotOwned: the cache has no ownership tag.
	ReasonNotOwned ReasonCode = "not-owned"
	// ReasonProtected: the cache's prune tag keeps it.
	ReasonProtected ReasonCode = "protected"
	// ReasonPruneNotSet: the cache is the file's own; --prune would delete it.
	ReasonPruneNotSet ReasonCode = "prune-not-set"
	// ReasonAutoCreated: ECI created the cache for a pod no cache served.
	ReasonAutoCreated ReasonCode = "auto-created"
)

// block makes ch a blocked change, for the reason code and the words why.
func (ch *Change) block(code ReasonCode, why string) {
	ch.Action, ch.ReasonCode, ch.Reason = Blocked, code, why
}
