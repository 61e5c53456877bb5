package eci_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/imcsync/imcsync/internal/eci"
)

// These answers are what no faithful emulator sends but a network or gateway can: the
// client must still classify them and keep secrets out of its errors.

func answering(t *testing.T, h http.HandlerFunc) *eci.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := eci.New(eci.Config{Endpoint: srv.URL, AccessKeyID: "id", AccessKeySecret: "the-static-secret", Retry: eci.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBrokenAnswers(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		retryable bool
		class     error
		want      string
	}{
		{"HTML 502 from a proxy", 502, "<html>Bad Gateway</html>", true, nil, `^DescribeImageCaches: unreadable answer from http://127\.0\.0\.1:\d+ \(not the API's JSON\): invalid character '<'`},
		{"empty 200", 200, "", true, nil, `^DescribeImageCaches: unreadable answer from http://127\.0\.0\.1:\d+ \(not the API's JSON\): `},
		{"429 without a code", 429, `{"RequestId":"r"}`, true, eci.ErrThrottled, `^DescribeImageCaches: Too Many Requests \(HTTP 429, request id r\)`},
		{"truncated JSON 200", 200, `{"RequestId":"r","ImageCaches":[`, true, nil, `^DescribeImageCaches: unreadable answer from http://127\.0\.0\.1:\d+ \(not the API's JSON\): unexpected EOF`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := answering(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			_, err := c.List(context.Background(), "cn-hangzhou")
			if err == nil || eci.Retryable(err) != tt.retryable || (tt.class != nil && !errors.Is(err, tt.class)) {
				t.Errorf("got %v (retryable %v)", err, eci.Retryable(err))
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error %q, want it to match %q", err, tt.want)
			}
		})
	}
}

// TestEchoedParametersAreMasked: a server that quotes the whole request back in its
// error message must not make a registry password or the secret appear in the error.
func TestEchoedParametersAreMasked(t *testing.T) {
	const password = "p@ss w0rd+/="
	c := answering(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]string{
			"Code": "InvalidParameter", "RequestId": "r-1",
			"Message": "bad request " + r.URL.RawQuery + " decoded " + r.URL.Query().Get("ImageRegistryCredential.1.Password") + " " + r.Header.Get("Authorization"),
		})
	})
	err := c.Update(context.Background(), eci.UpdateRequest{RegionID: "cn-hangzhou", ImageCacheID: "imc-1",
		Params: eci.Params{"ImageRegistryCredential": []eci.RegistryCredential{{Server: "registry.example.com", UserName: "ci", Password: password}}}})
	var api *eci.APIError
	if !errors.As(err, &api) || !errors.Is(err, eci.ErrPermanent) {
		t.Fatalf("got %v", err)
	}
	for _, s := range []string{password, url.QueryEscape(password), "the-static-secret"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("%q appears in %q", s, err)
		}
	}
	if !strings.Contains(err.Error(), "ImageRegistryCredential.1.Password=******") {
		t.Errorf("expected the masked parameter in %q", err)
	}
}
