package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/imcsync/imcsync/internal/engine"
)

// refreshEnv gives --refresh a default, as IMCSYNC_ENDPOINT does for --endpoint.
const refreshEnv = "IMCSYNC_REFRESH"

// registerRefresh adds --refresh to a command that plans.
func registerRefresh(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "refresh", "", "image tags that moved: auto (resolve tags, rebuild caches whose tags moved; an unreachable registry is a warning), "+
		"strict (the same, a registry failure is an error) or off (no registry is asked). "+
		"Default: "+refreshEnv+", else auto, but off with --sim or --live unless given")
}

// refreshMode is the --refresh mode of a run: the flag, else IMCSYNC_REFRESH, else auto
// against the API and off against the --sim emulator or saved --live output (offline
// plans ask no registry unless told to).
func (a *app) refreshMode(flag string, offline bool) (engine.Refresh, error) {
	v := flag
	if v == "" {
		v = a.getenv(refreshEnv)
	}
	if v == "" {
		if offline || a.sim != "" {
			return engine.RefreshOff, nil
		}
		return engine.RefreshAuto, nil
	}
	r, err := engine.ParseRefresh(v)
	if err != nil {
		if flag == "" {
			return "", usageError("%s=%s: want auto, strict or off", refreshEnv, v)
		}
		return "", usageError("%v", err)
	}
	return r, nil
}

// reportFlags are the flags of what plan, drift and reconcile report besides changes.
type reportFlags struct {
	unusedFor days
	price     float64
}

// registerReport adds --unused-for and --price-per-gib-month.
func registerReport(cmd *cobra.Command, rf *reportFlags) {
	cmd.Flags().Var(&rf.unusedFor, "unused-for", "list the caches no pod has matched for this long (LastMatchedTime, or CreationTime when never matched), e.g. 30d or 36h; a report, nothing is changed")
	cmd.Flags().Float64Var(&rf.price, "price-per-gib-month", 0, "price of one GiB of cache storage for a month, to show what the storage costs (wins over the file's pricing block; imcsync never guesses one)")
}

// apply puts the flags into plan options.
func (rf reportFlags) apply(o *engine.PlanOptions) error {
	if rf.price < 0 {
		return usageError("--price-per-gib-month %g: want 0 or more", rf.price)
	}
	o.UnusedFor, o.PricePerGiBMonth = time.Duration(rf.unusedFor), rf.price
	return nil
}

// days is a duration flag that also takes days: 30d, 1d12h, 36h.
type days time.Duration

func (d *days) String() string {
	if *d == 0 {
		return "0"
	}
	v := time.Duration(*d)
	if v%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(v/(24*time.Hour)), 10) + "d"
	}
	return v.String()
}

func (d *days) Set(s string) error {
	if s == "" {
		return fmt.Errorf("want a duration such as 30d, 1d12h or 36h")
	}
	var total time.Duration
	rest := s
	if i := strings.Index(rest, "d"); i > 0 {
		n, err := strconv.ParseUint(rest[:i], 10, 16)
		if err != nil {
			return fmt.Errorf("want a duration such as 30d, 1d12h or 36h")
		}
		total, rest = time.Duration(n)*24*time.Hour, rest[i+1:]
	}
	if rest != "" {
		v, err := time.ParseDuration(rest)
		if err != nil {
			return fmt.Errorf("want a duration such as 30d, 1d12h or 36h")
		}
		total += v
	}
	if total < 0 {
		return fmt.Errorf("want 0 or more")
	}
	*d = days(total)
	return nil
}

func (d *days) Type() string { return "duration" }
