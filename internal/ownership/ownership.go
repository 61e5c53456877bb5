// Package ownership is the one check of whose a live cache is, read from its reserved
// tags: spec.OwnerTag names the file (owner) that manages it, and spec.PruneTag, under
// any capitalisation of its key and with any value other than exactly "true", protects
// it from --prune (fail closed). The
// planner, the applier, drift and export all ask Of and act on its typed answer.
package ownership

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/imcsync/imcsync/spec"
)

// State is whose a live cache is, seen from one file.
type State string

// The states.
const (
	None           State = "none"            // no ownership tag: made elsewhere, or not yet adopted
	Owned          State = "owned"           // the tag names the file's owner; --prune may delete it
	OwnedProtected State = "owned-protected" // owned, but its prune tag keeps --prune from deleting it
	Other          State = "other"           // the tag names another owner (or the file has none)
)

// Claim is the answer of Of.
type Claim struct {
	State State
	Want  string // the file's (or plan's) owner, "" when it has none
	Owner string // the live cache's ownership tag, "" when it has none
	Prune string // the live cache's prune tag, "" when it has none (or it is empty)
}

// Of says whose the live cache with these tags is, for a file whose owner is want.
func Of(want string, tags map[string]string) Claim {
	c := Claim{Want: want, Owner: tags[spec.OwnerTag]}
	prune, hasPrune := pruneTag(tags)
	c.Prune = prune
	switch {
	case c.Owner == "":
		c.State = None
	case want == "" || c.Owner != want:
		c.State = Other
	case hasPrune && prune != "true":
		c.State = OwnedProtected
	default:
		c.State = Owned
	}
	return c
}

// pruneTag finds the prune tag under any capitalisation of its key (Imcsync:Prune is
// the same key to a person, so it must protect alike). The value is "true" only when
// every spelling present says exactly "true"; otherwise the first other value, so that
// protection fails closed.
func pruneTag(tags map[string]string) (value string, ok bool) {
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if !strings.EqualFold(k, spec.PruneTag) {
			continue
		}
		if !ok || value == "true" {
			value = tags[k]
		}
		ok = true
	}
	return value, ok
}

// Mine reports whether the cache carries the file's owner, protected or not.
func (c Claim) Mine() bool { return c.State == Owned || c.State == OwnedProtected }

// CanPrune is nil when --prune may delete the cache (Owned); otherwise the typed
// reason: *NotOwnedError or *ProtectedError.
func (c Claim) CanPrune() error {
	switch c.State {
	case Owned:
		return nil
	case OwnedProtected:
		return &ProtectedError{Value: c.Prune}
	}
	return &NotOwnedError{Want: c.Want, Got: c.Owner}
}

// CanManage is nil when the file may update or replace the cache it declares: unless
// another owner holds it (an untagged cache that the file declares is the file's).
func (c Claim) CanManage() error {
	if c.State == Other {
		return &NotOwnedError{Want: c.Want, Got: c.Owner}
	}
	return nil
}

// NotOwnedError is why a cache is not deleted (or replaced): its ownership tag does not
// name the file's owner.
type NotOwnedError struct {
	Want string // the file's owner
	Got  string // the live cache's ownership tag, "" when untagged
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

// ProtectedError is why an owned cache is not deleted: its prune tag has a value other
// than exactly "true".
type ProtectedError struct {
	Value string // the tag's value
}

func (e *ProtectedError) Error() string {
	return fmt.Sprintf("not deleted: tag %s=%q protects the cache from pruning (only %q allows it)", spec.PruneTag, e.Value, "true")
}
