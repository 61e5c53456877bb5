package cli

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/imcsync/imcsync/cloud"
	"github.com/imcsync/imcsync/eci"
	"github.com/imcsync/imcsync/ecisim"
	"github.com/imcsync/imcsync/pacing"
)

// connection is what a command talks to: the ECI API at the default or given endpoint,
// or an in-process emulator seeded from --sim STATE.
type connection struct {
	client *eci.Client
	sim    *ecisim.Running // nil unless --sim
}

// connect opens the connection the global flags ask for. Its calls are paced per region
// and action, adapting to throttling, under the --rate ceiling.
func (a *app) connect() (*connection, error) {
	if a.sim != "" {
		st, err := ecisim.LoadState(a.sim)
		if err != nil {
			return nil, fmt.Errorf("--sim: %w", err)
		}
		run, err := ecisim.Start(ecisim.Config{}, st)
		if err != nil {
			return nil, fmt.Errorf("--sim: starting the emulator: %w", err)
		}
		client, err := eci.New(eci.Config{Endpoint: run.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret, Pacer: pacing.New(a.rate)})
		if err != nil {
			run.Close()
			return nil, err
		}
		return &connection{client: client, sim: run}, nil
	}
	client, err := eci.New(eci.Config{Endpoint: a.endpoint, Pacer: pacing.New(a.rate)})
	if err != nil {
		return nil, err
	}
	return &connection{client: client}, nil
}

// Close stops the in-process emulator, if any.
func (c *connection) Close() {
	if c.sim != nil {
		c.sim.Close()
	}
}

// listRegions lists every cache of the regions, one region per goroutine, in the
// regions' order.
func listRegions(ctx context.Context, client *eci.Client, regions []string) ([]cloud.Cache, error) {
	var (
		mu    sync.Mutex
		found = map[string][]cloud.Cache{}
	)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, r := range regions {
		g.Go(func() error {
			caches, err := client.List(ctx, r)
			if err != nil {
				return fmt.Errorf("listing image caches in %s: %w", r, err)
			}
			mu.Lock()
			found[r] = caches
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []cloud.Cache
	for _, r := range regions {
		out = append(out, found[r]...)
	}
	return out, nil
}
