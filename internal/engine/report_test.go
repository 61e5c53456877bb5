package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/planner"
)

const reportFile = `apiVersion: imcsync/v1
region: cn-hangzhou
defaults: {securityGroupId: sg-1, vSwitchId: vsw-1}
imageCaches:
  - {name: web, images: [nginx:1], size: 40}
  - {name: new, images: [api:1], size: 25}
`

// reportNow is the time of the reports below; its fraction of a second is dropped.
var reportNow = time.Date(2026, 12, 1, 12, 0, 0, 500_000_000, time.UTC)

// reportLive is web (declared, 20 GiB, never matched, created 31 days ago, expiring in
// two days), idle (undeclared, 30 GiB, last matched 40 days ago) and a cache of a
// region the plan does not cover, old and about to expire.
func reportLive() []cloud.Cache {
	now := reportNow.Truncate(time.Second)
	return []cloud.Cache{
		{Region: "cn-hangzhou", ID: "imc-web", Name: "web", Images: []string{"nginx:1"}, Size: 20, Status: cloud.Ready,
			CreationTime: now.Add(-31 * 24 * time.Hour), ExpireDateTime: now.Add(48 * time.Hour)},
		{Region: "cn-hangzhou", ID: "imc-idle", Name: "idle", Images: []string{"busybox:1"}, Size: 30, Status: cloud.Ready,
			CreationTime: now.Add(-90 * 24 * time.Hour), LastMatchedTime: now.Add(-40 * 24 * time.Hour), ExpireDateTime: now.Add(30 * 24 * time.Hour)},
		{Region: "cn-shanghai", ID: "imc-far", Name: "far", Images: []string{"nginx:1"}, Size: 100, Status: cloud.Ready,
			CreationTime: now.Add(-400 * 24 * time.Hour), ExpireDateTime: now.Add(time.Hour)},
	}
}

// TestPlanStorage: the plan's storage counts the live caches of the regions it covers
// (not another region's) and what the plan adds; its price is the user's (the option
// wins over the file's pricing block, keeping the file's currency), and none is
// guessed without one.
func TestPlanStorage(t *testing.T) {
	live := sourceFunc(func(context.Context, []string) ([]cloud.Cache, error) { return reportLive(), nil })
	const pricing = "pricing: {perGiBMonth: 0.12, currency: CNY}\n"
	for name, c := range map[string]struct {
		pricing string
		flag    float64
		want    *planner.Price
	}{
		"no price":       {"", 0, nil},
		"option":         {"", 0.5, &planner.Price{PerGiBMonth: 0.5, LiveMonthly: 25, PlannedMonthly: 47.5}},
		"file":           {pricing, 0, &planner.Price{PerGiBMonth: 0.12, Currency: "CNY", LiveMonthly: 6, PlannedMonthly: 11.4}},
		"option wins":    {pricing, 0.5, &planner.Price{PerGiBMonth: 0.5, Currency: "CNY", LiveMonthly: 25, PlannedMonthly: 47.5}},
		"negative price": {"", -1, nil},
	} {
		f := loadFile(t, reportFile+c.pricing)
		p := mustPlan(t, f, live, engine.PlanOptions{PricePerGiBMonth: c.flag})
		if p.Plan.Summary.Create != 1 || p.Plan.Summary.Update != 1 {
			t.Fatalf("%s: plan %+v, want web updated and new created", name, p.Plan.Summary)
		}
		want := &planner.Storage{
			Regions: []planner.RegionStorage{{Region: "cn-hangzhou", LiveGiB: 50, PlannedGiB: 95, Caches: 2}},
			LiveGiB: 50, PlannedGiB: 95, DeltaGiB: 45, Price: c.want,
		}
		if diff := cmp.Diff(want, p.Plan.Storage); diff != "" {
			t.Errorf("%s: storage (-want +got):\n%s", name, diff)
		}
	}
}

// TestPlanUnusedAndExpiring: the reports list the covered region's live caches idle
// for the window (declared or not; a never-matched cache counts from its creation) and
// those expiring within the window, at the time given; without a window, nothing.
func TestPlanUnusedAndExpiring(t *testing.T) {
	live := sourceFunc(func(context.Context, []string) ([]cloud.Cache, error) { return reportLive(), nil })
	f := loadFile(t, reportFile)
	now := reportNow.Truncate(time.Second)

	p := mustPlan(t, f, live, engine.PlanOptions{Now: func() time.Time { return reportNow }, UnusedFor: 30 * 24 * time.Hour, ExpiringWithin: 7 * 24 * time.Hour})
	wantUnused := []planner.Idle{
		{Region: "cn-hangzhou", Name: "idle", ID: "imc-idle", Size: 30, LastMatched: now.Add(-40 * 24 * time.Hour), Since: now.Add(-40 * 24 * time.Hour), IdleSeconds: 40 * 24 * 3600},
		{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Size: 20, Since: now.Add(-31 * 24 * time.Hour), IdleSeconds: 31 * 24 * 3600, Declared: true},
	}
	if diff := cmp.Diff(wantUnused, p.Plan.Unused); diff != "" {
		t.Errorf("unused (-want +got):\n%s", diff)
	}
	wantExpiring := []planner.Expiring{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", ExpiresAt: now.Add(48 * time.Hour), ExpiresInSeconds: 48 * 3600}}
	if diff := cmp.Diff(wantExpiring, p.Plan.Expiring); diff != "" {
		t.Errorf("expiring (-want +got):\n%s", diff)
	}

	// A longer idle window leaves web out; a shorter expiry window finds nothing.
	p = mustPlan(t, f, live, engine.PlanOptions{Now: func() time.Time { return reportNow }, UnusedFor: 35 * 24 * time.Hour, ExpiringWithin: time.Hour})
	if len(p.Plan.Unused) != 1 || p.Plan.Unused[0].Name != "idle" || p.Plan.Expiring != nil {
		t.Errorf("unused %+v, expiring %+v; want idle alone and no expiring list", p.Plan.Unused, p.Plan.Expiring)
	}

	p = mustPlan(t, f, live, engine.PlanOptions{})
	if p.Plan.Unused != nil || p.Plan.Expiring != nil {
		t.Errorf("without windows: unused %+v, expiring %+v; want neither", p.Plan.Unused, p.Plan.Expiring)
	}
	// The wall clock is used without Now: a cache expiring in two days is within a week
	// of it only if the reports' time is about now.
	p = mustPlan(t, f, sourceFunc(func(context.Context, []string) ([]cloud.Cache, error) {
		return []cloud.Cache{{Region: "cn-hangzhou", ID: "imc-web", Name: "web", Images: []string{"nginx:1"}, Size: 20, Status: cloud.Ready,
			ExpireDateTime: time.Now().Add(48 * time.Hour)}}, nil
	}), engine.PlanOptions{ExpiringWithin: 7 * 24 * time.Hour})
	if len(p.Plan.Expiring) != 1 || p.Plan.Expiring[0].ExpiresInSeconds < 47*3600 || p.Plan.Expiring[0].ExpiresInSeconds > 48*3600 {
		t.Errorf("expiring by the wall clock: %+v, want web in about 48 hours", p.Plan.Expiring)
	}
}
