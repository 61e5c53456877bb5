package coverage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/workloads"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"redis:alpine":                    "docker.io/library/redis:alpine",
		"nginx":                           "docker.io/library/nginx:latest",
		"docker.io/library/nginx:1.25":    "docker.io/library/nginx:1.25",
		"index.docker.io/bitnami/redis:7": "docker.io/bitnami/redis:7",
		"registry.example.com:5000/a/b:1": "registry.example.com:5000/a/b:1",
		"busybox:1.38.0@sha256:" + sha:    "docker.io/library/busybox@sha256:" + sha,
		"not a reference":                 "not a reference",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

const sha = "fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d"

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// caches is the base set: region cn-hangzhou unless said.
var caches = []Cache{
	{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Images: []string{"nginx:1.25", "redis:7"}, Size: 40, Ready: true, Created: t0},
	{Region: "cn-hangzhou", Name: "web-small", ID: "imc-small", Images: []string{"nginx:1.25"}, Size: 25, Ready: true, Created: t0},
	{Region: "cn-hangzhou", Name: "busy", ID: "imc-busy", Images: []string{"app:1", "app:2", "app:3"}, Size: 20, Ready: false, Status: "Updating", Created: t0},
	{Region: "cn-hangzhou", Name: "app-old", ID: "imc-old", Images: []string{"app:1", "sidecar:1"}, Size: 30, Ready: true, Created: t0},
	{Region: "cn-hangzhou", Name: "app-new", ID: "imc-new", Images: []string{"app:1", "sidecar:2"}, Size: 30, Ready: true, Created: t0.Add(time.Hour)},
	{Region: "cn-beijing", Name: "far", ID: "imc-far", Images: []string{"far:1"}, Size: 20, Ready: true, Created: t0},
}

func TestMatch(t *testing.T) {
	ix := NewIndex(caches)
	for _, tc := range []struct {
		name   string
		region string
		images []string
		ann    map[string]string
		want   Outcome
	}{
		{name: "full: the cache holding most images wins over a closer size", images: []string{"nginx:1.25", "redis:7"},
			want: Outcome{Result: Full, Cache: "web"}},
		{name: "equal count: the size closest to the pod's (30 GiB) wins", images: []string{"nginx:1.25"},
			want: Outcome{Result: Full, Cache: "web-small"}},
		{name: "extra storage moves the pod's size", images: []string{"nginx:1.25"}, ann: map[string]string{AnnotationExtraStorage: "20Gi"},
			want: Outcome{Result: Full, Cache: "web"}},
		{name: "equal count and size: the newest wins", images: []string{"app:1"},
			want: Outcome{Result: Full, Cache: "app-new"}},
		{name: "partial names the missing images", images: []string{"app:1", "sidecar:1", "other:1"},
			want: Outcome{Result: Partial, Cache: "app-old", Missing: []string{"docker.io/library/other:1"}}},
		{name: "none", images: []string{"other:1"},
			want: Outcome{Result: None, Missing: []string{"docker.io/library/other:1"}}},
		{name: "a cache not Ready is never chosen", images: []string{"app:2", "app:3"},
			want: Outcome{Result: None, Missing: []string{"docker.io/library/app:2", "docker.io/library/app:3"}}},
		{name: "caches of other regions do not count", images: []string{"far:1"},
			want: Outcome{Result: None, Missing: []string{"docker.io/library/far:1"}}},
		{name: "same region elsewhere", region: "cn-beijing", images: []string{"far:1"},
			want: Outcome{Result: Full, Cache: "far"}},
		{name: "auto-imc false: off", images: []string{"nginx:1.25"}, ann: map[string]string{AnnotationAutoIMC: "false"},
			want: Outcome{Result: Off}},
		{name: "named cache wins over auto-imc false and a better cache", images: []string{"nginx:1.25", "redis:7"},
			ann:  map[string]string{AnnotationIMCID: "imc-small", AnnotationAutoIMC: "false"},
			want: Outcome{Result: Partial, Cache: "web-small", Named: "imc-small", Missing: []string{"docker.io/library/redis:7"}}},
		{name: "legacy snapshot id names a cache", images: []string{"nginx:1.25"}, ann: map[string]string{AnnotationSnapshotID: "imc-web"},
			want: Outcome{Result: Full, Cache: "web", Named: "imc-web"}},
		{name: "named cache not live: missing", images: []string{"nginx:1.25"}, ann: map[string]string{AnnotationIMCID: "imc-gone"},
			want: Outcome{Result: Missing, Named: "imc-gone", Reason: "not live in cn-hangzhou"}},
		{name: "named cache not Ready: missing", images: []string{"app:1"}, ann: map[string]string{AnnotationIMCID: "imc-busy"},
			want: Outcome{Result: Missing, Named: "imc-busy", Cache: "busy", Reason: "busy is Updating, not Ready"}},
		{name: "perfect match: a cache short of one image does not count", images: []string{"nginx:1.25", "other:1"},
			ann:  map[string]string{AnnotationPerfectMatch: "true"},
			want: Outcome{Result: None, Missing: []string{"docker.io/library/nginx:1.25", "docker.io/library/other:1"}, Reason: "no Ready cache holds all its images, which imc-perfect-match requires"}},
		{name: "perfect match met", images: []string{"app:1", "sidecar:2"}, ann: map[string]string{AnnotationPerfectMatch: "true"},
			want: Outcome{Result: Full, Cache: "app-new"}},
		{name: "match count: 2 needed, 1 held", images: []string{"nginx:1.25", "other:1"}, ann: map[string]string{AnnotationMatchCount: "2"},
			want: Outcome{Result: None, Missing: []string{"docker.io/library/nginx:1.25", "docker.io/library/other:1"}, Reason: "no Ready cache holds 2 of its images, which imc-match-count-request requires"}},
		{name: "match count met: partial allowed", images: []string{"nginx:1.25", "redis:7", "other:1"}, ann: map[string]string{AnnotationMatchCount: "2"},
			want: Outcome{Result: Partial, Cache: "web", Missing: []string{"docker.io/library/other:1"}}},
		{name: "perfect match wins over match count", images: []string{"nginx:1.25", "redis:7", "other:1"},
			ann:  map[string]string{AnnotationMatchCount: "1", AnnotationPerfectMatch: "true"},
			want: Outcome{Result: None, Missing: []string{"docker.io/library/nginx:1.25", "docker.io/library/redis:7", "docker.io/library/other:1"}, Reason: "no Ready cache holds all its images, which imc-perfect-match requires"}},
		{name: "a digest matches only the same digest", images: []string{"nginx@sha256:" + sha},
			want: Outcome{Result: None, Missing: []string{"docker.io/library/nginx@sha256:" + sha}}},
		{name: "normalised: docker.io/library/nginx:1.25 is nginx:1.25", images: []string{"docker.io/library/nginx:1.25", "index.docker.io/library/redis:7"},
			want: Outcome{Result: Full, Cache: "web"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			region := tc.region
			if region == "" {
				region = "cn-hangzhou"
			}
			w := &workloads.Workload{Kind: "Deployment", Name: "w", Region: region, Annotations: tc.ann}
			for _, im := range tc.images {
				w.Images = append(w.Images, workloads.Image{Ref: im})
			}
			got := ix.Match(w, Images(w))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Match (-want +got):\n%s", d)
			}
		})
	}
}

func TestNotes(t *testing.T) {
	for _, tc := range []struct {
		images []workloads.Image
		want   []Note
	}{
		{[]workloads.Image{{Ref: "nginx:1.25", PullPolicy: "IfNotPresent"}}, nil},
		{[]workloads.Image{{Ref: "nginx:1.25", PullPolicy: "Always"}}, []Note{PullAlways}},
		{[]workloads.Image{{Ref: "nginx"}}, []Note{PullAlways}},
		{[]workloads.Image{{Ref: "nginx:latest", PullPolicy: "IfNotPresent"}}, nil},
		{[]workloads.Image{{Ref: "registry:5000/nginx"}}, []Note{PullAlways}},
		{[]workloads.Image{{Ref: "registry:5000/nginx:1"}}, nil},
		{[]workloads.Image{{Ref: "nginx@sha256:" + sha}, {Ref: "b@sha256:" + sha}}, []Note{Digest}},
		{[]workloads.Image{{Ref: "nginx@sha256:" + sha}, {Ref: "x:latest"}}, []Note{Digest, PullAlways}},
	} {
		w := &workloads.Workload{Images: tc.images}
		if got := Notes(w); !cmp.Equal(got, tc.want) {
			t.Errorf("Notes(%v) = %v, want %v", tc.images, got, tc.want)
		}
	}
}

func TestCompareWhy(t *testing.T) {
	w := []workloads.Workload{
		{Kind: "Deployment", Name: "cart", Region: "cn-hangzhou", File: "k8s.yaml", Line: 3, Images: []workloads.Image{{Ref: "cart:1"}}},
		{Kind: "Deployment", Name: "shop", Region: "cn-hangzhou", File: "k8s.yaml", Line: 9, Images: []workloads.Image{{Ref: "shop:1"}, {Ref: "redis:7"}}},
		{Kind: "Deployment", Name: "new", Region: "cn-hangzhou", File: "k8s.yaml", Line: 20, Images: []workloads.Image{{Ref: "new:1"}}},
	}
	before := []Cache{
		{Region: "cn-hangzhou", Name: "core", Images: []string{"cart:1", "shop:1"}, Size: 20, Ready: true},
		{Region: "cn-hangzhou", Name: "cache-redis", Images: []string{"redis:7"}, Size: 20, Ready: true},
	}
	after := []Cache{
		{Region: "cn-hangzhou", Name: "core", Images: []string{"shop:1", "redis:7"}, Size: 20, Ready: true},
		{Region: "cn-hangzhou", Name: "fresh", Images: []string{"new:1"}, Size: 20, Ready: true},
	}
	got := Compare(w, before, after)
	type short struct {
		Before, After Result
		Why           string
	}
	var gotShort []short
	for _, e := range got {
		gotShort = append(gotShort, short{e.Before, e.After, e.Why})
	}
	want := []short{
		{Full, None, "core drops its image"},
		{Partial, Full, "core holds its 2 images"},
		{None, Full, "fresh holds its image"},
	}
	if d := cmp.Diff(want, gotShort); d != "" {
		t.Errorf("Compare (-want +got):\n%s", d)
	}
	if s := Summarize(got).Line(); s != "3 workloads — 2 full, 1 none" {
		t.Errorf("summary line %q", s)
	}
}
