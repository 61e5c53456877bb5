package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/imcsync/imcsync/applier"
	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/digests"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
	"github.com/imcsync/imcsync/internal/engine"
	"github.com/imcsync/imcsync/spec"
)

// TestParseRefresh: the three modes are read as they are spelt; anything else is an
// error that names the value and the modes.
func TestParseRefresh(t *testing.T) {
	for s, want := range map[string]engine.Refresh{"off": engine.RefreshOff, "auto": engine.RefreshAuto, "strict": engine.RefreshStrict} {
		if got, err := engine.ParseRefresh(s); err != nil || got != want {
			t.Errorf("ParseRefresh(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	for _, s := range []string{"", "Auto", "always"} {
		_, err := engine.ParseRefresh(s)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) || !strings.Contains(err.Error(), "auto, strict or off") {
			t.Errorf("ParseRefresh(%q): got %v, want an error naming it and the modes", s, err)
		}
	}
}

// TestRefreshRebuildsMovedTag: with --refresh=auto a created cache records the digest
// its tag points to; once the tag moves the plan rebuilds it (a replace naming the old
// and the new digest), applying the fresh plan builds the new cache, and the next plan
// is clean. --refresh=off sends no registry request and sees nothing; a cache with
// refresh: never is left alone.
func TestRefreshRebuildsMovedTag(t *testing.T) {
	reg := ecisimtest.NewRegistry(t)
	first := push(t, reg, "web:1")
	sim, conn := startSim(t, ecisim.Config{Resolve: reg.Resolve}, parseState(t, "settings: {transition: 20ms}\ncaches: []\n"))
	ref := reg.Host + "/web:1"
	f := loadFile(t, fmt.Sprintf(`apiVersion: imcsync/v1
owner: team
region: cn-hangzhou
defaults: {securityGroupId: sg-1, vSwitchId: vsw-1}
imageCaches:
  - name: web
    images: [%[1]s]
  - name: frozen
    images: [%[1]s]
    refresh: never
`, ref))
	ctx := context.Background()
	auto := engine.PlanOptions{Refresh: engine.RefreshAuto, Registry: hermetic()}
	opts := applier.DefaultOptions()
	opts.PollInterval = 10 * time.Millisecond

	p := mustPlan(t, f, conn, auto)
	if p.Resolution == nil || p.Resolution.Digests[ref] != first || p.Resolution.Requests == 0 || len(p.Resolution.Warnings) != 0 {
		t.Fatalf("resolution %+v, want %s resolved to %s with requests counted", p.Resolution, ref, first)
	}
	if rep, err := p.Apply(ctx, conn.Client, opts); err != nil || !rep.OK() || rep.Summary.Created != 2 {
		t.Fatalf("create: %+v, %v", rep.Summary, err)
	}
	if p = mustPlan(t, f, conn, auto); p.Plan.HasChanges() {
		t.Fatalf("after create: %+v, want no changes", p.Plan.Summary)
	}

	second := push(t, reg, "web:1")
	before := reg.Requests()
	off := mustPlan(t, f, conn, engine.PlanOptions{Refresh: engine.RefreshOff})
	if off.Plan.HasChanges() || off.Resolution != nil || reg.Requests() != before {
		t.Errorf("--refresh=off: %+v, resolution %+v, %d registry requests; want no change, nothing resolved, none sent",
			off.Plan.Summary, off.Resolution, reg.Requests()-before)
	}

	p = mustPlan(t, f, conn, auto)
	if s := p.Plan.Summary; s.Replace != 1 || s.Update != 0 || s.Create != 0 || s.Delete != 0 {
		t.Fatalf("after the tag moved: %+v, want one replace", s)
	}
	for _, c := range p.Plan.Changes {
		switch c.Name {
		case "web":
			if !c.Refreshes() || len(c.Refresh) != 1 || c.Refresh[0].Image != ref || c.Refresh[0].To != second ||
				len(c.Refresh[0].From) < len("sha256:")+8 || !strings.HasPrefix(first, c.Refresh[0].From) {
				t.Errorf("web: %s %+v, want a rebuild of %s from %s to %s", c.Action, c.Refresh, ref, first, second)
			}
		case "frozen":
			if c.Action.Mutates() {
				t.Errorf("frozen (refresh: never): %s, want left alone", c.Action)
			}
		}
	}
	rep, err := p.Apply(ctx, conn.Client, opts)
	if err != nil || !rep.OK() || rep.Summary.Replaced != 1 {
		t.Fatalf("rebuild: %+v, %v", rep.Summary, err)
	}
	if p = mustPlan(t, f, conn, auto); p.Plan.HasChanges() {
		t.Errorf("after the rebuild: %+v, want no changes", p.Plan.Summary)
	}
	built := map[string]string{}
	for _, c := range sim.Server.State().Caches {
		built[c.Name] = c.Digests[ref]
	}
	if built["web"] != second || built["frozen"] != first {
		t.Errorf("the emulator's caches hold %v, want web built from %s and frozen still from %s", built, second, first)
	}
}

// TestRefreshRegistryDown: a registry that cannot be reached is a warning naming it and
// counting its tags with --refresh=auto, and the plan goes on; with strict it is an
// error and nothing is planned.
func TestRefreshRegistryDown(t *testing.T) {
	reg := ecisimtest.NewRegistry(t)
	host := reg.Host
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	f := loadFile(t, fmt.Sprintf(`apiVersion: imcsync/v1
region: cn-hangzhou
defaults: {securityGroupId: sg-1, vSwitchId: vsw-1}
imageCaches:
  - name: web
    images: [%[1]s/web:1, %[1]s/api:2, %[1]s/db@sha256:%064[2]d]
`, host, 0))
	src := emptySaved(t)
	p, err := engine.Plan(context.Background(), f, src, engine.PlanOptions{Refresh: engine.RefreshAuto, Registry: hermetic()})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(p.Plan.Warnings, "\n")
	if !strings.Contains(w, "registry "+host+" could not be reached") || !strings.Contains(w, ": 2 image(s) not checked for moved tags") ||
		!strings.Contains(w, "--refresh=strict makes this an error") {
		t.Errorf("warnings %q, want the registry named with its 2 tags", p.Plan.Warnings)
	}
	if p.Plan.Summary.Create != 1 || len(p.Resolution.Digests) != 0 {
		t.Errorf("plan %+v, digests %v: want the create planned without digests", p.Plan.Summary, p.Resolution.Digests)
	}

	p, err = engine.Plan(context.Background(), f, src, engine.PlanOptions{Refresh: engine.RefreshStrict, Registry: hermetic()})
	if p != nil || err == nil {
		t.Fatalf("strict: planned %v, %v; want an error", p, err)
	}
	for _, want := range []string{"resolving image tags (--refresh=strict)", "registry " + host + " could not be reached", "nothing was planned"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("strict: %q lacks %q", err, want)
		}
	}
}

// TestRefreshUnknownTag: a tag the registry does not have is a warning about that image
// alone (the others are resolved) with auto, an error with strict.
func TestRefreshUnknownTag(t *testing.T) {
	reg := ecisimtest.NewRegistry(t)
	web := push(t, reg, "web:1")
	f := loadFile(t, fmt.Sprintf("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [%[1]s/web:1, %[1]s/web:2], securityGroupId: sg-1, vSwitchId: vsw-1}\n", reg.Host))
	p, err := engine.Plan(context.Background(), f, emptySaved(t), engine.PlanOptions{Refresh: engine.RefreshAuto, Registry: hermetic()})
	if err != nil {
		t.Fatal(err)
	}
	if p.Resolution.Digests[reg.Host+"/web:1"] != web || len(p.Resolution.Digests) != 1 {
		t.Errorf("digests %v, want web:1 alone resolved to %s", p.Resolution.Digests, web)
	}
	if len(p.Plan.Warnings) != 1 || !strings.HasPrefix(p.Plan.Warnings[0], "image "+reg.Host+"/web:2: its tag could not be resolved") {
		t.Errorf("warnings %q, want one about web:2", p.Plan.Warnings)
	}
	_, err = engine.Plan(context.Background(), f, emptySaved(t), engine.PlanOptions{Refresh: engine.RefreshStrict, Registry: hermetic()})
	if err == nil || !strings.Contains(err.Error(), reg.Host+"/web:2") || strings.Contains(err.Error(), "/web:1") {
		t.Errorf("strict: got %v, want an error about web:2 alone", err)
	}
}

// TestRefreshNeverReadsFileCredentials: a plan may run on an untrusted file, so the
// tags of a registry that wants a password are resolved with the Docker config's
// credential alone: the file's passwordFromEnv is never read (the registry receives no
// Authorization header without a Docker config entry), and the 401 says how to log in.
func TestRefreshNeverReadsFileCredentials(t *testing.T) {
	var sawAuth atomic.Bool
	inner := basicAuth("ci", "s3cret", registry.New(registry.Logger(nopLogger())))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			sawAuth.Store(true)
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/web:1"
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img, remote.WithAuth(&authn.Basic{Username: "ci", Password: "s3cret"})); err != nil {
		t.Fatal(err)
	}
	want, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	sawAuth.Store(false)
	t.Setenv("REGISTRY_PW", "s3cret")
	f := loadFile(t, fmt.Sprintf(`apiVersion: imcsync/v1
region: cn-hangzhou
imageCaches:
  - name: web
    images: [%s]
    securityGroupId: sg-1
    vSwitchId: vsw-1
    imageRegistryCredentials:
      - {server: "%s", userName: ci, passwordFromEnv: REGISTRY_PW}
`, ref, host))
	p, err := engine.Plan(context.Background(), f, emptySaved(t), engine.PlanOptions{Refresh: engine.RefreshAuto, Registry: hermetic()})
	if err != nil {
		t.Fatal(err)
	}
	if sawAuth.Load() || p.Resolution.Digests[ref] != "" {
		t.Errorf("without a Docker config entry: Authorization sent %v, digest %q; want neither", sawAuth.Load(), p.Resolution.Digests[ref])
	}
	if len(p.Plan.Warnings) != 1 || !strings.Contains(p.Plan.Warnings[0], "registry "+host+" answered 401 Unauthorized") ||
		!strings.Contains(p.Plan.Warnings[0], "docker login "+host) {
		t.Errorf("warnings %q, want one saying the registry answered 401 and how to log in", p.Plan.Warnings)
	}

	o := engine.PlanOptions{Refresh: engine.RefreshAuto, Registry: hermetic()}
	o.Registry.Keychain = staticKeychain{host: authn.AuthConfig{Username: "ci", Password: "s3cret"}}
	p, err = engine.Plan(context.Background(), f, emptySaved(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Resolution.Digests[ref]; got != want.String() || len(p.Plan.Warnings) != 0 {
		t.Errorf("with the Docker config's credential: digest %q, warnings %q; want %s", got, p.Plan.Warnings, want)
	}
}

// staticKeychain serves fixed credentials by registry host, as a Docker config would.
type staticKeychain map[string]authn.AuthConfig

func (k staticKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if c, ok := k[r.RegistryStr()]; ok {
		return authn.FromConfig(c), nil
	}
	return authn.Anonymous, nil
}

// TestRefreshOnlyCoveredCaches: only the caches the plan covers are resolved: a region
// or target filter, and refresh: never, keep a dead registry out of a strict plan.
func TestRefreshOnlyCoveredCaches(t *testing.T) {
	reg := ecisimtest.NewRegistry(t)
	push(t, reg, "web:1")
	dead := ecisimtest.NewRegistry(t)
	if err := dead.Close(); err != nil {
		t.Fatal(err)
	}
	f := loadFile(t, fmt.Sprintf(`apiVersion: imcsync/v1
region: cn-hangzhou
defaults: {securityGroupId: sg-1, vSwitchId: vsw-1}
imageCaches:
  - name: web
    images: [%[1]s/web:1]
  - name: frozen
    images: [%[2]s/old:1]
    refresh: never
  - name: far
    region: cn-beijing
    images: [%[2]s/far:1]
`, reg.Host, dead.Host))
	for name, o := range map[string]engine.PlanOptions{
		"region": {Regions: []string{"cn-hangzhou"}},
		"target": {Targets: []string{"cn-hangzhou/web"}},
	} {
		o.Refresh, o.Registry = engine.RefreshStrict, hermetic()
		p, err := engine.Plan(context.Background(), f, emptySaved(t), o)
		if err != nil {
			t.Errorf("%s: %v, want the dead registry left out", name, err)
			continue
		}
		if len(p.Resolution.Digests) != 1 || p.Resolution.Digests[reg.Host+"/web:1"] == "" {
			t.Errorf("%s: digests %v, want web:1 alone", name, p.Resolution.Digests)
		}
	}
	_, err := engine.Plan(context.Background(), f, emptySaved(t), engine.PlanOptions{Refresh: engine.RefreshStrict, Registry: hermetic()})
	if err == nil || !strings.Contains(err.Error(), "registry "+dead.Host+" could not be reached") || !strings.Contains(err.Error(), ": 1 image(s) not checked") {
		t.Errorf("whole file: got %v, want the dead registry named with far's one image (frozen is never refreshed)", err)
	}
}

// TestPlanStopsResolvingWhenListingFails: the registries are read while the caches are
// listed; when the listing fails, the lookups still running are cancelled and the
// listing's error is the plan's.
func TestPlanStopsResolvingWhenListingFails(t *testing.T) {
	asked, cancelled, release := make(chan struct{}, 1), make(chan struct{}, 1), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case asked <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
			select {
			case cancelled <- struct{}{}:
			default:
			}
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	host := strings.TrimPrefix(srv.URL, "http://")
	f := loadFile(t, fmt.Sprintf("apiVersion: imcsync/v1\nregion: cn-hangzhou\nimageCaches:\n  - {name: web, images: [%s/web:1]}\n", host))
	listing := errors.New("listing image caches in cn-hangzhou: throttled")
	src := sourceFunc(func(ctx context.Context, _ []string) ([]cloud.Cache, error) {
		select {
		case <-asked: // the registry is being asked
		case <-time.After(30 * time.Second):
			t.Error("the registry was not asked while listing")
		}
		return nil, listing
	})
	o := engine.PlanOptions{Refresh: engine.RefreshStrict, Registry: hermetic()}
	o.Registry.Timeout = time.Hour
	planned := make(chan error, 1)
	go func() {
		_, err := engine.Plan(context.Background(), f, src, o)
		planned <- err
	}()
	select {
	case err := <-planned:
		if !errors.Is(err, listing) {
			t.Errorf("got %v, want the listing's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the plan still waits for the registry after the listing failed")
	}
	select {
	case <-cancelled:
	case <-time.After(30 * time.Second):
		t.Error("the registry lookup was not cancelled")
	}
}

// basicAuth serves next to requests with the user and password, and asks for them
// (HTTP basic authentication) otherwise.
func basicAuth(user, password string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="registry"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hermetic is registry options that read no Docker config of the machine.
func hermetic() digests.Options {
	return digests.Options{Keychain: authn.NewMultiKeychain(), Attempts: 1, Timeout: 10 * time.Second}
}

func push(t *testing.T, reg *ecisim.Registry, ref string) string {
	t.Helper()
	d, err := reg.Push(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parseState(t *testing.T, content string) *ecisim.State {
	t.Helper()
	st, err := ecisim.ParseState([]byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// loadFile writes an imagecaches.yaml of content and loads it.
func loadFile(t *testing.T, content string) *spec.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "imagecaches.yaml")
	write(t, path, content)
	f, err := engine.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// emptySaved is a saved listing of no caches.
func emptySaved(t *testing.T) engine.Saved {
	t.Helper()
	path := filepath.Join(t.TempDir(), "describe.json")
	write(t, path, `{"ImageCaches": [], "TotalCount": 0}`)
	return engine.Saved(path)
}

func mustPlan(t *testing.T, f *spec.File, src engine.Source, o engine.PlanOptions) *engine.Planned {
	t.Helper()
	p, err := engine.Plan(context.Background(), f, src, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sourceFunc is a Source of a function.
type sourceFunc func(ctx context.Context, regions []string) ([]cloud.Cache, error)

func (s sourceFunc) Live(ctx context.Context, regions []string) ([]cloud.Cache, error) {
	return s(ctx, regions)
}

func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }
