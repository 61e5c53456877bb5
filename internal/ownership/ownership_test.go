package ownership

import (
	"errors"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/spec"
)

// TestCanPrune: only an owned cache without a protecting prune tag may be pruned, and the
// reason otherwise is typed.
func TestCanPrune(t *testing.T) {
	tests := []struct {
		owner string
		tags  map[string]string
		want  error
		text  string
	}{
		{"team", map[string]string{spec.OwnerTag: "team"}, nil, ""},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: "true"}, nil, ""},
		{"team", map[string]string{spec.OwnerTag: "other"}, &NotOwnedError{Want: "team", Got: "other"}, `owned by "other"`},
		{"team", nil, &NotOwnedError{Want: "team"}, "has no imcsync:owner tag"},
		{"", map[string]string{spec.OwnerTag: ""}, &NotOwnedError{}, "names no owner"},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: "false"}, &ProtectedError{Value: "false"}, `imcsync:prune="false"`},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: "False"}, &ProtectedError{Value: "False"}, `imcsync:prune="False"`},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: "no"}, &ProtectedError{Value: "no"}, "protects"},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: " false"}, &ProtectedError{Value: " false"}, "protects"},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: ""}, &ProtectedError{Value: ""}, "protects"},
		// The key under any capitalisation protects alike (fail closed).
		{"team", map[string]string{spec.OwnerTag: "team", "Imcsync:Prune": "false"}, &ProtectedError{Value: "false"}, "protects"},
		{"team", map[string]string{spec.OwnerTag: "team", "IMCSYNC:PRUNE": "no"}, &ProtectedError{Value: "no"}, "protects"},
		{"team", map[string]string{spec.OwnerTag: "team", "imcsync:Prune": "true"}, nil, ""},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: "true", "Imcsync:Prune": "false"}, &ProtectedError{Value: "false"}, "protects"},
	}
	for _, tt := range tests {
		err := Of(tt.owner, tt.tags).CanPrune()
		if tt.want == nil {
			if err != nil {
				t.Errorf("CanPrune of (%q, %v) = %v, want nil", tt.owner, tt.tags, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.want.Error() || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("CanPrune of (%q, %v) = %v, want %v", tt.owner, tt.tags, err, tt.want)
		}
		var no *NotOwnedError
		if _, isNotOwned := tt.want.(*NotOwnedError); isNotOwned != errors.As(err, &no) {
			t.Errorf("CanPrune of (%q, %v) = %T, want %T", tt.owner, tt.tags, err, tt.want)
		}
	}
}

// TestStates: every state of Of, and what it allows.
func TestStates(t *testing.T) {
	for _, tt := range []struct {
		want   string
		tags   map[string]string
		state  State
		manage bool
	}{
		{"team", nil, None, true},
		{"", nil, None, true},
		{"team", map[string]string{spec.OwnerTag: "team"}, Owned, true},
		{"team", map[string]string{spec.OwnerTag: "team", spec.PruneTag: "no"}, OwnedProtected, true},
		{"team", map[string]string{spec.OwnerTag: "other"}, Other, false},
		{"", map[string]string{spec.OwnerTag: "other"}, Other, false},
		{"team", map[string]string{spec.OwnerTag: "other", spec.PruneTag: "true"}, Other, false},
	} {
		c := Of(tt.want, tt.tags)
		if c.State != tt.state || (c.CanManage() == nil) != tt.manage || (c.CanPrune() == nil) != (tt.state == Owned) {
			t.Errorf("Of(%q, %v) = %+v (manage %v, prune %v)", tt.want, tt.tags, c, c.CanManage(), c.CanPrune())
		}
	}
}
