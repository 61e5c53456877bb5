package ecisim_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// oldCall sends one RPC request with alibaba-cloud-sdk-go's CommonRequest (HMAC-SHA1).
// With POST, the business parameters travel in a form body; with GET, in the query.
func oldCall(t *testing.T, rn *ecisim.Running, secret, method, action string, p map[string]string) (map[string]any, error) {
	t.Helper()
	client, err := sdk.NewClientWithAccessKey(region, ecisim.DefaultAccessKeyID, secret)
	if err != nil {
		t.Fatal(err)
	}
	req := requests.NewCommonRequest()
	req.Method, req.Scheme, req.Domain = method, "http", rn.Endpoint
	req.Version, req.ApiName, req.Product = ecisim.APIVersion, action, "Eci"
	req.QueryParams["RegionId"] = region
	for k, v := range p {
		if method == requests.POST {
			req.FormParams[k] = v
		} else {
			req.QueryParams[k] = v
		}
	}
	resp, err := client.ProcessCommonRequest(req)
	if err != nil {
		return nil, err
	}
	var body map[string]any
	if err := json.Unmarshal(resp.GetHttpContentBytes(), &body); err != nil {
		t.Fatal(err)
	}
	return body, nil
}

func TestOldSDKDescribeAndUpdate(t *testing.T) {
	for _, method := range []string{requests.GET, requests.POST} {
		t.Run(method, func(t *testing.T) {
			rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
			body, err := oldCall(t, rn, ecisim.DefaultAccessKeySecret, method, "DescribeImageCaches", map[string]string{"ImageCacheName": "web"})
			if err != nil {
				t.Fatal(err)
			}
			caches := body["ImageCaches"].([]any)
			if len(caches) != 1 || caches[0].(map[string]any)["ImageCacheId"] != webID {
				t.Fatalf("describe answered %v", body)
			}
			_, err = oldCall(t, rn, ecisim.DefaultAccessKeySecret, method, "UpdateImageCache", map[string]string{
				"ImageCacheId": webID, "Image.1": "nginx:1.26", "Image.2": "registry.example.com/a b*~", "Tag.1.Key": "team", "Tag.1.Value": "",
			})
			if err != nil {
				t.Fatal(err)
			}
			clk.Advance(ecisim.DefaultTransition)
			got := rn.Server.State().Caches[0]
			if got.Status != ecisim.StatusReady || !slices.Equal(got.Images, []string{"nginx:1.26", "registry.example.com/a b*~"}) || got.Tags["team"] != "" {
				t.Errorf("after update: %+v", got)
			}
			_, err = oldCall(t, rn, ecisim.DefaultAccessKeySecret, method, "UpdateImageCache", map[string]string{"ImageCacheId": webID, "Image.1": "nginx:1.26", "Image.2": "registry.example.com/a b*~"})
			var se *sdkerrors.ServerError
			if !errors.As(err, &se) || se.ErrorCode() != "NoNeedUpdate" || se.HttpStatus() != 400 {
				t.Fatalf("no-op update: %v", err)
			}
			for _, r := range rn.Server.Requests() {
				if r.Signature != ecisim.SignatureV1 || r.Method != method {
					t.Errorf("logged %s %s, want %s %s", r.Method, r.Signature, method, ecisim.SignatureV1)
				}
			}
		})
	}
}

func TestOldSDKWrongSecret(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	_, err := oldCall(t, rn, "wrong", requests.POST, "DescribeImageCaches", map[string]string{"Limit": "5"})
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.ErrorCode() != "SignatureDoesNotMatch" {
		t.Fatalf("got %v", err)
	}
	// The SDK compares its own string to sign with the one in our message: equal strings
	// mean "your secret is wrong", so this proves the emulator signs what the SDK signs.
	if want := "InvalidAccessKeySecret: Please check you AccessKeySecret"; se.Recommend() != want {
		t.Errorf("Recommend %q, want %q", se.Recommend(), want)
	}
}
