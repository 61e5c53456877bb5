package ecisim_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	eci "github.com/alibabacloud-go/eci-20180808/v3/client"
	util "github.com/alibabacloud-go/tea-utils/v2/service"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/imcsync/imcsync/internal/ecisim"
	"github.com/imcsync/imcsync/internal/ecisim/ecisimtest"
)

func TestWrongSecretAndUnknownKey(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	_, err := newClientWith(t, rn, ecisim.DefaultAccessKeyID, "wrong").DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	msg := wantError(t, err, 400, "SignatureDoesNotMatch")
	if !strings.Contains(msg, "server string to sign is:ACS3-HMAC-SHA256\n") {
		t.Errorf("message %q lacks the server's string to sign", msg)
	}
	_, err = newClientWith(t, rn, "nobody", "x").DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	wantError(t, err, 404, "InvalidAccessKeyId.NotFound")
	// A configured pair works, and the default pair is then refused.
	rn2 := ecisimtest.NewServer(t, ecisim.Config{Keys: map[string]string{"mine": "my-secret"}}, nil)
	if _, err := newClientWith(t, rn2, "mine", "my-secret").DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)}); err != nil {
		t.Fatal(err)
	}
	_, err = newClient(t, rn2).DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	wantError(t, err, 404, "InvalidAccessKeyId.NotFound")
}

// TestDarabonbaRPCSignature covers the SDK's own V1 path (SignatureAlgorithm "v2").
func TestDarabonbaRPCSignature(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	cfg := openapiConfig(rn, ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret)
	cfg.SignatureAlgorithm = tea.String("v2")
	c, err := eci.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region), ImageCacheName: tea.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body.ImageCaches) != 1 {
		t.Fatalf("%d caches", len(resp.Body.ImageCaches))
	}
	if sig := rn.Server.Requests()[0].Signature; sig != ecisim.SignatureV1 {
		t.Errorf("logged signature %q, want %s", sig, ecisim.SignatureV1)
	}
}

func TestResponseKeys(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c, err := openapi.NewClient(openapiConfig(rn, ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret))
	if err != nil {
		t.Fatal(err)
	}
	call := func(action string, query map[string]string) map[string]any {
		t.Helper()
		res, err := c.CallApi(&openapi.Params{
			Action: tea.String(action), Version: tea.String("2018-08-08"), Protocol: tea.String("HTTPS"),
			Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"),
			Style: tea.String("RPC"), ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
		}, &openapi.OpenApiRequest{Query: stringMap(query)}, &util.RuntimeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return res["body"].(map[string]any)
	}
	body := call("DescribeImageCaches", map[string]string{"RegionId": region})
	if got, want := slices.Sorted(mapsKeys(body)), []string{"ImageCaches", "NextToken", "RequestId", "TotalCount"}; !slices.Equal(got, want) {
		t.Errorf("describe keys %v, want %v", got, want)
	}
	cache := body["ImageCaches"].([]any)[0].(map[string]any)
	want := []string{"ContainerGroupId", "CreationTime", "EliminationStrategy", "Events", "ExpireDateTime",
		"FlashSnapshotId", "ImageCacheId", "ImageCacheName", "ImageCacheSize", "Images", "LastMatchedTime",
		"Progress", "RegionId", "ResourceGroupId", "SnapshotId", "Status", "Tags"}
	if got := slices.Sorted(mapsKeys(cache)); !slices.Equal(got, want) {
		t.Errorf("cache keys %v, want %v (write-only fields must not appear)", got, want)
	}
	body = call("UpdateImageCache", map[string]string{"RegionId": region, "ImageCacheId": webID, "ImageCacheSize": "30"})
	if got := slices.Sorted(mapsKeys(body)); !slices.Equal(got, []string{"RequestId"}) {
		t.Errorf("update keys %v", got)
	}

	_, err = c.CallApi(&openapi.Params{
		Action: tea.String("RunInstances"), Version: tea.String("2018-08-08"), Protocol: tea.String("HTTPS"),
		Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"),
		Style: tea.String("RPC"), ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
	}, &openapi.OpenApiRequest{Query: stringMap(map[string]string{"RegionId": region})}, &util.RuntimeOptions{})
	wantError(t, err, 404, "InvalidAction.NotFound")
	_, err = c.CallApi(&openapi.Params{
		Action: tea.String("DescribeImageCaches"), Version: tea.String("2019-01-01"), Protocol: tea.String("HTTPS"),
		Pathname: tea.String("/"), Method: tea.String("POST"), AuthType: tea.String("AK"),
		Style: tea.String("RPC"), ReqBodyType: tea.String("formData"), BodyType: tea.String("json"),
	}, &openapi.OpenApiRequest{Query: stringMap(map[string]string{"RegionId": region})}, &util.RuntimeOptions{})
	wantError(t, err, 400, "NoSuchVersion")
}

func stringMap(m map[string]string) map[string]*string {
	out := map[string]*string{}
	for k, v := range m {
		out[k] = tea.String(v)
	}
	return out
}

func mapsKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestErrorBodyShape(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	resp, err := http.Post(rn.URL+"/?RegionId=cn-hangzhou", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var body map[string]string
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(func(y func(string) bool) {
		for k := range body {
			if !y(k) {
				return
			}
		}
	}); !slices.Equal(got, []string{"Code", "HostId", "Message", "Recommend", "RequestId"}) {
		t.Fatalf("error keys %v", got)
	}
	if body["Code"] != "MissingParameter" || body["HostId"] != "eci.cn-hangzhou.aliyuncs.com" || body["RequestId"] == "" {
		t.Errorf("error body %v", body)
	}
}

func TestParameterErrors(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	_, err := c.CreateImageCache(&eci.CreateImageCacheRequest{RegionId: tea.String(region), ImageCacheName: tea.String("x")})
	msg := wantError(t, err, 400, "MissingParameter")
	if !strings.Contains(msg, `The input parameter "Image" that is mandatory for processing this request is not supplied.`) {
		t.Errorf("message %q", msg)
	}
	_, err = c.DescribeImageCaches(&eci.DescribeImageCachesRequest{})
	wantError(t, err, 400, "MissingParameter")

	many := func(n int, f func(i int) string) []*string {
		var out []*string
		for i := range n {
			out = append(out, tea.String(f(i)))
		}
		return out
	}
	tags := func(n int) []*eci.UpdateImageCacheRequestTag {
		var out []*eci.UpdateImageCacheRequestTag
		for i := range n {
			out = append(out, &eci.UpdateImageCacheRequestTag{Key: tea.String(fmt.Sprint("k", i)), Value: tea.String("v")})
		}
		return out
	}
	creds := func(n int) []*eci.UpdateImageCacheRequestImageRegistryCredential {
		var out []*eci.UpdateImageCacheRequestImageRegistryCredential
		for i := range n {
			out = append(out, &eci.UpdateImageCacheRequestImageRegistryCredential{Server: tea.String(fmt.Sprint("r", i, ".example.com"))})
		}
		return out
	}
	acr := func(n int) []*eci.UpdateImageCacheRequestAcrRegistryInfo {
		var out []*eci.UpdateImageCacheRequestAcrRegistryInfo
		for i := range n {
			out = append(out, &eci.UpdateImageCacheRequestAcrRegistryInfo{InstanceId: tea.String(fmt.Sprint("cri-", i))})
		}
		return out
	}
	for name, tc := range map[string]struct {
		req  eci.UpdateImageCacheRequest
		code string
	}{
		"101 images":         {eci.UpdateImageCacheRequest{Image: many(101, func(i int) string { return fmt.Sprint("img:", i) })}, "InvalidParameter"},
		"21 tags":            {eci.UpdateImageCacheRequest{Tag: tags(21)}, "InvalidParameter"},
		"11 credentials":     {eci.UpdateImageCacheRequest{ImageRegistryCredential: creds(11)}, "InvalidParameter"},
		"21 acr infos":       {eci.UpdateImageCacheRequest{AcrRegistryInfo: acr(21)}, "InvalidParameter"},
		"long client token":  {eci.UpdateImageCacheRequest{ClientToken: tea.String(strings.Repeat("t", 65)), ImageCacheSize: tea.Int32(30)}, "InvalidParameter"},
		"aliyun tag key":     {eci.UpdateImageCacheRequest{Tag: []*eci.UpdateImageCacheRequestTag{{Key: tea.String("aliyun:x"), Value: tea.String("v")}}}, "InvalidParameter"},
		"url in tag value":   {eci.UpdateImageCacheRequest{Tag: []*eci.UpdateImageCacheRequestTag{{Key: tea.String("k"), Value: tea.String("see https://x")}}}, "InvalidParameter"},
		"129-char tag key":   {eci.UpdateImageCacheRequest{Tag: []*eci.UpdateImageCacheRequestTag{{Key: tea.String(strings.Repeat("k", 129)), Value: tea.String("v")}}}, "InvalidParameter"},
		"bad strategy":       {eci.UpdateImageCacheRequest{EliminationStrategy: tea.String("FIFO")}, "InvalidParameter"},
		"zero size":          {eci.UpdateImageCacheRequest{ImageCacheSize: tea.Int32(0)}, "InvalidParameter"},
		"missing id":         {eci.UpdateImageCacheRequest{ImageCacheSize: tea.Int32(30)}, "MissingParameter"},
		"100 images is fine": {eci.UpdateImageCacheRequest{Image: many(100, func(i int) string { return fmt.Sprint("img:", i) })}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			req := tc.req
			req.RegionId = tea.String(region)
			if name != "missing id" {
				req.ImageCacheId = tea.String(webID)
			}
			_, err := c.UpdateImageCache(&req)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, 400, tc.code)
		})
	}
}

func TestClientTokenIdempotency(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	c := newClient(t, rn)
	req := &eci.CreateImageCacheRequest{RegionId: tea.String(region), ImageCacheName: tea.String("web"),
		Image: strs("nginx:1.25"), ClientToken: tea.String("create-web-1")}
	first, err := c.CreateImageCache(req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateImageCache(req)
	if err != nil {
		t.Fatal(err)
	}
	if id1, id2 := tea.StringValue(first.Body.ImageCacheId), tea.StringValue(again.Body.ImageCacheId); id1 != id2 {
		t.Errorf("retry created another cache: %s, %s", id1, id2)
	}
	list, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	if err != nil {
		t.Fatal(err)
	}
	if n := tea.Int32Value(list.Body.TotalCount); n != 1 {
		t.Fatalf("%d caches after an idempotent retry", n)
	}
	req.ImageCacheName = tea.String("other")
	_, err = c.CreateImageCache(req)
	wantError(t, err, 400, "IdempotentParameterMismatch")

	// Update: the retry answers as the first call did, without NoNeedUpdate or IncorrectStatus.
	clk.Advance(2 * ecisim.DefaultTransition)
	id := tea.StringValue(first.Body.ImageCacheId)
	up := &eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(id), Image: strs("nginx:1.26"), ClientToken: tea.String("up-1")}
	for range 2 {
		if _, err := c.UpdateImageCache(up); err != nil {
			t.Fatalf("update with ClientToken: %v", err)
		}
	}
	up.Image = strs("nginx:1.27")
	_, err = c.UpdateImageCache(up)
	wantError(t, err, 400, "IdempotentParameterMismatch")
}

func TestDuplicateNamesAreAllowed(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	c := newClient(t, rn)
	a, b := create(t, c, "same", "nginx:1"), create(t, c, "same", "nginx:1")
	resp, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region), ImageCacheName: tea.String("same")})
	if err != nil {
		t.Fatal(err)
	}
	if a == b || len(resp.Body.ImageCaches) != 2 {
		t.Fatalf("ids %s %s, %d listed", a, b, len(resp.Body.ImageCaches))
	}
}

func TestPagination(t *testing.T) {
	const n = 250
	st := &ecisim.State{}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		// Listed out of creation order: the emulator sorts by creation time.
		j := (i * 7) % n
		st.Caches = append(st.Caches, ecisim.Cache{Region: region, ID: fmt.Sprintf("imc-%04d", j), Name: fmt.Sprint("c", j),
			Images: []string{"nginx:1"}, CreationTime: base.Add(time.Duration(j) * time.Minute)})
	}
	st.Caches = append(st.Caches, ecisim.Cache{Region: "cn-beijing", Name: "elsewhere", Images: []string{"nginx:1"}})
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, st)
	c := newClient(t, rn)

	var ids []string
	var pages []int
	req := &eci.DescribeImageCachesRequest{RegionId: tea.String(region), Limit: tea.Int32(100)}
	for {
		resp, err := c.DescribeImageCaches(req)
		if err != nil {
			t.Fatal(err)
		}
		if total := tea.Int32Value(resp.Body.TotalCount); total != n {
			t.Fatalf("TotalCount %d, want %d", total, n)
		}
		pages = append(pages, len(resp.Body.ImageCaches))
		for _, ic := range resp.Body.ImageCaches {
			ids = append(ids, tea.StringValue(ic.ImageCacheId))
		}
		next := tea.StringValue(resp.Body.NextToken)
		if next == "" {
			break
		}
		req.NextToken = tea.String(next)
	}
	if !slices.Equal(pages, []int{100, 100, 50}) {
		t.Errorf("page sizes %v", pages)
	}
	for i, id := range ids {
		if want := fmt.Sprintf("imc-%04d", i); id != want {
			t.Fatalf("ids[%d] = %s, want %s (creation order)", i, id, want)
		}
	}
	resp, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body.ImageCaches) != 20 {
		t.Errorf("default page has %d caches, want 20", len(resp.Body.ImageCaches))
	}
	_, err = c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region), Limit: tea.Int32(101)})
	wantError(t, err, 400, "InvalidParameter")
	_, err = c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region), NextToken: tea.String("garbage!")})
	wantError(t, err, 400, "InvalidParameter")
}

func TestDescribeFilters(t *testing.T) {
	st := &ecisim.State{Caches: []ecisim.Cache{
		{Region: region, ID: "imc-a", Name: "a", Images: []string{"nginx:1", "redis:7"}, Tags: map[string]string{"team": "web", "env": "prod"}, ResourceGroupID: "rg-1"},
		{Region: region, ID: "imc-b", Name: "b", Images: []string{"nginx:1"}, Tags: map[string]string{"team": "db"}},
		{Region: region, ID: "imc-c", Name: "c", Images: []string{"nginx"}},
	}}
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, st)
	c := newClient(t, rn)
	for name, tc := range map[string]struct {
		req  eci.DescribeImageCachesRequest
		want []string
	}{
		"all":            {eci.DescribeImageCachesRequest{}, []string{"imc-a", "imc-b", "imc-c"}},
		"id":             {eci.DescribeImageCachesRequest{ImageCacheId: tea.String("imc-b")}, []string{"imc-b"}},
		"unknown id":     {eci.DescribeImageCachesRequest{ImageCacheId: tea.String("imc-zzz")}, nil},
		"name is exact":  {eci.DescribeImageCachesRequest{ImageCacheName: tea.String("a")}, []string{"imc-a"}},
		"image is exact": {eci.DescribeImageCachesRequest{Image: tea.String("nginx:1")}, []string{"imc-a", "imc-b"}},
		"resource group": {eci.DescribeImageCachesRequest{ResourceGroupId: tea.String("rg-1")}, []string{"imc-a"}},
		"tag key=value": {eci.DescribeImageCachesRequest{Tag: []*eci.DescribeImageCachesRequestTag{
			{Key: tea.String("team"), Value: tea.String("web")}, {Key: tea.String("env"), Value: tea.String("prod")}}}, []string{"imc-a"}},
		"tag key only":     {eci.DescribeImageCachesRequest{Tag: []*eci.DescribeImageCachesRequestTag{{Key: tea.String("team")}}}, []string{"imc-a", "imc-b"}},
		"match image: any": {eci.DescribeImageCachesRequest{MatchImage: tea.StringSlice([]string{"redis:7", "nginx"})}, []string{"imc-a", "imc-c"}},
		"match image: full": {eci.DescribeImageCachesRequest{MatchImage: tea.StringSlice([]string{"nginx:1", "redis:7"}),
			ImageFullMatch: tea.Bool(true)}, []string{"imc-a"}},
		"match image: full wins over count": {eci.DescribeImageCachesRequest{MatchImage: tea.StringSlice([]string{"nginx:1", "redis:7"}),
			ImageFullMatch: tea.Bool(true), ImageMatchCountRequest: tea.Int32(1)}, []string{"imc-a"}},
		"match image: count 2": {eci.DescribeImageCachesRequest{MatchImage: tea.StringSlice([]string{"nginx:1", "redis:7", "x:1"}),
			ImageMatchCountRequest: tea.Int32(2)}, []string{"imc-a"}},
		"match image: count 1": {eci.DescribeImageCachesRequest{MatchImage: tea.StringSlice([]string{"nginx:1", "redis:7", "x:1"}),
			ImageMatchCountRequest: tea.Int32(1)}, []string{"imc-a", "imc-b"}},
	} {
		t.Run(name, func(t *testing.T) {
			req := tc.req
			req.RegionId = tea.String(region)
			resp, err := c.DescribeImageCaches(&req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ic := range resp.Body.ImageCaches {
				got = append(got, tea.StringValue(ic.ImageCacheId))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	rn, _ := ecisimtest.NewManualServer(t, ecisim.Config{}, readyCache())
	c := newClient(t, rn)
	rn.Server.SetFaults(ecisim.Faults{Actions: map[string]ecisim.Rule{
		"UpdateImageCache":    {FailFirst: 2},
		"DescribeImageCaches": {ThrottleFirst: 1},
	}})
	_, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
	wantError(t, err, 400, "Throttling.User")
	if _, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)}); err != nil {
		t.Fatalf("second describe: %v", err)
	}
	req := &eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String(webID), ImageCacheSize: tea.Int32(30), ClientToken: tea.String("t-1")}
	_, err = c.UpdateImageCache(req)
	wantError(t, err, 503, "ServiceUnavailable")
	// The SDK's own retry (5xx only) gets through on the third call; the 503s had no effect.
	if _, err := c.UpdateImageCacheWithOptions(req, &util.RuntimeOptions{Autoretry: tea.Bool(true), MaxAttempts: tea.Int(3)}); err != nil {
		t.Fatalf("update with retries: %v", err)
	}
	var codes []string
	for _, r := range rn.Server.Requests() {
		if r.Action == "UpdateImageCache" {
			codes = append(codes, r.Code)
		}
	}
	if !slices.Equal(codes, []string{"ServiceUnavailable", "ServiceUnavailable", ""}) {
		t.Errorf("update calls ended %q", codes)
	}
	if s := status(t, c, webID); s != ecisim.StatusUpdating {
		t.Errorf("status %s, want Updating", s)
	}
}

func TestRandomFaultsAreReproducible(t *testing.T) {
	outcomes := func() []string {
		rn := ecisimtest.NewServer(t, ecisim.Config{Seed: 42, Faults: &ecisim.Faults{Rule: ecisim.Rule{FailRate: 0.3, ThrottleRate: 0.3}}}, nil)
		c := newClient(t, rn)
		var out []string
		for range 30 {
			_, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)})
			code := "ok"
			if err != nil {
				_, code, _ = sdkError(t, err)
			}
			out = append(out, code)
		}
		return out
	}
	a, b := outcomes(), outcomes()
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
	for _, want := range []string{"ok", "ServiceUnavailable", "Throttling.User"} {
		if !slices.Contains(a, want) {
			t.Errorf("no %s among %v", want, a)
		}
	}
}

func TestLatency(t *testing.T) {
	rn := ecisimtest.NewServer(t, ecisim.Config{Faults: &ecisim.Faults{Actions: map[string]ecisim.Rule{
		"DescribeImageCaches": {Latency: ecisim.Duration(2 * time.Second)}}}}, nil)
	cfg := openapiConfig(rn, ecisim.DefaultAccessKeyID, ecisim.DefaultAccessKeySecret)
	cfg.ReadTimeout = tea.Int(100) // milliseconds
	c, err := eci.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if _, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region)}); err == nil {
		t.Fatal("a 2s answer beat a 100ms read timeout")
	}
	if d := time.Since(began); d > time.Second {
		t.Errorf("timed out after %s", d)
	}
	// Other actions are not delayed.
	if _, err := c.UpdateImageCache(&eci.UpdateImageCacheRequest{RegionId: tea.String(region), ImageCacheId: tea.String("imc-x"), ImageCacheSize: tea.Int32(30)}); err != nil {
		wantError(t, err, 404, "InvalidImageCacheId.NotFound")
	}
}

func TestConcurrentClients(t *testing.T) {
	rn, clk := ecisimtest.NewManualServer(t, ecisim.Config{}, nil)
	const workers, each = 16, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			c := newClient(t, rn) // the SDK client is not safe for concurrent use
			for i := range each {
				resp, err := c.CreateImageCache(&eci.CreateImageCacheRequest{RegionId: tea.String(region),
					ImageCacheName: tea.String(fmt.Sprintf("w%d-%d", w, i)), Image: strs("nginx:1"),
					ClientToken: tea.String(fmt.Sprintf("tok-%d-%d", w, i))})
				if err != nil {
					errs <- err
					return
				}
				if _, err := c.DescribeImageCaches(&eci.DescribeImageCachesRequest{RegionId: tea.String(region), ImageCacheId: resp.Body.ImageCacheId}); err != nil {
					errs <- err
				}
				clk.Advance(time.Millisecond)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(rn.Server.State().Caches); n != workers*each {
		t.Errorf("%d caches, want %d", n, workers*each)
	}
}

// TestClientTokenConcurrentCreates sends one create, with one ClientToken, from several
// clients at once while the emulator is slow: the calls are in flight together, and
// still make one cache, every answer naming it.
func TestClientTokenConcurrentCreates(t *testing.T) {
	rn := ecisimtest.NewServer(t, ecisim.Config{Faults: &ecisim.Faults{Actions: map[string]ecisim.Rule{
		"CreateImageCache": {Latency: ecisim.Duration(300 * time.Millisecond)}}}}, nil)
	const clients = 8
	ids := make([]string, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for i := range clients {
		c := newClient(t, rn) // the SDK client is not safe for concurrent use
		wg.Go(func() {
			resp, err := c.CreateImageCache(&eci.CreateImageCacheRequest{RegionId: tea.String(region),
				ImageCacheName: tea.String("web"), Image: strs("nginx:1"), ClientToken: tea.String("same-create")})
			if errs[i] = err; err == nil {
				ids[i] = tea.StringValue(resp.Body.ImageCacheId)
			}
		})
	}
	wg.Wait()
	for i := range clients {
		if errs[i] != nil {
			t.Fatalf("client %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("client %d was answered %s, client 0 %s", i, ids[i], ids[0])
		}
	}
	if n := len(rn.Server.State().Caches); n != 1 {
		t.Errorf("%d caches after %d identical creates in flight at once, want 1", n, clients)
	}
}

// TestLostAnswers: with LostRate 1 a create takes effect but gets no answer; the retry
// with the same ClientToken (answers no longer lost) gets the first call's ID, and there
// is one cache.
func TestLostAnswers(t *testing.T) {
	rn := ecisimtest.NewServer(t, ecisim.Config{Faults: &ecisim.Faults{Rule: ecisim.Rule{LostRate: 1}}}, nil)
	c := newClient(t, rn)
	req := &eci.CreateImageCacheRequest{RegionId: tea.String(region), ImageCacheName: tea.String("web"),
		Image: strs("nginx:1"), ClientToken: tea.String("create-web")}
	if _, err := c.CreateImageCache(req); err == nil {
		t.Fatal("an answer came back with LostRate 1")
	}
	caches := rn.Server.State().Caches
	if len(caches) != 1 {
		t.Fatalf("%d caches after a create whose answer was lost, want 1 (it took effect)", len(caches))
	}
	rn.Server.SetFaults(ecisim.Faults{})
	resp, err := c.CreateImageCache(req)
	if err != nil {
		t.Fatal(err)
	}
	if id := tea.StringValue(resp.Body.ImageCacheId); id != caches[0].ID {
		t.Errorf("the retry was answered %s, want the lost answer's %s", id, caches[0].ID)
	}
	if n := len(rn.Server.State().Caches); n != 1 {
		t.Errorf("%d caches after the retry, want 1", n)
	}
	log := rn.Server.Requests()
	if len(log) != 2 || log[0].Code != "AnswerLost" || log[0].Status != 0 {
		t.Errorf("request log %+v: want the lost answer logged with code AnswerLost and status 0", log)
	}
}
