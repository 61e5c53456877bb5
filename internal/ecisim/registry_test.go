package ecisim_test

import (
	"context"
	"maps"
	"testing"
	"time"

	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// A cache's snapshot holds the digests its tags pointed to when it was built. When the
// tag moves, an UpdateImageCache with the same image list changes nothing and is
// refused with NoNeedUpdate (the seed page's code): only a new cache holds the new
// digest.
func TestTagMoveNeedsANewCache(t *testing.T) {
	ctx := context.Background()
	reg := ecisimtest.NewRegistry(t)
	image := reg.Host + "/web:1"
	first, err := reg.Push(ctx, "web:1")
	if err != nil {
		t.Fatal(err)
	}
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{Resolve: reg.Resolve}, nil)
	c := newClient(t, rn)
	create := func() string {
		resp, err := c.CreateImageCache(&eci.CreateImageCacheRequest{RegionId: tea.String(region),
			ImageCacheName: tea.String("web"), Image: strs(image)})
		if err != nil {
			t.Fatal(err)
		}
		return tea.StringValue(resp.Body.ImageCacheId)
	}
	old := create()
	clk.Advance(2 * ecisim.DefaultTransition)
	if got := digestsOf(t, rn, old); !maps.Equal(got, map[string]string{image: first}) {
		t.Fatalf("digests %v, want %s", got, first)
	}

	second, err := reg.Push(ctx, "web:1")
	if err != nil || second == first {
		t.Fatalf("moving the tag: %s, %v", second, err)
	}
	_, err = c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(old), Image: strs(image)})
	wantError(t, err, 400, "NoNeedUpdate")
	if got := digestsOf(t, rn, old); got[image] != first {
		t.Fatalf("a refused update changed the digests: %v", got)
	}

	fresh := create()
	clk.Advance(2 * ecisim.DefaultTransition)
	if got := digestsOf(t, rn, fresh); got[image] != second {
		t.Fatalf("new cache digests %v, want %s", got, second)
	}
	if _, err := c.DeleteImageCache(&eci.DeleteImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(old)}); err != nil {
		t.Fatal(err)
	}
	if gaps := ecisim.ReadyGaps(rn.Server.History(), region, []string{image}); len(gaps) != 0 {
		t.Errorf("gaps with no Ready cache: %+v", gaps)
	}
}

// ReadyGaps finds the moment a delete-then-create leaves the images without a Ready cache.
func TestReadyGapsSeesDeleteBeforeCreate(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, &ecisim.State{Caches: []ecisim.Cache{{Region: region, Name: "web", Images: []string{"web:1"}}}})
	c := newClient(t, rn)
	old := rn.Server.State().Caches[0].ID
	if _, err := c.DeleteImageCache(&eci.DeleteImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(old)}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if _, err := c.CreateImageCache(&eci.CreateImageCacheRequest{RegionId: tea.String(region), ImageCacheName: tea.String("web"), Image: strs("web:1")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * ecisim.DefaultTransition)
	gaps := ecisim.ReadyGaps(rn.Server.History(), region, []string{"web:1"})
	if len(gaps) != 1 || gaps[0].After.Status != ecisim.HistoryDeleted || gaps[0].To.Sub(gaps[0].From) != 3*time.Second {
		t.Fatalf("gaps %+v, want one of 3s after the delete", gaps)
	}
}

// ExpireDateTime set in a state file is what Describe returns, and the cache goes then.
func TestExpireDateTimeFromState(t *testing.T) {
	clk := ecisim.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	exp := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	matched := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	rn := ecisimtest.NewServer(t, ecisim.Config{Clock: clk, Seed: 1}, &ecisim.State{Caches: []ecisim.Cache{{Region: region, Name: "web",
		Images: []string{"web:1"}, ExpireDateTime: exp, LastMatchedTime: matched}}})
	c := newClient(t, rn)
	got := describe(t, c, rn.Server.State().Caches[0].ID)
	if tea.StringValue(got.ExpireDateTime) != "2026-03-05T00:00:00Z" || tea.StringValue(got.LastMatchedTime) != "2026-02-01T12:00:00Z" {
		t.Fatalf("ExpireDateTime %s, LastMatchedTime %s", tea.StringValue(got.ExpireDateTime), tea.StringValue(got.LastMatchedTime))
	}
	clk.Set(exp)
	if n := len(rn.Server.State().Caches); n != 0 {
		t.Fatalf("%d caches after ExpireDateTime", n)
	}
}

func digestsOf(t *testing.T, rn *ecisim.Running, id string) map[string]string {
	t.Helper()
	for _, c := range rn.Server.State().Caches {
		if c.ID == id {
			return c.Digests
		}
	}
	t.Fatalf("no cache %s", id)
	return nil
}
