package applier

import (
	"fmt"

	"github.com/imcsync/imcsync/cloud"
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

// ProtectedError is why a cache is not deleted: its spec.PruneTag tag is "false".
type ProtectedError struct{}

func (e *ProtectedError) Error() string {
	return fmt.Sprintf("not deleted: tag %s=false protects the cache from pruning", spec.PruneTag)
}

// canDelete is the one ownership check before a delete: the live cache must carry the
// plan's owner in its ownership tag and must not be protected.
func canDelete(owner string, live cloud.Cache) error {
	if got := live.Tags[spec.OwnerTag]; owner == "" || got != owner {
		return &NotOwnedError{Want: owner, Got: got}
	}
	if live.Tags[spec.PruneTag] == "false" {
		return &ProtectedError{}
	}
	return nil
}
