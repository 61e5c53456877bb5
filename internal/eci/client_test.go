package eci

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		in      string
		want    target
		wantErr string
	}{
		{in: "http://127.0.0.1:8080", want: target{"http", "127.0.0.1:8080"}},
		{in: "http://127.0.0.1:8080/", want: target{"http", "127.0.0.1:8080"}},
		{in: "https://eci.cn-hangzhou.aliyuncs.com", want: target{"https", "eci.cn-hangzhou.aliyuncs.com"}},
		{in: "http://[::1]:9000", want: target{"http", "[::1]:9000"}},
		{in: "127.0.0.1:8080", wantErr: "scheme must be http or https"},
		{in: "eci.cn-hangzhou.aliyuncs.com", wantErr: "scheme must be http or https"},
		{in: "ftp://host", wantErr: "scheme must be http or https"},
		{in: "http://", wantErr: "no host"},
		{in: "http://host/path", wantErr: "only scheme, host and port"},
		{in: "http://host/?a=b", wantErr: "only scheme, host and port"},
		{in: "http://user:hunter2@host", wantErr: "user information"},
		{in: "http://host:port:x\x7f", wantErr: "not a URL"},
	}
	for _, tt := range tests {
		got, err := parseEndpoint(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseEndpoint(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("password shown: %v", err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseEndpoint(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestTargetFor(t *testing.T) {
	c, err := New(Config{AccessKeyID: "id", AccessKeySecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.targetFor("cn-hangzhou")
	if err != nil || got != (target{"https", "eci.cn-hangzhou.aliyuncs.com"}) {
		t.Errorf("targetFor = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "cn hangzhou", "evil.com/x", "CN-HANGZHOU"} {
		if _, err := c.targetFor(bad); err == nil {
			t.Errorf("targetFor(%q) accepted", bad)
		}
	}
	fixed, err := New(Config{Endpoint: "http://127.0.0.1:1", AccessKeyID: "id", AccessKeySecret: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := fixed.targetFor("ap-southeast-1"); got != (target{"http", "127.0.0.1:1"}) {
		t.Errorf("fixed endpoint not used: %+v", got)
	}
}

func TestNewTimeoutUnits(t *testing.T) {
	tests := []struct {
		read, connect   time.Duration
		wantMS, wantSec int
	}{
		{0, 0, 30000, 5},
		{200 * time.Millisecond, 2 * time.Second, 200, 2},
		{90 * time.Second, 1500 * time.Millisecond, 90000, 2}, // seconds round up
		{time.Second, 100 * time.Millisecond, 1000, 1},
	}
	for _, tt := range tests {
		c, err := New(Config{Endpoint: "http://127.0.0.1:1", AccessKeyID: "id", AccessKeySecret: "s", ReadTimeout: tt.read, ConnectTimeout: tt.connect})
		if err != nil {
			t.Fatal(err)
		}
		rt := c.runtime()
		if c.readMS != tt.wantMS || c.connectS != tt.wantSec || *rt.ReadTimeout != tt.wantMS || *rt.ConnectTimeout != tt.wantSec || *rt.Autoretry {
			t.Errorf("read %v connect %v: got %d ms, %d s, runtime %d/%d autoretry %v", tt.read, tt.connect, c.readMS, c.connectS, *rt.ReadTimeout, *rt.ConnectTimeout, *rt.Autoretry)
		}
	}
	if _, err := New(Config{ReadTimeout: -time.Second, AccessKeyID: "id", AccessKeySecret: "s"}); err == nil {
		t.Error("negative timeout accepted")
	}
}

func TestNewRejectsHalfAKeyPair(t *testing.T) {
	for _, cfg := range []Config{{AccessKeyID: "id"}, {AccessKeySecret: "secret"}} {
		_, err := New(cfg)
		if err == nil || strings.Contains(err.Error(), "secret\"") {
			t.Errorf("New(%+v) = %v", cfg, err)
		}
	}
}

// TestNoCredentials runs the default chain with nothing configured: the call fails with
// ErrNoCredentials before anything is sent.
func TestNoCredentials(t *testing.T) {
	isolateCredentialChain(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background(), "cn-hangzhou")
	if !errors.Is(err, ErrNoCredentials) || Retryable(err) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "ALIBABA_CLOUD_ACCESS_KEY_ID") {
		t.Errorf("no hint in %q", err)
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent without credentials", hits.Load())
	}
}

// isolateCredentialChain keeps the default credential chain away from the developer's
// own credentials and from the ECS metadata service.
func isolateCredentialChain(t *testing.T) {
	t.Helper()
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_PROFILE",
		"ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_ECS_METADATA"} {
		t.Setenv(k, "")
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
}

func TestRequestChecksSendNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL, AccessKeyID: "id", AccessKeySecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	long := strings.Repeat("x", 65)
	checks := map[string]error{
		"no region":       c.Update(ctx, UpdateRequest{ImageCacheID: "imc-1"}),
		"no id":           c.Update(ctx, UpdateRequest{RegionID: "cn-hangzhou"}),
		"long token":      c.Update(ctx, UpdateRequest{RegionID: "cn-hangzhou", ImageCacheID: "imc-1", ClientToken: long}),
		"non-ASCII token": c.Delete(ctx, "cn-hangzhou", "imc-1", "tök"),
		"delete no id":    c.Delete(ctx, "cn-hangzhou", "", ""),
		"ARN on update":   c.Update(ctx, UpdateRequest{RegionID: "cn-hangzhou", ImageCacheID: "imc-1", Params: Params{"AcrRegistryInfo": []AcrRegistryInfo{{InstanceID: "cri-1", ArnUser: "acs:ram::1:role/x"}}}}),
		"create no images": func() error {
			_, err := c.Create(ctx, CreateRequest{RegionID: "cn-hangzhou", Params: Params{"ImageCacheName": "n"}})
			return err
		}(),
		"bad region": func() error { _, err := c.List(ctx, "cn/../x"); return err }(),
	}
	for name, err := range checks {
		if err == nil || Retryable(err) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent", hits.Load())
	}
}
