package cli

import (
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
