package eci

import (
	"testing"

	sdk "github.com/alibabacloud-go/eci-20180808/v3/client"

	"github.com/imcsync/imcsync/spec"
)

// TestParamsCoverTable: every field of spec's table that a call takes is a parameter of
// that call's SDK request, and no other field is.
func TestParamsCoverTable(t *testing.T) {
	for _, f := range spec.CacheFields() {
		if f.Param == "" {
			continue
		}
		if got := takes(&sdk.CreateImageCacheRequest{}, f.Param); got != f.OnCreate {
			t.Errorf("%s: CreateImageCacheRequest takes %s: %v, the table says %v", f.Key, f.Param, got, f.OnCreate)
		}
		if got := takes(&sdk.UpdateImageCacheRequest{}, f.Param); got != f.OnUpdate {
			t.Errorf("%s: UpdateImageCacheRequest takes %s: %v, the table says %v", f.Key, f.Param, got, f.OnUpdate)
		}
	}
}

// TestSetParams: each kind of value lands in its SDK field; a parameter the call does
// not take, an item parameter it does not take and a value of the wrong type are refused.
func TestSetParams(t *testing.T) {
	var c sdk.CreateImageCacheRequest
	err := setParams("CreateImageCacheRequest", &c, Params{"ImageCacheName": "web", "ImageCacheSize": int32(30), "Flash": true,
		"Image": []string{"a", "b"}, "Tag": []Tag{{Key: "k", Value: ""}},
		"ImageRegistryCredential": []RegistryCredential{{Server: "s", UserName: "u", Password: "p"}},
		"AcrRegistryInfo":         []AcrRegistryInfo{{InstanceID: "cri-1", ArnUser: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if *c.ImageCacheName != "web" || *c.ImageCacheSize != 30 || !*c.Flash || len(c.Image) != 2 || *c.Image[1] != "b" ||
		len(c.Tag) != 1 || c.Tag[0].Value == nil || *c.Tag[0].Value != "" || *c.ImageRegistryCredential[0].Password != "p" ||
		*c.AcrRegistryInfo[0].InstanceId != "cri-1" || c.AcrRegistryInfo[0].InstanceName != nil || *c.AcrRegistryInfo[0].ArnUser != "x" {
		t.Errorf("got %v", c)
	}
	for name, ps := range map[string]Params{
		"create-only": {"ZoneId": "z"},
		"own":         {"RegionId": "cn-hangzhou"},
		"unknown":     {"Nope": "x"},
		"wrong type":  {"ImageCacheSize": int64(30)},
		"item":        {"AcrRegistryInfo": []AcrRegistryInfo{{InstanceID: "cri-1", ArnService: "x"}}},
	} {
		if err := setParams("UpdateImageCache", &sdk.UpdateImageCacheRequest{}, ps); err == nil {
			t.Errorf("%s: %v accepted", name, ps)
		}
	}
}
