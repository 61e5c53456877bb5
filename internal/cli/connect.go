package cli

import (
	"context"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/engine"
)

// connect opens the connection the global flags ask for: the API at --endpoint, or the
// --sim emulator; its calls stay under --rate.
func (a *app) connect() (*engine.Connection, error) {
	return engine.Connect(engine.Config{Endpoint: a.endpoint, SimState: a.sim, Rate: a.rate})
}

// lazyConn is an engine.Source that connects on first use, so that the checks the
// engine makes before reading (flags, selection) come before any connection error.
type lazyConn struct {
	a    *app
	conn *engine.Connection
}

func (l *lazyConn) Live(ctx context.Context, regions []string) ([]cloud.Cache, error) {
	if l.conn == nil {
		conn, err := l.a.connect()
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
