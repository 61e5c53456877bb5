package eci_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/internal/eci"
	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

// The conformance suite runs against the emulator, and also against real ECI with
// -eci.real (credentials from the standard chain, e.g. ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET; region from ECI_TEST_REGION). Against real ECI it
// creates and deletes billed image caches named imcsync-conformance-*, and it skips the
// checks that need the emulator (seeded caches, request log, faults, clock).
var realECI = flag.Bool("eci.real", false, "also run the conformance tests against real ECI (see eci_test.go)")

const region = "cn-hangzhou"

var epoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// backend is one system under test.
type backend struct {
	Client *eci.Client
	Region string
	Config eci.Config // what Client was built from
	Sim    *ecisim.Running
	Clock  *ecisim.ManualClock
}

// needSim skips a check that only the emulator can make.
func (b *backend) needSim(t *testing.T) {
	t.Helper()
	if b.Sim == nil {
		t.Skip("needs the emulator")
	}
}

// image returns an image reference the backend can pull.
func (b *backend) image(tag string) string {
	if b.Sim != nil {
		return "registry.example.com/team/app:" + tag
	}
	return "registry-vpc." + b.Region + ".aliyuncs.com/eci_open/nginx:" + tag
}

// requests returns the logged requests of one action.
func (b *backend) requests(action string) []ecisim.LoggedRequest {
	var out []ecisim.LoggedRequest
	for _, r := range b.Sim.Server.Requests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// runConformance runs fn against the emulator seeded with seed, then against real ECI
// when -eci.real is set (seed is ignored there).
func runConformance(t *testing.T, seed []ecisim.Cache, fn func(t *testing.T, b *backend)) {
	t.Run("ecisim", func(t *testing.T) {
		t.Parallel()
		run, clock := ecisimtest.NewManualServer(t, ecisim.Config{Clock: ecisim.NewManualClock(epoch)}, &ecisim.State{Caches: seed})
		// One try per call: these tests look at single answers; retry_test.go at retries.
		cfg := eci.Config{Endpoint: run.URL, AccessKeyID: ecisim.DefaultAccessKeyID, AccessKeySecret: ecisim.DefaultAccessKeySecret, UserAgent: "imcsync-test",
			Retry: eci.RetryPolicy{MaxAttempts: 1}}
		c, err := eci.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		fn(t, &backend{Client: c, Region: region, Config: cfg, Sim: run, Clock: clock})
	})
	if !*realECI {
		return
	}
	t.Run("real", func(t *testing.T) {
		r := os.Getenv("ECI_TEST_REGION")
		if r == "" {
			t.Fatal("-eci.real needs ECI_TEST_REGION")
		}
		cfg := eci.Config{Endpoint: os.Getenv("ECI_TEST_ENDPOINT"), AccessKeyID: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"),
			AccessKeySecret: os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET"), UserAgent: "imcsync-test", Retry: eci.RetryPolicy{MaxAttempts: 1}}
		c, err := eci.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		fn(t, &backend{Client: c, Region: r, Config: cfg})
	})
}

func seedCaches(n int, reg string, status string) []ecisim.Cache {
	out := make([]ecisim.Cache, n)
	for i := range out {
		out[i] = ecisim.Cache{
			Region: reg, ID: fmt.Sprintf("imc-%s-%04d", reg, i), Name: fmt.Sprintf("cache-%04d", i), Status: status,
			Images: []string{fmt.Sprintf("registry.example.com/app:%d", i)}, CreationTime: epoch.Add(-time.Duration(n-i) * time.Minute),
		}
	}
	return out
}

func TestConformanceListPages(t *testing.T) {
	seed := append(seedCaches(250, region, ecisim.StatusReady), seedCaches(3, "cn-beijing", ecisim.StatusReady)...)
	runConformance(t, seed, func(t *testing.T, b *backend) {
		b.needSim(t)
		got, err := b.Client.List(context.Background(), b.Region)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
			if c.Region != region || c.Status != cloud.Ready || len(c.Images) != 1 || c.CreationTime.IsZero() {
				t.Errorf("bad cache %+v", c)
			}
		}
		var want []string
		for _, c := range seed[:250] {
			want = append(want, c.ID)
		}
		slices.Sort(ids)
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("List IDs (-want +got):\n%s", diff)
		}
		reqs := b.requests("DescribeImageCaches")
		if len(reqs) != 3 {
			t.Fatalf("%d DescribeImageCaches calls, want 3 (pages of 100)", len(reqs))
		}
		for i, r := range reqs {
			if r.Params["Limit"] != "100" || r.Params["RegionId"] != region || (i == 0) != (r.Params["NextToken"] == "") {
				t.Errorf("call %d params %v", i+1, r.Params)
			}
		}
	})
}

func TestConformanceEmptyRegion(t *testing.T) {
	runConformance(t, seedCaches(2, "cn-beijing", ecisim.StatusReady), func(t *testing.T, b *backend) {
		b.needSim(t)
		got, err := b.Client.List(context.Background(), "cn-shanghai")
		if err != nil || len(got) != 0 {
			t.Errorf("List = %v, %v; want nothing", got, err)
		}
	})
}

func TestConformanceLifecycle(t *testing.T) {
	runConformance(t, nil, func(t *testing.T, b *backend) {
		ctx := context.Background()
		name := fmt.Sprintf("imcsync-conformance-%d", time.Now().UnixNano())
		const password = "pa$$ w0rd/+secret"
		req := eci.CreateRequest{
			RegionID: b.Region, ClientToken: name, Params: eci.Params{"ImageCacheName": name, "Image": []string{b.image("1.25"), b.image("1.26")},
				"ImageCacheSize": int32(20), "RetentionDays": int32(1), "EliminationStrategy": "LRU",
				"Tag": []eci.Tag{{Key: "team", Value: "web"}, {Key: "empty", Value: ""}}},
		}
		if b.Sim != nil {
			for k, v := range map[string]any{"SecurityGroupId": "sg-1", "VSwitchId": "vsw-1,vsw-2", "ZoneId": "cn-hangzhou-h",
				"EipInstanceId": "eip-1", "ResourceGroupId": "rg-1",
				"AutoMatchImageCache": true, "Flash": true, "FlashCopyCount": int32(1), "StandardCopyCount": int32(2),
				"Annotations": "hide", "InsecureRegistry": "reg.a", "PlainHttpRegistry": "reg.b", "OsType": "Linux",
				"ImageRegistryCredential": []eci.RegistryCredential{{Server: "registry.example.com", UserName: "ci", Password: password}},
				"AcrRegistryInfo": []eci.AcrRegistryInfo{{InstanceID: "cri-1", InstanceName: "prod", RegionID: region,
					Domains: []string{"a.cr.aliyuncs.com", "b.cr.aliyuncs.com"}, ArnService: "acs:ram::1:role/s", ArnUser: "acs:ram::2:role/u"}},
			} {
				req.Params[k] = v
			}
		} else {
			for k, env := range map[string]string{"SecurityGroupId": "ECI_TEST_SECURITY_GROUP", "VSwitchId": "ECI_TEST_VSWITCH"} {
				if v := optEnv(env); v != nil {
					req.Params[k] = *v
				}
			}
		}
		id, err := b.Client.Create(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := b.Client.Delete(context.Background(), b.Region, id, ""); err != nil && !errors.Is(err, eci.ErrNotFound) {
				t.Errorf("cleanup: %v", err)
			}
		})
		if b.Sim != nil {
			p := b.requests("CreateImageCache")[0].Params
			want := map[string]string{
				"RegionId": region, "ClientToken": name, "ImageCacheName": name, "Image.1": b.image("1.25"), "Image.2": b.image("1.26"),
				"ImageCacheSize": "20", "RetentionDays": "1", "EliminationStrategy": "LRU",
				"Tag.1.Key": "team", "Tag.1.Value": "web", "Tag.2.Key": "empty", "Tag.2.Value": "",
				"SecurityGroupId": "sg-1", "VSwitchId": "vsw-1,vsw-2", "ZoneId": "cn-hangzhou-h", "EipInstanceId": "eip-1", "ResourceGroupId": "rg-1",
				"AutoMatchImageCache": "true", "Flash": "true", "FlashCopyCount": "1", "StandardCopyCount": "2",
				"Annotations": "hide", "InsecureRegistry": "reg.a", "PlainHttpRegistry": "reg.b", "OsType": "Linux",
				"ImageRegistryCredential.1.Server": "registry.example.com", "ImageRegistryCredential.1.UserName": "ci", "ImageRegistryCredential.1.Password": "***",
				"AcrRegistryInfo.1.InstanceId": "cri-1", "AcrRegistryInfo.1.InstanceName": "prod", "AcrRegistryInfo.1.RegionId": region,
				"AcrRegistryInfo.1.Domain.1": "a.cr.aliyuncs.com", "AcrRegistryInfo.1.Domain.2": "b.cr.aliyuncs.com",
				"AcrRegistryInfo.1.ArnService": "acs:ram::1:role/s", "AcrRegistryInfo.1.ArnUser": "acs:ram::2:role/u",
			}
			if diff := cmp.Diff(want, p); diff != "" {
				t.Errorf("CreateImageCache params (-want +got):\n%s", diff)
			}
		}

		got, err := b.Client.Get(ctx, b.Region, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != id || got.Name != name || got.Region != b.Region || !slices.Equal(got.Images, req.Params["Image"].([]string)) ||
			got.Tags["team"] != "web" || (got.Status != cloud.Preparing && got.Status != cloud.Creating) {
			t.Errorf("Get after create = %+v", got)
		}
		listed, err := b.Client.List(ctx, b.Region)
		if err != nil || !slices.ContainsFunc(listed, func(c cloud.Cache) bool { return c.ID == id }) {
			t.Errorf("new cache not listed (err %v)", err)
		}

		// Still being created: Update is refused with IncorrectStatus.
		upd := eci.UpdateRequest{RegionID: b.Region, ImageCacheID: id, ClientToken: name + "-u1",
			Params: eci.Params{"ImageCacheSize": int32(30), "Tag": []eci.Tag{{Key: "team", Value: "api"}}}}
		err = b.Client.Update(ctx, upd)
		if !errors.Is(err, eci.ErrIncorrectStatus) || eci.Retryable(err) {
			t.Fatalf("Update while creating: %v", err)
		}

		if b.Sim != nil {
			b.Clock.Advance(time.Minute)
			b.Sim.Server.ResetRequests()
			if err := b.Client.Update(ctx, upd); err != nil {
				t.Fatal(err)
			}
			p := b.requests("UpdateImageCache")[0].Params
			want := map[string]string{"RegionId": region, "ImageCacheId": id, "ClientToken": name + "-u1", "ImageCacheSize": "30",
				"Tag.1.Key": "team", "Tag.1.Value": "api"}
			if diff := cmp.Diff(want, p); diff != "" {
				t.Errorf("UpdateImageCache params (-want +got):\n%s", diff)
			}
			got, err := b.Client.Get(ctx, b.Region, id)
			if err != nil || got.Status != cloud.Updating || got.Size != 30 || !cmp.Equal(got.Tags, map[string]string{"team": "api"}) {
				t.Errorf("Get after update = %+v, %v", got, err)
			}
			b.Clock.Advance(time.Minute)
			err = b.Client.Update(ctx, eci.UpdateRequest{RegionID: b.Region, ImageCacheID: id, ClientToken: name + "-u2", Params: eci.Params{"ImageCacheSize": int32(30)}})
			if !errors.Is(err, eci.ErrNoNeedUpdate) || eci.Retryable(err) {
				t.Errorf("Update without change: %v", err)
			}
		}

		if err := b.Client.Delete(ctx, b.Region, id, name+"-d"); err != nil {
			t.Fatal(err)
		}
		if b.Sim != nil {
			if _, err := b.Client.Get(ctx, b.Region, id); !errors.Is(err, eci.ErrNotFound) {
				t.Errorf("Get after delete: %v", err)
			}
			if err := b.Client.Delete(ctx, b.Region, id, ""); !errors.Is(err, eci.ErrNotFound) {
				t.Errorf("second Delete: %v", err)
			}
		}
	})
}

func TestConformanceNotFound(t *testing.T) {
	runConformance(t, nil, func(t *testing.T, b *backend) {
		ctx := context.Background()
		const id = "imc-doesnotexist0000001"
		if _, err := b.Client.Get(ctx, b.Region, id); !errors.Is(err, eci.ErrNotFound) {
			t.Errorf("Get: %v", err)
		}
		err := b.Client.Update(ctx, eci.UpdateRequest{RegionID: b.Region, ImageCacheID: id, Params: eci.Params{"ImageCacheSize": int32(30)}})
		var api *eci.APIError
		if !errors.Is(err, eci.ErrNotFound) || !errors.As(err, &api) || api.RequestID == "" || api.Action != "UpdateImageCache" || api.Region != b.Region {
			t.Errorf("Update: %#v", err)
		}
		if err := b.Client.Delete(ctx, b.Region, id, ""); !errors.Is(err, eci.ErrNotFound) {
			t.Errorf("Delete: %v", err)
		}
	})
}

func TestConformanceAuthErrors(t *testing.T) {
	runConformance(t, nil, func(t *testing.T, b *backend) {
		if b.Config.AccessKeyID == "" {
			t.Skip("needs a static key pair")
		}
		const wrong = "definitely-not-the-secret"
		for _, tt := range []struct {
			id, code string
		}{
			{b.Config.AccessKeyID, "SignatureDoesNotMatch"},
			{"unknown-key-id", "InvalidAccessKeyId.NotFound"},
		} {
			cfg := b.Config
			cfg.AccessKeyID, cfg.AccessKeySecret = tt.id, wrong
			c, err := eci.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.List(context.Background(), b.Region)
			var api *eci.APIError
			if !errors.As(err, &api) || api.Code != tt.code || !errors.Is(err, eci.ErrPermanent) || errors.Is(err, eci.ErrNotFound) || eci.Retryable(err) {
				t.Errorf("key %s: got %v", tt.id, err)
				continue
			}
			if strings.Contains(err.Error(), wrong) {
				t.Errorf("secret in %q", err)
			}
		}
	})
}

func TestConformanceFaults(t *testing.T) {
	runConformance(t, seedCaches(1, region, ecisim.StatusReady), func(t *testing.T, b *backend) {
		b.needSim(t)
		ctx := context.Background()
		for _, tt := range []struct {
			rule  ecisim.Rule
			class error
			code  string
		}{
			{ecisim.Rule{ThrottleFirst: 1}, eci.ErrThrottled, "Throttling.User"},
			{ecisim.Rule{FailFirst: 1}, eci.ErrServer, "ServiceUnavailable"},
		} {
			b.Sim.Server.SetFaults(ecisim.Faults{Rule: tt.rule})
			_, err := b.Client.Create(ctx, eci.CreateRequest{RegionID: region, Params: eci.Params{"ImageCacheName": "faulted", "Image": []string{b.image("1")}}})
			var api *eci.APIError
			if !errors.As(err, &api) || api.Code != tt.code || !errors.Is(err, tt.class) || !eci.Retryable(err) || api.RequestID == "" {
				t.Errorf("%s: got %v", tt.code, err)
			}
			// Faults count per action: the first Describe fails too, the second goes through.
			if _, err := b.Client.List(ctx, region); !errors.Is(err, tt.class) {
				t.Errorf("first List under %s: %v", tt.code, err)
			}
			got, err := b.Client.List(ctx, region)
			if err != nil || len(got) != 1 {
				t.Errorf("after %s: %d caches (the faulted create must have no effect), %v", tt.code, len(got), err)
			}
		}
	})
}

// TestConformanceConcurrent shares one Client between 20 goroutines (run with -race).
func TestConformanceConcurrent(t *testing.T) {
	const n = 20
	runConformance(t, seedCaches(n, region, ecisim.StatusReady), func(t *testing.T, b *backend) {
		b.needSim(t)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				id := fmt.Sprintf("imc-%s-%04d", region, i)
				if _, err := b.Client.List(ctx, region); err != nil {
					errs[i] = err
					return
				}
				if _, err := b.Client.Get(ctx, region, id); err != nil {
					errs[i] = err
					return
				}
				errs[i] = b.Client.Update(ctx, eci.UpdateRequest{RegionID: region, ImageCacheID: id, ClientToken: "tok-" + id, Params: eci.Params{"ImageCacheSize": int32(30 + i)}})
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		got, err := b.Client.List(ctx, region)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range got {
			var i int
			fmt.Sscanf(c.Name, "cache-%d", &i)
			if c.Size != int32(30+i) {
				t.Errorf("%s: size %d, want %d", c.ID, c.Size, 30+i)
			}
		}
		if u := b.requests("UpdateImageCache"); len(u) != n {
			t.Errorf("%d updates sent, want %d", len(u), n)
		}
	})
}

func TestConformanceContext(t *testing.T) {
	runConformance(t, nil, func(t *testing.T, b *backend) {
		b.needSim(t)
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := b.Client.List(cancelled, region); !errors.Is(err, context.Canceled) || eci.Retryable(err) {
			t.Errorf("cancelled context: %v", err)
		}
		if len(b.Sim.Server.Requests()) != 0 {
			t.Errorf("a request was sent with a cancelled context")
		}

		b.Sim.Server.SetFaults(ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(2 * time.Second)}})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := b.Client.List(ctx, region)
		if !errors.Is(err, context.DeadlineExceeded) || eci.Retryable(err) {
			t.Errorf("deadline: %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("List returned %v after its deadline", d)
		}
	})
}

// TestConformanceReadTimeout proves the ReadTimeout unit: 200ms against a 2s answer.
func TestConformanceReadTimeout(t *testing.T) {
	runConformance(t, nil, func(t *testing.T, b *backend) {
		b.needSim(t)
		b.Sim.Server.SetFaults(ecisim.Faults{Rule: ecisim.Rule{Latency: ecisim.Duration(2 * time.Second)}})
		cfg := b.Config
		cfg.ReadTimeout = 200 * time.Millisecond
		c, err := eci.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.List(context.Background(), region)
		d := time.Since(start)
		var te *eci.TransportError
		if !errors.As(err, &te) || !te.Timeout() || !eci.Retryable(err) {
			t.Fatalf("got %v", err)
		}
		if d < 150*time.Millisecond || d > time.Second {
			t.Errorf("timed out after %v, want about 200ms", d)
		}
	})
}

func optEnv(k string) *string {
	if v := os.Getenv(k); v != "" {
		return &v
	}
	return nil
}

// TestDefaultCredentialChain uses the standard chain (here: environment variables) from
// many goroutines at once; the chain's providers keep unguarded state, so -race fails if
// the client does not serialise them.
func TestDefaultCredentialChain(t *testing.T) {
	for _, k := range []string{"ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_CREDENTIALS_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", ecisim.DefaultAccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ecisim.DefaultAccessKeySecret)
	run := ecisimtest.NewServer(t, ecisim.Config{}, &ecisim.State{Caches: seedCaches(3, region, ecisim.StatusReady)})
	c, err := eci.New(eci.Config{Endpoint: run.URL})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		wg.Go(func() {
			got, err := c.List(context.Background(), region)
			if err == nil && len(got) != 3 {
				err = fmt.Errorf("%d caches, want 3", len(got))
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}
