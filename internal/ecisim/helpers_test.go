package ecisim_test

import (
	"errors"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/ecisim"
)

const region = "cn-hangzhou"

func openapiConfig(rn *ecisim.Running, id, secret string) *openapi.Config {
	return &openapi.Config{
		AccessKeyId:     tea.String(id),
		AccessKeySecret: tea.String(secret),
		Endpoint:        tea.String(rn.Endpoint),
		Protocol:        tea.String("http"),
		ReadTimeout:     tea.Int(10000),
		ConnectTimeout:  tea.Int(5),
	}
}

// newClient returns an official ECI SDK client for rn with the given key pair.
func newClientWith(t *testing.T, rn *ecisim.Running, id, secret string) *eci.Client {
	t.Helper()
	c, err := eci.NewClient(openapiConfig(rn, id, secret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newClient returns an official ECI SDK client with the default key pair.
func newClient(t *testing.T, rn *ecisim.Running) *eci.Client {
	return newClientWith(t, rn, ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret)
}

// sdkError returns the SDK error's HTTP status, code and message; it fails the test if
// err is not an SDK error.
func sdkError(t *testing.T, err error) (int, string, string) {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("want an SDK error, got %v", err)
	}
	return tea.IntValue(se.StatusCode), tea.StringValue(se.Code), tea.StringValue(se.Message)
}

// wantError fails unless err is an SDK error with this status and code.
func wantError(t *testing.T, err error, status int, code string) string {
	t.Helper()
	gotStatus, gotCode, msg := sdkError(t, err)
	if gotStatus != status || gotCode != code {
		t.Fatalf("got %d %s (%s), want %d %s", gotStatus, gotCode, msg, status, code)
	}
	return msg
}

func strs(ss ...string) []*string { return tea.StringSlice(ss) }

// create creates a cache and returns its ID.
func create(t *testing.T, c *eci.Client, name string, images ...string) string {
	t.Helper()
	resp, err := c.CreateImageCache(&eci.CreateImageCacheRequest{
		RegionId: tea.String(region), ImageCacheName: tea.String(name), Image: strs(images...),
	})
	if err != nil {
		t.Fatal(err)
	}
	if tea.StringValue(resp.Body.RequestId) == "" || tea.StringValue(resp.Body.ContainerGroupId) == "" {
		t.Fatalf("create answer lacks RequestId or ContainerGroupId: %v", resp.Body)
	}
	return tea.StringValue(resp.Body.ImageCacheId)
}

// describe returns the cache with this ID, failing the test if it is not exactly one.
func describe(t *testing.T, c *eci.Client, id string) *eci.DescribeImageCachesResponseBodyImageCaches {
	t.Helper()
	resp, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region), ImageCacheId: tea.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body.ImageCaches) != 1 {
		t.Fatalf("describe %s: %d caches", id, len(resp.Body.ImageCaches))
	}
	return resp.Body.ImageCaches[0]
}

func status(t *testing.T, c *eci.Client, id string) string {
	t.Helper()
	return tea.StringValue(describe(t, c, id).Status)
}

// readyCache is a state with one Ready cache named web in cn-hangzhou.
func readyCache() *ecisim.State {
	return &ecisim.State{Caches: []ecisim.Cache{{
		Region: region, ID: "imc-web0000000000000001", Name: "web", Images: []string{"nginx:1.25"},
		Tags: map[string]string{"team": "web"}, SecurityGroupID: "sg-1",
		ImageRegistryCredentials: []ecisim.Credential{{Server: "reg.example.com", UserName: "ci", Password: "s3cret"}},
	}}}
}

const webID = "imc-web0000000000000001"
