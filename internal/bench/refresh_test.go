package bench

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/spec"
)

// BenchmarkPlanRefresh measures what resolving image tags adds to a plan of 1,000
// caches naming 100 distinct tags (10 caches per tag), against an in-process registry
// answering every request after a latency: the plan with --refresh=auto against the
// same plan with --refresh=off, and the registry requests. The live caches come from
// memory, so the difference is the resolution alone (against the API, the registry is
// read while the caches are listed, and the listing of 1,000 caches takes 10 calls):
//
//	go test ./internal/bench -run '^$' -bench PlanRefresh -benchtime 1x
func BenchmarkPlanRefresh(b *testing.B) {
	fmt.Println("\n| registry latency | repositories | plan, --refresh=off | plan, --refresh=auto | added | registry requests |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		for _, repos := range []int{100, 10} {
			refreshRow(b, latency, repos)
		}
	}
}

func refreshRow(b *testing.B, latency time.Duration, repos int) {
	b.Helper()
	var served atomic.Int64
	var slow atomic.Bool
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			served.Add(1)
			time.Sleep(latency)
		}
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	const caches, tags = 1000, 100
	var images []string
	for i := range tags {
		ref := fmt.Sprintf("%s/team/app%d:v%d", host, i%repos, i/repos)
		tag, err := name.NewTag(ref)
		if err != nil {
			b.Fatal(err)
		}
		img, err := random.Image(64, 1)
		if err != nil {
			b.Fatal(err)
		}
		if err := remote.Write(tag, img); err != nil {
			b.Fatal(err)
		}
		images = append(images, ref)
	}
	f := &spec.File{APIVersion: spec.APIVersion, Region: region}
	var live []cloud.Cache
	for i := range caches {
		c := spec.Cache{Name: fmt.Sprintf("cache-%04d", i), Region: region, Images: []string{images[i%tags]}}
		f.Caches = append(f.Caches, c)
		live = append(live, cloud.Cache{Region: region, ID: fmt.Sprintf("imc-%04d", i), Name: c.Name, Status: cloud.Ready, Size: 20, Images: c.Images})
	}
	plan := func(r engine.Refresh) (time.Duration, *engine.Planned) {
		start := time.Now()
		p, err := engine.Plan(context.Background(), f, memory(live), engine.PlanOptions{Refresh: r})
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start), p
	}
	slow.Store(true)
	off, _ := plan(engine.RefreshOff)
	before := served.Load()
	auto, p := plan(engine.RefreshAuto)
	if len(p.Resolution.Digests) != tags || len(p.Plan.Warnings) > 0 {
		b.Fatalf("resolved %d of %d tags: %v", len(p.Resolution.Digests), tags, p.Plan.Warnings)
	}
	fmt.Printf("| %s | %d | %s | %s | %s | %d served (%d sent) |\n", latency, repos, off.Round(time.Millisecond), auto.Round(time.Millisecond),
		(auto - off).Round(time.Millisecond), served.Load()-before, p.Resolution.Requests)
}

// memory is a Source of caches held in memory.
type memory []cloud.Cache

func (m memory) Live(context.Context, []string) ([]cloud.Cache, error) { return m, nil }
