package ecisim_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// twoCaches is a state with a Ready cache (web, tagged team=web) and an Updating one (api).
func twoCaches() *ecisim.State {
	st := readyCache()
	st.Caches = append(st.Caches, ecisim.Cache{
		Region: region, ID: "imc-api0000000000000001", Name: "api", Images: []string{"api:1"},
		Status: ecisim.StatusUpdating, Tags: map[string]string{"team": "api", "old": "x"},
	})
	return st
}

const apiID = "imc-api0000000000000001"

// tagsOf returns a cache's tags as the emulator stores them.
func tagsOf(t *testing.T, rn *ecisim.Running, id string) map[string]string {
	t.Helper()
	for _, c := range rn.Server.State().Caches {
		if c.ID == id {
			return c.Tags
		}
	}
	t.Fatalf("no cache %s", id)
	return nil
}

func TestTagResourcesAddsAndOverwritesInAnyStatus(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, twoCaches())
	c := newClient(t, rn)
	_, err := c.TagResources(&eci.TagResourcesRequest{
		RegionId: tea.String(region), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID, apiID),
		Tag: []*eci.TagResourcesRequestTag{{Key: tea.String("team"), Value: tea.String("platform")}, {Key: tea.String("env"), Value: tea.String("")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tagsOf(t, rn, webID), map[string]string{"team": "platform", "env": ""}; !maps.Equal(got, want) {
		t.Errorf("web tags = %v, want %v", got, want)
	}
	if got, want := tagsOf(t, rn, apiID), map[string]string{"team": "platform", "env": "", "old": "x"}; !maps.Equal(got, want) {
		t.Errorf("api tags = %v, want %v", got, want)
	}
	if st := status(t, c, apiID); st != ecisim.StatusUpdating {
		t.Errorf("tagging moved the Updating cache to %s", st)
	}
	if st := status(t, c, webID); st != ecisim.StatusReady {
		t.Errorf("tagging moved the Ready cache to %s", st)
	}
}

func TestUntagResourcesRemovesKeysOrAll(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, twoCaches())
	c := newClient(t, rn)
	_, err := c.UntagResources(&eci.UntagResourcesRequest{
		RegionId: tea.String(region), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID, apiID),
		TagKey: strs("old", "absent"), ClientToken: tea.String("untag-1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tagsOf(t, rn, apiID), map[string]string{"team": "api"}; !maps.Equal(got, want) {
		t.Errorf("api tags = %v, want %v", got, want)
	}
	if got, want := tagsOf(t, rn, webID), map[string]string{"team": "web"}; !maps.Equal(got, want) {
		t.Errorf("web tags = %v, want %v", got, want)
	}
	_, err = c.UntagResources(&eci.UntagResourcesRequest{
		RegionId: tea.String(region), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID), All: tea.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, rn, webID); len(got) != 0 {
		t.Errorf("web tags after All = %v, want none", got)
	}
	if tags := describe(t, c, webID).Tags; len(tags) != 0 {
		t.Errorf("Describe shows %d tags after All", len(tags))
	}
}

func TestTagActionErrors(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, twoCaches())
	c := newClient(t, rn)
	tag := func(k, v string) *eci.TagResourcesRequestTag {
		return &eci.TagResourcesRequestTag{Key: tea.String(k), Value: tea.String(v)}
	}
	var many []*eci.TagResourcesRequestTag
	for i := range 19 {
		many = append(many, tag(fmt.Sprintf("k%d", i), "v"))
	}
	var ids []string
	for i := range 51 {
		ids = append(ids, fmt.Sprintf("imc-%d", i))
	}
	var keys []string
	for i := range 21 {
		keys = append(keys, fmt.Sprintf("k%d", i))
	}
	for name, tt := range map[string]struct {
		req    *eci.TagResourcesRequest
		status int
		code   string
	}{
		"unknown resource type": {&eci.TagResourcesRequest{ResourceType: tea.String("Bucket"), ResourceId: strs(webID), Tag: []*eci.TagResourcesRequestTag{tag("a", "b")}}, 400, "InvalidParameter"},
		"no resource type":      {&eci.TagResourcesRequest{ResourceId: strs(webID), Tag: []*eci.TagResourcesRequestTag{tag("a", "b")}}, 400, "MissingParameter"},
		"unknown id":            {&eci.TagResourcesRequest{ResourceType: tea.String("ImageCache"), ResourceId: strs(webID, "imc-nope"), Tag: []*eci.TagResourcesRequestTag{tag("a", "b")}}, 404, "InvalidImageCacheId.NotFound"},
		"other type's id":       {&eci.TagResourcesRequest{ResourceType: tea.String("ContainerGroup"), ResourceId: strs("eci-1"), Tag: []*eci.TagResourcesRequestTag{tag("a", "b")}}, 404, "InvalidResourceId.NotFound"},
		"no ids":                {&eci.TagResourcesRequest{ResourceType: tea.String("ImageCache"), Tag: []*eci.TagResourcesRequestTag{tag("a", "b")}}, 400, "MissingParameter"},
		"51 ids":                {&eci.TagResourcesRequest{ResourceType: tea.String("ImageCache"), ResourceId: strs(ids...), Tag: []*eci.TagResourcesRequestTag{tag("a", "b")}}, 400, "InvalidParameter"},
		"no tags":               {&eci.TagResourcesRequest{ResourceType: tea.String("ImageCache"), ResourceId: strs(webID)}, 400, "MissingParameter"},
		"21 tags in the call":   {&eci.TagResourcesRequest{ResourceType: tea.String("ImageCache"), ResourceId: strs(webID), Tag: append(append([]*eci.TagResourcesRequestTag{}, many...), tag("x", "1"), tag("y", "2"))}, 400, "InvalidParameter"},
		"21 tags on a cache":    {&eci.TagResourcesRequest{ResourceType: tea.String("ImageCache"), ResourceId: strs(webID, apiID), Tag: append(append([]*eci.TagResourcesRequestTag{}, many...), tag("x", "1"))}, 400, "InvalidTagCount"},
		"system key":            {&eci.TagResourcesRequest{ResourceType: tea.String("ImageCache"), ResourceId: strs(webID), Tag: []*eci.TagResourcesRequestTag{tag("acs:x", "b")}}, 400, "InvalidParameter"},
	} {
		t.Run(name, func(t *testing.T) {
			tt.req.RegionId = tea.String(region)
			_, err := c.TagResources(tt.req)
			wantError(t, err, tt.status, tt.code)
		})
	}
	// A refused call changes nothing, on any of its resources.
	if got := tagsOf(t, rn, webID); !maps.Equal(got, map[string]string{"team": "web"}) {
		t.Errorf("web tags after refused calls = %v", got)
	}
	_, err := c.UntagResources(&eci.UntagResourcesRequest{RegionId: tea.String(region), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID), TagKey: strs(keys...)})
	wantError(t, err, 400, "InvalidParameter")
	_, err = c.UntagResources(&eci.UntagResourcesRequest{RegionId: tea.String(region), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID)})
	wantError(t, err, 400, "MissingParameter")
	_, err = c.UntagResources(&eci.UntagResourcesRequest{RegionId: tea.String("cn-beijing"), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID), TagKey: strs("team")})
	wantError(t, err, 404, "InvalidImageCacheId.NotFound")
}

func TestTagActionsClientToken(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, twoCaches())
	c := newClient(t, rn)
	req := &eci.UntagResourcesRequest{RegionId: tea.String(region), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID), TagKey: strs("team"), ClientToken: tea.String("tok-1")}
	if _, err := c.UntagResources(req); err != nil {
		t.Fatal(err)
	}
	// Someone tags the cache again; a retry of the first call must not remove it twice.
	if _, err := c.TagResources(&eci.TagResourcesRequest{RegionId: tea.String(region), ResourceType: tea.String("ImageCache"), ResourceId: strs(webID),
		Tag: []*eci.TagResourcesRequestTag{{Key: tea.String("team"), Value: tea.String("again")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResources(req); err != nil {
		t.Fatalf("retry with the same token: %v", err)
	}
	if got := tagsOf(t, rn, webID); got["team"] != "again" {
		t.Errorf("the retried UntagResources took effect twice: tags %v", got)
	}
	req.TagKey = strs("other")
	_, err := c.UntagResources(req)
	wantError(t, err, 400, "IdempotentParameterMismatch")
}

func TestListTagResources(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, twoCaches())
	c := newClient(t, rn)
	list := func(req *eci.ListTagResourcesRequest) ([]string, string) {
		t.Helper()
		req.RegionId, req.ResourceType = tea.String(region), tea.String("ImageCache")
		resp, err := c.ListTagResources(req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tr := range resp.Body.TagResources {
			if tea.StringValue(tr.ResourceType) != "ImageCache" {
				t.Errorf("ResourceType %q", tea.StringValue(tr.ResourceType))
			}
			out = append(out, tea.StringValue(tr.ResourceId)+":"+tea.StringValue(tr.TagKey)+"="+tea.StringValue(tr.TagValue))
		}
		return out, tea.StringValue(resp.Body.NextToken)
	}
	got, next := list(&eci.ListTagResourcesRequest{ResourceId: strs(apiID, webID)})
	if want := []string{apiID + ":old=x", apiID + ":team=api", webID + ":team=web"}; strings.Join(got, " ") != strings.Join(want, " ") || next != "" {
		t.Errorf("by id: %v next %q, want %v", got, next, want)
	}
	got, next = list(&eci.ListTagResourcesRequest{Tag: []*eci.ListTagResourcesRequestTag{{Key: tea.String("team"), Value: tea.String("web")}}})
	if want := webID + ":team=web"; strings.Join(got, " ") != want || next != "" {
		t.Errorf("by tag: %v, want %s", got, want)
	}
	got, next = list(&eci.ListTagResourcesRequest{ResourceId: strs(webID, apiID), Limit: tea.String("2")})
	rest, last := list(&eci.ListTagResourcesRequest{ResourceId: strs(webID, apiID), Limit: tea.String("2"), NextToken: tea.String(next)})
	if len(got) != 2 || next == "" || len(rest) != 1 || last != "" {
		t.Errorf("pages: %v (next %q), %v (next %q)", got, next, rest, last)
	}
	_, err := c.ListTagResources(&eci.ListTagResourcesRequest{RegionId: tea.String(region), ResourceType: tea.String("ImageCache")})
	wantError(t, err, 400, "MissingParameter")
}

func TestUpdateTagsMergeMode(t *testing.T) {
	for mode, want := range map[string]map[string]string{
		"":                       {"env": "prod"},
		ecisim.UpdateTagsReplace: {"env": "prod"},
		ecisim.UpdateTagsMerge:   {"team": "web", "env": "prod"},
	} {
		t.Run("mode "+mode, func(t *testing.T) {
			st := readyCache()
			st.Settings.UpdateTags = mode
			rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, st)
			_, err := newClient(t, rn).UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID),
				Tag: []*eci.UpdateImageCacheRequestTag{{Key: tea.String("env"), Value: tea.String("prod")}}})
			if err != nil {
				t.Fatal(err)
			}
			if got := tagsOf(t, rn, webID); !maps.Equal(got, want) {
				t.Errorf("tags = %v, want %v", got, want)
			}
		})
	}
	// In merge mode, sending tags the cache already has is no change.
	st := readyCache()
	rn := ecisimtest.NewServer(t, ecisim.Config{Clock: ecisim.NewManualClock(time.Now()), UpdateTags: ecisim.UpdateTagsMerge}, st)
	_, err := newClient(t, rn).UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID),
		Tag: []*eci.UpdateImageCacheRequestTag{{Key: tea.String("team"), Value: tea.String("web")}}})
	wantError(t, err, 400, "NoNeedUpdate")
	if _, err := ecisim.New(ecisim.Config{UpdateTags: "sometimes"}, nil); err == nil {
		t.Error("an unknown update tags mode is accepted")
	}
	if _, err := ecisim.ParseState([]byte("settings: {updateTags: add}\ncaches: []\n")); err == nil || !strings.Contains(err.Error(), "settings.updateTags") {
		t.Errorf("state with updateTags add: %v", err)
	}
}

// TestOldSDKTagActions runs the tag actions through alibaba-cloud-sdk-go (HMAC-SHA1).
func TestOldSDKTagActions(t *testing.T) {
	for _, method := range []string{requests.GET, requests.POST} {
		t.Run(method, func(t *testing.T) {
			rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, twoCaches())
			_, err := oldCall(t, rn, ecisim.DefaultAccessKeySecret, method, "TagResources", map[string]string{
				"ResourceType": "ImageCache", "ResourceId.1": webID, "ResourceId.2": apiID, "Tag.1.Key": "env", "Tag.1.Value": "a b*~",
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = oldCall(t, rn, ecisim.DefaultAccessKeySecret, method, "UntagResources", map[string]string{
				"ResourceType": "ImageCache", "ResourceId.1": apiID, "TagKey.1": "old", "ClientToken": "t-1",
			})
			if err != nil {
				t.Fatal(err)
			}
			body, err := oldCall(t, rn, ecisim.DefaultAccessKeySecret, method, "ListTagResources", map[string]string{
				"ResourceType": "ImageCache", "ResourceId.1": apiID,
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tr := range body["TagResources"].([]any) {
				m := tr.(map[string]any)
				got = append(got, fmt.Sprint(m["TagKey"], "=", m["TagValue"]))
			}
			if want := "env=a b*~ team=api"; strings.Join(got, " ") != want {
				t.Errorf("listed %v, want %s", got, want)
			}
			_, err = oldCall(t, rn, ecisim.DefaultAccessKeySecret, method, "TagResources", map[string]string{
				"ResourceType": "ImageCache", "ResourceId.1": "imc-gone", "Tag.1.Key": "env", "Tag.1.Value": "x",
			})
			if err == nil || !strings.Contains(err.Error(), "InvalidImageCacheId.NotFound") {
				t.Errorf("unknown id: %v", err)
			}
			for _, r := range rn.Server.Requests() {
				if r.Signature != ecisim.SignatureV1 {
					t.Errorf("%s logged with signature %q", r.Action, r.Signature)
				}
			}
		})
	}
}
