package cli

import (
	"context"
	"fmt"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/engine"
)

// connection is the engine's connection, with the --sim emulator it talks to, if any.
type connection struct {
	*engine.Connection
	sim *ecisim.Running
}

// connect opens the connection the global flags ask for: the API at --endpoint, or an
// emulator started here in-process from the --sim state; its calls stay under --rate.
// observe, when not nil, hears of every request.
func (a *app) connect(observe func(eci.Attempt)) (*connection, error) {
	cfg := engine.Config{Endpoint: a.endpoint, Rate: a.rate, Observe: observe}
	var sim *ecisim.Running
	if a.sim != "" {
		st, err := ecisim.LoadState(a.sim)
		if err != nil {
			return nil, fmt.Errorf("--sim: %w", err)
		}
		if sim, err = ecisim.Start(ecisim.Config{}, st); err != nil {
			return nil, fmt.Errorf("--sim: starting the emulator: %w", err)
		}
		cfg.Endpoint, cfg.AccessKeyID, cfg.AccessKeySecret = sim.URL, ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret
	}
	conn, err := engine.Connect(cfg)
	if err != nil {
		if sim != nil {
			sim.Close()
		}
		return nil, err
	}
	return &connection{Connection: conn, sim: sim}, nil
}

// Close stops the --sim emulator, if any.
func (c *connection) Close() {
	if c.sim != nil {
		c.sim.Close()
	}
}

// lazyConn is an engine.Source that connects on first use, so that the checks the
// engine makes before reading (flags, selection) come before any connection error.
type lazyConn struct {
	a    *app
	conn *connection
}

func (l *lazyConn) Live(ctx context.Context, regions []string) ([]cloud.Cache, error) {
	if l.conn == nil {
		conn, err := l.a.connect(nil)
		if err != nil {
			return nil, err
		}
		l.conn = conn
	}
	return l.conn.Live(ctx, regions)
}

// Close closes the connection, if one was made.
func (l *lazyConn) Close() {
	if l.conn != nil {
		l.conn.Close()
	}
}
