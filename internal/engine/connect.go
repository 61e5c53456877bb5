package engine

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/eci/pacing"
)

// Config says what to talk to.
type Config struct {
	// Endpoint is the ECI API's URL; empty means the region's public endpoint.
	Endpoint string
	// AccessKeyID and AccessKeySecret, when set, sign every call (an emulator's keys, say);
	// empty means the standard Alibaba Cloud credential chain.
	AccessKeyID, AccessKeySecret string
	// Rate is a ceiling on calls per second; 0 means none (the rate adapts to
	// throttling either way).
	Rate float64
	// Observe, when set, hears of every request the client sends (eci.Config.Observe).
	Observe func(eci.Attempt)
}

// Connection is a client of the ECI API (or of an emulator at Config.Endpoint). It is a
// Source.
type Connection struct {
	Client *eci.Client
}

// Connect opens the connection cfg asks for. Its calls are paced per region and action,
// adapting to throttling, under cfg.Rate.
func Connect(cfg Config) (*Connection, error) {
	client, err := eci.New(eci.Config{Endpoint: cfg.Endpoint, AccessKeyID: cfg.AccessKeyID, AccessKeySecret: cfg.AccessKeySecret,
		Pacer: pacing.New(cfg.Rate), Observe: cfg.Observe})
	if err != nil {
		return nil, err
	}
	return &Connection{Client: client}, nil
}

// Live lists every cache of the regions through the API.
func (c *Connection) Live(ctx context.Context, regions []string) ([]cloud.Cache, error) {
	return list(ctx, c.Client, regions)
}

// lister lists the caches of one region; *eci.Client is one.
type lister interface {
	List(ctx context.Context, region string) ([]cloud.Cache, error)
}

// listParallelism bounds the regions listed at once.
const listParallelism = 8

// list lists every cache of the regions, several regions at once, in the regions'
// order. The client retries each page (eci.RetryPolicy); the first region that still
// fails fails the whole listing.
func list(ctx context.Context, client lister, regions []string) ([]cloud.Cache, error) {
	var (
		mu    sync.Mutex
		found = map[string][]cloud.Cache{}
	)
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(listParallelism)
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

// byRegion groups a listing of regions by region; a region without caches has a nil
// entry, so that it counts as read (applier.Options.Live).
func byRegion(regions []string, live []cloud.Cache) map[string][]cloud.Cache {
	out := make(map[string][]cloud.Cache, len(regions))
	for _, r := range regions {
		out[r] = nil
	}
	for _, c := range live {
		out[c.Region] = append(out[c.Region], c)
	}
	return out
}
