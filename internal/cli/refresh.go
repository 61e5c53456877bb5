package cli

import (
	"net"
	"net/url"
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
		"Default: "+refreshEnv+", else auto, but off against an emulator (--sim, or an --endpoint on this machine) or --live unless given")
}

// refreshMode is the --refresh mode of a run: the flag, else IMCSYNC_REFRESH, else auto
// against the API and off against an emulator (--sim, or an endpoint on this machine:
// `imcsync sim` reached with --endpoint) or saved --live output. Offline and local
// plans ask no registry unless told to, whichever way the emulator is reached.
func (a *app) refreshMode(flag string, offline bool) (engine.Refresh, error) {
	v := flag
	if v == "" {
		v = a.getenv(refreshEnv)
	}
	if v == "" {
		if offline || a.sim != "" || loopbackEndpoint(a.endpoint) {
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
	unusedFor time.Duration
	price     float64
}

// registerReport adds --unused-for and --price-per-gib-month.
func registerReport(cmd *cobra.Command, rf *reportFlags) {
	durationVar(cmd.Flags(), &rf.unusedFor, "unused-for", 0, "list the caches no pod has matched for this long (LastMatchedTime, or CreationTime when never matched), e.g. 30d or 36h; a report, nothing is changed")
	cmd.Flags().Float64Var(&rf.price, "price-per-gib-month", 0, "price of one GiB of cache storage for a month, to show what the storage costs (wins over the file's pricing block; imcsync never guesses one)")
}

// apply puts the flags into plan options.
func (rf reportFlags) apply(o *engine.PlanOptions) error {
	if err := checkNotNegative("unused-for", rf.unusedFor); err != nil {
		return err
	}
	if rf.price < 0 {
		return usageError("--price-per-gib-month %g: want 0 or more", rf.price)
	}
	o.UnusedFor, o.PricePerGiBMonth = rf.unusedFor, rf.price
	return nil
}

// loopbackEndpoint reports whether endpoint is a URL whose host is this machine
// (localhost or a loopback address): an emulator, never the cloud's API.
func loopbackEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if endpoint == "" || err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
