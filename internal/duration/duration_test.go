package duration

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30d": 30 * Day, "1d12h": 36 * time.Hour, "36h": 36 * time.Hour, "90m": 90 * time.Minute,
		"0": 0, "1.5d": 36 * time.Hour, "7d": 7 * Day, "1h30m": 90 * time.Minute, "250ms": 250 * time.Millisecond,
		"2.5s": 2500 * time.Millisecond, "-5m": -5 * time.Minute, "+1d": Day, "10us": 10 * time.Microsecond,
		"3ns": 3, "1m30s": 90 * time.Second, "1d1m": Day + time.Minute,
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
		// Go's own syntax reads the same where it applies.
		if !strings.Contains(in, "d") {
			if g, err := time.ParseDuration(in); err != nil || g != want {
				t.Errorf("time.ParseDuration(%q) = %v, %v; Parse differs", in, g, err)
			}
		}
	}
	for _, in := range []string{"", "soon", "d", "30days", "1", "1x", "-", "1d-1h", ".", "1..5d", "200000d"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v; want an error", in, got)
		} else if !strings.Contains(err.Error(), "30d") && !strings.Contains(err.Error(), "longer") {
			t.Errorf("Parse(%q): %v; want an example in the error", in, err)
		}
	}
}

func TestFormat(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 30 * Day: "30d", 36 * time.Hour: "36h0m0s", 5 * time.Minute: "5m0s",
	} {
		if got := Format(d); got != want {
			t.Errorf("Format(%v) = %q; want %q", d, got, want)
		}
		if back, err := Parse(Format(d)); err != nil || back != d {
			t.Errorf("Parse(Format(%v)) = %v, %v", d, back, err)
		}
	}
}
