package cli

import (
	"testing"

	"github.com/imcsync/imcsync/internal/engine"
)

// TestRefreshDefault: without --refresh or IMCSYNC_REFRESH, tags are resolved against
// the cloud's API and not against an emulator, however it is reached.
func TestRefreshDefault(t *testing.T) {
	noEnv := func(string) string { return "" }
	for _, tt := range []struct {
		endpoint, sim string
		offline       bool
		want          engine.Refresh
	}{
		{"", "", false, engine.RefreshAuto},
		{"https://eci.cn-hangzhou.aliyuncs.com", "", false, engine.RefreshAuto},
		{"http://10.0.0.5:8080", "", false, engine.RefreshAuto},
		{"http://127.0.0.1:8080", "", false, engine.RefreshOff},
		{"http://127.8.9.1:8080", "", false, engine.RefreshOff},
		{"http://localhost:8080", "", false, engine.RefreshOff},
		{"http://[::1]:8080", "", false, engine.RefreshOff},
		{"", "state.yaml", false, engine.RefreshOff},
		{"", "", true, engine.RefreshOff},
	} {
		a := &app{endpoint: tt.endpoint, sim: tt.sim, getenv: noEnv}
		if got, err := a.refreshMode("", tt.offline); err != nil || got != tt.want {
			t.Errorf("endpoint %q sim %q offline %v: %q, %v; want %q", tt.endpoint, tt.sim, tt.offline, got, err, tt.want)
		}
	}
	a := &app{endpoint: "http://127.0.0.1:8080", getenv: noEnv}
	if got, _ := a.refreshMode("auto", false); got != engine.RefreshAuto {
		t.Errorf("--refresh auto against a loopback emulator: %q", got)
	}
}
