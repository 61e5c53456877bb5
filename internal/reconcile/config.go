package reconcile

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/engine"
)

// Config says what the loop reconciles and how often.
type Config struct {
	// File is the imagecaches.yaml, read again at every cycle.
	File string
	// Interval is the time from the start of one cycle to the start of the next; a
	// cycle that takes longer is followed at once by the next.
	Interval time.Duration
	// Jitter adds up to this fraction of Interval (0 to 1), drawn anew for every wait,
	// so that several instances spread their calls.
	Jitter float64
	// Apply applies each plan that has changes; without it the loop reports only.
	Apply bool
	// Plan says what to plan (regions, prune); Targets are not used.
	Plan engine.PlanOptions
	// ApplyOptions tune each apply (parallelism, timeout, polling); Progress is the
	// loop's own.
	ApplyOptions applier.Options
}

// MinInterval is the shortest interval Check accepts: every cycle lists every region.
const MinInterval = time.Second

// MaxInterval is the longest interval Check accepts. Far longer intervals overflow the
// wait (interval plus jitter), which would run cycles back to back; a check that rare is
// a cron job's (imcsync drift).
const MaxInterval = 7 * 24 * time.Hour

// Check refuses an interval outside MinInterval–MaxInterval and a jitter outside 0–1,
// saying which flag to fix.
func (c Config) Check() error {
	if c.Interval < MinInterval {
		return fmt.Errorf("--interval %s: want at least %s (e.g. 5m)", c.Interval, MinInterval)
	}
	if c.Interval > MaxInterval {
		return fmt.Errorf("--interval %s: want at most %s; for rarer checks run imcsync drift from cron", c.Interval, MaxInterval)
	}
	if c.Jitter < 0 || c.Jitter > 1 {
		return fmt.Errorf("--jitter %g%%: want 0%% to 100%%", c.Jitter*100)
	}
	return nil
}

// waitAfter is the pause after a cycle that took took, for a jitter draw in [0, 1).
func (c Config) waitAfter(took time.Duration, draw float64) time.Duration {
	return max(c.Interval+time.Duration(draw*c.Jitter*float64(c.Interval))-took, 0)
}

// ParseJitter reads a percentage of the interval, such as "10%", as a fraction (0.1).
// "0" needs no sign; other values do, so that 0.1 is not taken for 10%.
func ParseJitter(s string) (float64, error) {
	if strings.TrimSpace(s) == "0" {
		return 0, nil
	}
	num, ok := strings.CutSuffix(strings.TrimSpace(s), "%")
	v, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || v < 0 || v > 100 {
		return 0, fmt.Errorf("--jitter %q: want a percentage of the interval from 0%% to 100%%, e.g. 10%%", s)
	}
	return v / 100, nil
}
