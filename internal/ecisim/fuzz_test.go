package ecisim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fuzzTimeLimit bounds the time one request may take to decode and answer.
const fuzzTimeLimit = 2 * time.Second

// FuzzRequestDecoding feeds arbitrary query strings, form bodies and Authorization
// headers to the emulator, and the parameters they hold to the decoding of every
// action's fields: no panic, an Alibaba error body or an answer, bounded time. Its seed
// corpus runs in every go test.
func FuzzRequestDecoding(f *testing.F) {
	f.Add("Action=CreateImageCache&Version=2018-08-08&RegionId=cn-hangzhou&ImageCacheName=a&Image.1=nginx:1", "", "")
	f.Add("RegionId=cn-hangzhou&ImageCacheId=imc-1&Tag.1.Key=k&Tag.1.Value=v&Tag.21.Key=x", "ImageCacheSize=0x10", "ACS3-HMAC-SHA256 Credential=ecisim-key,SignedHeaders=host,Signature=00")
	f.Add("AcrRegistryInfo.1.InstanceId=cri-1&AcrRegistryInfo.1.Domain.99999999999=d&AcrRegistryInfo.01.Domain.1=e", "", "")
	f.Add("ImageRegistryCredential.1.Server=r&ImageRegistryCredential.1.Password=%00&Image.0=x&Limit=-1&NextToken=%ff", "a=%zz", "ACS3-")
	f.Add("Action=DescribeImageCaches&Version=2018-08-08&Signature=x&SignatureNonce=1&Timestamp=2025-01-01T00:00:00Z", "", "")
	srv, err := New(Config{}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query, body, auth string) {
		start := time.Now()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", auth)
		req.Header.Set("x-acs-action", "UpdateImageCache")
		req.Header.Set("x-acs-version", APIVersion)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			t.Fatalf("an unsigned request was answered 200: %s", rec.Body)
		}
		if !strings.Contains(rec.Body.String(), `"Code"`) {
			t.Errorf("error answer without a Code: %s", rec.Body)
		}

		values, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		p := params{}
		for k, v := range values {
			p[k] = v[0]
		}
		for _, create := range []bool{true, false} {
			if fs, err := parseFields(p, create); err == nil {
				fs.list()
				fs.apply(&Cache{})
			}
		}
		if d := time.Since(start); d > fuzzTimeLimit {
			t.Errorf("decoding took %v", d)
		}
	})
}
