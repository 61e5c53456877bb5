package cli

import (
	"testing"
	"time"
)

func TestDaysFlag(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d": 30 * 24 * time.Hour, "1d12h": 36 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute, "0": 0,
	} {
		var d days
		if err := d.Set(in); err != nil || time.Duration(d) != want {
			t.Errorf("%q: %v, %v; want %v", in, time.Duration(d), err, want)
		}
	}
	for _, in := range []string{"", "soon", "d", "-1d", "-5h", "1.5d", "30days"} {
		var d days
		if err := d.Set(in); err == nil {
			t.Errorf("%q: accepted as %v", in, time.Duration(d))
		}
	}
	d := days(30 * 24 * time.Hour)
	if d.String() != "30d" {
		t.Errorf("String %q", d.String())
	}
}
