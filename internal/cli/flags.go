package cli

import (
	"fmt"
	"math"
	"regexp"
	"time"

	"github.com/spf13/pflag"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/duration"
)

// durationVar adds a duration flag read by duration.Parse: Go's syntax and days (7d).
func durationVar(fs *pflag.FlagSet, p *time.Duration, name string, def time.Duration, usage string) {
	fs.Var(duration.NewValue(p, def), name, usage)
}

// usageError is a flag value out of range: the command exits 1 with one line and
// sends nothing.
func usageError(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

// checkApplyFlags refuses apply's flags out of range; rate is the --rate ceiling.
func checkApplyFlags(o applier.Options, rate float64) error {
	switch {
	case o.Parallelism < 1:
		return usageError("--parallelism %d: want 1 or more", o.Parallelism)
	case math.IsNaN(rate) || math.IsInf(rate, 0) || rate < 0:
		return usageError("--rate %v: want 0 or more calls per second (0: no ceiling)", rate)
	case o.Timeout <= 0:
		return usageError("--timeout %v: want a duration above 0, e.g. 30m", o.Timeout)
	case o.PollInterval <= 0:
		return usageError("--poll-interval %v: want a duration above 0, e.g. 2s", o.PollInterval)
	}
	return nil
}

// checkNotNegative refuses a negative duration flag.
func checkNotNegative(flag string, d time.Duration) error {
	if d < 0 {
		return usageError("--%s %v: want a duration of 0 or more", flag, d)
	}
	return nil
}

// checkProbability refuses a probability flag outside [0, 1], NaN included.
func checkProbability(flag string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return usageError("--%s %v: want a probability between 0 and 1", flag, p)
	}
	return nil
}

var regionIDRe = regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)+$`)

// checkRegionIDs refuses --region values that are not region ids, for commands that do
// not read the file (export).
func checkRegionIDs(regions []string) error {
	for _, r := range regions {
		if !regionIDRe.MatchString(r) {
			return usageError("--region %q: want a region id such as cn-hangzhou", r)
		}
	}
	return nil
}
