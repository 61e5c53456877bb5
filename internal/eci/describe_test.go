package eci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseDescribePage(t *testing.T) {
	got, err := ParseDescribe(readFixture(t, "page.json"), "cn-shenzhen")
	if err != nil {
		t.Fatal(err)
	}
	want := []cloud.Cache{
		{
			Region: "cn-hangzhou", ID: "imc-bp195erqe9o2pb09****", Name: "web-frontend", Status: cloud.UpdateFailed, Size: 40,
			Images: []string{
				"registry-vpc.cn-hangzhou.aliyuncs.com/eci_open/nginx:1.15.10-perl",
				"registry-vpc.cn-hangzhou.aliyuncs.com/eci_open/busybox:1.30",
			},
			EliminationStrategy: "LRU", ResourceGroupID: "rg-aekzh43v0001",
			Tags:         map[string]string{"team": "web", "imcsync.io/owner": "platform-prod", "empty": ""},
			Progress:     "100%",
			CreationTime: at("2021-02-09T02:24:07Z"), ExpireDateTime: at("2021-02-16T02:24:07Z"), LastMatchedTime: at("2021-08-18T03:48:10Z"),
			Events: []cloud.Event{
				{Type: "Normal", Reason: "Started", Name: "imagetest.1661f31f851a****", Message: "Successfully check image cache resource.", Count: 1,
					FirstTimestamp: at("2021-02-09T02:24:07Z"), LastTimestamp: at("2021-02-09T02:24:07Z")},
				{Type: "Warning", Reason: "UpdateFailed", Name: "imagetest.1661f31f851a****", Message: "Failed to pull image busybox:1.30", Count: 2,
					FirstTimestamp: at("2021-02-10T08:00:00Z"), LastTimestamp: at("2021-02-10T08:05:00Z")},
			},
		},
		{
			// No RegionId in the entry: the region argument; minute-precision time.
			Region: "cn-shenzhen", ID: "imc-2zebxkiifuyzzlhl****", Name: "batch", Status: cloud.Ready, Size: 20,
			Images: []string{"alpine:3.19"}, CreationTime: at("2021-03-01T10:00:00Z"),
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseDescribe (-want +got):\n%s", diff)
	}
	if got[0].LastWarning() != "Failed to pull image busybox:1.30" {
		t.Errorf("LastWarning = %q", got[0].LastWarning())
	}
}

func TestParseDescribeShapes(t *testing.T) {
	tests := []struct {
		file    string
		wantIDs []string
	}{
		{"pages.json", []string{"cn-beijing/imc-a", "cn-beijing/imc-b", "cn-shanghai/imc-c"}},
		{"sdk-response.json", []string{"cn-hangzhou/imc-z"}},
		{"empty-region.json", nil},
	}
	for _, tt := range tests {
		got, err := ParseDescribe(readFixture(t, tt.file), "cn-hangzhou")
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.Region+"/"+c.ID)
			if c.Images == nil {
				t.Errorf("%s: %s: nil Images", tt.file, c.ID)
			}
		}
		if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, diff)
		}
	}
}

func TestParseDescribeErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"broken.json", string(readFixture(t, "broken.json")), "DescribeImageCaches output:4:30: invalid character ','"},
		{"empty", "  \n", "output is empty"},
		{"scalar", `"x"`, "must be a JSON object or an array"},
		{"not describe", `{"apiVersion": "imcsync/v1", "imageCaches": null}`, "no ImageCaches key"},
		{"page without key", `[{"ImageCaches": []}, {"RequestId": "x"}]`, "page 2: no ImageCaches key"},
		{"wrong type", `{"ImageCaches": [{"ImageCacheId": "imc-1", "ImageCacheSize": "big"}]}`, "DescribeImageCaches output:1:"},
		{"no id", `{"ImageCaches": [{"ImageCacheName": "x"}]}`, "ImageCaches[0]: entry has no ImageCacheId"},
		{"bad time", `{"ImageCaches": [{"ImageCacheId": "imc-1", "CreationTime": "yesterday"}]}`, `imc-1: CreationTime: unreadable time "yesterday"`},
		{"bad event time", `{"ImageCaches": [{"ImageCacheId": "imc-1", "Events": [{"LastTimestamp": "2021-13-01T00:00:00Z"}]}]}`, "Events[0].LastTimestamp"},
	}
	for _, tt := range tests {
		_, err := ParseDescribe([]byte(tt.in), "cn-hangzhou")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestParseDescribeNeedsARegion(t *testing.T) {
	_, err := ParseDescribe([]byte(`{"ImageCaches": [{"ImageCacheId": "imc-1"}]}`), "")
	if err == nil || !strings.Contains(err.Error(), "no RegionId") {
		t.Errorf("got %v", err)
	}
}
