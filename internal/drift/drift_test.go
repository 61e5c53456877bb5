package drift

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/imcsync/imcsync/internal/cloud"
	"github.com/imcsync/imcsync/planner"
	"github.com/imcsync/imcsync/spec"
)

var now = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func p[T any](v T) *T { return &v }

// declared is one cache that live() matches exactly.
func declared() spec.Cache {
	return spec.Cache{Name: "web", Region: "cn-hangzhou", Images: []string{"nginx:1.25"}, Size: p[int32](20),
		Tags: map[string]string{"team": "web"}, SecurityGroupID: p("sg-1"), VSwitchID: p("vsw-1")}
}

func live() cloud.Cache {
	return cloud.Cache{Region: "cn-hangzhou", ID: "imc-web", Name: "web", Status: cloud.Ready, Size: 20,
		Images: []string{"nginx:1.25"},
		Tags:   map[string]string{"team": "web", spec.OwnerTag: "prod", spec.RecordTag: recordOf(declared())}}
}

// recordOf is the record tag the planner wants for c, so that live() starts in sync.
func recordOf(c spec.Cache) string {
	f := &spec.File{Owner: "prod", Region: c.Region, Caches: []spec.Cache{c}}
	plan := planner.Build(f, nil, planner.Options{})
	for _, b := range plan.Changes[0].Bookkeeping {
		if b.Tag == spec.RecordTag {
			return *b.After
		}
	}
	panic("no record")
}

// recordV1 is the record of c's security group and vSwitch as the older format v1
// wrote it: hex digests by position.
func recordV1(c spec.Cache) string {
	hexOf := func(key string) string {
		f, _ := spec.FieldByKey(key)
		b, _ := base64.RawURLEncoding.DecodeString(f.Digest(&c))
		return hex.EncodeToString(b)
	}
	return "v1." + hexOf("securityGroupId") + "." + hexOf("vSwitchId") + strings.Repeat(".-", 13)
}

// report plans the declared caches (owner "prod") against the live ones and builds
// the report with the default options.
func report(t *testing.T, desired []spec.Cache, lives []cloud.Cache, prune bool) Report {
	t.Helper()
	f := &spec.File{Owner: "prod", Region: "cn-hangzhou", Caches: desired}
	plan := planner.Build(f, lives, planner.Options{Prune: prune})
	return Build(plan, lives, now, DefaultOptions())
}

func TestDriftBuild(t *testing.T) {
	other := func(name, id, owner string, tags ...string) cloud.Cache {
		l := cloud.Cache{Region: "cn-hangzhou", ID: id, Name: name, Status: cloud.Ready, Size: 20, Images: []string{"a:1"},
			Tags: map[string]string{}}
		if owner != "" {
			l.Tags[spec.OwnerTag] = owner
		}
		for i := 0; i+1 < len(tags); i += 2 {
			l.Tags[tags[i]] = tags[i+1]
		}
		return l
	}
	tests := []struct {
		name          string
		mutateDesired func(*spec.Cache)
		mutateLive    func(*cloud.Cache)
		extraLive     []cloud.Cache
		prune         bool
		want          Report // lists only; the rest is filled in
		inSync        bool
	}{
		{name: "in sync", inSync: true},
		{
			name:       "read-back fields differ",
			mutateLive: func(l *cloud.Cache) { l.Size = 40; l.Images = []string{"nginx:1.24"} },
			want: Report{Drifted: []Drifted{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Ready",
				Action: planner.Update, Fields: []string{"images", "size"},
				Changes: []Diff{{Field: "images", Before: []any{"nginx:1.24"}, After: []any{"nginx:1.25"}}, {Field: "size", Before: int64(40), After: int64(20)}}}}},
		},
		{
			name: "tags are named per key; bookkeeping is not drift",
			mutateLive: func(l *cloud.Cache) {
				l.Tags["team"] = "api"
				l.Tags["extra"] = "x"
				delete(l.Tags, spec.OwnerTag)
			},
			want: Report{Drifted: []Drifted{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Ready",
				Action: planner.Update, Fields: []string{"tags.extra", "tags.team"},
				Changes: []Diff{{Field: "tags.extra", Before: "x"}, {Field: "tags.team", Before: "api", After: "web"}}}}},
		},
		{
			name:       "a busy cache's change is drift that apply makes once it is Ready",
			mutateLive: func(l *cloud.Cache) { l.Status = cloud.Updating; l.Size = 30 },
			want: Report{Drifted: []Drifted{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Updating",
				Action: planner.Update, WaitsFor: "Ready", Fields: []string{"size"},
				Changes: []Diff{{Field: "size", Before: int64(30), After: int64(20)}}}}},
		},
		{
			name: "a record in the older format and a missing owner tag are bookkeeping, not drift",
			mutateLive: func(l *cloud.Cache) {
				delete(l.Tags, spec.OwnerTag)
				l.Tags[spec.RecordTag] = recordV1(declared())
			},
			inSync: true,
		},
		{
			name:       "a cache adopted from the console (no record) is not drift",
			mutateLive: func(l *cloud.Cache) { delete(l.Tags, spec.RecordTag) },
			inSync:     true,
		},
		{
			name:       "updating for long with no difference is neither drifted nor unhealthy",
			mutateLive: func(l *cloud.Cache) { l.Status = cloud.Updating },
			inSync:     true,
		},
		{
			name:       "missing",
			mutateLive: func(l *cloud.Cache) { l.Name = "web-old"; delete(l.Tags, spec.OwnerTag) },
			want: Report{
				Missing: []Missing{{Region: "cn-hangzhou", Name: "web"}},
				Unmanaged: []Unmanaged{{Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "web-old", ID: "imc-web", Status: "Ready",
					ReasonCode: "not-owned", Reason: "not declared in the file and not owned by imcsync"}}},
			},
		},
		{
			name:          "missing and not creatable",
			mutateDesired: func(d *spec.Cache) { d.VSwitchID = nil },
			mutateLive:    func(l *cloud.Cache) { l.Region = "cn-shanghai" },
			want: Report{Missing: []Missing{{Region: "cn-hangzhou", Name: "web",
				ReasonCode: "missing-required", Reason: "creating a cache needs vSwitchId; set it on the cache or under defaults"}}},
		},
		{
			name:          "a pinned id that does not exist",
			mutateDesired: func(d *spec.Cache) { d.ID = "imc-gone" },
			want: Report{
				Missing: []Missing{{Region: "cn-hangzhou", Name: "web",
					ReasonCode: "pinned-id-missing", Reason: "pinned id imc-gone does not exist in cn-hangzhou; remove `id:` to create the cache, or fix the id"}},
				Unmanaged: []Unmanaged{{Owned: true, Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Ready", Owner: "prod",
					ReasonCode: "prune-not-set", Reason: `not declared; --prune would delete it (owner "prod")`}}},
			},
		},
		{
			name: "unmanaged caches of others and protected ones are listed, not counted",
			extraLive: []cloud.Cache{
				other("sandbox", "imc-sb", ""),
				other("ml", "imc-ml", "ml-team"),
				other("keep", "imc-keep", "prod", spec.PruneTag, "false"),
			},
			inSync: true,
			want: Report{Unmanaged: []Unmanaged{
				{Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "keep", ID: "imc-keep", Status: "Ready", Owner: "prod",
					ReasonCode: "protected", Reason: `not declared in the file; tag imcsync:prune="false" keeps it (only "true" allows pruning)`}},
				{Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "ml", ID: "imc-ml", Status: "Ready", Owner: "ml-team",
					ReasonCode: "owned-by-other", Reason: `not declared in the file; owned by "ml-team"`}},
				{Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "sandbox", ID: "imc-sb", Status: "Ready",
					ReasonCode: "not-owned", Reason: "not declared in the file and not owned by imcsync"}},
			}},
		},
		{
			name:      "an unmanaged cache of this owner is listed, not drift, without --prune (as plan does not count it)",
			inSync:    true,
			extraLive: []cloud.Cache{other("legacy", "imc-legacy", "prod")},
			want: Report{Unmanaged: []Unmanaged{{Owned: true, Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "legacy", ID: "imc-legacy", Status: "Ready",
				Owner: "prod", ReasonCode: "prune-not-set", Reason: `not declared; --prune would delete it (owner "prod")`}}}},
		},
		{
			name:      "a pruning plan's delete is an owned unmanaged cache, and drift",
			extraLive: []cloud.Cache{other("legacy", "imc-legacy", "prod")},
			prune:     true,
			want: Report{Prune: true, Unmanaged: []Unmanaged{{Owned: true, Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "legacy", ID: "imc-legacy", Status: "Ready",
				Owner: "prod", ReasonCode: "prune", Reason: `not declared; --prune deletes it (owner "prod")`}}}},
		},
		{
			name: "update failed, with the last warning",
			mutateLive: func(l *cloud.Cache) {
				l.Status = cloud.UpdateFailed
				l.Events = []cloud.Event{
					{Type: "Warning", Message: "old failure", LastTimestamp: now.Add(-2 * time.Hour)},
					{Type: "Warning", Message: "pull access denied", LastTimestamp: now.Add(-time.Hour)},
					{Type: "Normal", Message: "Updating", LastTimestamp: now.Add(-30 * time.Minute)},
				}
			},
			want: Report{Unhealthy: []Unhealthy{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "UpdateFailed",
				Message: "pull access denied"}}},
		},
		{
			name:       "failed and different: drifted (blocked) and unhealthy",
			mutateLive: func(l *cloud.Cache) { l.Status = cloud.Failed; l.Size = 10 },
			want: Report{
				Drifted: []Drifted{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Failed", Action: planner.Blocked,
					Fields: []string{"size"}, Changes: []Diff{{Field: "size", Before: int64(10), After: int64(20)}},
					ReasonCode: "failed", Reason: "status Failed: its creation failed and imcsync never updates a Failed cache; re-create it with `imcsync apply --replace web`"}},
				Unhealthy: []Unhealthy{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Failed"}},
			},
		},
		{
			name:       "expires within the window",
			mutateLive: func(l *cloud.Cache) { l.ExpireDateTime = now.Add(36 * time.Hour) },
			want: Report{Expiring: []Expiring{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Ready",
				ExpiresAt: now.Add(36 * time.Hour), ExpiresInSeconds: 36 * 3600}}},
			inSync: true, // reported, not drift: plan has nothing to change
		},
		{
			name:       "already expired",
			mutateLive: func(l *cloud.Cache) { l.ExpireDateTime = now.Add(-time.Minute) },
			want: Report{Expiring: []Expiring{{Region: "cn-hangzhou", Name: "web", ID: "imc-web", Status: "Ready",
				ExpiresAt: now.Add(-time.Minute), ExpiresInSeconds: -60}}},
			inSync: true,
		},
		{
			name:       "expires after the window",
			mutateLive: func(l *cloud.Cache) { l.ExpireDateTime = now.Add(DefaultExpiringWithin) },
			inSync:     true,
		},
		{
			name: "an unmanaged cache's health is not this file's concern",
			extraLive: []cloud.Cache{func() cloud.Cache {
				l := other("sb", "imc-sb", "")
				l.Status = cloud.Failed
				l.ExpireDateTime = now
				return l
			}()},
			inSync: true,
			want: Report{Unmanaged: []Unmanaged{{Unmanaged: planner.Unmanaged{Region: "cn-hangzhou", Name: "sb", ID: "imc-sb", Status: "Failed",
				ReasonCode: "not-owned", Reason: "not declared in the file and not owned by imcsync"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, l := declared(), live()
			if tt.mutateDesired != nil {
				tt.mutateDesired(&d)
			}
			if tt.mutateLive != nil {
				tt.mutateLive(&l)
			}
			got := report(t, []spec.Cache{d}, append([]cloud.Cache{l}, tt.extraLive...), tt.prune)

			want := tt.want
			want.FormatVersion, want.CheckedAt, want.Owner = FormatVersion, now, "prod"
			want.Drifted = orEmpty(want.Drifted)
			want.Missing = orEmpty(want.Missing)
			want.Unmanaged = orEmpty(want.Unmanaged)
			want.Unhealthy = orEmpty(want.Unhealthy)
			want.Expiring = orEmpty(want.Expiring)
			want.Summary = got.Summary // checked separately below
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
			owned := 0
			for _, u := range got.Unmanaged {
				if u.Owned {
					owned++
				}
			}
			wantSummary := Summary{Checked: 1, Drifted: len(want.Drifted), Missing: len(want.Missing), Unhealthy: len(want.Unhealthy),
				Expiring: len(want.Expiring), Unmanaged: len(want.Unmanaged), UnmanagedOwned: owned}
			if diff := cmp.Diff(wantSummary, got.Summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			if got.InSync() != tt.inSync {
				t.Errorf("InSync() = %v, want %v", got.InSync(), tt.inSync)
			}
		})
	}
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func TestDriftBuildSortsEveryList(t *testing.T) {
	var desired []spec.Cache
	var lives []cloud.Cache
	// Declared in reverse order; every cache drifted, unhealthy and expiring.
	for _, rn := range []string{"cn-shanghai/b", "cn-shanghai/a", "cn-hangzhou/z", "cn-hangzhou/a"} {
		region, name, _ := strings.Cut(rn, "/")
		d := declared()
		d.Region, d.Name = region, name
		desired = append(desired, d)
		l := live()
		l.Region, l.Name, l.ID = region, name, "imc-"+region+name
		l.Size, l.Status, l.ExpireDateTime = 99, cloud.UpdateFailed, now
		lives = append(lives, l)
		orphan := l
		orphan.Name, orphan.ID = "old-"+name, "imc-old"+region+name
		lives = append(lives, orphan)
	}
	missing := declared()
	missing.Region, missing.Name = "cn-beijing", "m"
	desired = append(desired, missing)
	r := report(t, desired, lives, false)

	want := []string{"cn-hangzhou/a", "cn-hangzhou/z", "cn-shanghai/a", "cn-shanghai/b"}
	names := func(n int, at func(int) (string, string)) []string {
		out := make([]string, n)
		for i := range out {
			region, name := at(i)
			out[i] = region + "/" + name
		}
		return out
	}
	for list, got := range map[string][]string{
		"drifted":   names(len(r.Drifted), func(i int) (string, string) { return r.Drifted[i].Region, r.Drifted[i].Name }),
		"unhealthy": names(len(r.Unhealthy), func(i int) (string, string) { return r.Unhealthy[i].Region, r.Unhealthy[i].Name }),
		"expiring":  names(len(r.Expiring), func(i int) (string, string) { return r.Expiring[i].Region, r.Expiring[i].Name }),
	} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s order (-want +got):\n%s", list, diff)
		}
	}
	gotUnmanaged := names(len(r.Unmanaged), func(i int) (string, string) { return r.Unmanaged[i].Region, r.Unmanaged[i].Name })
	wantUnmanaged := []string{"cn-hangzhou/old-a", "cn-hangzhou/old-z", "cn-shanghai/old-a", "cn-shanghai/old-b"}
	if diff := cmp.Diff(wantUnmanaged, gotUnmanaged); diff != "" {
		t.Errorf("unmanaged order (-want +got):\n%s", diff)
	}
	if r.Summary.Checked != 5 || r.Summary.Missing != 1 || r.Summary.UnmanagedOwned != 4 {
		t.Errorf("summary %+v, want 5 checked, 1 missing, 4 unmanaged owned", r.Summary)
	}
}

func TestDriftExpiringWithin(t *testing.T) {
	l := live()
	l.ExpireDateTime = now.Add(2 * time.Hour)
	plan := planner.Build(&spec.File{Owner: "prod", Region: "cn-hangzhou", Caches: []spec.Cache{declared()}},
		[]cloud.Cache{l}, planner.Options{})
	for _, tt := range []struct {
		within time.Duration
		want   int
	}{{0, 0}, {time.Hour, 0}, {2*time.Hour + time.Second, 1}, {DefaultExpiringWithin, 1}} {
		r := Build(plan, []cloud.Cache{l}, now, Options{ExpiringWithin: tt.within})
		if len(r.Expiring) != tt.want {
			t.Errorf("ExpiringWithin %v: %d expiring, want %d", tt.within, len(r.Expiring), tt.want)
		}
		if tt.want == 1 && r.Expiring[0].ExpiresIn() != 2*time.Hour {
			t.Errorf("ExpiresIn() = %v, want 2h", r.Expiring[0].ExpiresIn())
		}
	}
}

func TestDriftReportJSON(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(*cloud.Cache)
		inSync bool
	}{
		{"in sync", nil, true},
		{"drifted", func(l *cloud.Cache) { l.Size = 1 }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := live()
			if tt.mutate != nil {
				tt.mutate(&l)
			}
			b, err := json.Marshal(report(t, []spec.Cache{declared()}, []cloud.Cache{l}, false))
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got["in_sync"] != tt.inSync {
				t.Errorf("in_sync = %v, want %v in %s", got["in_sync"], tt.inSync, b)
			}
			for _, key := range []string{"drifted", "missing", "unmanaged", "unhealthy", "expiring"} {
				if _, ok := got[key].([]any); !ok {
					t.Errorf("%q is %v, want a list in %s", key, got[key], b)
				}
			}
			if got["checked_at"] != now.Format(time.RFC3339) || got["format_version"] != FormatVersion {
				t.Errorf("checked_at/format_version wrong in %s", b)
			}
			var back Report
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back.InSync() != tt.inSync {
				t.Errorf("decoded report: InSync() = %v, want %v", back.InSync(), tt.inSync)
			}
		})
	}
}

// TestDriftOfAPlanReadFromAFile: a plan read back from its JSON names changed tags per
// key, as a fresh one does.
func TestDriftOfAPlanReadFromAFile(t *testing.T) {
	d := declared()
	d.Tags = map[string]string{"team": "api"}
	f := &spec.File{Owner: "prod", Region: "cn-hangzhou", Caches: []spec.Cache{d}}
	lives := []cloud.Cache{live()}
	fresh := planner.Build(f, lives, planner.Options{})
	b, err := json.Marshal(fresh)
	if err != nil {
		t.Fatal(err)
	}
	var read planner.Plan
	if err := json.Unmarshal(b, &read); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*planner.Plan{"fresh": fresh, "read": &read} {
		r := Build(p, lives, now, DefaultOptions())
		if len(r.Drifted) != 1 || !slices.Equal(r.Drifted[0].Fields, []string{"tags.team"}) {
			t.Errorf("%s plan: drifted %+v, want tags.team", name, r.Drifted)
		}
	}
}
