package ecisim_test

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// TestQuotaThrottlesBeyondOneSecondsWorth checks the account flow control: a bucket of
// QPS calls, refilled at QPS per second, per action; beyond it Throttling.User (HTTP
// 400) and no effect.
func TestQuotaThrottlesBeyondOneSecondsWorth(t *testing.T) {
	rn := ecisimtest.NewServer(t, ecisim.Config{Seed: 1, Quota: map[string]ecisim.Quota{"DescribeImageCaches": ecisim.QPS(5)}}, readyCache())
	c := newClient(t, rn)
	list := func() error {
		_, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
		return err
	}
	for i := range 5 {
		if err := list(); err != nil {
			t.Fatalf("call %d within the bucket: %v", i+1, err)
		}
	}
	msg := wantError(t, list(), http.StatusBadRequest, "Throttling.User")
	t.Logf("throttled: %s", msg)
	// Another action has no quota.
	if _, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), ImageCacheSize: tea.Int32(30)}); err != nil {
		t.Fatalf("UpdateImageCache under a DescribeImageCaches quota: %v", err)
	}
	time.Sleep(250 * time.Millisecond) // 5 QPS: one token back every 200 ms
	if err := list(); err != nil {
		t.Fatalf("after a refill: %v", err)
	}
	if rn.Server.State().Settings.Quota["DescribeImageCaches"] != ecisim.QPS(5) {
		t.Error("the quota is not part of the saved settings")
	}
	if _, err := ecisim.New(ecisim.Config{Quota: map[string]ecisim.Quota{"DescribeImageCache": ecisim.QPS(5)}}, nil); err == nil {
		t.Error("a quota for an unknown action was accepted")
	}
	if _, err := ecisim.New(ecisim.Config{Quota: map[string]ecisim.Quota{"UpdateImageCache": ecisim.QPS(0)}}, nil); err == nil {
		t.Error("a quota of 0 was accepted")
	}
}

// TestQuotaWindow checks a per-window quota (CALLS/PERIOD): the window opens with its
// first call and holds CALLS calls; beyond them Throttling.User until it has passed. The
// window's reopening is checked on the quota itself with explicit times (see
// TestWindowReopens); here the window is long enough never to pass.
func TestQuotaWindow(t *testing.T) {
	quotas := map[string]ecisim.Quota{}
	if err := ecisim.ParseQuota("CreateImageCache=3/1h", quotas); err != nil {
		t.Fatal(err)
	}
	if err := ecisim.ParseQuota("DescribeImageCaches=40", quotas); err != nil {
		t.Fatal(err)
	}
	want := map[string]ecisim.Quota{"CreateImageCache": {Calls: 3, Per: time.Hour}, "DescribeImageCaches": ecisim.QPS(40)}
	if !maps.Equal(quotas, want) {
		t.Fatalf("parsed %v, want %v", quotas, want)
	}
	rn := ecisimtest.NewServer(t, ecisim.Config{Seed: 1, Quota: quotas}, nil)
	c := newClient(t, rn)
	create := func(i int) error {
		_, err := c.CreateImageCache(&eci.CreateImageCacheRequest{RegionId: tea.String(region), ImageCacheName: tea.String(fmt.Sprintf("c%d", i)),
			Image: []*string{tea.String("nginx:1")}})
		return err
	}
	for i := range 3 {
		if err := create(i); err != nil {
			t.Fatalf("create %d within the window: %v", i+1, err)
		}
	}
	wantError(t, create(3), http.StatusBadRequest, "Throttling.User")
	if n := len(rn.Server.State().Caches); n != 3 {
		t.Errorf("%d caches after a throttled create, want 3", n)
	}

	// The setting survives a state file, in both forms.
	path := filepath.Join(t.TempDir(), "state.yaml")
	if err := rn.Server.SaveState(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "CreateImageCache: 3/3600s") || !strings.Contains(string(data), "DescribeImageCaches: \"40\"") {
		t.Errorf("saved quota:\n%s", data)
	}
	st, err := ecisim.LoadState(path)
	if err != nil || !maps.Equal(st.Settings.Quota, want) {
		t.Errorf("loaded quota %v, %v; want %v", st.Settings.Quota, err, want)
	}
	st, err = ecisim.ParseState([]byte("settings: {quota: {UpdateImageCache: 40, CreateImageCache: 200/60s}}\ncaches: []\n"))
	if err != nil || st.Settings.Quota["UpdateImageCache"] != ecisim.QPS(40) || st.Settings.Quota["CreateImageCache"] != (ecisim.Quota{Calls: 200, Per: time.Minute}) {
		t.Errorf("a hand-written quota loaded as %v, %v", st.Settings.Quota, err)
	}
	for _, bad := range []string{"CreateImageCache=200/", "CreateImageCache=0/60s", "CreateImageCache=2.5/60s", "CreateImageCache=200/-1s", "CreateImageCache", "Nope=5"} {
		if err := ecisim.ParseQuota(bad, map[string]ecisim.Quota{}); err == nil {
			t.Errorf("ParseQuota(%q) accepted", bad)
		}
	}
}

// TestDescribePageCostDoesNotGrowWithTheCaches checks that serving one page of
// DescribeImageCaches does not touch every stored cache: the memory allocated for a
// page (client and server together) is about the same with 1,000 and 40,000 caches.
func TestDescribePageCostDoesNotGrowWithTheCaches(t *testing.T) {
	pageBytes := func(n int) uint64 {
		st := &ecisim.State{}
		created := time.Now().Add(-time.Hour)
		for i := range n {
			st.Caches = append(st.Caches, ecisim.Cache{
				Region: region, ID: fmt.Sprintf("imc-%020d", i), Name: fmt.Sprintf("c%d", i),
				Images: []string{"nginx:1"}, CreationTime: created.Add(time.Duration(i) * time.Millisecond),
			})
		}
		rn := ecisimtest.NewServer(t, ecisim.Config{Seed: 1}, st)
		c := newClient(t, rn)
		req := &eci.DescribeImageCachesRequest{RegionId: tea.String(region), Limit: tea.Int32(100)}
		first, err := c.DescribeImageCaches(req)
		if err != nil {
			t.Fatal(err)
		}
		req.NextToken = first.Body.NextToken
		var best uint64
		for range 3 {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			resp, err := c.DescribeImageCaches(req)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Body.ImageCaches) != 100 || tea.Int32Value(resp.Body.TotalCount) != int32(n) {
				t.Fatalf("page of %d caches, total %d; want 100 of %d", len(resp.Body.ImageCaches), tea.Int32Value(resp.Body.TotalCount), n)
			}
			if b := after.TotalAlloc - before.TotalAlloc; best == 0 || b < best {
				best = b
			}
		}
		return best
	}
	small, large := pageBytes(1000), pageBytes(40000)
	t.Logf("bytes allocated for a page: %d with 1,000 caches, %d with 40,000", small, large)
	if large > small*3/2 {
		t.Errorf("a page costs %d bytes with 40,000 caches and %d with 1,000: it grows with the caches stored", large, small)
	}
}
