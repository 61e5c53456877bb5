package ecisim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is a Server listening on a TCP address.
type Running struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234 (the form IMCSYNC_ENDPOINT takes).
	URL string
	// Endpoint is host:port, the form the SDK's openapi.Config.Endpoint takes.
	Endpoint string
	// Server is the emulator, for State, SetFaults, Requests and the like.
	Server *Server

	http     *http.Server
	done     chan error
	waitOnce sync.Once
	serveErr error
}

// Start creates a Server (see New) and serves it on cfg.Addr (default 127.0.0.1:0)
// until Close or Shutdown.
func Start(cfg Config, st *State) (*Running, error) {
	s, err := New(cfg, st)
	if err != nil {
		return nil, err
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	rn := &Running{
		URL:      "http://" + ln.Addr().String(),
		Endpoint: ln.Addr().String(),
		Server:   s,
		http:     &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan error, 1),
	}
	go func() { rn.done <- rn.http.Serve(ln) }()
	return rn, nil
}

// Shutdown stops accepting requests and waits for those in flight, until ctx is done.
func (r *Running) Shutdown(ctx context.Context) error {
	return errors.Join(r.http.Shutdown(ctx), r.wait())
}

// Close stops the server at once, dropping requests in flight.
func (r *Running) Close() error {
	return errors.Join(r.http.Close(), r.wait())
}

// wait returns how serving ended, nil for a normal stop. Safe to call more than once.
func (r *Running) wait() error {
	r.waitOnce.Do(func() {
		if err := <-r.done; !errors.Is(err, http.ErrServerClosed) {
			r.serveErr = err
		}
	})
	return r.serveErr
}
