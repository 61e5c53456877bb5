package ecisim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// signedRequest builds an ACS3-signed DescribeImageCaches request by hand.
func signedRequest(t *testing.T, date time.Time, nonce, body string, mutate func(*http.Request)) *http.Request {
	t.Helper()
	q := url.Values{"RegionId": {"cn-hangzhou"}}
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/?"+q.Encode(), strings.NewReader(body))
	r.Header.Set("x-acs-action", "DescribeImageCaches")
	r.Header.Set("x-acs-version", APIVersion)
	r.Header.Set("x-acs-date", date.UTC().Format("2006-01-02T15:04:05Z"))
	r.Header.Set("x-acs-signature-nonce", nonce)
	r.Header.Set("x-acs-content-sha256", sha256Hex([]byte(body)))
	if mutate != nil {
		mutate(r)
	}
	var signed []string
	for name := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-acs-") && n != "x-acs-unsigned" {
			signed = append(signed, n)
		}
	}
	signed = append(signed, "host")
	sort.Strings(signed)
	header := func(n string) string {
		if n == "host" {
			return r.Host
		}
		return r.Header.Get(n)
	}
	sts := v3StringToSign(v3CanonicalRequest(r.Method, "/", r.URL.Query(), header, signed, r.Header.Get("x-acs-content-sha256")))
	r.Header.Set("Authorization", SignatureV3+" Credential="+DefaultAccessKeyID+",SignedHeaders="+strings.Join(signed, ";")+",Signature="+v3Signature(DefaultAccessKeySecret, sts))
	return r
}

func serve(t *testing.T, s *Server, r *http.Request) (int, string) {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var body struct{ Code string }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("answer is not JSON: %q", w.Body.String())
	}
	return w.Code, body.Code
}

func TestReplayProtection(t *testing.T) {
	s, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cases := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"fresh", signedRequest(t, now, "n1", "", nil), 200, ""},
		{"nonce used again", signedRequest(t, now, "n1", "", nil), 400, "SignatureNonceUsed"},
		{"another nonce", signedRequest(t, now.Add(-time.Minute), "n2", "", nil), 200, ""},
		{"stale", signedRequest(t, now.Add(-TimestampWindow-time.Minute), "n3", "", nil), 400, "InvalidTimeStamp.Expired"},
		{"from the future", signedRequest(t, now.Add(TimestampWindow+time.Minute), "n4", "", nil), 400, "IllegalTimestamp"},
		{"stale nonce not used up", signedRequest(t, now, "n3", "", nil), 200, ""},
		{"body hash mismatch", signedRequest(t, now, "n5", "", func(r *http.Request) {
			r.Body = http.NoBody
			r.Header.Set("x-acs-content-sha256", sha256Hex([]byte("other")))
		}), 400, "IncompleteSignature"},
		{"unsigned x-acs header", signedRequest(t, now, "n6", "", func(r *http.Request) { r.Header.Set("x-acs-unsigned", "1") }), 400, "IncompleteSignature"},
		{"empty nonce", signedRequest(t, now, "", "", nil), 400, "MissingParameter"},
		{"nonce not signed", signedRequest(t, now, "n8", "", func(r *http.Request) { r.Header.Del("x-acs-signature-nonce") }), 400, "IncompleteSignature"},
		{"tampered query", func() *http.Request {
			r := signedRequest(t, now, "n7", "", nil)
			r.URL.RawQuery = "RegionId=cn-beijing"
			return r
		}(), 400, "SignatureDoesNotMatch"},
	}
	for _, tc := range cases {
		status, code := serve(t, s, tc.req)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: got %d %q, want %d %q", tc.name, status, code, tc.status, tc.code)
		}
	}
}

func TestV1ReplayProtection(t *testing.T) {
	s, err := New(Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := func(stamp time.Time, nonce string) *http.Request {
		q := url.Values{
			"Action": {"DescribeImageCaches"}, "Version": {APIVersion}, "RegionId": {"cn-hangzhou"},
			"AccessKeyId": {DefaultAccessKeyID}, "SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"},
			"SignatureNonce": {nonce}, "Timestamp": {stamp.UTC().Format("2006-01-02T15:04:05Z")}, "Format": {"JSON"},
		}
		q.Set("Signature", v1Signature(DefaultAccessKeySecret, v1StringToSign("GET", q)))
		return httptest.NewRequest(http.MethodGet, "http://127.0.0.1/?"+q.Encode(), nil)
	}
	now := time.Now()
	for _, tc := range []struct {
		r    *http.Request
		code string
	}{
		{req(now, "a"), ""},
		{req(now, "a"), "SignatureNonceUsed"},
		{req(now.Add(-time.Hour), "b"), "InvalidTimeStamp.Expired"},
	} {
		if _, code := serve(t, s, tc.r); code != tc.code {
			t.Errorf("got %q, want %q", code, tc.code)
		}
	}
}
