package applier

import (
	"fmt"

	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

// NotOwnedError is why a cache is not deleted: its ownership tag does not name the
// plan's owner (any more).
type NotOwnedError struct {
	Want string // the plan's owner
	Got  string // the live cache's spec.OwnerTag value, "" when untagged
}

func (e *NotOwnedError) Error() string {
	switch {
	case e.Want == "":
		return "not deleted: the plan names no owner"
	case e.Got == "":
		return fmt.Sprintf("not deleted: the cache has no %s tag; it is not owned by %q", spec.OwnerTag, e.Want)
	}
	return fmt.Sprintf("not deleted: the cache is owned by %q (tag %s), not by %q", e.Got, spec.OwnerTag, e.Want)
}

// ProtectedError is why a cache is not deleted: it carries the spec.PruneTag tag with a
// value other than exactly "true" (fail closed).
type ProtectedError struct {
	Value string // the tag's value
}

func (e *ProtectedError) Error() string {
	return fmt.Sprintf("not deleted: tag %s=%q protects the cache from pruning (only %q allows it)", spec.PruneTag, e.Value, "true")
}

// canDelete is the one ownership check before a prune: the live cache must carry the
// plan's owner in its ownership tag and must not be protected (planner.Protected).
func canDelete(owner string, live cloud.Cache) error {
	if got := live.Tags[spec.OwnerTag]; owner == "" || got != owner {
		return &NotOwnedError{Want: owner, Got: got}
	}
	if planner.Protected(live) {
		return &ProtectedError{Value: live.Tags[spec.PruneTag]}
	}
	return nil
}

// canReplace is the check before the delete of a replace, which the operator asked for
// by name: the live cache must not be owned by another file (an untagged cache that
// the file declares is the file's).
func canReplace(owner string, live cloud.Cache) error {
	if got := live.Tags[spec.OwnerTag]; got != "" && got != owner {
		return &NotOwnedError{Want: owner, Got: got}
	}
	return nil
}
