package engine_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/engine"
)

// TestPlanLiveTargets: with LiveTargets a target may name a live cache the file does
// not declare, in the selected regions only; one that names nothing is refused after
// the listing, with the closest live or declared names.
func TestPlanLiveTargets(t *testing.T) {
	f := loadFile(t, "apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [nginx:1]}\n  - {name: far, region: cn-beijing, images: [nginx:1]}\n")
	live := sourceFunc(func(_ context.Context, regions []string) ([]cloud.Cache, error) {
		var out []cloud.Cache
		for _, c := range []cloud.Cache{
			{Region: "cn-hangzhou", ID: "imc-web", Name: "web", Images: []string{"nginx:1"}, Size: 20, Status: cloud.Ready},
			{Region: "cn-hangzhou", ID: "imc-stray", Name: "stray", Images: []string{"busybox:1"}, Size: 20, Status: cloud.Ready},
			{Region: "cn-beijing", ID: "imc-lost", Name: "lost", Images: []string{"busybox:1"}, Size: 20, Status: cloud.Ready},
		} {
			if slices.Contains(regions, c.Region) {
				out = append(out, c)
			}
		}
		return out, nil
	})
	for _, o := range []engine.PlanOptions{
		{LiveTargets: true, Targets: []string{"stray"}},
		{LiveTargets: true, Targets: []string{"cn-beijing/lost"}},
		{LiveTargets: true, Regions: []string{"cn-hangzhou"}, Targets: []string{"cn-hangzhou/stray"}},
	} {
		if _, err := engine.Plan(context.Background(), f, live, o); err != nil {
			t.Errorf("%+v: %v, want the live cache accepted as a target", o, err)
		}
	}
	for _, c := range []struct {
		opts engine.PlanOptions
		want string
	}{
		{engine.PlanOptions{LiveTargets: true, Targets: []string{"strey"}},
			"target strey names no image cache in " + f.Path + " nor a live one; closest: stray"},
		{engine.PlanOptions{LiveTargets: true, Regions: []string{"cn-hangzhou"}, Targets: []string{"cn-beijing/lost"}},
			"target cn-beijing/lost names no image cache in " + f.Path + " nor a live one in region cn-hangzhou; closest: cn-hangzhou/"},
		{engine.PlanOptions{LiveTargets: true, Regions: []string{"cn-hangzhou"}, Targets: []string{"lost"}},
			"target lost names no image cache in " + f.Path + " nor a live one in region cn-hangzhou"},
	} {
		_, err := engine.Plan(context.Background(), f, live, c.opts)
		var sel *engine.SelectionError
		if !errors.As(err, &sel) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want a SelectionError starting %q", c.opts, err, c.want)
		}
	}
	// Without LiveTargets a live cache is no target: refused before the listing.
	_, err := engine.Plan(context.Background(), f, failingSource{t}, engine.PlanOptions{Targets: []string{"stray"}})
	if err == nil || !strings.Contains(err.Error(), "target stray names no image cache in "+f.Path+";") {
		t.Errorf("got %v, want stray refused without a live listing", err)
	}
}

// TestConnectRefusesBadEndpoint: an endpoint that is no http(s) URL is refused before
// anything is sent.
func TestConnectRefusesBadEndpoint(t *testing.T) {
	for _, ep := range []string{"127.0.0.1:8080", "ftp://eci.example.com", "http://user:pw@eci.example.com"} {
		c, err := engine.Connect(engine.Config{Endpoint: ep})
		if c != nil || err == nil || !strings.Contains(err.Error(), "invalid endpoint") || strings.Contains(err.Error(), "pw@") {
			t.Errorf("%s: got %v, %v; want the endpoint refused, no password shown", ep, c, err)
		}
	}
}
