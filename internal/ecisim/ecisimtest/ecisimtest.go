// Package ecisimtest starts the ECI emulator (package ecisim) and its image registry for
// tests, as net/http/httptest starts an HTTP server: on a free loopback port, stopped
// when the test ends, failing the test when it cannot start.
//
// Like ecisim, it shares no code with the client: a test connects its own client to
// Running.URL (or Endpoint) with ecisim.DefaultAccessKeyID and DefaultAccessKeySecret,
// or the keys it put in Config.Keys.
package ecisimtest

import (
	"time"

	"github.com/imcsync/imcsync/internal/ecisim"
)

// TB is what the helpers need of a test: *testing.T, *testing.B and *testing.F have it,
// and a script command adapts its script to it (Cleanup is then the script's Defer).
// Fatalf must end the test; if it returns, the helpers return nil.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewServer serves an emulator of cfg holding st (nil: no caches) on cfg.Addr (default
// 127.0.0.1:0) until the test ends.
func NewServer(t TB, cfg ecisim.Config, st *ecisim.State) *ecisim.Running {
	t.Helper()
	rn, err := ecisim.Start(cfg, st)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
		return nil
	}
	t.Cleanup(func() { _ = rn.Close() })
	return rn
}

// NewManualServer is NewServer on a ManualClock starting at the current time, with a
// fixed Seed of 1 when cfg has none: a test moves caches along by advancing the clock.
func NewManualServer(t TB, cfg ecisim.Config, st *ecisim.State) (*ecisim.Running, *ecisim.ManualClock) {
	t.Helper()
	clock := cfg.Clock
	if clock == nil {
		clock = ecisim.NewManualClock(time.Now())
	}
	mc, ok := clock.(*ecisim.ManualClock)
	if !ok {
		t.Fatalf("NewManualServer: cfg.Clock is a %T, not a *ecisim.ManualClock", clock)
		return nil, nil
	}
	cfg.Clock = mc
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	return NewServer(t, cfg, st), mc
}

// NewRegistry serves an empty in-memory image registry on a free loopback port until
// the test ends.
func NewRegistry(t TB) *ecisim.Registry {
	t.Helper()
	reg, err := ecisim.StartRegistry("")
	if err != nil {
		t.Fatalf("starting the registry: %v", err)
		return nil
	}
	t.Cleanup(func() { _ = reg.Close() })
	return reg
}
