package eci

import (
	"testing"

	"github.com/imcsync/imcsync/spec"
)

// TestParamsCoverTable: every field of spec's table that a call takes has its API
// parameter in eci's mapping for that call.
func TestParamsCoverTable(t *testing.T) {
	for _, f := range spec.CacheFields() {
		if f.OnCreate && !settable(f.Param, true) {
			t.Errorf("%s: eci does not map %s into CreateImageCache", f.Key, f.Param)
		}
		if f.OnUpdate && !settable(f.Param, false) {
			t.Errorf("%s: eci does not map %s into UpdateImageCache", f.Key, f.Param)
		}
	}
}
