package digests_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/imcsync/imcsync/internal/digests"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

func push(t *testing.T, reg *ecisim.Registry, ref string) string {
	t.Helper()
	d, err := reg.Push(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestResolveTagsOnceSkipsPinned(t *testing.T) {
	reg := ecisimtest.NewRegistry(t)
	web, api := push(t, reg, "web:1"), push(t, reg, "team/api:2")
	pinned := reg.Host + "/web@" + web
	images := []string{reg.Host + "/web:1", reg.Host + "/team/api:2", reg.Host + "/web:1", pinned}
	res := digests.Resolve(context.Background(), images, digests.Options{})
	if len(res.Registries) != 0 || len(res.Images) != 0 {
		t.Fatalf("errors: %v %v", res.Registries, res.Images)
	}
	want := map[string]string{reg.Host + "/web:1": web, reg.Host + "/team/api:2": api}
	if len(res.Digests) != len(want) || res.Digests[reg.Host+"/web:1"] != web || res.Digests[reg.Host+"/team/api:2"] != api {
		t.Fatalf("digests %v, want %v", res.Digests, want)
	}
	if res.Unresolved(pinned) || !res.Unresolved(reg.Host+"/other:1") {
		t.Error("Unresolved: a pinned reference is never unresolved, an unknown tag is")
	}
	before := reg.Requests()
	res = digests.Resolve(context.Background(), images, digests.Options{})
	// Per repository: the ping of /v2/ (tried over HTTPS first, which a plain-HTTP
	// loopback registry cannot answer) and one HEAD; the duplicate and the pinned
	// reference cost nothing.
	if got := reg.Requests() - before; got > 4 || res.Requests > got+2 {
		t.Errorf("%d requests served, %d sent; want at most 4 served, and 2 HTTPS tries more", got, res.Requests)
	}
}

func TestResolveMovedTag(t *testing.T) {
	reg := ecisimtest.NewRegistry(t)
	first := push(t, reg, "web:1")
	second := push(t, reg, "web:1")
	res := digests.Resolve(context.Background(), []string{reg.Host + "/web:1"}, digests.Options{})
	if got := res.Digests[reg.Host+"/web:1"]; got != second || got == first {
		t.Fatalf("got %s, want the new digest %s", got, second)
	}
}

// A registry that cannot be reached costs one lookup, not one per image; an unknown tag
// is the image's problem, not the registry's.
func TestResolveStoppedRegistryFailsOnce(t *testing.T) {
	down := ecisimtest.NewRegistry(t)
	up := ecisimtest.NewRegistry(t)
	push(t, up, "web:1")
	if err := down.Close(); err != nil {
		t.Fatal(err)
	}
	var images []string
	for _, r := range []string{"a:1", "b:1", "c:1", "d:1"} {
		images = append(images, down.Host+"/"+r)
	}
	images = append(images, up.Host+"/web:1", up.Host+"/web:404")
	res := digests.Resolve(context.Background(), images, digests.Options{})
	if _, ok := res.Registries[down.Host]; !ok || len(res.Registries) != 1 {
		t.Fatalf("registries down: %v", res.Registries)
	}
	// The stopped one: one lookup, its ping refused over HTTPS and HTTP. The other: a
	// ping (HTTPS, then HTTP) and two HEADs.
	if res.Requests > 2+4 {
		t.Errorf("%d requests; a stopped registry must cost one lookup", res.Requests)
	}
	if _, ok := res.Digests[up.Host+"/web:1"]; !ok {
		t.Error("the reachable registry's tag is not resolved")
	}
	if err := res.Images[up.Host+"/web:404"]; err == nil || !strings.Contains(err.Error(), "MANIFEST_UNKNOWN") && !strings.Contains(err.Error(), "404") {
		t.Errorf("unknown tag: %v", err)
	}
}

// Throttling (429) is retried with backoff.
func TestResolveRetriesThrottling(t *testing.T) {
	var heads atomic.Int64
	var throttling atomic.Bool
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if throttling.Load() && r.Method == http.MethodHead && heads.Add(1) <= 2 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	writeImage(t, host+"/web:1", nil)
	throttling.Store(true)
	res := digests.Resolve(context.Background(), []string{host + "/web:1"}, digests.Options{})
	if _, ok := res.Digests[host+"/web:1"]; !ok || heads.Load() != 3 {
		t.Fatalf("after two 429s: digests %v, errors %v %v, %d HEADs", res.Digests, res.Registries, res.Images, heads.Load())
	}
}

// A registry that wants a password gets the Docker config's credential for it; without
// one its 401 makes the whole registry unusable (each reference would be refused alike).
func TestResolveCredentials(t *testing.T) {
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "ci" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	writeImage(t, host+"/web:1", authn.FromConfig(authn.AuthConfig{Username: "ci", Password: "s3cret"}))
	images := []string{host + "/web:1"}

	empty := authn.NewMultiKeychain() // no Docker config
	if res := digests.Resolve(context.Background(), images, digests.Options{Keychain: empty}); len(res.Digests) != 0 || !digests.Unauthorized(res.Registries[host]) {
		t.Fatalf("without credentials: %v %v", res.Digests, res.Registries)
	}

	dir := t.TempDir()
	cfg, _ := json.Marshal(map[string]any{"auths": map[string]any{host: map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte("ci:s3cret"))}}})
	if err := os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)
	if res := digests.Resolve(context.Background(), images, digests.Options{}); len(res.Digests) != 1 {
		t.Fatalf("with the Docker config: %v %v", res.Images, res.Registries)
	}
}

func writeImage(t *testing.T, ref string, auth authn.Authenticator) {
	t.Helper()
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	opts := []remote.Option{}
	if auth != nil {
		opts = append(opts, remote.WithAuth(auth))
	}
	if err := remote.Write(tag, img, opts...); err != nil {
		t.Fatal(err)
	}
}

// Describe prints a registry's error answer as its status and codes alone, and any
// other error as one line of at most 200 bytes.
func TestDescribeBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v2/huge/") {
			w.Header().Set("Docker-Content-Digest", "sha256:"+strings.Repeat("a", 100<<10))
			w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
			return
		}
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"errors":[{"code":"DENIED","message":"your token s3cret\nis wrong"},{"code":"lower case <script>"}]}`))
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	res := digests.Resolve(context.Background(), []string{host + "/web:1", host + "/huge:1"}, digests.Options{Keychain: authn.NewMultiKeychain()})
	if got := digests.Describe(res.Images[host+"/web:1"]); got != "HTTP 403 Forbidden" && got != "HTTP 403 Forbidden (DENIED)" {
		t.Errorf("403: %q, want the status and the code alone", got)
	}
	var huge error = res.Registries[host]
	if huge == nil {
		huge = res.Images[host+"/huge:1"]
	}
	if huge == nil {
		t.Fatalf("huge digest header: resolved %v", res.Digests)
	}
	if got := digests.Describe(huge); len(got) > 210 || strings.ContainsAny(got, "\n\r") {
		t.Errorf("huge digest header: %d bytes %q, want one line of at most 200", len(got), got)
	}
	if got := digests.Describe(errors.New("a\nb\x1b[31m" + strings.Repeat("é", 300))); strings.ContainsAny(got, "\n\x1b") || len(got) > 210 || !strings.HasSuffix(got, "…") {
		t.Errorf("plain error: %q", got)
	}
}
