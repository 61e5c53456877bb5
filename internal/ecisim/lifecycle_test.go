package ecisim_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

func TestCreateGoesThroughPreparingCreatingReady(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	c := newClient(t, rn)
	resp, err := c.CreateImageCache(&eci.CreateImageCacheRequest{
		RegionId: tea.String(region), ImageCacheName: tea.String("web"),
		Image:          strs("nginx:1.25", "redis:7"),
		ImageCacheSize: tea.Int32(40), EliminationStrategy: tea.String("LRU"),
		ResourceGroupId: tea.String("rg-1"), RetentionDays: tea.Int32(7),
		SecurityGroupId: tea.String("sg-1"), VSwitchId: tea.String("vsw-1"),
		Tag: []*eci.CreateImageCacheRequestTag{{Key: tea.String("team"), Value: tea.String("web")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := tea.StringValue(resp.Body.ImageCacheId)
	if !strings.HasPrefix(id, "imc-") {
		t.Fatalf("id %q", id)
	}
	for _, want := range []string{ecisim.StatusPreparing, ecisim.StatusCreating, ecisim.StatusReady, ecisim.StatusReady} {
		if got := status(t, c, id); got != want {
			t.Fatalf("status %s, want %s", got, want)
		}
		clk.Advance(ecisim.DefaultTransition)
	}
	got := describe(t, c, id)
	created, err := time.Parse(time.RFC3339, tea.StringValue(got.CreationTime))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case tea.StringValue(got.ImageCacheName) != "web", tea.Int32Value(got.ImageCacheSize) != 40,
		!slices.Equal(tea.StringSliceValue(got.Images), []string{"nginx:1.25", "redis:7"}),
		tea.StringValue(got.EliminationStrategy) != "LRU", tea.StringValue(got.ResourceGroupId) != "rg-1",
		tea.StringValue(got.RegionId) != region, tea.StringValue(got.Progress) != "100%",
		len(got.Tags) != 1 || tea.StringValue(got.Tags[0].Key) != "team" || tea.StringValue(got.Tags[0].Value) != "web",
		!strings.HasPrefix(tea.StringValue(got.SnapshotId), "s-"),
		tea.StringValue(got.ContainerGroupId) != tea.StringValue(resp.Body.ContainerGroupId):
		t.Fatalf("described cache does not match the create request: %s", tea.Prettify(got))
	}
	if exp := tea.StringValue(got.ExpireDateTime); exp != created.AddDate(0, 0, 7).Format(time.RFC3339) {
		t.Errorf("ExpireDateTime %s, want creation + 7 days", exp)
	}
	if n := len(got.Events); n < 2 || tea.StringValue(got.Events[n-1].Type) != "Normal" {
		t.Errorf("events after a successful create: %s", tea.Prettify(got.Events))
	}
	// The cache expires after RetentionDays.
	clk.Advance(7 * 24 * time.Hour)
	list, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Body.ImageCaches) != 0 {
		t.Errorf("cache still listed after its retention")
	}
}

func TestCreateFailureEndsFailedWithWarning(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	c := newClient(t, rn)
	id := create(t, c, "bad", "nginx:1.25", "example.com/fail-create:1")
	clk.Advance(2 * ecisim.DefaultTransition)
	got := describe(t, c, id)
	if s := tea.StringValue(got.Status); s != ecisim.StatusFailed {
		t.Fatalf("status %s, want Failed", s)
	}
	last := got.Events[len(got.Events)-1]
	if tea.StringValue(last.Type) != "Warning" || !strings.Contains(tea.StringValue(last.Message), "example.com/fail-create:1") {
		t.Errorf("last event %s", tea.Prettify(last))
	}
	_, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(id), Image: strs("nginx:1.26")})
	wantError(t, err, 400, "ImageCache.IncorrectStatus")
	// Failed caches are kept one day.
	clk.Advance(24 * time.Hour)
	list, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	if err != nil {
		t.Fatal(err)
	}
	if n := tea.Int32Value(list.Body.TotalCount); n != 0 {
		t.Errorf("%d caches a day after failing", n)
	}
}

func TestUpdateGoesThroughUpdatingToReady(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	req := &eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), Image: strs("nginx:1.26", "redis:7")}
	if _, err := c.UpdateImageCache(req); err != nil {
		t.Fatal(err)
	}
	if s := status(t, c, webID); s != ecisim.StatusUpdating {
		t.Fatalf("status %s right after update, want Updating", s)
	}
	_, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), ImageCacheSize: tea.Int32(50)})
	wantError(t, err, 400, "ImageCache.IncorrectStatus")
	clk.Advance(ecisim.DefaultTransition)
	got := describe(t, c, webID)
	if s := tea.StringValue(got.Status); s != ecisim.StatusReady {
		t.Fatalf("status %s after the transition, want Ready", s)
	}
	if images := tea.StringSliceValue(got.Images); !slices.Equal(images, []string{"nginx:1.26", "redis:7"}) {
		t.Errorf("images %v: the sent list must replace the stored one", images)
	}
	if tea.StringValue(got.ImageCacheName) != "web" || len(got.Tags) != 1 {
		t.Errorf("fields not sent changed: %s", tea.Prettify(got))
	}
	// The same request again changes nothing.
	_, err = c.UpdateImageCache(req)
	msg := wantError(t, err, 400, "NoNeedUpdate")
	if !strings.Contains(msg, "There are no changes to be updated for current resource.") {
		t.Errorf("NoNeedUpdate message %q", msg)
	}
}

func TestIncorrectStatusWhileCreating(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	c := newClient(t, rn)
	id := create(t, c, "web", "nginx:1.25")
	for range 2 { // Preparing, then Creating
		_, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(id), Image: strs("nginx:1.26")})
		msg := wantError(t, err, 400, "ImageCache.IncorrectStatus")
		if !strings.Contains(msg, status(t, c, id)) {
			t.Errorf("message %q does not name the status", msg)
		}
		clk.Advance(ecisim.DefaultTransition)
	}
	if _, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(id), Image: strs("nginx:1.26")}); err != nil {
		t.Fatalf("update once Ready: %v", err)
	}
}

func TestUpdateFailureThenRecovery(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	if _, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID),
		Image: strs("nginx:1.25", "example.com/app:fail-update")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(ecisim.DefaultTransition)
	got := describe(t, c, webID)
	if s := tea.StringValue(got.Status); s != ecisim.StatusUpdateFailed {
		t.Fatalf("status %s, want UpdateFailed", s)
	}
	last := got.Events[len(got.Events)-1]
	if tea.StringValue(last.Type) != "Warning" || !strings.Contains(tea.StringValue(last.Message), `"example.com/app:fail-update"`) {
		t.Fatalf("last event %s", tea.Prettify(last))
	}
	// UpdateFailed accepts an update.
	if _, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), Image: strs("nginx:1.25")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(ecisim.DefaultTransition)
	if s := status(t, c, webID); s != ecisim.StatusReady {
		t.Fatalf("status %s after the fixing update, want Ready", s)
	}
}

func TestUpdateWriteOnlyFields(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	same := []*eci.UpdateImageCacheRequest{
		{SecurityGroupId: tea.String("sg-1")},
		{ImageRegistryCredential: []*eci.UpdateImageCacheRequestImageRegistryCredential{{Server: tea.String("reg.example.com"), UserName: tea.String("ci"), Password: tea.String("s3cret")}}},
		{Tag: []*eci.UpdateImageCacheRequestTag{{Key: tea.String("team"), Value: tea.String("web")}}, ImageCacheName: tea.String("web")},
	}
	for _, req := range same {
		req.RegionId, req.ImageCacheId = tea.String(region), tea.String(webID)
		_, err := c.UpdateImageCache(req)
		wantError(t, err, 400, "NoNeedUpdate")
	}
	changed := []*eci.UpdateImageCacheRequest{
		{SecurityGroupId: tea.String("sg-2")},
		{ImageRegistryCredential: []*eci.UpdateImageCacheRequestImageRegistryCredential{{Server: tea.String("reg.example.com"), UserName: tea.String("ci"), Password: tea.String("rotated")}}},
		{Tag: []*eci.UpdateImageCacheRequestTag{{Key: tea.String("team"), Value: tea.String("web")}, {Key: tea.String("env"), Value: tea.String("")}}},
		{Flash: tea.Bool(true), FlashCopyCount: tea.Int32(2)},
	}
	for _, req := range changed {
		req.RegionId, req.ImageCacheId = tea.String(region), tea.String(webID)
		if _, err := c.UpdateImageCache(req); err != nil {
			t.Fatalf("%s: %v", tea.Prettify(req), err)
		}
		clk.Advance(ecisim.DefaultTransition)
	}
	st := rn.Server.State().Caches[0]
	if st.SecurityGroupID != "sg-2" || !st.Flash || st.FlashCopyCount != 2 || len(st.Tags) != 2 {
		t.Errorf("stored write-only fields: %+v", st)
	}
	for _, cr := range st.ImageRegistryCredentials {
		if cr.Password != "" || cr.PasswordSHA256 == "" {
			t.Errorf("credential stored with a plain password: %+v", cr)
		}
	}
	// The in-memory log shows what was sent, passwords masked.
	var sawMasked bool
	for _, r := range rn.Server.Requests() {
		if v, ok := r.Params["ImageRegistryCredential.1.Password"]; ok {
			sawMasked = true
			if v != "***" {
				t.Errorf("logged password %q", v)
			}
		}
	}
	if !sawMasked {
		t.Error("no logged request carried the credential")
	}
}

func TestUpdateAndDeleteUnknownID(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	_, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String("imc-nope"), ImageCacheSize: tea.Int32(30)})
	wantError(t, err, 404, "InvalidImageCacheId.NotFound")
	// A cache lives in its region only.
	_, err = c.DeleteImageCache(&eci.DeleteImageCacheRequest{RegionId: tea.String("cn-beijing"), ImageCacheId: tea.String(webID)})
	wantError(t, err, 404, "InvalidImageCacheId.NotFound")
}

func TestDelete(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	req := &eci.DeleteImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), ClientToken: tea.String("del-1")}
	resp, err := c.DeleteImageCache(req)
	if err != nil {
		t.Fatal(err)
	}
	if tea.StringValue(resp.Body.RequestId) == "" {
		t.Error("no RequestId")
	}
	// The same token: the first answer again.
	if _, err := c.DeleteImageCache(req); err != nil {
		t.Fatalf("retry with the same ClientToken: %v", err)
	}
	_, err = c.DeleteImageCache(&eci.DeleteImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID)})
	wantError(t, err, 404, "InvalidImageCacheId.NotFound")
	list, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Body.ImageCaches) != 0 {
		t.Error("deleted cache still listed")
	}
}

func TestCreateStoresEveryParameter(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	c := newClient(t, rn)
	_, err := c.CreateImageCache(&eci.CreateImageCacheRequest{
		RegionId: tea.String(region), ImageCacheName: tea.String("all"), Image: strs("nginx:1"),
		AcrRegistryInfo: []*eci.CreateImageCacheRequestAcrRegistryInfo{{InstanceId: tea.String("cri-1"), InstanceName: tea.String("prod"),
			RegionId: tea.String(region), Domain: strs("a.example.com", "b.example.com"), ArnService: tea.String("arn:s"), ArnUser: tea.String("arn:u")}},
		Annotations: tea.String("hide"), AutoMatchImageCache: tea.Bool(true), ClientToken: tea.String("tok"),
		EipInstanceId: tea.String("eip-1"), EliminationStrategy: tea.String("LRU"), Flash: tea.Bool(true), FlashCopyCount: tea.Int32(1),
		ImageCacheSize: tea.Int32(30), InsecureRegistry: tea.String("insecure.example.com"), OsType: tea.String("Linux"),
		OwnerAccount: tea.String("owner"), OwnerId: tea.Int64(1), PlainHttpRegistry: tea.String("plain.example.com"),
		ResourceGroupId: tea.String("rg-1"), ResourceOwnerAccount: tea.String("ro"), ResourceOwnerId: tea.Int64(2),
		RetentionDays: tea.Int32(3), SecurityGroupId: tea.String("sg-1"), StandardCopyCount: tea.Int32(2),
		Tag:       []*eci.CreateImageCacheRequestTag{{Key: tea.String("k"), Value: tea.String("v")}},
		VSwitchId: tea.String("vsw-1,vsw-2"), ZoneId: tea.String("cn-hangzhou-h"),
		ImageRegistryCredential: []*eci.CreateImageCacheRequestImageRegistryCredential{
			{Server: tea.String("reg.example.com"), UserName: tea.String("u"), Password: tea.String("p")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := rn.Server.State().Caches[0]
	want := ecisim.Cache{
		Region: region, ID: got.ID, Name: "all", Status: ecisim.StatusPreparing, StatusSince: got.StatusSince, Size: 30,
		Images: []string{"nginx:1"}, Tags: map[string]string{"k": "v"}, EliminationStrategy: "LRU", ResourceGroupID: "rg-1",
		CreationTime: got.CreationTime, ContainerGroupID: got.ContainerGroupID, FlashSnapshotID: got.FlashSnapshotID, Events: got.Events,
		SecurityGroupID: "sg-1", VSwitchID: "vsw-1,vsw-2", ZoneID: "cn-hangzhou-h", EipInstanceID: "eip-1", RetentionDays: 3,
		AutoMatchImageCache: true, Flash: true, StandardCopyCount: 2, FlashCopyCount: 1,
		ImageRegistryCredentials: []ecisim.Credential{{Server: "reg.example.com", UserName: "u",
			PasswordSHA256: "148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940"}},
		AcrRegistryInfos: []ecisim.AcrRegistryInfo{{InstanceID: "cri-1", InstanceName: "prod", RegionID: region,
			Domains: []string{"a.example.com", "b.example.com"}, ArnService: "arn:s", ArnUser: "arn:u"}},
		Annotations: "hide", InsecureRegistry: "insecure.example.com", PlainHTTPRegistry: "plain.example.com", OsType: "Linux",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored cache (-want +got):\n%s", diff)
	}
}
